"""Three-valued reading of item-based scores (checklist principle 5).

"≥ t" rule: PASS when the answered items already reach t, FAIL when even every
unanswered item counted as present cannot (Score.max_possible < t), otherwise
INCOMPLETE naming the unanswered items. A "≤ t" rule (MMT-8) swaps the roles.
"""

from ..results import Evidence, Status
from .verdicts import Verdict, _merge, failed, incomplete, passed


def _evidence(score, name, threshold_text, labels):
    ev = [Evidence(name, score.total, "points")]
    if score.unanswered:
        ev.append(Evidence(f"{name} if every unanswered item scored", score.max_possible, "points"))
        ev.append(Evidence("Unanswered items", ", ".join(labels.get(c, c) for c in score.unanswered)))
    if score.counted:
        ev.append(Evidence("Items counted", ", ".join(labels.get(c, c) for c in score.counted)))
    ev.append(Evidence("Threshold", threshold_text, "points"))
    return ev


def score_at_least(score, threshold, name, prefix, labels=None):
    """`prefix` turns an item code into its field path, e.g. "sle.sledai_"."""
    labels = labels or {}
    ev = _evidence(score, name, f"≥ {threshold}", labels)
    if score.total >= threshold:
        return passed(f"{name} {score.total} is at least {threshold}.", *ev)
    if score.max_possible < threshold:
        extra = " even counting every unanswered item" if score.unanswered else ""
        return failed(f"{name} {score.total} is below {threshold}{extra}.", *ev)
    return incomplete(
        f"{name} is {score.total} so far, up to {score.max_possible} with the {len(score.unanswered)} "
        f"unanswered item(s); {threshold} is needed.",
        [f"{prefix}{code}" for code in score.unanswered], *ev,
    )


def score_at_most(score, threshold, name, prefix, labels=None):
    labels = labels or {}
    ev = _evidence(score, name, f"≤ {threshold}", labels)
    if score.total > threshold:
        return failed(f"{name} {score.total} is above {threshold}.", *ev)
    if score.max_possible <= threshold:
        return passed(f"{name} {score.max_possible if score.unanswered else score.total} is at most {threshold}"
                      f"{' even if every unanswered item scored fully' if score.unanswered else ''}.", *ev)
    return incomplete(
        f"{name} is {score.total} from the answered items and could reach {score.max_possible}; "
        f"it must be at most {threshold}.",
        [f"{prefix}{code}" for code in score.unanswered], *ev,
    )


def at_least_n(verdicts, n, what):
    """At least n of the parts pass; FAIL when even every open part passing cannot reach n."""
    verdicts = list(verdicts)
    met = [v for v in verdicts if v.status == Status.PASS]
    open_ = [v for v in verdicts if v.status in (Status.INCOMPLETE, Status.AWAITING_INVESTIGATOR)]
    evidence = _merge(verdicts, "evidence")
    summary = f"{len(met)} of {len(verdicts)} {what} met"
    if len(met) >= n:
        return Verdict(Status.PASS, f"{summary} (at least {n} needed): " + " ".join(v.reason for v in met), evidence)
    if len(met) + len(open_) < n:
        return Verdict(Status.FAIL, f"{summary}; at least {n} are needed.", evidence)
    return Verdict(Status.INCOMPLETE, f"{summary} so far; at least {n} are needed. " + " ".join(v.reason for v in open_),
                   evidence, _merge(open_, "missing"))


__all__ = ["score_at_least", "score_at_most", "at_least_n"]
