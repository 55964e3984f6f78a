"""A rule's verdict, the exceptions a rule may raise for missing or bad data, and
the three-valued combinators (a FAIL the data already show beats a gap elsewhere)."""

from dataclasses import dataclass, replace

from ..messages import join
from ..results import Evidence, Status


@dataclass(frozen=True)
class Verdict:
    status: Status
    reason: str
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()
    note: str = ""


class MissingData(Exception):
    """A datum the rule needs is absent: the criterion is INCOMPLETE and names it."""

    def __init__(self, reason: str, *paths: str, evidence=()):
        super().__init__(reason)
        self.reason, self.paths, self.evidence = reason, paths, tuple(evidence)


class BadData(MissingData):
    """A datum is present but unusable (a unit the analyte does not accept, a zero ULN...)."""


def passed(reason, *evidence):
    return Verdict(Status.PASS, reason, tuple(evidence))


def failed(reason, *evidence):
    return Verdict(Status.FAIL, reason, tuple(evidence))


def incomplete(reason, missing, *evidence):
    return Verdict(Status.INCOMPLETE, reason, tuple(evidence), _paths(missing))


def awaiting(reason, missing, *evidence):
    return Verdict(Status.AWAITING_INVESTIGATOR, reason, tuple(evidence), _paths(missing))


def not_applicable(reason, *evidence):
    return Verdict(Status.NOT_APPLICABLE, reason, tuple(evidence))


def with_evidence(verdict, *evidence, first=False):
    """The verdict with more evidence, appended (or put first)."""
    combined = evidence + verdict.evidence if first else verdict.evidence + evidence
    return replace(verdict, evidence=combined)


def _paths(missing):
    return (missing,) if isinstance(missing, str) else tuple(missing)


def attempt(check, *args, **kwargs) -> Verdict:
    """Run a sub-check, turning missing or bad data into an INCOMPLETE verdict."""
    try:
        return check(*args, **kwargs)
    except MissingData as gap:
        return incomplete(gap.reason, gap.paths, *gap.evidence)


def _merge(verdicts, attr):
    seen, merged = set(), []
    for v in verdicts:
        for item in getattr(v, attr):
            if item not in seen:
                seen.add(item)
                merged.append(item)
    return tuple(merged)


def _join(verdicts):
    return join(v.reason for v in verdicts if v.reason)


def all_of(verdicts, pass_reason=None) -> Verdict:
    """Every part must pass: FAIL beats INCOMPLETE beats AWAITING beats PASS."""
    verdicts = list(verdicts)
    evidence = _merge(verdicts, "evidence")
    for status in (Status.FAIL, Status.INCOMPLETE, Status.AWAITING_INVESTIGATOR):
        hits = [v for v in verdicts if v.status == status]
        if hits:
            gaps = () if status == Status.FAIL else _merge(
                [v for v in verdicts if v.status in (Status.INCOMPLETE, Status.AWAITING_INVESTIGATOR)],
                "missing",
            )
            return Verdict(status, _join(hits), evidence, gaps)
    return Verdict(Status.PASS, pass_reason or _join(verdicts), evidence)


def any_of(verdicts, fail_reason=None) -> Verdict:
    """One part suffices: PASS beats INCOMPLETE beats AWAITING beats FAIL."""
    verdicts = list(verdicts)
    evidence = _merge(verdicts, "evidence")
    hits = [v for v in verdicts if v.status == Status.PASS]
    if hits:
        return Verdict(Status.PASS, hits[0].reason, evidence)
    open_parts = [v for v in verdicts if v.status in (Status.INCOMPLETE, Status.AWAITING_INVESTIGATOR)]
    for status in (Status.INCOMPLETE, Status.AWAITING_INVESTIGATOR):
        hits = [v for v in verdicts if v.status == status]
        if hits:
            return Verdict(status, _join(hits), evidence, _merge(open_parts, "missing"))
    return Verdict(Status.FAIL, fail_reason or _join(verdicts), evidence)
