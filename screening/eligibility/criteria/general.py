"""General inclusion criteria INC-01 … INC-11 (checklist: General inclusion)."""

from datetime import timedelta

from screening.calculators.dates import add_months, age_on
from screening.calculators.renal import cockcroft_gault
from screening.calculators.units import WEIGHT_TO_KG, UnitError, convert
from screening.vocabulary import INDICATIONS

from .. import protocol as P
from ..messages import Message, _, join
from ..results import Evidence, Status
from .common import (
    answer,
    answer_evidence,
    code_word,
    fmt,
    judged,
    no_to,
    num,
    on,
    record_value,
    require_record,
    require_scr,
    value,
    yes_to,
)
from .courses import event_label, events_in
from .labs import (
    lab_at_least,
    lab_uln_at_most,
    require_screening_window,
    screening_lab,
    screening_rows,
    screening_window_evidence,
)
from .table import EVENTS_COMPLETE, GENERAL, registrar
from .verdicts import (
    BadData,
    MissingData,
    all_of,
    failed,
    incomplete,
    not_applicable,
    passed,
    with_evidence,
)

CRITERIA: list = []
criterion = registrar(CRITERIA, GENERAL)


@criterion("INC-01", _("Age {age_min}–{age_max}", age_min=P.AGE_MIN, age_max=P.AGE_MAX))
def age(snapshot, ctx):
    dob = require_record(snapshot, "date_of_birth", _("The date of birth"))
    scr = require_scr(ctx)
    years = age_on(dob, scr)
    ev = (Evidence(_("Age on SCR"), years, _("years"), scr), Evidence(_("Date of birth"), fmt(dob)),
          Evidence(_("Allowed"), f"{P.AGE_MIN}–{P.AGE_MAX}", _("years")))
    if P.AGE_MIN <= years <= P.AGE_MAX:
        return passed(_("Age {years} on {scr} is within {age_min}–{age_max}.",
                        years=years, scr=fmt(scr), age_min=P.AGE_MIN, age_max=P.AGE_MAX), *ev)
    return failed(_("Age {years} on {scr} is outside {age_min}–{age_max}.",
                    years=years, scr=fmt(scr), age_min=P.AGE_MIN, age_max=P.AGE_MAX), *ev)


@criterion("INC-02", _("One target indication"))
def indication(snapshot, ctx):
    code = ctx.indication
    if code is None:
        return incomplete(_("No target indication is selected."), "record.indication")
    if code not in INDICATIONS:
        return incomplete(_("Unknown indication code {code}.", code=repr(code)), "record.indication")
    return passed(_("Target indication: {indication}.", indication=Message(INDICATIONS[code])),
                  Evidence(_("Indication"), code))


@criterion("INC-03", _("Expected survival > 6 months"))
def survival(snapshot, ctx):
    return judged(snapshot, "survival_over_6_months", _("expected survival > 6 months"), good=True)


@criterion("INC-04a", _("Haemoglobin ≥ {hb_min_g_l} g/L", hb_min_g_l=P.HB_MIN_G_L))
def haemoglobin(snapshot, ctx):
    return lab_at_least(snapshot, ctx, "hb", P.HB_MIN_G_L, "g/L")


@criterion("INC-04b", _("Neutrophils ≥ {anc_min} × 10⁹/L", anc_min=P.ANC_MIN))
def neutrophils(snapshot, ctx):
    return lab_at_least(snapshot, ctx, "anc", P.ANC_MIN, "×10⁹/L")


@criterion("INC-04c", _("Platelets ≥ {plt_min} × 10⁹/L", plt_min=P.PLT_MIN))
def platelets(snapshot, ctx):
    return lab_at_least(snapshot, ctx, "plt", P.PLT_MIN, "×10⁹/L")


@criterion("INC-04d", _("No transfusion or growth factor in the {cbc_support_window_days} days before the blood count",
                        cbc_support_window_days=P.CBC_SUPPORT_WINDOW_DAYS),
           complete=[EVENTS_COMPLETE])
def no_marrow_support(snapshot, ctx):
    require_screening_window(ctx)
    samples, gaps = {}, []
    for analyte in P.CBC_ANALYTES:
        rows = screening_rows(snapshot, ctx, analyte)
        if rows:
            samples.setdefault(rows[-1]["sample_date"], []).append(analyte)
        else:
            gaps.append(f"labs.{analyte}")
    ev = [Evidence(_("Blood count sample"), ", ".join(a), date=d) for d, a in sorted(samples.items())]
    for day in sorted(samples):
        hits = events_in(snapshot, P.CBC_SUPPORT_EVENTS, day - timedelta(days=P.CBC_SUPPORT_WINDOW_DAYS), day)
        if hits:
            ev += [Evidence(event_label(e), fmt(e["start_date"]), date=e["start_date"]) for e in hits]
            first = hits[0]
            return failed(
                _("{event_label} on {start_date} is within {cbc_support_window_days} days before the "
                  "blood count sample of {day}.",
                  event_label=event_label(first), start_date=fmt(first["start_date"]),
                  cbc_support_window_days=P.CBC_SUPPORT_WINDOW_DAYS, day=fmt(day)), *ev)
    if gaps:
        return incomplete(_("No screening blood count sample for {paths}.", paths=", ".join(gaps)), gaps, *ev)
    return passed(
        _("No transfusion or growth factor on the blood count sample date or in the "
          "{cbc_support_window_days} days before it.",
          cbc_support_window_days=P.CBC_SUPPORT_WINDOW_DAYS), *ev)


@criterion("INC-04e", _("Adequate coagulation (investigator)"), note=P.INC_04E_NOTE)
def coagulation(snapshot, ctx):
    require_screening_window(ctx)
    labs, problems = {}, {}
    for analyte in P.COAGULATION_ANALYTES:
        try:
            labs[analyte] = screening_lab(snapshot, ctx, analyte)
        except MissingData as gap:
            problems[analyte] = gap.reason
    ev = [lab.evidence() for lab in labs.values()]
    verdict = judged(snapshot, "coagulation_adequate", _("coagulation function adequate"), good=True, evidence=ev)
    needed = [] if labs.keys() & {"pt", "inr"} else ["pt", "inr"]
    needed += [] if "aptt" in labs else ["aptt"]
    if needed and verdict.status != Status.FAIL:
        # The investigator's confirmation rests on PT/INR and APTT: both must be on file.
        extra = list(verdict.missing) if verdict.status == Status.AWAITING_INVESTIGATOR else []
        reasons = join(problems[a] for a in needed)
        return incomplete(_("{reasons} PT or INR, and APTT, are needed as evidence.", reasons=reasons),
                          [f"labs.{a}" for a in needed] + extra, *verdict.evidence)
    return verdict


@criterion("INC-05a", _("Creatinine clearance ≥ {crcl_min} mL/min without hydration", crcl_min=P.CRCL_MIN))
def creatinine_clearance(snapshot, ctx):
    require_scr(ctx)
    hydration = answer(snapshot, "organ", "crcl_hydration")
    measured = screening_rows(snapshot, ctx, "crcl_measured")
    hydration_ev = answer_evidence(_("IV hydration before the clearance sample"), hydration)
    if measured and hydration is None:
        return incomplete(
            _("A measured creatinine clearance is recorded but whether IV hydration preceded it is not answered."),
            "organ.crcl_hydration", hydration_ev)
    if measured and hydration is False:
        lab = screening_lab(snapshot, ctx, "crcl_measured")
        crcl, method, ev = lab.value, _("measured (24-hour urine)"), [lab.evidence()]
    else:
        crcl, ev = _cockcroft_gault_without_hydration(snapshot, ctx)
        method = "Cockcroft–Gault"
        if measured:
            ev.append(Evidence(_("Measured clearance"), _("not used"), note=_("taken after IV hydration")))
    ev += [hydration_ev, Evidence(_("Threshold"), f"≥ {P.CRCL_MIN}", "mL/min")]
    text = _("Creatinine clearance ({method}) {crcl} mL/min", method=method, crcl=fmt(crcl, 1))
    if crcl >= P.CRCL_MIN:
        return passed(_("{text} is at least {crcl_min} mL/min.", text=text, crcl_min=P.CRCL_MIN), *ev)
    return failed(_("{text} is below {crcl_min} mL/min.", text=text, crcl_min=P.CRCL_MIN), *ev)


def _cockcroft_gault(snapshot, ctx):
    """CrCl from age on the creatinine sample date, sex, actual weight and creatinine."""
    gaps, reasons = [], []
    dob, sex = record_value(snapshot, "date_of_birth"), record_value(snapshot, "sex")
    weight, weight_ev = body_weight_kg(snapshot)
    for path, datum in (("record.date_of_birth", dob), ("record.sex", sex)):
        if datum is None:
            gaps.append(path)
    if weight is None:
        gaps.append("organ.weight" if value(snapshot, "organ", "weight") is None else "organ.weight_unit")
    lab = None
    try:
        lab = screening_lab(snapshot, ctx, "creatinine")
    except MissingData as gap:
        gaps += list(gap.paths)
        reasons.append(gap.reason)
    if gaps:
        raise MissingData(join([*reasons, _("Cockcroft–Gault needs date of birth, sex, weight and creatinine.")]),
                          *gaps)
    years = age_on(dob, lab.day)
    crcl = cockcroft_gault(years, weight, sex, lab.value, "umol/L")  # canonical: any unit the lab printed
    ev = [Evidence(_("Cockcroft–Gault CrCl"), num(crcl, 1), "mL/min", lab.day), lab.evidence(),
          Evidence(_("Age on the sample date"), years, _("years")), Evidence(_("Sex"), sex),
          weight_ev]
    return crcl, ev


def _cockcroft_gault_without_hydration(snapshot, ctx):
    """Cockcroft–Gault for INC-05a, which counts a clearance "without hydration": a serum creatinine
    drawn after IV hydration reads low, so it cannot be used (organ.creatinine_hydration)."""
    hydrated = answer(snapshot, "organ", "creatinine_hydration")
    hydration_ev = answer_evidence(_("IV hydration before the serum creatinine sample"), hydrated)
    if hydrated is True:
        raise MissingData(
            _("The serum creatinine sample was drawn after IV hydration: Cockcroft–Gault needs a sample without "
              "hydration."), "labs.creatinine", "organ.creatinine_hydration", evidence=[hydration_ev])
    unanswered = _("Whether IV hydration preceded the serum creatinine sample is not answered.")
    try:
        crcl, ev = _cockcroft_gault(snapshot, ctx)
    except MissingData as gap:
        if hydrated is None:
            raise MissingData(join([gap.reason, unanswered]), *gap.paths, "organ.creatinine_hydration",
                              evidence=[*gap.evidence, hydration_ev]) from gap
        raise
    if hydrated is None:
        raise MissingData(unanswered, "organ.creatinine_hydration", evidence=[*ev, hydration_ev])
    return crcl, [*ev, hydration_ev]


def body_weight_kg(snapshot):
    """(the actual body weight in kg, its evidence), from the weight as printed and its unit;
    (None, None) when either is missing."""
    weight, unit = value(snapshot, "organ", "weight"), value(snapshot, "organ", "weight_unit")
    if weight is None or not unit:
        return None, None
    try:
        kg = convert(weight, unit, WEIGHT_TO_KG, "body weight")
    except (UnitError, ValueError) as error:
        raise BadData(_("The body weight cannot be used: {error}.", error=str(error)), "organ.weight_unit") from None
    note = "" if unit == "kg" else _("reported as {weight} {unit} (× {factor})", weight=fmt(weight), unit=unit,
                                           factor=WEIGHT_TO_KG[unit])
    return kg, Evidence(_("Actual body weight"), num(kg), "kg", note=note)


@criterion("INC-05b", _("Serum creatinine ≤ {creatinine_max_uln} × ULN",
                        creatinine_max_uln=P.CREATININE_MAX_ULN))
def creatinine(snapshot, ctx):
    return lab_uln_at_most(snapshot, ctx, "creatinine", P.CREATININE_MAX_ULN)


@criterion("INC-06a", _("ALT ≤ {alt_max_uln} × ULN", alt_max_uln=P.ALT_MAX_ULN))
def alt(snapshot, ctx):
    return lab_uln_at_most(snapshot, ctx, "alt", P.ALT_MAX_ULN)


@criterion("INC-06b", _("AST ≤ {ast_max_uln} × ULN", ast_max_uln=P.AST_MAX_ULN))
def ast(snapshot, ctx):
    return lab_uln_at_most(snapshot, ctx, "ast", P.AST_MAX_ULN)


@criterion("INC-06c", _("Total bilirubin ≤ {tbil_max_uln} × ULN", tbil_max_uln=P.TBIL_MAX_ULN))
def bilirubin(snapshot, ctx):
    return lab_uln_at_most(snapshot, ctx, "tbil", P.TBIL_MAX_ULN)


# xgettext:no-python-format ("% o" is the text, not a directive)
@criterion("INC-07a", _("SpO₂ ≥ {spo2_min} % on room air", spo2_min=P.SPO2_MIN))
def oxygen_saturation(snapshot, ctx):
    if answer(snapshot, "organ", "spo2_not_done"):
        return incomplete(_("SpO₂ on room air was not done."), "organ.spo2_room_air")
    spo2 = value(snapshot, "organ", "spo2_room_air")
    if spo2 is None:
        return incomplete(_("SpO₂ on room air is not recorded."), "organ.spo2_room_air")
    ev = (Evidence(_("SpO₂ on room air"), num(spo2), "%"), Evidence(_("Threshold"), f"≥ {P.SPO2_MIN}", "%"))
    if spo2 >= P.SPO2_MIN:
        return passed(_("SpO₂ {spo2} % on room air is at least {spo2_min} %.",
                        spo2=fmt(spo2), spo2_min=P.SPO2_MIN), *ev)
    return failed(_("SpO₂ {spo2} % on room air is below {spo2_min} %.", spo2=fmt(spo2), spo2_min=P.SPO2_MIN), *ev)


@criterion("INC-07b", _("No clinically significant pleural effusion"))
def pleural_effusion(snapshot, ctx):
    return no_to(snapshot, "organ", "pleural_effusion", _("Clinically significant pleural effusion"))


@criterion("INC-08a", _("LVEF ≥ {lvef_min} %", lvef_min=P.LVEF_MIN))
def lvef(snapshot, ctx):
    ef = value(snapshot, "organ", "lvef")
    if ef is None:
        return incomplete(_("LVEF is not recorded."), "organ.lvef")
    echo = value(snapshot, "organ", "echo_date")
    ev = (Evidence(_("LVEF"), num(ef), "%", echo), Evidence(_("Threshold"), f"≥ {P.LVEF_MIN}", "%"))
    if ef >= P.LVEF_MIN:
        return passed(_("LVEF {ef} %{on_echo} is at least {lvef_min} %.",
                        ef=fmt(ef), on_echo=on(echo), lvef_min=P.LVEF_MIN), *ev)
    return failed(_("LVEF {ef} %{on_echo} is below {lvef_min} %.",
                    ef=fmt(ef), on_echo=on(echo), lvef_min=P.LVEF_MIN), *ev)


@criterion("INC-08b", _("No clinically significant pericardial effusion"))
def pericardial_effusion(snapshot, ctx):
    return no_to(snapshot, "organ", "pericardial_effusion", _("Clinically significant pericardial effusion"))


@criterion("INC-08c", _("No clinically significant ECG abnormality"))
def ecg(snapshot, ctx):
    return no_to(snapshot, "organ", "ecg_abnormality", _("Clinically significant ECG abnormality"))


def childbearing_potential(snapshot, ctx):
    """(True / False / None, why, evidence, missing) for a female subject."""
    sterile = answer(snapshot, "reproductive", "surgically_sterile")
    post = answer(snapshot, "reproductive", "postmenopausal")
    lmp = value(snapshot, "reproductive", "last_menstrual_period")
    ev = [answer_evidence(_("Surgically sterilised"), sterile), answer_evidence(_("Postmenopausal"), post)]
    if lmp is not None:
        ev.append(Evidence(_("Last menstrual period"), fmt(lmp), date=lmp))
    if sterile is True:
        return False, _("surgically sterilised"), ev, ()
    long_enough = None
    if post is True and lmp is not None:
        cutoff = add_months(require_scr(ctx), -P.POSTMENOPAUSE_MONTHS)
        ev.append(Evidence(_("Postmenopausal counts from"), _("LMP on or before {cutoff}", cutoff=fmt(cutoff))))
        long_enough = lmp <= cutoff
        if long_enough:
            return False, _("postmenopausal for at least {postmenopause_months} months",
                            postmenopause_months=P.POSTMENOPAUSE_MONTHS), ev, ()
    gaps = []
    if sterile is None:
        gaps.append("reproductive.surgically_sterile")
    if post is None:
        gaps.append("reproductive.postmenopausal")
    elif post is True and lmp is None:
        gaps.append("reproductive.last_menstrual_period")
    if gaps:
        return None, _("childbearing potential cannot be determined"), ev, tuple(gaps)
    if long_enough is False:
        why = _("postmenopausal for less than {postmenopause_months} months",
                postmenopause_months=P.POSTMENOPAUSE_MONTHS)
    else:
        why = _("not sterilised or postmenopausal")
    return True, why, ev, ()


def _reproductive_status(snapshot, ctx):
    """(applies: bool, verdict_if_not) for INC-09/INC-10 women."""
    potential, why, ev, gaps = childbearing_potential(snapshot, ctx)
    if potential is None:
        return None, incomplete(_("Childbearing potential cannot be determined."), gaps, *ev), ev
    if potential is False:
        return False, not_applicable(_("Not of childbearing potential ({why}).", why=why), *ev), ev
    return True, None, ev + [Evidence(_("Childbearing potential"), _("yes"), note=why)]


@criterion("INC-09", _("Negative serum pregnancy test (women of childbearing potential)"))
def pregnancy_test(snapshot, ctx):
    sex = require_record(snapshot, "sex", _("Sex"))
    if sex == "M":
        return not_applicable(_("Male subject."))
    applies, verdict, ev = _reproductive_status(snapshot, ctx)
    if not applies:
        return verdict
    result = value(snapshot, "reproductive", "pregnancy_test")
    day = value(snapshot, "reproductive", "pregnancy_test_date")
    if day is not None:
        ev.append(Evidence(_("Serum pregnancy test"), code_word(result) or _("not recorded"), date=day))
    if result is None:
        return incomplete(_("The serum pregnancy test result is not recorded."), "reproductive.pregnancy_test", *ev)
    if day is None:
        return incomplete(_("The serum pregnancy test date is not recorded."), "reproductive.pregnancy_test_date", *ev)
    require_screening_window(ctx)
    if not ctx.in_screening_window(day):
        # Only a test taken during screening counts, either way.
        return incomplete(_("The serum pregnancy test of {day} was not taken during screening.", day=fmt(day)),
                          "reproductive.pregnancy_test_date", *ev, screening_window_evidence(ctx))
    if result == "positive":
        return failed(_("Serum pregnancy test on {day} is positive.", day=fmt(day)), *ev)
    if result == "negative":
        return passed(_("Serum pregnancy test on {day} is negative.", day=fmt(day)), *ev)
    return incomplete(_("Unexpected pregnancy test result {result}.", result=repr(result)),
                      "reproductive.pregnancy_test", *ev)


@criterion("INC-10", _("Contraception and no gamete donation for 1 year after treatment"))
def contraception(snapshot, ctx):
    sex = require_record(snapshot, "sex", _("Sex"))
    ev = [Evidence(_("Sex"), sex)]
    if sex != "M":
        applies, verdict, extra = _reproductive_status(snapshot, ctx)
        if not applies:
            return verdict
        ev += extra
    verdict = all_of([
        yes_to(snapshot, "reproductive", "contraception_agreed",
               _("Agrees to highly effective contraception until 1 year after the last study treatment")),
        yes_to(snapshot, "reproductive", "gamete_donation_refrained",
               _("Agrees not to donate eggs or sperm for that year")),
    ])
    return with_evidence(verdict, *ev, first=True)


@criterion("INC-11", _("Signed informed consent on or before SCR"))
def consent(snapshot, ctx):
    scr = require_scr(ctx)
    gaps = []
    if ctx.consent is None:
        gaps.append("record.consent_date")
    version = record_value(snapshot, "consent_version")
    if version is None:
        gaps.append("record.consent_version")
    ev = (Evidence(_("Consent date"), fmt(ctx.consent) if ctx.consent else _("not recorded"), date=ctx.consent),
          Evidence(_("Consent form version"), version or _("not recorded")), Evidence(_("SCR"), fmt(scr), date=scr))
    if ctx.consent is not None and ctx.consent > scr:
        return failed(_("Consent dated {consent} is after the screening date {scr}.",
                        consent=fmt(ctx.consent), scr=fmt(scr)), *ev)
    if gaps:
        items = join([CONSENT_ITEMS[p] for p in gaps], sep=_(" and "))
        return incomplete(_("Informed consent: {items} not recorded.", items=items), gaps, *ev)
    return passed(_("Consent {version} signed on {consent}, on or before SCR {scr}.",
                    version=version, consent=fmt(ctx.consent), scr=fmt(scr)), *ev)


CONSENT_ITEMS = {"record.consent_date": _("consent date"), "record.consent_version": _("consent version")}
