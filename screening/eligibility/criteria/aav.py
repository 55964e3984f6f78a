"""AAV inclusion criteria INC-AAV-01 … 04."""

from datetime import timedelta

from screening.calculators.bvas import BVAS_V3_ITEMS, count_major_other
from screening.calculators.dates import lasted_at_least_months
from screening.calculators.numbers import exact
from screening.vocabulary import GLUCOCORTICOID, IMMUNOSUPPRESSANT

from .. import protocol as P
from ..results import Evidence
from .common import answer, answer_evidence, fmt, positive, require_scr, value
from .courses import course_span, rows_of_class
from .labs import dated_in_screening
from .table import registrar
from .verdicts import BadData, all_of, any_of, attempt, failed, incomplete, passed

CRITERIA: list = []
criterion = registrar(CRITERIA, "AAV")


@criterion("INC-AAV-01", "GPA or MPA (CHCC 2012)")
def diagnosis(snapshot, ctx):
    code = value(snapshot, "aav", "diagnosis")
    if code is None:
        return incomplete("The AAV diagnosis is not recorded.", "aav.diagnosis")
    ev = Evidence("Diagnosis (CHCC 2012)", code)
    if code in P.AAV_DIAGNOSES:
        return passed(f"Diagnosis {code}.", ev)
    return failed(f"Diagnosis {code} is not GPA or MPA.", ev)


def _bvas_flags(snapshot):
    """Item code -> major True / False / None (not classed), each item once."""
    flags = {}
    for row in snapshot.bvas_items:
        code, major = row.get("item"), row.get("major")
        if code not in BVAS_V3_ITEMS:
            raise BadData(f"Unknown BVAS v3 item {code!r}.", "bvas_items")
        major = major if isinstance(major, bool) else None
        previous = flags.get(code, False)
        flags[code] = True if True in (previous, major) else (None if None in (previous, major) else False)
    return flags


@criterion("INC-AAV-02", f"BVAS v3: ≥ {P.AAV_MAJOR_MIN} major or ≥ {P.AAV_OTHER_MIN} other items", note=P.AAV_02_NOTE)
def activity(snapshot, ctx):
    if not snapshot.bvas_items and snapshot.section("aav").get("bvas_date") is None:
        return incomplete("No screening BVAS v3 assessment is recorded.", ["aav.bvas_date", "bvas_items"])
    flags = _bvas_flags(snapshot)
    majors, others = count_major_other((c, f) for c, f in flags.items() if f is not None)
    unclassed = [c for c, f in flags.items() if f is None]
    label = lambda codes: ", ".join(BVAS_V3_ITEMS[c][1] for c in codes) or "none"  # noqa: E731
    ev = (
        Evidence("Major items", majors, note=label([c for c, f in flags.items() if f is True])),
        Evidence("Other items", others, note=label([c for c, f in flags.items() if f is False])),
        Evidence("Items not classed major/other", len(unclassed), note=label(unclassed)),
        Evidence("Threshold", f"≥ {P.AAV_MAJOR_MIN} major or ≥ {P.AAV_OTHER_MIN} other items"),
    )
    counts = f"{majors} major and {others} other item(s)"
    if majors >= P.AAV_MAJOR_MIN or others >= P.AAV_OTHER_MIN:
        items = passed(f"BVAS v3 at screening: {counts}.", *ev)
    elif not unclassed:
        items = failed(f"BVAS v3 at screening: {counts}; needs {P.AAV_MAJOR_MIN} major or {P.AAV_OTHER_MIN} other.", *ev)
    else:
        items = incomplete(f"BVAS v3 at screening: {counts}; {len(unclassed)} item(s) not classed major or other.",
                           "bvas_items", *ev)
    return all_of([attempt(dated_in_screening, snapshot, ctx, "aav", "bvas_date", "screening BVAS v3 assessment"),
                   items])


@criterion("INC-AAV-03", "PR3- or MPO-ANCA positive at screening")
def anca(snapshot, ctx):
    return all_of([
        attempt(dated_in_screening, snapshot, ctx, "aav", "anca_date", "screening ANCA sample"),
        any_of([positive(snapshot, "aav", "pr3_anca", "PR3-ANCA"), positive(snapshot, "aav", "mpo_anca", "MPO-ANCA")]),
    ])


@criterion("INC-AAV-04", f"Relapsed or refractory after ≥ {P.AAV_THERAPY_MONTHS} months of glucocorticoid "
                         "+ immunosuppressant")
def relapsed_or_refractory(snapshot, ctx):
    scr = require_scr(ctx)
    remission = answer(snapshot, "aav", "remission_reached")
    remission_label = (f"Remission reached (BVAS {P.AAV_REMISSION_BVAS}, "
                       f"GC ≤ {fmt(P.AAV_REMISSION_GC_MAX_MG)} mg/day)")
    remission_ev = answer_evidence(remission_label, remission)
    if remission is None:
        refractory = incomplete("Whether remission was reached is not answered.", "aav.remission_reached", remission_ev)
    elif remission:
        refractory = failed("Remission was reached, so the disease is not refractory.", remission_ev)
    else:
        refractory = passed("Remission was never reached: refractory disease.", remission_ev)
    if remission is True:
        relapsed = _relapsed(snapshot, scr)
    elif remission is False:
        relapsed = failed("No remission, so no relapse after it.")
    else:
        relapsed = refractory
    return all_of([_combined_therapy(snapshot, scr), any_of([relapsed, refractory])])


def _combined_therapy(snapshot, scr):
    """A glucocorticoid and an immunosuppressant given together for ≥ 3 months before SCR."""
    if not snapshot.medications:
        return incomplete("No medication history is recorded.", "medications")
    gcs = [s for s in (course_span(r, scr) for r in rows_of_class(snapshot, GLUCOCORTICOID)) if s]
    iss = [s for s in (course_span(r, scr) for r in rows_of_class(snapshot, IMMUNOSUPPRESSANT)) if s]
    threshold = Evidence("Threshold", f"glucocorticoid with an immunosuppressant together ≥ {P.AAV_THERAPY_MONTHS} months")
    best = None
    for gc in gcs:
        for other in iss:
            start, end = max(gc.start, other.start), min(gc.end, other.end)
            if end >= start and (best is None or end - start > best[2] - best[1]):
                best = (f"{gc.name} with {other.name}", start, end)
    if best and lasted_at_least_months(best[1], best[2], P.AAV_THERAPY_MONTHS):
        ev = Evidence("Combined therapy", f"{best[0]} {fmt(best[1])} to {fmt(best[2])}", date=best[1])
        return passed(f"{best[0]} together from {fmt(best[1])} to {fmt(best[2])}.", ev, threshold)
    shown = f" (longest together: {best[0]} {fmt(best[1])} to {fmt(best[2])})" if best else ""
    return failed(f"No glucocorticoid and immunosuppressant were given together for {P.AAV_THERAPY_MONTHS} months"
                  f"{shown}.", threshold)


def _relapsed(snapshot, scr):
    bvas = value(snapshot, "aav", "remission_bvas")
    dose = value(snapshot, "aav", "remission_gc_dose")
    remitted = value(snapshot, "aav", "remission_date")
    relapse = value(snapshot, "aav", "relapse_date")
    kind = value(snapshot, "aav", "relapse_kind")
    earliest = scr - timedelta(days=P.AAV_RELAPSE_DAYS)
    parts = []
    if bvas is None:
        parts.append(incomplete("The BVAS at remission is not recorded.", "aav.remission_bvas"))
    else:
        ev = Evidence("BVAS at remission", bvas)
        parts.append(passed(f"BVAS {bvas} at remission.", ev) if bvas == P.AAV_REMISSION_BVAS
                     else failed(f"BVAS at remission was {bvas}, not {P.AAV_REMISSION_BVAS}.", ev))
    if dose is None:
        parts.append(incomplete("The glucocorticoid dose at remission is not recorded.", "aav.remission_gc_dose"))
    else:
        ev = Evidence("Glucocorticoid at remission", fmt(dose), "mg/day prednisone-eq")
        limit = fmt(P.AAV_REMISSION_GC_MAX_MG)
        parts.append(passed(f"Glucocorticoid {fmt(dose)} mg/day at remission (≤ {limit}).", ev)
                     if exact(dose) <= P.AAV_REMISSION_GC_MAX_MG
                     else failed(f"Glucocorticoid {fmt(dose)} mg/day at remission is above {limit} mg/day.", ev))
    if remitted is None:
        parts.append(incomplete("The remission date is not recorded.", "aav.remission_date"))
    if relapse is None:
        parts.append(incomplete("The recurrence date is not recorded.", "aav.relapse_date"))
    else:
        ev = (Evidence("Recurrence onset", fmt(relapse), date=relapse),
              Evidence("Earliest qualifying recurrence", fmt(earliest), note=f"SCR − {P.AAV_RELAPSE_DAYS} days"))
        if remitted is not None and relapse <= remitted:
            parts.append(failed(f"The recurrence ({fmt(relapse)}) is not after the remission ({fmt(remitted)}).", *ev))
        elif earliest <= relapse <= scr:
            parts.append(passed(f"Recurrence on {fmt(relapse)}, within {P.AAV_RELAPSE_DAYS} days before SCR.", *ev))
        else:
            parts.append(failed(f"Recurrence on {fmt(relapse)} is not within {P.AAV_RELAPSE_DAYS} days before SCR.", *ev))
    if kind in P.AAV_RELAPSE_KINDS:
        parts.append(passed(f"Recurrence qualified by: {kind}.", Evidence("Recurrence qualified by", kind)))
    else:
        parts.append(incomplete("How the recurrence qualified is not recorded.", "aav.relapse_kind"))
    return all_of(parts)
