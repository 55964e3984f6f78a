"""IIM inclusion criteria INC-IIM-01 … 04."""

from screening.calculators.dates import age_on
from screening.calculators.iim import (
    AGE_AT_ONSET,
    IIM_2017_ITEMS,
    iim_score,
    suggested_subclass,
)
from screening.calculators.mmt8 import MMT8_GROUPS, mmt8_total
from screening.calculators.units import VAS_TO_CM, UnitError, convert
from screening.vocabulary import GLUCOCORTICOID, IMMUNOSUPPRESSANT

from .. import protocol as P
from ..messages import Message, _, join
from ..results import Evidence
from .common import answer, fmt, num, pct, record_value, require_scr, value
from .courses import drug_identity, lasting_courses, longest
from .labs import dated_in_screening, screening_lab
from .scoring import at_least_n, score_at_most
from .table import registrar
from .verdicts import MissingData, all_of, attempt, failed, incomplete, passed

CRITERIA: list = []
criterion = registrar(CRITERIA, "IIM")
BIOPSY_ITEMS = tuple(code for code, item in IIM_2017_ITEMS.items() if item[1] is None)


def age_at_onset(snapshot):
    """(age, missing paths): completed years on the date of the first symptom."""
    onset = value(snapshot, "iim", "symptom_onset_date")
    dob = record_value(snapshot, "date_of_birth")
    gaps = [p for p, d in (("iim.symptom_onset_date", onset), ("record.date_of_birth", dob)) if d is None]
    return (None, gaps) if gaps else (age_on(dob, onset), [])


@criterion("INC-IIM-01", _("2017 EULAR/ACR probability ≥ {pct}; subclass DM, PM or IMNM",
                           pct=pct(P.IIM_PROBABILITY_MIN)))
def classification(snapshot, ctx):
    return all_of([attempt(_probability, snapshot), _subclass(snapshot)])


def _probability(snapshot):
    biopsy = answer(snapshot, "iim", "biopsy_done")
    if biopsy is None:
        raise MissingData(_("Whether a muscle biopsy is available is not answered."), "iim.biopsy_done")
    age, age_gaps = age_at_onset(snapshot)
    # Without a biopsy the biopsy features do not score (the calculator rejects them).
    items = {code: answer(snapshot, "iim", f"eular_{code}") for code in IIM_2017_ITEMS
             if biopsy or code not in BIOPSY_ITEMS}
    score = iim_score(age, items, biopsy)
    missing = []
    for code in score.unanswered:
        missing += age_gaps if code == AGE_AT_ONSET else [f"iim.eular_{code}"]
    return probability_verdict(score, missing)


def probability_verdict(score, missing=()):
    """PASS when the probability by the logistic formula reaches 55 %; FAIL when it
    cannot even with every unanswered item present."""
    threshold = P.IIM_PROBABILITY_MIN
    ev = [Evidence(_("2017 EULAR/ACR score"), num(score.score, 2), _("points"),
                   note=_("with muscle biopsy") if score.biopsy else _("without muscle biopsy")),
          Evidence(_("Probability of IIM"), pct(score.probability)),
          Evidence(_("Threshold"), f"≥ {pct(threshold)}", note=_("logistic formula, not the rounded score bands"))]
    if score.unanswered:
        ev.insert(2, Evidence(_("Probability if every unanswered item were present"), pct(score.max_probability)))
    text = _("2017 EULAR/ACR score {score} gives an IIM probability of {pct}",
             score=fmt(score.score, 2), pct=pct(score.probability))
    if score.probability >= threshold:
        return passed(_("{text}, at least {pct}.", text=text, pct=pct(threshold)), *ev)
    if score.max_probability < threshold:
        return failed(_("{text}, below {pct}.", text=text, pct=pct(threshold)), *ev)
    return incomplete(_("{text} so far; up to {pct} with the unanswered items.",
                        text=text, pct=pct(score.max_probability)),
                      list(missing), *ev)


def _subclass(snapshot):
    code = value(snapshot, "iim", "subclass")
    ev = [Evidence(_("Subclass (investigator)"), code or _("not recorded"))]
    suggestion = _tree_suggestion(snapshot)
    if suggestion:
        ev.append(Evidence(_("2017 tree suggestion"), suggestion, note=_("shown beside the investigator's subclass")))
    if code is None:
        return incomplete(_("The IIM subclass is not recorded."), "iim.subclass", *ev)
    if code in P.IIM_SUBCLASSES:
        return passed(_("Subclass {code}.", code=code), *ev)
    return failed(_("Subclass {code} does not qualify (DM, PM or IMNM only).", code=code), *ev)


def _tree_suggestion(snapshot):
    try:
        age, _gaps = age_at_onset(snapshot)
        if age is None:
            return None
        items = {code: answer(snapshot, "iim", f"eular_{code}") for code in IIM_2017_ITEMS}
        return suggested_subclass(age, items, answer(snapshot, "iim", "finger_flexor_weakness"),
                                  answer(snapshot, "iim", "treatment_response"))
    except ValueError:
        return None


def _assessed(snapshot, ctx):
    return attempt(dated_in_screening, snapshot, ctx, "iim", "assessment_date", _("core set assessment"))


@criterion("INC-IIM-02", _("MMT-8 ≤ {mmt8_max_total} of 150", mmt8_max_total=P.MMT8_MAX_TOTAL))
def muscle_strength(snapshot, ctx):
    grades = {}
    for group in MMT8_GROUPS:
        grade = snapshot.section("iim").get(f"mmt8_{group}")
        grades[group] = int(grade) if isinstance(grade, float) and grade.is_integer() else grade
    score = score_at_most(mmt8_total(grades), P.MMT8_MAX_TOTAL, _("MMT-8"), "iim.mmt8_")
    return all_of([_assessed(snapshot, ctx), score])


def _at_least(snapshot, field, minimum, label, unit=""):
    measured = value(snapshot, "iim", field)
    if measured is None:
        return incomplete(_("{label} is not recorded.", label=label), f"iim.{field}")
    note = _("abnormal when ≥ {minimum}", minimum=fmt(minimum))
    if unit == "cm":  # a VAS: as measured, in cm or mm
        printed = value(snapshot, "iim", f"{field}_unit")
        if not printed:
            return incomplete(_("{label}: the unit (cm or mm) is not recorded.", label=label), f"iim.{field}_unit")
        try:
            shown, measured = measured, convert(measured, printed, VAS_TO_CM, label)
        except (UnitError, ValueError) as error:
            return incomplete(_("{label} cannot be used: {error}.", label=label, error=str(error)), f"iim.{field}_unit")
        if printed != "cm":
            note = join([_("reported as {value} {unit} (× {factor});", value=fmt(shown), unit=printed,
                           factor=VAS_TO_CM[printed]), note])
    ev = Evidence(label, num(measured), unit, note=note)
    if measured >= minimum:
        return passed(_("{label} {measured} ≥ {minimum}.", label=label, measured=fmt(measured),
                        minimum=fmt(minimum)), ev)
    return failed(_("{label} {measured} < {minimum}.", label=label, measured=fmt(measured), minimum=fmt(minimum)), ev)


def _enzymes(snapshot, ctx):
    """At least one muscle enzyme strictly above 1.5 × ULN."""
    ev, gaps, reasons = [], [], []
    for analyte in P.IIM_ENZYMES:
        try:
            lab = screening_lab(snapshot, ctx, analyte)
            ratio = lab.times_uln()
        except MissingData as gap:
            gaps += list(gap.paths)
            reasons.append(gap.reason)
            continue
        ev.append(lab.evidence(_("{ratio} × ULN", ratio=fmt(ratio, 2))))
        if ratio > P.IIM_ENZYME_ABOVE_ULN:
            return passed(_("{text} is {ratio} × ULN, above {iim_enzyme_above_uln} × ULN.",
                            text=lab.text(), ratio=fmt(ratio, 2),
                            iim_enzyme_above_uln=fmt(P.IIM_ENZYME_ABOVE_ULN)), *ev)
    if gaps:
        head = _("No muscle enzyme above {iim_enzyme_above_uln} × ULN so far.",
                 iim_enzyme_above_uln=fmt(P.IIM_ENZYME_ABOVE_ULN))
        reason = join([head, *reasons])
        return incomplete(reason, gaps, *ev)
    return failed(_("No muscle enzyme is above {iim_enzyme_above_uln} × ULN.",
                    iim_enzyme_above_uln=fmt(P.IIM_ENZYME_ABOVE_ULN)), *ev)


@criterion("INC-IIM-03", _("≥ {iim_csm_min} of: patient, physician, extramuscular VAS ≥ {iim_vas_min}; HAQ-DI ≥ "
                           "{iim_haq_min}; enzyme > {iim_enzyme_above_uln} × ULN",
                           iim_csm_min=P.IIM_CSM_MIN, iim_vas_min=P.IIM_VAS_MIN, iim_haq_min=P.IIM_HAQ_MIN,
                           iim_enzyme_above_uln=P.IIM_ENZYME_ABOVE_ULN))
def core_set(snapshot, ctx):
    measures = [
        _at_least(snapshot, "patient_global", P.IIM_VAS_MIN, _("Patient global activity VAS"), "cm"),
        _at_least(snapshot, "physician_global", P.IIM_VAS_MIN, _("Physician global activity VAS"), "cm"),
        _at_least(snapshot, "extramuscular_global", P.IIM_VAS_MIN, _("Extramuscular global activity VAS"), "cm"),
        _at_least(snapshot, "haq_di", P.IIM_HAQ_MIN, "HAQ-DI"),
        attempt(_enzymes, snapshot, ctx),
    ]
    return all_of([_assessed(snapshot, ctx), at_least_n(measures, P.IIM_CSM_MIN, _("core set measures"))])


@criterion("INC-IIM-04", _("Inadequate response to glucocorticoid + ≥ {iim_min_immunosuppressants} "
                           "immunosuppressants, each ≥ {iim_therapy_months} months",
                           iim_min_immunosuppressants=P.IIM_MIN_IMMUNOSUPPRESSANTS,
                           iim_therapy_months=P.IIM_THERAPY_MONTHS),
           note=P.IIM_04_NOTE)
def prior_therapy(snapshot, ctx):
    scr = require_scr(ctx)
    if not snapshot.medications:
        return incomplete(_("No medication history is recorded."), "medications")
    months = P.IIM_THERAPY_MONTHS
    gc, _all = lasting_courses(snapshot, {GLUCOCORTICOID}, months, scr)
    if gc:
        best = longest(gc)
        gc_part = passed(_("{name} for ≥ {months} months ({start} to {end}).",
                           name=best.name, months=months, start=fmt(best.start), end=fmt(best.end)),
                         best.evidence(_("Glucocorticoid course")))
    else:
        gc_part = failed(_("No glucocorticoid course lasted {months} months before SCR.", months=months))
    return all_of([gc_part, _immunosuppressants(snapshot, scr)])


def _immunosuppressants(snapshot, scr):
    months, needed = P.IIM_THERAPY_MONTHS, P.IIM_MIN_IMMUNOSUPPRESSANTS
    courses, _all = lasting_courses(snapshot, {IMMUNOSUPPRESSANT}, months, scr)
    failed_drugs, open_drugs, ev = {}, {}, []
    for span in courses:
        outcome = span.row.get("outcome") or None
        ev.append(span.evidence(_("Immunosuppressant course"), note=_("outcome: {value}",
                                                                   value=outcome or 'not recorded')))
        if outcome in P.IIM_FAILED_OUTCOMES:
            failed_drugs.setdefault(drug_identity(span.row), span.name)
        elif outcome in (None, "ongoing"):
            open_drugs.setdefault(drug_identity(span.row), span.name)
    for key in failed_drugs:
        open_drugs.pop(key, None)
    ev.append(Evidence(_("Threshold"),
                       _("≥ {needed} immunosuppressants, each ≥ {months} months, ending in inadequate response "
                                      "or intolerance",
                                      needed=needed, months=months)))
    names = join([Message(n) for n in failed_drugs.values()], sep=", ") or _("none")
    if len(failed_drugs) >= needed:
        return passed(_("Inadequate response or intolerance to {names} after ≥ {months} months each.",
                        names=names, months=months), *ev)
    if len(failed_drugs) + len(open_drugs) >= needed:
        return incomplete(_("The outcome of {drugs} is not recorded (qualifying so far: {names}).",
                            drugs=join([Message(n) for n in open_drugs.values()], sep=", "), names=names),
                          "medications", *ev)
    return failed(_("{n_failed_drugs} immunosuppressant(s) with inadequate response or intolerance after "
                    "≥ {months} months ({names}); {needed} are needed.",
                    n_failed_drugs=len(failed_drugs), months=months, names=names, needed=needed), *ev)
