"""dcSSc inclusion criteria INC-SSC-01 … 05."""

from screening.calculators.dates import add_months
from screening.calculators.mrss import (
    DIFFUSE_SITES,
    MRSS_SITES,
    mrss_total,
    relative_change,
)
from screening.calculators.ssc import SSC_2013_ITEMS, ssc_2013_score
from screening.vocabulary import GLUCOCORTICOID, IMMUNOSUPPRESSANT

from .. import protocol as P
from ..results import Evidence
from .common import answer, fmt, num, pct, require_scr, value, yes_to
from .courses import lasting_courses, longest
from .labs import require_screening_window
from .scoring import score_at_least
from .table import registrar
from .verdicts import all_of, any_of, attempt, failed, incomplete, passed, with_evidence

CRITERIA: list = []
criterion = registrar(CRITERIA, "DCSSC")
CYCLOPHOSPHAMIDE = "cyclophosphamide"


@criterion("INC-SSC-01", f"2013 ACR/EULAR SSc classification ≥ {P.SSC_CLASSIFICATION_MIN}")
def classification(snapshot, ctx):
    score = ssc_2013_score({code: answer(snapshot, "ssc", f"acr_{code}") for code in SSC_2013_ITEMS})
    labels = {code: item[0] for code, item in SSC_2013_ITEMS.items()}
    return score_at_least(score, P.SSC_CLASSIFICATION_MIN, "2013 ACR/EULAR score", "ssc.acr_", labels)


@criterion("INC-SSC-02", "Diffuse cutaneous subset (skin proximal to elbows/knees)")
def diffuse(snapshot, ctx):
    proximal = yes_to(snapshot, "ssc", "skin_proximal_elbows_knees", "Skin thickening proximal to the elbows or knees")
    trunk = yes_to(snapshot, "ssc", "skin_trunk", "Skin thickening of the trunk")
    verdict = any_of([proximal, trunk], fail_reason="No skin thickening proximal to the elbows or knees or on the trunk.")
    hint = _diffuse_sites_hint(snapshot)
    if hint:
        verdict = with_evidence(verdict, hint)
    return verdict


def _diffuse_sites_hint(snapshot):
    """The latest mRSS's diffuse-type sites above 0: a suggestion beside the CRF answer."""
    try:
        latest = _mrss_assessments(snapshot)[-1:]
    except (ValueError, TypeError):  # a malformed mRSS row must not block this criterion
        return None
    if not latest:
        return None
    day, _score, row = latest[0]
    sites = [s for s in DIFFUSE_SITES if isinstance(row.get(s), int) and row[s] > 0]
    return Evidence("mRSS diffuse-type sites > 0", ", ".join(sites) or "none", date=day, note="suggestion only")


def _screening_pft(snapshot, ctx):
    require_screening_window(ctx)
    rows = sorted(
        (r for r in snapshot.pfts if ctx.in_screening_window(r.get("test_date"))), key=lambda r: r["test_date"]
    )
    return rows[-1] if rows else None


def _in_range(measured, low, high, label):
    if measured is None:
        return incomplete(f"{label} is not recorded on the screening PFT.", "pfts")
    ev = Evidence(label, num(measured), "% predicted", note=f"qualifies from {low} to {high}")
    if low <= measured <= high:
        return passed(f"{label} {fmt(measured)} % predicted is within {low}–{high} %.", ev)
    return failed(f"{label} {fmt(measured)} % predicted is outside {low}–{high} %.", ev)


def _lung_function(snapshot, ctx):
    pft = _screening_pft(snapshot, ctx)
    if pft is None:
        return incomplete("No pulmonary function test during screening.", "pfts")
    day = Evidence("Screening PFT", fmt(pft["test_date"]), date=pft["test_date"])
    verdict = any_of([
        _in_range(pft.get("fvc_pct"), P.FVC_MIN, P.FVC_MAX, "FVC"),
        _in_range(pft.get("dlco_pct"), P.DLCO_MIN, P.DLCO_MAX, "DLCO"),
    ])
    return with_evidence(verdict, day, first=True)


@criterion("INC-SSC-03", f"ILD with FVC {P.FVC_MIN}–{P.FVC_MAX} % or DLCO {P.DLCO_MIN}–{P.DLCO_MAX} % predicted")
def lung(snapshot, ctx):
    return all_of([
        yes_to(snapshot, "ssc", "ild_present", "ILD at screening"),
        attempt(_lung_function, snapshot, ctx),
    ])


@criterion("INC-SSC-04", "Failed glucocorticoid, cyclophosphamide and another immunosuppressant, "
                      f"each ≥ {P.SSC_THERAPY_MONTHS} months")
def prior_therapy(snapshot, ctx):
    scr = require_scr(ctx)
    months = P.SSC_THERAPY_MONTHS
    parts = []
    if not snapshot.medications:
        parts.append(incomplete("No medication history is recorded.", "medications"))
    else:
        immuno, _ = lasting_courses(snapshot, {IMMUNOSUPPRESSANT}, months, scr)
        gc, _ = lasting_courses(snapshot, {GLUCOCORTICOID}, months, scr)
        parts += [
            _course_part(gc, "glucocorticoid", months),
            _course_part([s for s in immuno if s.drug == CYCLOPHOSPHAMIDE], "cyclophosphamide", months),
            _course_part([s for s in immuno if s.drug != CYCLOPHOSPHAMIDE], "other immunosuppressant", months),
        ]
    parts.append(_outcome(snapshot))
    return all_of(parts)


def _course_part(spans, what, months):
    if spans:
        best = longest(spans)
        return passed(f"{best.name} {fmt(best.start)} to {fmt(best.end)} (≥ {months} months).",
                      best.evidence(f"{what.capitalize()} course"))
    return failed(f"No {what} course lasted {months} months before SCR.")


def _outcome(snapshot):
    outcome = value(snapshot, "ssc", "therapy_outcome")
    ev = Evidence("Outcome of conventional therapy", outcome or "not recorded")
    if outcome is None:
        return incomplete("The outcome of conventional therapy is not recorded.", "ssc.therapy_outcome", ev)
    if outcome in P.SSC_FAILED_OUTCOMES:
        return passed(f"Conventional therapy outcome: {outcome.replace('_', ' ')}.", ev)
    return failed(f"Conventional therapy outcome '{outcome}' is neither failure to respond nor relapse.", ev)


# --- INC-SSC-05 -------------------------------------------------------------------------


def _mrss_assessments(snapshot):
    """(date, Score, row) for every mRSS row with a date, oldest first."""
    rows = [r for r in snapshot.mrss if r.get("assessment_date") is not None]
    rows.sort(key=lambda r: r["assessment_date"])
    return [(r["assessment_date"], mrss_total({s: r.get(s) for s in MRSS_SITES}), r) for r in rows]


def meets_relative_change(current, reference, minimum):
    """Whether (current − reference) / reference ≥ minimum (a fall: pass a negative minimum)."""
    change = relative_change(current, reference)
    return change >= minimum if minimum >= 0 else change <= minimum


def _skin_progression(snapshot, ctx, scr, window_start):
    require_screening_window(ctx)
    assessments = _mrss_assessments(snapshot)
    current = [a for a in assessments if ctx.in_screening_window(a[0])]
    if not current:
        return incomplete("(a) No mRSS during screening.", "mrss")
    day, score, _row = current[-1]
    if score.unanswered:
        return incomplete(f"(a) The screening mRSS of {fmt(day)} has unscored sites.", "mrss")
    ev = [Evidence("mRSS at screening", score.total, "points", day)]
    refs = [a for a in assessments if window_start <= a[0] < day and a[0] <= scr]
    open_refs = [a for a in refs if a[1].unanswered]
    for ref_day, ref, _r in refs:
        if ref.unanswered or ref.total <= 0:
            continue
        change = relative_change(score.total, ref.total)
        ev.append(Evidence("Reference mRSS", ref.total, "points", ref_day, note=f"change {pct(change)}"))
        if meets_relative_change(score.total, ref.total, P.MRSS_INCREASE_MIN):
            return passed(f"(a) mRSS rose from {ref.total} ({fmt(ref_day)}) to {score.total}: {pct(change)}, "
                          f"at least {pct(P.MRSS_INCREASE_MIN)}.", *ev)
    if open_refs:
        return incomplete("(a) An earlier mRSS within 6 months has unscored sites.", "mrss", *ev)
    if not refs:
        return failed(f"(a) No earlier mRSS within the {P.SSC_ACTIVITY_MONTHS} months before SCR to compare with.", *ev)
    return failed(f"(a) mRSS did not rise by {pct(P.MRSS_INCREASE_MIN)} within {P.SSC_ACTIVITY_MONTHS} months.", *ev)


def _new_ild(snapshot, scr, window_start):
    present = answer(snapshot, "ssc", "ild_present")
    diagnosed = value(snapshot, "ssc", "ild_diagnosis_date")
    if present is False:
        return failed("(b) No ILD.")
    if diagnosed is None:
        path = "ssc.ild_diagnosis_date" if present else "ssc.ild_present"
        return incomplete("(b) The ILD diagnosis date is not recorded.", path)
    ev = Evidence("ILD diagnosis date", fmt(diagnosed), date=diagnosed)
    if window_start <= diagnosed <= scr:
        return passed(f"(b) ILD newly diagnosed on {fmt(diagnosed)}, within {P.SSC_ACTIVITY_MONTHS} months "
                      f"before SCR.", ev)
    return failed(f"(b) ILD diagnosed on {fmt(diagnosed)}, not within {P.SSC_ACTIVITY_MONTHS} months before SCR.", ev)


def _lung_progression(snapshot, ctx, scr, window_start):
    """(c) FVC fell ≥ 10 %, or (d) FVC ≥ 5 % with DLCO ≥ 15 % (relative), in prior ILD."""
    present = answer(snapshot, "ssc", "ild_present")
    if present is False:
        return failed("(c/d) No prior ILD.")
    if present is None:
        return incomplete("(c/d) Whether ILD is present is not answered.", "ssc.ild_present")
    current = _screening_pft(snapshot, ctx)
    if current is None:
        return incomplete("(c/d) No pulmonary function test during screening.", "pfts")
    day = current["test_date"]
    refs = [r for r in snapshot.pfts if r.get("test_date") and window_start <= r["test_date"] < day
            and r["test_date"] <= scr]
    if not refs:
        return failed(f"(c/d) No earlier PFT within the {P.SSC_ACTIVITY_MONTHS} months before SCR to compare with.")
    ev, gaps = [], False
    for ref in sorted(refs, key=lambda r: r["test_date"]):
        fvc = _fall(current.get("fvc_pct"), ref.get("fvc_pct"))
        dlco = _fall(current.get("dlco_pct"), ref.get("dlco_pct"))
        ev.append(Evidence("Reference PFT", f"FVC {_shown(ref.get('fvc_pct'))}, DLCO {_shown(ref.get('dlco_pct'))}",
                           "% predicted", ref["test_date"],
                           note=f"FVC fall {_pct(fvc)}, DLCO fall {_pct(dlco)}; now FVC "
                                f"{_shown(current.get('fvc_pct'))}, DLCO {_shown(current.get('dlco_pct'))} on {fmt(day)}"))
        if fvc is not None and fvc >= P.FVC_DECLINE_MIN:
            return passed(f"(c) FVC fell {pct(fvc)} since {fmt(ref['test_date'])}.", *ev)
        if fvc is not None and dlco is not None and fvc >= P.FVC_DECLINE_WITH_DLCO_MIN and dlco >= P.DLCO_DECLINE_MIN:
            return passed(f"(d) FVC fell {pct(fvc)} and DLCO {pct(dlco)} since {fmt(ref['test_date'])}.", *ev)
        gaps = gaps or fvc is None or (dlco is None and (fvc or 0) >= P.FVC_DECLINE_WITH_DLCO_MIN)
    if gaps:
        return incomplete("(c/d) FVC or DLCO is missing on a PFT needed for the comparison.", "pfts", *ev)
    return failed("(c/d) No qualifying FVC or FVC + DLCO fall within 6 months.", *ev)


def _fall(current, reference):
    """Relative fall (positive when lower now), None when a value is missing or the base is 0."""
    if current is None or reference is None or reference <= 0:
        return None
    return -relative_change(current, reference)


def _shown(measured):
    return "—" if measured is None else fmt(measured)


def _pct(fraction):
    return "n/a" if fraction is None else pct(fraction)


@criterion("INC-SSC-05", f"Active disease: mRSS +{pct(P.MRSS_INCREASE_MIN)}, new ILD, or FVC/DLCO fall "
                      f"within {P.SSC_ACTIVITY_MONTHS} months",
           note=P.SSC_CHANGE_NOTE)
def active(snapshot, ctx):
    scr = require_scr(ctx)
    window_start = add_months(scr, -P.SSC_ACTIVITY_MONTHS)
    window = Evidence("Look-back window", f"{fmt(window_start)} to {fmt(scr)}")
    verdict = any_of([
        attempt(_skin_progression, snapshot, ctx, scr, window_start),
        _new_ild(snapshot, scr, window_start),
        attempt(_lung_progression, snapshot, ctx, scr, window_start),
    ], fail_reason=f"No sign of active disease within the {P.SSC_ACTIVITY_MONTHS} months before SCR.")
    return with_evidence(verdict, window)
