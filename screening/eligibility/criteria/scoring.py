"""Three-valued reading of item-based scores (checklist principle 5).

"≥ t" rule: PASS when the answered items already reach t, FAIL when even every
unanswered item counted as present cannot (Score.max_possible < t), otherwise
INCOMPLETE naming the unanswered items. A "≤ t" rule (MMT-8) swaps the roles.
"""

from ..messages import Message, _, join
from ..results import Evidence, Status
from .verdicts import Verdict, _merge, failed, incomplete, passed


def _evidence(score, name, threshold_text, labels):
    ev = [Evidence(name, score.total, _("points"))]
    if score.unanswered:
        ev.append(Evidence(_("{name} if every unanswered item scored", name=name), score.max_possible, _("points")))
        ev.append(Evidence(_("Unanswered items"), _labels(labels, score.unanswered)))
    if score.counted:
        ev.append(Evidence(_("Items counted"), _labels(labels, score.counted)))
    ev.append(Evidence(_("Threshold"), threshold_text, _("points")))
    return ev


def _labels(labels, codes):
    """The items' labels, "a, b, c", each a message (a calculator's label, translated at display)."""
    return join([Message(labels[c]) if c in labels else c for c in codes], sep=", ")


def score_at_least(score, threshold, name, prefix, labels=None):
    """`prefix` turns an item code into its field path, e.g. "sle.sledai_"."""
    labels = labels or {}
    ev = _evidence(score, name, f"≥ {threshold}", labels)
    if score.total >= threshold:
        return passed(_("{name} {total} is at least {threshold}.",
                        name=name, total=score.total, threshold=threshold), *ev)
    if score.max_possible < threshold:
        extra = _(" even counting every unanswered item") if score.unanswered else ""
        return failed(_("{name} {total} is below {threshold}{extra}.",
                        name=name, total=score.total, threshold=threshold, extra=extra), *ev)
    return incomplete(
        _("{name} is {total} so far, up to {max_possible} with the {n_unanswered} unanswered "
          "item(s); {threshold} is needed.",
          name=name, total=score.total, max_possible=score.max_possible, n_unanswered=len(score.unanswered),
          threshold=threshold),
        [f"{prefix}{code}" for code in score.unanswered], *ev,
    )


def score_at_most(score, threshold, name, prefix, labels=None):
    labels = labels or {}
    ev = _evidence(score, name, f"≤ {threshold}", labels)
    if score.total > threshold:
        return failed(_("{name} {total} is above {threshold}.",
                        name=name, total=score.total, threshold=threshold), *ev)
    if score.max_possible <= threshold:
        if score.unanswered:
            return passed(_("{name} {total} is at most {threshold} even if every unanswered item scored fully.",
                            name=name, total=score.max_possible, threshold=threshold), *ev)
        return passed(_("{name} {total} is at most {threshold}.",
                        name=name, total=score.total, threshold=threshold), *ev)
    return incomplete(
        _("{name} is {total} from the answered items and could reach {max_possible}; it must be "
          "at most {threshold}.",
          name=name, total=score.total, max_possible=score.max_possible, threshold=threshold),
        [f"{prefix}{code}" for code in score.unanswered], *ev,
    )


def at_least_n(verdicts, n, what):
    """At least n of the parts pass; FAIL when even every open part passing cannot reach n."""
    verdicts = list(verdicts)
    met = [v for v in verdicts if v.status == Status.PASS]
    open_ = [v for v in verdicts if v.status in (Status.INCOMPLETE, Status.AWAITING_INVESTIGATOR)]
    evidence = _merge(verdicts, "evidence")
    summary = _("{n_met} of {n_verdicts} {what} met", n_met=len(met), n_verdicts=len(verdicts), what=what)
    if len(met) >= n:
        head = _("{summary} (at least {n} needed):", summary=summary, n=n)
        return Verdict(Status.PASS, join([head, *(v.reason for v in met)]), evidence)
    if len(met) + len(open_) < n:
        return Verdict(Status.FAIL, _("{summary}; at least {n} are needed.", summary=summary, n=n), evidence)
    head = _("{summary} so far; at least {n} are needed.", summary=summary, n=n)
    return Verdict(Status.INCOMPLETE, join([head, *(v.reason for v in open_)]), evidence, _merge(open_, "missing"))


__all__ = ["score_at_least", "score_at_most", "at_least_n"]
