"""dcSSc inclusion criteria INC-SSC-01 … 05."""

from screening.calculators.dates import add_months
from screening.calculators.mrss import (
    DIFFUSE_SITES,
    MRSS_LABELS,
    MRSS_SITES,
    mrss_total,
    relative_change,
)
from screening.calculators.ssc import SSC_2013_ITEMS, ssc_2013_score
from screening.vocabulary import GLUCOCORTICOID, IMMUNOSUPPRESSANT

from .. import protocol as P
from ..messages import Message, _, join, styled
from ..results import Evidence
from .common import answer, code_word, fmt, num, pct, require_scr, value, yes_to
from .courses import lasting_courses, longest
from .labs import require_screening_window
from .scoring import score_at_least
from .table import registrar
from .verdicts import all_of, any_of, attempt, failed, incomplete, passed, with_evidence

CRITERIA: list = []
criterion = registrar(CRITERIA, "DCSSC")
CYCLOPHOSPHAMIDE = "cyclophosphamide"


@criterion("INC-SSC-01", _("2013 ACR/EULAR SSc classification ≥ {ssc_classification_min}",
                           ssc_classification_min=P.SSC_CLASSIFICATION_MIN))
def classification(snapshot, ctx):
    score = ssc_2013_score({code: answer(snapshot, "ssc", f"acr_{code}") for code in SSC_2013_ITEMS})
    labels = {code: item[0] for code, item in SSC_2013_ITEMS.items()}
    return score_at_least(score, P.SSC_CLASSIFICATION_MIN, _("2013 ACR/EULAR score"), "ssc.acr_", labels)


@criterion("INC-SSC-02", _("Diffuse cutaneous subset (skin proximal to elbows/knees)"))
def diffuse(snapshot, ctx):
    proximal = yes_to(snapshot, "ssc", "skin_proximal_elbows_knees",
                      _("Skin thickening proximal to the elbows or knees"))
    trunk = yes_to(snapshot, "ssc", "skin_trunk", _("Skin thickening of the trunk"))
    verdict = any_of([proximal, trunk],
                     fail_reason=_("No skin thickening proximal to the elbows or knees or on the trunk."))
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
    return Evidence(_("mRSS diffuse-type sites > 0"), join([Message(MRSS_LABELS[s]) for s in sites], ", ") if sites
                    else _("none"), date=day,
                    note=_("suggestion only"))


def _screening_pft(snapshot, ctx):
    require_screening_window(ctx)
    rows = sorted(
        (r for r in snapshot.pfts if ctx.in_screening_window(r.get("test_date"))), key=lambda r: r["test_date"]
    )
    return rows[-1] if rows else None


def _in_range(measured, low, high, label):
    if measured is None:
        return incomplete(_("{label} is not recorded on the screening PFT.", label=label), "pfts")
    ev = Evidence(label, num(measured), _("% predicted"), note=_("qualifies from {low} to {high}",
                                                              low=low, high=high))
    if low <= measured <= high:
        return passed(_("{label} {measured} % predicted is within {low}–{high} %.",
                        label=label, measured=fmt(measured), low=low, high=high), ev)
    return failed(_("{label} {measured} % predicted is outside {low}–{high} %.",
                    label=label, measured=fmt(measured), low=low, high=high), ev)


def _lung_function(snapshot, ctx):
    pft = _screening_pft(snapshot, ctx)
    if pft is None:
        return incomplete(_("No pulmonary function test during screening."), "pfts")
    day = Evidence(_("Screening PFT"), fmt(pft["test_date"]), date=pft["test_date"])
    verdict = any_of([
        _in_range(pft.get("fvc_pct"), P.FVC_MIN, P.FVC_MAX, "FVC"),
        _in_range(pft.get("dlco_pct"), P.DLCO_MIN, P.DLCO_MAX, "DLCO"),
    ])
    return with_evidence(verdict, day, first=True)


@criterion("INC-SSC-03", _("ILD with FVC {fvc_min}–{fvc_max} % or DLCO {dlco_min}–{dlco_max} % predicted",
                           fvc_min=P.FVC_MIN, fvc_max=P.FVC_MAX, dlco_min=P.DLCO_MIN, dlco_max=P.DLCO_MAX))
def lung(snapshot, ctx):
    return all_of([
        yes_to(snapshot, "ssc", "ild_present", _("ILD at screening")),
        attempt(_lung_function, snapshot, ctx),
    ])


@criterion("INC-SSC-04", _("Failed glucocorticoid, cyclophosphamide and another immunosuppressant, each ≥ "
                           "{ssc_therapy_months} months",
                           ssc_therapy_months=P.SSC_THERAPY_MONTHS))
def prior_therapy(snapshot, ctx):
    scr = require_scr(ctx)
    months = P.SSC_THERAPY_MONTHS
    parts = []
    if not snapshot.medications:
        parts.append(incomplete(_("No medication history is recorded."), "medications"))
    else:
        immuno, _spans = lasting_courses(snapshot, {IMMUNOSUPPRESSANT}, months, scr)
        gc, _gc_spans = lasting_courses(snapshot, {GLUCOCORTICOID}, months, scr)
        parts += [
            _course_part(gc, _("glucocorticoid"), months),
            _course_part([s for s in immuno if s.drug == CYCLOPHOSPHAMIDE], _("cyclophosphamide"), months),
            _course_part([s for s in immuno if s.drug != CYCLOPHOSPHAMIDE], _("other immunosuppressant"), months),
        ]
    parts.append(_outcome(snapshot))
    return all_of(parts)


def _course_part(spans, what, months):
    if spans:
        best = longest(spans)
        return passed(_("{name} {start} to {end} (≥ {months} months).",
                        name=best.name, start=fmt(best.start), end=fmt(best.end), months=months),
                      best.evidence(_("{what} course", what=styled(what, "upper_first"))))
    return failed(_("No {what} course lasted {months} months before SCR.", what=what, months=months))


def _outcome(snapshot):
    outcome = value(snapshot, "ssc", "therapy_outcome")
    ev = Evidence(_("Outcome of conventional therapy"), code_word(outcome) or _("not recorded"))
    if outcome is None:
        return incomplete(_("The outcome of conventional therapy is not recorded."), "ssc.therapy_outcome", ev)
    if outcome in P.SSC_FAILED_OUTCOMES:
        worded = {"no_response": _("no response"), "relapse": _("relapse")}.get(outcome, outcome.replace("_", " "))
        return passed(_("Conventional therapy outcome: {outcome}.", outcome=worded), ev)
    return failed(_("Conventional therapy outcome '{outcome}' is neither failure to respond nor relapse.",
                    outcome=code_word(outcome)), ev)


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
        return incomplete(_("(a) No mRSS during screening."), "mrss")
    day, score, _row = current[-1]
    if score.unanswered:
        return incomplete(_("(a) The screening mRSS of {day} has unscored sites.", day=fmt(day)), "mrss")
    ev = [Evidence(_("mRSS at screening"), score.total, _("points"), day)]
    refs = [a for a in assessments if window_start <= a[0] < day and a[0] <= scr]
    open_refs = [a for a in refs if a[1].unanswered]
    for ref_day, ref, _r in refs:
        if ref.unanswered or ref.total <= 0:
            continue
        change = relative_change(score.total, ref.total)
        ev.append(Evidence(_("Reference mRSS"), ref.total, _("points"), ref_day, note=_("change {pct}",
                                                                                  pct=pct(change))))
        if meets_relative_change(score.total, ref.total, P.MRSS_INCREASE_MIN):
            return passed(_("(a) mRSS rose from {total} ({ref_day}) to {now}: {pct}, at least {minimum}.",
                            total=ref.total, ref_day=fmt(ref_day), now=score.total, pct=pct(change),
                            minimum=pct(P.MRSS_INCREASE_MIN)), *ev)
    if open_refs:
        return incomplete(_("(a) An earlier mRSS within 6 months has unscored sites."), "mrss", *ev)
    if not refs:
        return failed(_("(a) No earlier mRSS within the {ssc_activity_months} months before SCR to compare with.",
                        ssc_activity_months=P.SSC_ACTIVITY_MONTHS), *ev)
    return failed(_("(a) mRSS did not rise by {pct} within {ssc_activity_months} months.",
                    pct=pct(P.MRSS_INCREASE_MIN), ssc_activity_months=P.SSC_ACTIVITY_MONTHS), *ev)


def _new_ild(snapshot, scr, window_start):
    present = answer(snapshot, "ssc", "ild_present")
    diagnosed = value(snapshot, "ssc", "ild_diagnosis_date")
    if present is False:
        return failed(_("(b) No ILD."))
    if diagnosed is None:
        path = "ssc.ild_diagnosis_date" if present else "ssc.ild_present"
        return incomplete(_("(b) The ILD diagnosis date is not recorded."), path)
    ev = Evidence(_("ILD diagnosis date"), fmt(diagnosed), date=diagnosed)
    if window_start <= diagnosed <= scr:
        return passed(_("(b) ILD newly diagnosed on {diagnosed}, within {ssc_activity_months} months before SCR.",
                        diagnosed=fmt(diagnosed), ssc_activity_months=P.SSC_ACTIVITY_MONTHS), ev)
    return failed(_("(b) ILD diagnosed on {diagnosed}, not within {ssc_activity_months} months before SCR.",
                    diagnosed=fmt(diagnosed), ssc_activity_months=P.SSC_ACTIVITY_MONTHS), ev)


def _lung_progression(snapshot, ctx, scr, window_start):
    """(c) FVC fell ≥ 10 %, or (d) FVC ≥ 5 % with DLCO ≥ 15 % (relative), in prior ILD."""
    present = answer(snapshot, "ssc", "ild_present")
    if present is False:
        return failed(_("(c/d) No prior ILD."))
    if present is None:
        return incomplete(_("(c/d) Whether ILD is present is not answered."), "ssc.ild_present")
    current = _screening_pft(snapshot, ctx)
    if current is None:
        return incomplete(_("(c/d) No pulmonary function test during screening."), "pfts")
    day = current["test_date"]
    refs = [r for r in snapshot.pfts if r.get("test_date") and window_start <= r["test_date"] < day
            and r["test_date"] <= scr]
    if not refs:
        return failed(_("(c/d) No earlier PFT within the {ssc_activity_months} months before SCR to compare with.",
                        ssc_activity_months=P.SSC_ACTIVITY_MONTHS))
    ev, gaps = [], False
    for ref in sorted(refs, key=lambda r: r["test_date"]):
        fvc = _fall(current.get("fvc_pct"), ref.get("fvc_pct"))
        dlco = _fall(current.get("dlco_pct"), ref.get("dlco_pct"))
        ev.append(Evidence(_("Reference PFT"), _("FVC {fvc}, DLCO {dlco}",
                                              fvc=_shown(ref.get('fvc_pct')), dlco=_shown(ref.get('dlco_pct'))),
                           _("% predicted"), ref["test_date"],
                           note=_("FVC fall {fvc_fall}, DLCO fall {dlco_fall}; now FVC {fvc}, DLCO {dlco} on {day}",
                                  fvc_fall=_pct(fvc), dlco_fall=_pct(dlco), fvc=_shown(current.get("fvc_pct")),
                                  dlco=_shown(current.get("dlco_pct")), day=fmt(day))))
        if fvc is not None and fvc >= P.FVC_DECLINE_MIN:
            return passed(_("(c) FVC fell {pct} since {test_date}.",
                            pct=pct(fvc), test_date=fmt(ref['test_date'])), *ev)
        if fvc is not None and dlco is not None and fvc >= P.FVC_DECLINE_WITH_DLCO_MIN and dlco >= P.DLCO_DECLINE_MIN:
            return passed(_("(d) FVC fell {fvc} and DLCO {dlco} since {test_date}.",
                            fvc=pct(fvc), dlco=pct(dlco), test_date=fmt(ref['test_date'])), *ev)
        gaps = gaps or fvc is None or (dlco is None and (fvc or 0) >= P.FVC_DECLINE_WITH_DLCO_MIN)
    if gaps:
        return incomplete(_("(c/d) FVC or DLCO is missing on a PFT needed for the comparison."), "pfts", *ev)
    return failed(_("(c/d) No qualifying FVC or FVC + DLCO fall within 6 months."), *ev)


def _fall(current, reference):
    """Relative fall (positive when lower now), None when a value is missing or the base is 0."""
    if current is None or reference is None or reference <= 0:
        return None
    return -relative_change(current, reference)


def _shown(measured):
    return "—" if measured is None else fmt(measured)


def _pct(fraction):
    return "n/a" if fraction is None else pct(fraction)


@criterion("INC-SSC-05", _("Active disease: mRSS +{pct}, new ILD, or FVC/DLCO fall within {ssc_activity_months} "
                           "months",
                           pct=pct(P.MRSS_INCREASE_MIN), ssc_activity_months=P.SSC_ACTIVITY_MONTHS),
           note=P.SSC_CHANGE_NOTE)
def active(snapshot, ctx):
    scr = require_scr(ctx)
    window_start = add_months(scr, -P.SSC_ACTIVITY_MONTHS)
    window = Evidence(_("Look-back window"), _("{window_start} to {scr}",
                                            window_start=fmt(window_start), scr=fmt(scr)))
    verdict = any_of([
        attempt(_skin_progression, snapshot, ctx, scr, window_start),
        _new_ild(snapshot, scr, window_start),
        attempt(_lung_progression, snapshot, ctx, scr, window_start),
    ], fail_reason=_("No sign of active disease within the {ssc_activity_months} months before SCR.",
                     ssc_activity_months=P.SSC_ACTIVITY_MONTHS))
    return with_evidence(verdict, window)
