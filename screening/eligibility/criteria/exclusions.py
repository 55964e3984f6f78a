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
from ..messages import _
from ..results import Evidence
from . import events, infections
from .common import (
    answer,
    answer_evidence,
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
        no_to(snapshot, "organ", "ventilatory_support", "Oxygen by mask, non-invasive or invasive ventilation"),
    ])


@criterion("EXC-02", _("Primary CNS lymphoma"))
def cns_lymphoma(snapshot, ctx):
    return no_to(snapshot, "history", "primary_cns_lymphoma", "Primary CNS lymphoma")


SLE_SEVERE = (
    ("active_cns_lupus", "Active CNS lupus"),
    ("severe_haemolytic_anaemia", "Severe haemolytic anaemia"),
    ("severe_thrombocytopenic_purpura", "Severe thrombocytopenic purpura"),
    ("severe_neutropenia", "Severe neutropenia"),
    ("severe_myocardial_involvement", "Severe myocardial involvement"),
    ("severe_pneumonitis", "Severe lupus pneumonitis or pulmonary haemorrhage"),
    ("severe_hepatitis", "Severe lupus hepatitis"),
    ("severe_vasculitis", "Severe vasculitis"),
)


@criterion("EXC-03", _("Severe SLE manifestations (SLE only)"), note=P.EVENT_WINDOW_NOTE)
def severe_sle(snapshot, ctx):
    if ctx.indication not in INDICATIONS:
        return incomplete("No target indication is selected.", "record.indication")
    if ctx.indication != "SLE":
        return not_applicable("Applies to SLE only.")
    crisis = attempt(events.recent_event, snapshot, ctx, "sle", "lupus_crisis_ever", "lupus_crisis_date",
                     "Lupus crisis", P.LUPUS_CRISIS_MONTHS)
    return all_of([crisis] + [no_to(snapshot, "sle", field, label) for field, label in SLE_SEVERE],
                  pass_reason="No recent lupus crisis, and none of the severe SLE manifestations is present.")


@criterion("EXC-04", _("Severe kidney disease (transplant, dialysis/plasmapheresis, pulse glucocorticoid)"),
           complete=[MEDICATIONS_COMPLETE, EVENTS_COMPLETE])
def kidney(snapshot, ctx):
    scr = require_scr(ctx)
    return all_of([
        no_to(snapshot, "history", "kidney_transplant", "Prior kidney transplant"),
        _events_before(snapshot, P.KIDNEY_SUPPORT_EVENTS, add_months(scr, -P.KIDNEY_SUPPORT_MONTHS), scr,
                       f"within {P.KIDNEY_SUPPORT_MONTHS} months before SCR"),
        _pulse(snapshot, add_months(scr, -P.KIDNEY_PULSE_MONTHS), scr, scr, f"{P.KIDNEY_PULSE_MONTHS} month before SCR"),
        no_to(snapshot, "history", "expected_renal_support",
              "Expected to need dialysis, plasmapheresis, kidney transplant or prohibited medication"),
    ], pass_reason="No kidney transplant, recent dialysis/plasmapheresis or pulse glucocorticoid, and none expected.")


def _events_before(snapshot, kinds, start, end, window_text):
    hits = events_in(snapshot, kinds, start, end)
    ev = [Evidence(event_label(e), fmt(e["start_date"]), date=e["start_date"]) for e in hits]
    if hits:
        return failed(f"{event_label(hits[0])} on {fmt(hits[0]['start_date'])}, {window_text}.", *ev)
    names = " or ".join(k.replace("_", " ") for k in kinds)
    return passed(f"No {names} {window_text}.")


def _pulse(snapshot, start, end, open_end, window_text):
    """A day at ≥ 500 mg prednisone-equivalent in the window excludes."""
    doses = glucocorticoid_doses(snapshot, start, end, open_end)
    ev = [Evidence("Highest daily glucocorticoid", num(doses.highest, 1), "mg prednisone-eq", doses.day,
                   note=f"{fmt(start)} to {fmt(end)}"),
          Evidence("Pulse threshold", f"≥ {P.PULSE_MIN_MG}", "mg/day prednisone-eq"), *doses.evidence()]
    if doses.highest >= P.PULSE_MIN_MG:
        return failed(f"Pulse glucocorticoid {fmt(doses.highest, 1)} mg prednisone-eq on {fmt(doses.day)}, "
                      f"within {window_text}.", *ev)
    if doses.unconvertible:
        return incomplete("A glucocorticoid dose in the window cannot be converted to prednisone-equivalent mg.",
                          "medications", *ev, *unconvertible_evidence(doses.unconvertible))
    return passed(f"No pulse glucocorticoid (≥ {P.PULSE_MIN_MG} mg/day prednisone-eq) within {window_text}.", *ev)


@criterion("EXC-05", _("Severe cardiovascular disease"), note=P.EVENT_WINDOW_NOTE)
def cardiovascular(snapshot, ctx):
    return all_of([
        no_to(snapshot, "history", "heart_failure", "Symptomatic chronic heart failure needing intervention"),
        attempt(events.recent_event, snapshot, ctx, "history", "myocardial_infarction_ever",
                "myocardial_infarction_date", "Acute myocardial infarction", P.MI_MONTHS),
        no_to(snapshot, "history", "unstable_angina", "Unstable angina"),
        no_to(snapshot, "history", "severe_arrhythmia", "History of severe arrhythmia"),
        no_to(snapshot, "history", "stroke", "History of stroke"),
        _nyha(snapshot),
    ], pass_reason="No severe cardiovascular disease.")


def _nyha(snapshot):
    nyha = value(snapshot, "history", "nyha_class")
    if nyha is None:
        return incomplete("NYHA class is not recorded.", "history.nyha_class")
    ev = Evidence("NYHA class", nyha)
    if nyha in P.NYHA_EXCLUDED:
        return failed(f"NYHA class {nyha}.", ev)
    return passed(f"NYHA class {nyha}.", ev)


@criterion("EXC-06", _("Another autoimmune disease"))
def other_autoimmune(snapshot, ctx):
    verdict = no_to(snapshot, "history", "other_autoimmune", "Another autoimmune disease")
    detail = (snapshot.section("history").get("other_autoimmune_detail") or "").strip()
    if detail and verdict.status.value == "FAIL":
        return failed(f"Another autoimmune disease: {detail}.", *verdict.evidence, Evidence("Which", detail))
    return verdict


@criterion("EXC-07", _("Non-inflammatory (non-IIM) myopathy"), note=P.EXC_07_NOTE)
def myopathy(snapshot, ctx):
    """Yes: the investigator judges the kind the source names against the protocol's list."""
    verdict = no_to(snapshot, "history", "non_iim_myopathy", "Non-inflammatory myopathy")
    if verdict.status.value != "FAIL":
        return verdict
    kind = _text(snapshot, "history", "non_iim_myopathy_kind")
    ev = [*verdict.evidence, Evidence("Kind of myopathy (as recorded)", kind or "not recorded")]
    judgement = judged(snapshot, "myopathy_excluded", "the non-inflammatory myopathy recorded is one the "
                       "protocol excludes", good=False, evidence=ev)
    if judgement.status.value == "FAIL" or kind:
        return judgement
    return all_of([incomplete("Non-inflammatory myopathy: yes; its kind is not recorded.",
                              "history.non_iim_myopathy_kind", *ev), judgement])


def _text(snapshot, key, field):
    return (snapshot.section(key).get(field) or "").strip()


@criterion("EXC-08", _("Malignancy (unless an allowed exception)"))
def malignancy(snapshot, ctx):
    """Each malignancy row decides by its type, status and last treatment; the answer says whether there is any."""
    history = answer(snapshot, "history", "malignancy")
    rows = snapshot.malignancies
    ev = [answer_evidence("History of malignancy", history)]
    if not rows:
        if history is False:
            return passed("No history of malignancy.", *ev)
        if history is None:
            return incomplete("History of malignancy: not answered.", "history.malignancy", *ev)
        return incomplete("History of malignancy: yes; enter each malignancy with its type, dates and status.",
                          "malignancies", *ev)
    verdicts = [attempt(_one_malignancy, row, ctx) for row in rows]
    ev += [e for v in verdicts for e in v.evidence]
    failing = [v for v in verdicts if v.status.value == "FAIL"]
    if failing:
        return failed(" ".join(v.reason for v in failing), *ev)
    if history is None:  # a row without the answer decides nothing but an exclusion
        return incomplete("History of malignancy: not answered.", "history.malignancy", *ev)
    if history is False:
        return incomplete(f"History of malignancy is answered No, but {len(rows)} malignancy row(s) are recorded: "
                          "correct one of them.", "history.malignancy", *ev)
    open_ = [v for v in verdicts if v.status.value != "PASS"]
    if open_:
        return incomplete(" ".join(v.reason for v in open_), sorted({m for v in open_ for m in v.missing}), *ev)
    return passed(" ".join(v.reason for v in verdicts), *ev)


def _malignancy_label(row):
    label = MALIGNANCY_KINDS.get(row.get("kind"), row.get("kind") or "Malignancy")
    description = (row.get("description") or "").strip()
    return f"{label}: {description}" if description else label


def _one_malignancy(row, ctx):
    kind, status, last = row.get("kind"), row.get("disease_status"), row.get("last_treatment_date")
    label = _malignancy_label(row)
    ev = [Evidence("Malignancy", label, date=row.get("diagnosis_date"),
                   note=f"status: {MALIGNANCY_STATUSES.get(status, 'not recorded')}"
                        + (f"; last treatment {fmt(last)}" if last else "; last treatment not recorded"))]
    if kind in P.MALIGNANCY_EXCEPTIONS:
        return passed(f"{label}: an allowed exception.", *ev)
    if (kind, status) == P.MALIGNANCY_CURED_EXCEPTION:
        return passed(f"{label}, resected and cured: an allowed exception.", *ev)
    if status == "active":
        return failed(f"{label}: active, recurred or still needing treatment.", *ev)
    if status not in P.MALIGNANCY_RECOVERED:
        return incomplete(f"{label}: whether it recovered is not recorded.", "malignancies", *ev)
    if last is None:
        return incomplete(f"{label}: the date of its last treatment is not recorded.", "malignancies", *ev)
    cutoff = add_months(require_scr(ctx), -P.MALIGNANCY_FREE_MONTHS)
    ev.append(Evidence("Last treatment", fmt(last), date=last, note=f"must be on or before {fmt(cutoff)}"))
    if last > cutoff:
        return failed(f"{label}: last treatment on {fmt(last)}, less than {P.MALIGNANCY_FREE_MONTHS} months "
                      "before SCR.", *ev)
    return passed(f"{label}: recovered; last treatment {fmt(last)}, at least {P.MALIGNANCY_FREE_MONTHS} months "
                  "before SCR.", *ev)


@criterion("EXC-09", _("Allergy to F01, fludarabine, cyclophosphamide or tocilizumab; severe allergy"))
def allergy(snapshot, ctx):
    agent = _text(snapshot, "history", "allergy_agent")
    agent_ev = Evidence("Allergy agent (as recorded)", agent or "none recorded")
    verdict = all_of([
        no_to(snapshot, "history", "allergy_study_drugs",
              "Allergy or contraindication to F01, fludarabine, cyclophosphamide or tocilizumab"),
        no_to(snapshot, "history", "severe_allergic_reaction", "Previous severe allergic reaction"),
    ])
    if verdict.status.value == "FAIL":
        return failed(verdict.reason, *verdict.evidence, agent_ev)
    if not agent:
        return verdict
    # An allergy to something else: whether it is an ingredient of F01 is the investigator's to say.
    return all_of([verdict, judged(snapshot, "allergy_excluded", "an allergy recorded is to F01 or one of its "
                                   "ingredients", good=False, evidence=[agent_ev])])


@criterion("EXC-10a", _("Prior HSCT, CAR-T or other cell therapy"))
def cell_therapy(snapshot, ctx):
    verdict = no_to(snapshot, "history", "prior_cell_therapy", "Ever received HSCT, CAR-T or other cell therapy")
    rows = snapshot.cell_therapies
    ev = [Evidence("Therapy", CELL_THERAPY_KINDS.get(r.get("kind"), r.get("kind")), date=r.get("therapy_date"),
                   note=" · ".join(p for p in ((r.get("product") or "").strip(),
                                               "" if r.get("kind") in P.CELL_THERAPY_EXCLUDED
                                               else "not a cell therapy: does not exclude") if p))
          for r in rows]
    cells = [r for r in rows if r.get("kind") in P.CELL_THERAPY_EXCLUDED]
    if cells:
        first = cells[0]
        when = f" on {fmt(first['therapy_date'])}" if first.get("therapy_date") else ""
        return failed(f"{CELL_THERAPY_KINDS.get(first['kind'], first['kind'])}{when}.", *verdict.evidence, *ev)
    return with_evidence(verdict, *ev)


@criterion("EXC-10b", _("Pulse glucocorticoid within {ld_pulse_months} months before LD",
                        ld_pulse_months=P.LD_PULSE_MONTHS), ld_relative=True,
           complete=[MEDICATIONS_COMPLETE])
def pulse_before_ld(snapshot, ctx):
    ld = require_ld(ctx)
    return _pulse(snapshot, add_months(ld, -P.LD_PULSE_MONTHS), ld, ld, f"{P.LD_PULSE_MONTHS} months before LD")


@criterion("EXC-10c", _("Biologic within {ld_biologic_months} month before LD",
                        ld_biologic_months=P.LD_BIOLOGIC_MONTHS), ld_relative=True,
           complete=[MEDICATIONS_COMPLETE])
def biologic_before_ld(snapshot, ctx):
    ld = require_ld(ctx)
    start = add_months(ld, -P.LD_BIOLOGIC_MONTHS)
    hits = overlapping_rows(rows_of_class(snapshot, BIOLOGIC), start, ld, ld)
    window = Evidence("Window", f"{fmt(start)} to {fmt(ld)}")
    if hits:
        ev = [Evidence("Biologic", drug_name(r), date=r.get("start_date"),
                       note="single dose or infusion" if r.get("frequency") == SINGLE_DOSE
                       else f"to {fmt(r['stop_date']) if r.get('stop_date') else 'ongoing'}") for r in hits]
        return failed(f"{drug_name(hits[0])} given within {P.LD_BIOLOGIC_MONTHS} month before LD.", *ev, window)
    return passed(f"No biologic within {P.LD_BIOLOGIC_MONTHS} month before LD.", window)


@criterion("EXC-10d", _("Major surgery, live vaccine or other study treatment within {ld_event_months} month before LD",
                        ld_event_months=P.LD_EVENT_MONTHS),
           ld_relative=True, complete=[EVENTS_COMPLETE])
def events_before_ld(snapshot, ctx):
    ld = require_ld(ctx)
    return _events_before(snapshot, P.LD_EVENTS, add_months(ld, -P.LD_EVENT_MONTHS), ld,
                          f"within {P.LD_EVENT_MONTHS} month before LD")


@criterion("EXC-10e", _("Active infection treated with systemic anti-infectives within {ld_infection_days} days before LD",
                        ld_infection_days=P.LD_INFECTION_DAYS),
           ld_relative=True, complete=[MEDICATIONS_COMPLETE, EVENTS_COMPLETE])
def infection_before_ld(snapshot, ctx):
    ld = require_ld(ctx)
    start = ld - timedelta(days=P.LD_INFECTION_DAYS)
    window = Evidence("Window", f"{fmt(start)} to {fmt(ld)}", note="prophylaxis does not count")
    treating = [r for r in rows_of_class(snapshot, ANTI_INFECTIVE) if r.get("purpose") != "prophylaxis"]
    hits = overlapping_rows(treating, start, ld, ld)
    if hits:
        r = hits[0]
        return failed(f"{drug_name(r)} treatment from {fmt(r['start_date'])} within {P.LD_INFECTION_DAYS} days "
                      "before LD.", Evidence("Anti-infective", drug_name(r), date=r.get("start_date")), window)
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
                return failed(f"{event_label(event)} from {fmt(event['start_date'])} treated with systemic "
                              f"anti-infectives within {P.LD_INFECTION_DAYS} days before LD.",
                              Evidence(event_label(event), fmt(event["start_date"]), date=event["start_date"]), window)
        elif treated is None and event in recent:
            unknown.append(event)
    if unknown:
        return incomplete("Whether a recent infection was treated with systemic anti-infectives is not answered.",
                          "events", window)
    return passed(f"No systemic anti-infective treatment within {P.LD_INFECTION_DAYS} days before LD.", window)


@criterion("EXC-11", _("Glucocorticoid ≤ {taper_max_mg} mg/day prednisone-eq on each of the {taper_days} days before LD",
                       taper_max_mg=P.TAPER_MAX_MG, taper_days=P.TAPER_DAYS),
           ld_relative=True, complete=[MEDICATIONS_COMPLETE])
def taper(snapshot, ctx):
    ld = require_ld(ctx)
    start, end = ld - timedelta(days=P.TAPER_DAYS), ld - timedelta(days=1)
    doses = glucocorticoid_doses(snapshot, start, end, ld)
    ev = [Evidence("Highest daily glucocorticoid", num(doses.highest, 2), "mg prednisone-eq", doses.day,
                   note=f"{fmt(start)} to {fmt(end)}"),
          Evidence("Limit", f"≤ {P.TAPER_MAX_MG}", "mg/day prednisone-eq"), *doses.evidence()]
    if doses.highest > P.TAPER_MAX_MG:
        return failed(f"Glucocorticoid {fmt(doses.highest, 2)} mg prednisone-eq on {fmt(doses.day)} is above "
                      f"{P.TAPER_MAX_MG} mg/day in the {P.TAPER_DAYS} days before LD.", *ev)
    if doses.unconvertible:
        return incomplete(f"A glucocorticoid dose in the {P.TAPER_DAYS} days before LD cannot be converted to "
                          "prednisone-equivalent mg.", "medications", *ev, *unconvertible_evidence(doses.unconvertible))
    return passed(f"At most {fmt(doses.highest, 2)} mg/day prednisone-eq on each of the {P.TAPER_DAYS} days "
                  "before LD.", *ev)


@criterion("EXC-12", _("Active HBV, HCV, HIV or syphilis"))
def viral(snapshot, ctx):
    return all_of([
        infections.screening_serology(snapshot, ctx),
        infections.result_not(snapshot, "hbsag", "HBsAg", "positive"),
        infections.hbv_dna(snapshot),
        infections.confirmed_by_nat(snapshot, "anti_hcv", "anti-HCV", "hcv_rna", "HCV RNA"),
        infections.result_not(snapshot, "hiv", "HIV antibody/antigen", "positive"),
        infections.syphilis(snapshot),
    ], pass_reason="No active HBV, HCV, HIV or syphilis infection.")


@criterion("EXC-13", _("Tuberculosis (active signs, imaging, positive IGRA)"))
def tuberculosis(snapshot, ctx):
    signs = infections.tb_signs(snapshot)
    # Overruling the CRF's "TB symptoms: yes" is said as such, never as "no symptoms".
    overruled = answer(snapshot, "infection", "tb_symptoms") is True
    return all_of([signs, infections.tb_imaging(snapshot, ctx), infections.igra(snapshot, ctx)],
                  pass_reason=None if overruled else "No sign of tuberculosis: no symptoms, clear chest imaging, "
                                                    "negative IGRA.")


@criterion("EXC-14", _("Protocol-prohibited medication during screening"))
def prohibited(snapshot, ctx):
    return no_to(snapshot, "history", "prohibited_medication", "Protocol-prohibited medication during screening")


@criterion("EXC-15", _("Unsuitable for any other reason (investigator)"))
def unsuitable(snapshot, ctx):
    reason = (snapshot.section("judgement").get("unsuitable_reason") or "").strip()
    ev = [Evidence("Investigator's reason", reason)] if reason else []
    verdict = judged(snapshot, "unsuitable", "unsuitable for any other reason", good=False, evidence=ev)
    if verdict.status.value == "FAIL" and reason:
        return failed(f"The investigator considers the subject unsuitable: {reason}.", *verdict.evidence)
    return verdict
