"""AAV inclusion criteria INC-AAV-01 … 04."""

from datetime import timedelta

from screening.calculators.bvas import BVAS_V3_ITEMS, count_major_other
from screening.calculators.dates import lasted_at_least_months
from screening.calculators.numbers import exact
from screening.vocabulary import GLUCOCORTICOID, IMMUNOSUPPRESSANT

from .. import protocol as P
from ..messages import Message, _, join
from ..results import Evidence
from .common import answer, answer_evidence, code_word, fmt, positive, require_scr, value
from .courses import course_span, rows_of_class
from .labs import dated_in_screening
from .table import registrar
from .verdicts import BadData, all_of, any_of, attempt, failed, incomplete, passed

CRITERIA: list = []
criterion = registrar(CRITERIA, "AAV")


@criterion("INC-AAV-01", _("GPA or MPA (CHCC 2012)"))
def diagnosis(snapshot, ctx):
    code = value(snapshot, "aav", "diagnosis")
    if code is None:
        return incomplete(_("The AAV diagnosis is not recorded."), "aav.diagnosis")
    ev = Evidence(_("Diagnosis (CHCC 2012)"), code)
    if code in P.AAV_DIAGNOSES:
        return passed(_("Diagnosis {code}.", code=code), ev)
    return failed(_("Diagnosis {code} is not GPA or MPA.", code=code), ev)


def _bvas_flags(snapshot):
    """Item code -> major True / False / None (not classed), each item once."""
    flags = {}
    for row in snapshot.bvas_items:
        code, major = row.get("item"), row.get("major")
        if code not in BVAS_V3_ITEMS:
            raise BadData(_("Unknown BVAS v3 item {code}.", code=repr(code)), "bvas_items")
        major = major if isinstance(major, bool) else None
        previous = flags.get(code, False)
        flags[code] = True if True in (previous, major) else (None if None in (previous, major) else False)
    return flags


@criterion("INC-AAV-02", _("BVAS v3: ≥ {aav_major_min} major or ≥ {aav_other_min} other items",
                           aav_major_min=P.AAV_MAJOR_MIN, aav_other_min=P.AAV_OTHER_MIN), note=P.AAV_02_NOTE)
def activity(snapshot, ctx):
    if not snapshot.bvas_items and snapshot.section("aav").get("bvas_date") is None:
        return incomplete(_("No screening BVAS v3 assessment is recorded."), ["aav.bvas_date", "bvas_items"])
    flags = _bvas_flags(snapshot)
    majors, others = count_major_other((c, f) for c, f in flags.items() if f is not None)
    unclassed = [c for c, f in flags.items() if f is None]
    label = lambda codes: join([Message(BVAS_V3_ITEMS[c][1]) for c in codes], sep=", ") or _("none")  # noqa: E731
    ev = (
        Evidence(_("Major items"), majors, note=label([c for c, f in flags.items() if f is True])),
        Evidence(_("Other items"), others, note=label([c for c, f in flags.items() if f is False])),
        Evidence(_("Items not classed major/other"), len(unclassed), note=label(unclassed)),
        Evidence(_("Threshold"), _("≥ {aav_major_min} major or ≥ {aav_other_min} other items",
                                aav_major_min=P.AAV_MAJOR_MIN, aav_other_min=P.AAV_OTHER_MIN)),
    )
    counts = _("{majors} major and {others} other item(s)", majors=majors, others=others)
    if majors >= P.AAV_MAJOR_MIN or others >= P.AAV_OTHER_MIN:
        items = passed(_("BVAS v3 at screening: {counts}.", counts=counts), *ev)
    elif not unclassed:
        items = failed(_("BVAS v3 at screening: {counts}; needs {aav_major_min} major or {aav_other_min} other.",
                         counts=counts, aav_major_min=P.AAV_MAJOR_MIN, aav_other_min=P.AAV_OTHER_MIN), *ev)
    else:
        items = incomplete(_("BVAS v3 at screening: {counts}; {n_unclassed} item(s) not classed major or other.",
                             counts=counts, n_unclassed=len(unclassed)),
                           "bvas_items", *ev)
    return all_of([attempt(dated_in_screening, snapshot, ctx, "aav", "bvas_date", _("screening BVAS v3 assessment")),
                   items])


@criterion("INC-AAV-03", _("PR3- or MPO-ANCA positive at screening"))
def anca(snapshot, ctx):
    return all_of([
        attempt(dated_in_screening, snapshot, ctx, "aav", "anca_date", _("screening ANCA sample")),
        any_of([positive(snapshot, "aav", "pr3_anca", _("PR3-ANCA")),
                positive(snapshot, "aav", "mpo_anca", _("MPO-ANCA"))]),
    ])


@criterion("INC-AAV-04", _("Relapsed or refractory after ≥ {aav_therapy_months} months of glucocorticoid + "
                           "immunosuppressant",
                           aav_therapy_months=P.AAV_THERAPY_MONTHS))
def relapsed_or_refractory(snapshot, ctx):
    scr = require_scr(ctx)
    remission = answer(snapshot, "aav", "remission_reached")
    remission_label = (_("Remission reached (BVAS {aav_remission_bvas}, GC ≤ {aav_remission_gc_max_mg} mg/day)",
                         aav_remission_bvas=P.AAV_REMISSION_BVAS,
                         aav_remission_gc_max_mg=fmt(P.AAV_REMISSION_GC_MAX_MG)))
    remission_ev = answer_evidence(remission_label, remission)
    if remission is None:
        refractory = incomplete(_("Whether remission was reached is not answered."), "aav.remission_reached",
                                remission_ev)
    elif remission:
        refractory = failed(_("Remission was reached, so the disease is not refractory."), remission_ev)
    else:
        refractory = passed(_("Remission was never reached: refractory disease."), remission_ev)
    if remission is True:
        relapsed = _relapsed(snapshot, scr)
    elif remission is False:
        relapsed = failed(_("No remission, so no relapse after it."))
    else:
        relapsed = refractory
    return all_of([_combined_therapy(snapshot, scr), any_of([relapsed, refractory])])


def _combined_therapy(snapshot, scr):
    """A glucocorticoid and an immunosuppressant given together for ≥ 3 months before SCR."""
    if not snapshot.medications:
        return incomplete(_("No medication history is recorded."), "medications")
    gcs = [s for s in (course_span(r, scr) for r in rows_of_class(snapshot, GLUCOCORTICOID)) if s]
    iss = [s for s in (course_span(r, scr) for r in rows_of_class(snapshot, IMMUNOSUPPRESSANT)) if s]
    threshold = Evidence(_("Threshold"),
                         _("glucocorticoid with an immunosuppressant together ≥ {aav_therapy_months} months",
                                        aav_therapy_months=P.AAV_THERAPY_MONTHS))
    best = None
    for gc in gcs:
        for other in iss:
            start, end = max(gc.start, other.start), min(gc.end, other.end)
            if end >= start and (best is None or end - start > best[2] - best[1]):
                best = (_("{name} with {other}", name=gc.name, other=other.name), start, end)
    if best and lasted_at_least_months(best[1], best[2], P.AAV_THERAPY_MONTHS):
        ev = Evidence(_("Combined therapy"), _("{therapy} {start} to {end}",
                                            therapy=best[0], start=fmt(best[1]), end=fmt(best[2])), date=best[1])
        return passed(_("{therapy} together from {start} to {end}.",
                        therapy=best[0], start=fmt(best[1]), end=fmt(best[2])), ev, threshold)
    shown = _(" (longest together: {therapy} {start} to {end})",
              therapy=best[0], start=fmt(best[1]), end=fmt(best[2])) if best else ""
    return failed(_("No glucocorticoid and immunosuppressant were given together for {aav_therapy_months} "
                    "months{shown}.", aav_therapy_months=P.AAV_THERAPY_MONTHS, shown=shown), threshold)


def _relapsed(snapshot, scr):
    bvas = value(snapshot, "aav", "remission_bvas")
    dose = value(snapshot, "aav", "remission_gc_dose")
    remitted = value(snapshot, "aav", "remission_date")
    relapse = value(snapshot, "aav", "relapse_date")
    kind = value(snapshot, "aav", "relapse_kind")
    earliest = scr - timedelta(days=P.AAV_RELAPSE_DAYS)
    parts = []
    if bvas is None:
        parts.append(incomplete(_("The BVAS at remission is not recorded."), "aav.remission_bvas"))
    else:
        ev = Evidence(_("BVAS at remission"), bvas)
        parts.append(passed(_("BVAS {bvas} at remission.", bvas=bvas), ev) if bvas == P.AAV_REMISSION_BVAS
                     else failed(_("BVAS at remission was {bvas}, not {aav_remission_bvas}.",
                                   bvas=bvas, aav_remission_bvas=P.AAV_REMISSION_BVAS), ev))
    if dose is None:
        parts.append(incomplete(_("The glucocorticoid dose at remission is not recorded."), "aav.remission_gc_dose"))
    else:
        ev = Evidence(_("Glucocorticoid at remission"), fmt(dose), _("mg/day prednisone-eq"))
        limit = fmt(P.AAV_REMISSION_GC_MAX_MG)
        parts.append(passed(_("Glucocorticoid {dose} mg/day at remission (≤ {limit}).",
                              dose=fmt(dose), limit=limit), ev)
                     if exact(dose) <= P.AAV_REMISSION_GC_MAX_MG
                     else failed(_("Glucocorticoid {dose} mg/day at remission is above {limit} mg/day.",
                                   dose=fmt(dose), limit=limit), ev))
    if remitted is None:
        parts.append(incomplete(_("The remission date is not recorded."), "aav.remission_date"))
    if relapse is None:
        parts.append(incomplete(_("The recurrence date is not recorded."), "aav.relapse_date"))
    else:
        ev = (Evidence(_("Recurrence onset"), fmt(relapse), date=relapse),
              Evidence(_("Earliest qualifying recurrence"), fmt(earliest), note=_("SCR − {aav_relapse_days} days",
                                                                               aav_relapse_days=P.AAV_RELAPSE_DAYS)))
        if remitted is not None and relapse <= remitted:
            parts.append(failed(_("The recurrence ({relapse}) is not after the remission ({remitted}).",
                                  relapse=fmt(relapse), remitted=fmt(remitted)), *ev))
        elif earliest <= relapse <= scr:
            parts.append(passed(_("Recurrence on {relapse}, within {aav_relapse_days} days before SCR.",
                                  relapse=fmt(relapse), aav_relapse_days=P.AAV_RELAPSE_DAYS), *ev))
        else:
            parts.append(failed(_("Recurrence on {relapse} is not within {aav_relapse_days} days before SCR.",
                                  relapse=fmt(relapse), aav_relapse_days=P.AAV_RELAPSE_DAYS), *ev))
    if kind in P.AAV_RELAPSE_KINDS:
        parts.append(passed(_("Recurrence qualified by: {kind}.", kind=code_word(kind)),
                            Evidence(_("Recurrence qualified by"), code_word(kind))))
    else:
        parts.append(incomplete(_("How the recurrence qualified is not recorded."), "aav.relapse_kind"))
    return all_of(parts)
