"""Exclusion criteria EXC-01 … EXC-15: PASS means the subject is not excluded."""

from datetime import timedelta

from screening.calculators.dates import add_months
from screening.calculators.dosing import SINGLE_DOSE
from screening.vocabulary import (
    ANTI_INFECTIVE,
    BIOLOGIC,
    CELL_THERAPY_KINDS,
    INDICATIONS,
    MALIGNANCY_KINDS,
    MALIGNANCY_STATUSES,
)

from .. import protocol as P
from ..messages import Message, _, join
from ..results import Evidence
from . import events, infections
from .common import (
    answer,
    answer_evidence,
    code_word,
    fmt,
    judged,
    no_to,
    num,
    require_ld,
    require_scr,
    value,
)
from .courses import (
    drug_name,
    event_label,
    events_in,
    glucocorticoid_doses,
    overlapping_rows,
    rows_of_class,
    unconvertible_evidence,
)
from .table import EVENTS_COMPLETE, EXCLUSION, MEDICATIONS_COMPLETE, registrar
from .verdicts import all_of, attempt, failed, incomplete, not_applicable, passed, with_evidence

CRITERIA: list = []
criterion = registrar(CRITERIA, EXCLUSION)


@criterion("EXC-01", _("Severe pulmonary disease (PAP > {pap_max} mmHg in the {pap_lookback_months} months "
                       "before SCR; ventilatory support)",
                       pap_max=P.PAP_MAX, pap_lookback_months=P.PAP_LOOKBACK_MONTHS), note=P.EVENT_WINDOW_NOTE)
def pulmonary(snapshot, ctx):
    return all_of([
        attempt(events.pulmonary_pressure, snapshot, ctx),
        no_to(snapshot, "organ", "ventilatory_support", _("Oxygen by mask, non-invasive or invasive ventilation")),
    ])


@criterion("EXC-02", _("Primary CNS lymphoma"))
def cns_lymphoma(snapshot, ctx):
    return no_to(snapshot, "history", "primary_cns_lymphoma", _("Primary CNS lymphoma"))


SLE_SEVERE = (
    ("active_cns_lupus", _("Active CNS lupus")),
    ("severe_haemolytic_anaemia", _("Severe haemolytic anaemia")),
    ("severe_thrombocytopenic_purpura", _("Severe thrombocytopenic purpura")),
    ("severe_neutropenia", _("Severe neutropenia")),
    ("severe_myocardial_involvement", _("Severe myocardial involvement")),
    ("severe_pneumonitis", _("Severe lupus pneumonitis or pulmonary haemorrhage")),
    ("severe_hepatitis", _("Severe lupus hepatitis")),
    ("severe_vasculitis", _("Severe vasculitis")),
)


@criterion("EXC-03", _("Severe SLE manifestations (SLE only)"), note=P.EVENT_WINDOW_NOTE)
def severe_sle(snapshot, ctx):
    if ctx.indication not in INDICATIONS:
        return incomplete(_("No target indication is selected."), "record.indication")
    if ctx.indication != "SLE":
        return not_applicable(_("Applies to SLE only."))
    crisis = attempt(events.recent_event, snapshot, ctx, "sle", "lupus_crisis_ever", "lupus_crisis_date",
                     _("Lupus crisis"), P.LUPUS_CRISIS_MONTHS)
    return all_of([crisis] + [no_to(snapshot, "sle", field, label) for field, label in SLE_SEVERE],
                  pass_reason=_("No recent lupus crisis, and none of the severe SLE manifestations is present."))


@criterion("EXC-04", _("Severe kidney disease (transplant, dialysis/plasmapheresis, pulse glucocorticoid)"),
           complete=[MEDICATIONS_COMPLETE, EVENTS_COMPLETE])
def kidney(snapshot, ctx):
    scr = require_scr(ctx)
    return all_of([
        no_to(snapshot, "history", "kidney_transplant", _("Prior kidney transplant")),
        _events_before(snapshot, P.KIDNEY_SUPPORT_EVENTS, add_months(scr, -P.KIDNEY_SUPPORT_MONTHS), scr,
                       _("within {months} months before SCR", months=P.KIDNEY_SUPPORT_MONTHS)),
        _pulse(snapshot, add_months(scr, -P.KIDNEY_PULSE_MONTHS), scr, scr,
               _("{months} month before SCR", months=P.KIDNEY_PULSE_MONTHS)),
        no_to(snapshot, "history", "expected_renal_support",
              _("Expected to need dialysis, plasmapheresis, kidney transplant or prohibited medication")),
    ], pass_reason=_("No kidney transplant, recent dialysis/plasmapheresis or pulse glucocorticoid, and none "
                   "expected."))


# The event kinds as the "No … within …" sentences name them (the code with spaces).
KIND_WORDS = {"dialysis": _("dialysis"), "plasmapheresis": _("plasmapheresis"), "major_surgery": _("major surgery"),
              "live_vaccine": _("live vaccine"), "investigational_treatment": _("investigational treatment")}


def _events_before(snapshot, kinds, start, end, window_text):
    hits = events_in(snapshot, kinds, start, end)
    ev = [Evidence(event_label(e), fmt(e["start_date"]), date=e["start_date"]) for e in hits]
    if hits:
        return failed(_("{event} on {day}, {window}.", event=event_label(hits[0]), day=fmt(hits[0]["start_date"]),
                        window=window_text), *ev)
    names = join([KIND_WORDS.get(k) or k.replace("_", " ") for k in kinds], sep=_(" or "))
    return passed(_("No {names} {window}.", names=names, window=window_text))


def _pulse(snapshot, start, end, open_end, window_text):
    """A day at ≥ 500 mg prednisone-equivalent in the window excludes."""
    doses = glucocorticoid_doses(snapshot, start, end, open_end)
    ev = [Evidence(_("Highest daily glucocorticoid"), num(doses.highest, 1), _("mg prednisone-eq"), doses.day,
                   note=_("{start} to {end}", start=fmt(start), end=fmt(end))),
          Evidence(_("Pulse threshold"), f"≥ {P.PULSE_MIN_MG}", _("mg/day prednisone-eq")), *doses.evidence()]
    if doses.highest >= P.PULSE_MIN_MG:
        return failed(_("Pulse glucocorticoid {dose} mg prednisone-eq on {day}, within {window}.",
                        dose=fmt(doses.highest, 1), day=fmt(doses.day), window=window_text), *ev)
    if doses.unconvertible:
        return incomplete(_("A glucocorticoid dose in the window cannot be converted to prednisone-equivalent mg."),
                          "medications", *ev, *unconvertible_evidence(doses.unconvertible))
    return passed(_("No pulse glucocorticoid (≥ {pulse_min} mg/day prednisone-eq) within {window}.",
                    pulse_min=P.PULSE_MIN_MG, window=window_text), *ev)


@criterion("EXC-05", _("Severe cardiovascular disease"), note=P.EVENT_WINDOW_NOTE)
def cardiovascular(snapshot, ctx):
    return all_of([
        no_to(snapshot, "history", "heart_failure", _("Symptomatic chronic heart failure needing intervention")),
        attempt(events.recent_event, snapshot, ctx, "history", "myocardial_infarction_ever",
                "myocardial_infarction_date", _("Acute myocardial infarction"), P.MI_MONTHS),
        no_to(snapshot, "history", "unstable_angina", _("Unstable angina")),
        no_to(snapshot, "history", "severe_arrhythmia", _("History of severe arrhythmia")),
        no_to(snapshot, "history", "stroke", _("History of stroke")),
        _nyha(snapshot),
    ], pass_reason=_("No severe cardiovascular disease."))


def _nyha(snapshot):
    nyha = value(snapshot, "history", "nyha_class")
    if nyha is None:
        return incomplete(_("NYHA class is not recorded."), "history.nyha_class")
    ev = Evidence(_("NYHA class"), code_word(nyha))
    if nyha in P.NYHA_EXCLUDED:
        return failed(_("NYHA class {nyha}.", nyha=code_word(nyha)), ev)
    return passed(_("NYHA class {nyha}.", nyha=code_word(nyha)), ev)


@criterion("EXC-06", _("Another autoimmune disease"))
def other_autoimmune(snapshot, ctx):
    verdict = no_to(snapshot, "history", "other_autoimmune", _("Another autoimmune disease"))
    detail = (snapshot.section("history").get("other_autoimmune_detail") or "").strip()
    if detail and verdict.status.value == "FAIL":
        return failed(_("Another autoimmune disease: {detail}.", detail=detail), *verdict.evidence,
                      Evidence(_("Which"), detail))
    return verdict


@criterion("EXC-07", _("Non-inflammatory (non-IIM) myopathy"), note=P.EXC_07_NOTE)
def myopathy(snapshot, ctx):
    """Yes: the investigator judges the kind the source names against the protocol's list."""
    verdict = no_to(snapshot, "history", "non_iim_myopathy", _("Non-inflammatory myopathy"))
    if verdict.status.value != "FAIL":
        return verdict
    kind = _text(snapshot, "history", "non_iim_myopathy_kind")
    ev = [*verdict.evidence, Evidence(_("Kind of myopathy (as recorded)"), kind or _("not recorded"))]
    judgement = judged(snapshot, "myopathy_excluded", _("the non-inflammatory myopathy recorded is one the "
                       "protocol excludes"), good=False, evidence=ev)
    if judgement.status.value == "FAIL" or kind:
        return judgement
    return all_of([incomplete(_("Non-inflammatory myopathy: yes; its kind is not recorded."),
                              "history.non_iim_myopathy_kind", *ev), judgement])


def _text(snapshot, key, field):
    return (snapshot.section(key).get(field) or "").strip()


@criterion("EXC-08", _("Malignancy (unless an allowed exception)"))
def malignancy(snapshot, ctx):
    """Each malignancy row decides by its type, status and last treatment; the answer says whether there is any."""
    history = answer(snapshot, "history", "malignancy")
    rows = snapshot.malignancies
    ev = [answer_evidence(_("History of malignancy"), history)]
    if not rows:
        if history is False:
            return passed(_("No history of malignancy."), *ev)
        if history is None:
            return incomplete(_("History of malignancy: not answered."), "history.malignancy", *ev)
        return incomplete(_("History of malignancy: yes; enter each malignancy with its type, dates and status."),
                          "malignancies", *ev)
    verdicts = [attempt(_one_malignancy, row, ctx) for row in rows]
    ev += [e for v in verdicts for e in v.evidence]
    failing = [v for v in verdicts if v.status.value == "FAIL"]
    if failing:
        return failed(join([v.reason for v in failing]), *ev)
    if history is None:  # a row without the answer decides nothing but an exclusion
        return incomplete(_("History of malignancy: not answered."), "history.malignancy", *ev)
    if history is False:
        return incomplete(_("History of malignancy is answered No, but {count} malignancy row(s) are recorded: "
                            "correct one of them.", count=len(rows)), "history.malignancy", *ev)
    open_ = [v for v in verdicts if v.status.value != "PASS"]
    if open_:
        return incomplete(join([v.reason for v in open_]), sorted({m for v in open_ for m in v.missing}), *ev)
    return passed(join([v.reason for v in verdicts]), *ev)


def _malignancy_label(row):
    kind = row.get("kind")
    label = Message(MALIGNANCY_KINDS[kind]) if kind in MALIGNANCY_KINDS else (kind or _("Malignancy"))
    description = (row.get("description") or "").strip()
    return _("{label}: {description}", label=label, description=description) if description else label


def _one_malignancy(row, ctx):
    kind, status, last = row.get("kind"), row.get("disease_status"), row.get("last_treatment_date")
    label = _malignancy_label(row)
    shown = Message(MALIGNANCY_STATUSES[status]) if status in MALIGNANCY_STATUSES else _("not recorded")
    note = (_("status: {status}; last treatment {day}", status=shown, day=fmt(last)) if last
            else _("status: {status}; last treatment not recorded", status=shown))
    ev = [Evidence(_("Malignancy"), label, date=row.get("diagnosis_date"), note=note)]
    if kind in P.MALIGNANCY_EXCEPTIONS:
        return passed(_("{label}: an allowed exception.", label=label), *ev)
    if (kind, status) == P.MALIGNANCY_CURED_EXCEPTION:
        return passed(_("{label}, resected and cured: an allowed exception.", label=label), *ev)
    if status == "active":
        return failed(_("{label}: active, recurred or still needing treatment.", label=label), *ev)
    if status not in P.MALIGNANCY_RECOVERED:
        return incomplete(_("{label}: whether it recovered is not recorded.", label=label), "malignancies", *ev)
    if last is None:
        return incomplete(_("{label}: the date of its last treatment is not recorded.", label=label), "malignancies",
                          *ev)
    cutoff = add_months(require_scr(ctx), -P.MALIGNANCY_FREE_MONTHS)
    ev.append(Evidence(_("Last treatment"), fmt(last), date=last,
                       note=_("must be on or before {cutoff}", cutoff=fmt(cutoff))))
    if last > cutoff:
        return failed(_("{label}: last treatment on {day}, less than {months} months before SCR.", label=label,
                        day=fmt(last), months=P.MALIGNANCY_FREE_MONTHS), *ev)
    return passed(_("{label}: recovered; last treatment {day}, at least {months} months before SCR.", label=label,
                    day=fmt(last), months=P.MALIGNANCY_FREE_MONTHS), *ev)


@criterion("EXC-09", _("Allergy to F01, fludarabine, cyclophosphamide or tocilizumab; severe allergy"))
def allergy(snapshot, ctx):
    agent = _text(snapshot, "history", "allergy_agent")
    agent_ev = Evidence(_("Allergy agent (as recorded)"), agent or _("none recorded"))
    verdict = all_of([
        no_to(snapshot, "history", "allergy_study_drugs",
              _("Allergy or contraindication to F01, fludarabine, cyclophosphamide or tocilizumab")),
        no_to(snapshot, "history", "severe_allergic_reaction", _("Previous severe allergic reaction")),
    ])
    if verdict.status.value == "FAIL":
        return failed(verdict.reason, *verdict.evidence, agent_ev)
    if not agent:
        return verdict
    # An allergy to something else: whether it is an ingredient of F01 is the investigator's to say.
    return all_of([verdict, judged(snapshot, "allergy_excluded", _("an allergy recorded is to F01 or one of its "
                                   "ingredients"), good=False, evidence=[agent_ev])])


@criterion("EXC-10a", _("Prior HSCT, CAR-T or other cell therapy"))
def cell_therapy(snapshot, ctx):
    verdict = no_to(snapshot, "history", "prior_cell_therapy", _("Ever received HSCT, CAR-T or other cell therapy"))
    rows = snapshot.cell_therapies
    ev = [Evidence(_("Therapy"), _therapy_kind(r.get("kind")), date=r.get("therapy_date"), note=_therapy_note(r))
          for r in rows]
    cells = [r for r in rows if r.get("kind") in P.CELL_THERAPY_EXCLUDED]
    if cells:
        first = cells[0]
        when = _(" on {day}", day=fmt(first["therapy_date"])) if first.get("therapy_date") else ""
        return failed(_("{therapy}{on_day}.", therapy=_therapy_kind(first["kind"]), on_day=when),
                      *verdict.evidence, *ev)
    return with_evidence(verdict, *ev)


def _therapy_kind(kind):
    return Message(CELL_THERAPY_KINDS[kind]) if kind in CELL_THERAPY_KINDS else kind


def _therapy_note(row):
    """The product (as recorded) and, for a kind that is not a cell therapy, that it does not exclude."""
    parts = [p for p in ((row.get("product") or "").strip(), "" if row.get("kind") in P.CELL_THERAPY_EXCLUDED
                         else _("not a cell therapy: does not exclude")) if p]
    return join(parts, sep=" · ") if parts else ""


@criterion("EXC-10b", _("Pulse glucocorticoid within {ld_pulse_months} months before LD",
                        ld_pulse_months=P.LD_PULSE_MONTHS), ld_relative=True,
           complete=[MEDICATIONS_COMPLETE])
def pulse_before_ld(snapshot, ctx):
    ld = require_ld(ctx)
    return _pulse(snapshot, add_months(ld, -P.LD_PULSE_MONTHS), ld, ld,
                  _("{months} months before LD", months=P.LD_PULSE_MONTHS))


@criterion("EXC-10c", _("Biologic within {ld_biologic_months} month before LD",
                        ld_biologic_months=P.LD_BIOLOGIC_MONTHS), ld_relative=True,
           complete=[MEDICATIONS_COMPLETE])
def biologic_before_ld(snapshot, ctx):
    ld = require_ld(ctx)
    start = add_months(ld, -P.LD_BIOLOGIC_MONTHS)
    hits = overlapping_rows(rows_of_class(snapshot, BIOLOGIC), start, ld, ld)
    window = Evidence(_("Window"), _("{start} to {end}", start=fmt(start), end=fmt(ld)))
    if hits:
        ev = [Evidence(_("Biologic"), drug_name(r), date=r.get("start_date"), note=_biologic_note(r)) for r in hits]
        return failed(_("{drug} given within {months} month before LD.", drug=drug_name(hits[0]),
                        months=P.LD_BIOLOGIC_MONTHS), *ev, window)
    return passed(_("No biologic within {months} month before LD.", months=P.LD_BIOLOGIC_MONTHS), window)


def _biologic_note(row):
    if row.get("frequency") == SINGLE_DOSE:
        return _("single dose or infusion")
    return _("to {day}", day=fmt(row["stop_date"])) if row.get("stop_date") else _("to ongoing")


@criterion("EXC-10d", _("Major surgery, live vaccine or other study treatment within {ld_event_months} month before LD",
                        ld_event_months=P.LD_EVENT_MONTHS),
           ld_relative=True, complete=[EVENTS_COMPLETE])
def events_before_ld(snapshot, ctx):
    ld = require_ld(ctx)
    return _events_before(snapshot, P.LD_EVENTS, add_months(ld, -P.LD_EVENT_MONTHS), ld,
                          _("within {months} month before LD", months=P.LD_EVENT_MONTHS))


@criterion("EXC-10e", _("Active infection treated with systemic anti-infectives within {ld_infection_days} days before LD",
                        ld_infection_days=P.LD_INFECTION_DAYS),
           ld_relative=True, complete=[MEDICATIONS_COMPLETE, EVENTS_COMPLETE])
def infection_before_ld(snapshot, ctx):
    ld = require_ld(ctx)
    start = ld - timedelta(days=P.LD_INFECTION_DAYS)
    window = Evidence(_("Window"), _("{start} to {end}", start=fmt(start), end=fmt(ld)),
                      note=_("prophylaxis does not count"))
    treating = [r for r in rows_of_class(snapshot, ANTI_INFECTIVE) if r.get("purpose") != "prophylaxis"]
    hits = overlapping_rows(treating, start, ld, ld)
    if hits:
        r = hits[0]
        return failed(_("{drug} treatment from {day} within {days} days before LD.", drug=drug_name(r),
                        day=fmt(r["start_date"]), days=P.LD_INFECTION_DAYS),
                      Evidence(_("Anti-infective"), drug_name(r), date=r.get("start_date")), window)
    recent = events_in(snapshot, ("infection",), start, ld)
    unknown = []
    for event in snapshot.events:
        if event.get("kind") != "infection" or event.get("start_date") is None:
            continue
        treated = event.get("systemic_treatment")
        if treated is True:
            # Treatment without an end date is ongoing: it runs to the LD reference.
            end = event.get("treatment_end") or event.get("end_date")
            if overlapping_rows([{"start_date": event["start_date"], "stop_date": end}], start, ld, ld):
                return failed(_("{event} from {day} treated with systemic anti-infectives within {days} days "
                                "before LD.", event=event_label(event), day=fmt(event["start_date"]),
                                days=P.LD_INFECTION_DAYS),
                              Evidence(event_label(event), fmt(event["start_date"]), date=event["start_date"]), window)
        elif treated is None and event in recent:
            unknown.append(event)
    if unknown:
        return incomplete(_("Whether a recent infection was treated with systemic anti-infectives is not answered."),
                          "events", window)
    return passed(_("No systemic anti-infective treatment within {days} days before LD.", days=P.LD_INFECTION_DAYS),
                  window)


@criterion("EXC-11", _("Glucocorticoid ≤ {taper_max_mg} mg/day prednisone-eq on each of the {taper_days} days before LD",
                       taper_max_mg=P.TAPER_MAX_MG, taper_days=P.TAPER_DAYS),
           ld_relative=True, complete=[MEDICATIONS_COMPLETE])
def taper(snapshot, ctx):
    ld = require_ld(ctx)
    start, end = ld - timedelta(days=P.TAPER_DAYS), ld - timedelta(days=1)
    doses = glucocorticoid_doses(snapshot, start, end, ld)
    ev = [Evidence(_("Highest daily glucocorticoid"), num(doses.highest, 2), _("mg prednisone-eq"), doses.day,
                   note=_("{start} to {end}", start=fmt(start), end=fmt(end))),
          Evidence(_("Limit"), f"≤ {P.TAPER_MAX_MG}", _("mg/day prednisone-eq")), *doses.evidence()]
    if doses.highest > P.TAPER_MAX_MG:
        return failed(_("Glucocorticoid {dose} mg prednisone-eq on {day} is above {limit} mg/day in the {days} days "
                        "before LD.", dose=fmt(doses.highest, 2), day=fmt(doses.day), limit=P.TAPER_MAX_MG,
                        days=P.TAPER_DAYS), *ev)
    if doses.unconvertible:
        return incomplete(_("A glucocorticoid dose in the {days} days before LD cannot be converted to "
                            "prednisone-equivalent mg.", days=P.TAPER_DAYS),
                          "medications", *ev, *unconvertible_evidence(doses.unconvertible))
    return passed(_("At most {dose} mg/day prednisone-eq on each of the {days} days before LD.",
                    dose=fmt(doses.highest, 2), days=P.TAPER_DAYS), *ev)


@criterion("EXC-12", _("Active HBV, HCV, HIV or syphilis"))
def viral(snapshot, ctx):
    return all_of([
        infections.screening_serology(snapshot, ctx),
        infections.result_not(snapshot, "hbsag", _("HBsAg"), "positive"),
        infections.hbv_dna(snapshot),
        infections.confirmed_by_nat(snapshot, "anti_hcv", _("anti-HCV"), "hcv_rna", _("HCV RNA")),
        infections.result_not(snapshot, "hiv", _("HIV antibody/antigen"), "positive"),
        infections.syphilis(snapshot),
    ], pass_reason=_("No active HBV, HCV, HIV or syphilis infection."))


@criterion("EXC-13", _("Tuberculosis (active signs, imaging, positive IGRA)"))
def tuberculosis(snapshot, ctx):
    signs = infections.tb_signs(snapshot)
    # Overruling the CRF's "TB symptoms: yes" is said as such, never as "no symptoms".
    overruled = answer(snapshot, "infection", "tb_symptoms") is True
    return all_of([signs, infections.tb_imaging(snapshot, ctx), infections.igra(snapshot, ctx)],
                  pass_reason=None if overruled else _("No sign of tuberculosis: no symptoms, clear chest imaging, "
                                                      "negative IGRA."))


@criterion("EXC-14", _("Protocol-prohibited medication during screening"))
def prohibited(snapshot, ctx):
    return no_to(snapshot, "history", "prohibited_medication", _("Protocol-prohibited medication during screening"))


@criterion("EXC-15", _("Unsuitable for any other reason (investigator)"))
def unsuitable(snapshot, ctx):
    reason = (snapshot.section("judgement").get("unsuitable_reason") or "").strip()
    ev = [Evidence(_("Investigator's reason"), reason)] if reason else []
    verdict = judged(snapshot, "unsuitable", _("unsuitable for any other reason"), good=False, evidence=ev)
    if verdict.status.value == "FAIL" and reason:
        return failed(_("The investigator considers the subject unsuitable: {reason}.", reason=reason),
                      *verdict.evidence)
    return verdict
