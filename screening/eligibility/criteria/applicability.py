"""Running one criterion: which indication it applies to, the LD provisional flag,
and the guarantee that a rule never raises (bad data becomes INCOMPLETE, never PASS)."""

from screening.vocabulary import INDICATIONS

from ..results import CriterionResult, Evidence, Status
from .common import EXCLUSION, GENERAL
from .verdicts import MissingData, Verdict, incomplete, not_applicable


def run(criterion, snapshot, ctx) -> CriterionResult:
    verdict = _applicability(criterion, ctx) or _safe(criterion, snapshot, ctx)
    evidence = verdict.evidence
    provisional = False
    if criterion.ld_relative and verdict.status != Status.NOT_APPLICABLE:
        provisional = ctx.ld_provisional
        if ctx.ld is not None:
            label = f"Lymphodepletion reference ({ctx.ld_source})"
            evidence = evidence + (Evidence(label, ctx.ld.isoformat(), date=ctx.ld, note=ctx.ld_note),)
    return CriterionResult(
        id=criterion.id,
        group=criterion.group,
        text=criterion.text,
        status=verdict.status,
        reason=verdict.reason,
        evidence=evidence,
        missing=verdict.missing,
        provisional=provisional,
        note=verdict.note or criterion.note,
    )


def _applicability(criterion, ctx) -> Verdict | None:
    if criterion.group in (GENERAL, EXCLUSION):
        return None
    if ctx.indication not in INDICATIONS:
        return incomplete("No target indication is selected.", "record.indication")
    if criterion.group != ctx.indication:
        return not_applicable(f"Applies to {criterion.group} only; this subject's indication is {ctx.indication}.")
    return None


def _safe(criterion, snapshot, ctx) -> Verdict:
    try:
        return criterion.rule(snapshot, ctx)
    except MissingData as gap:
        return incomplete(gap.reason, gap.paths, *gap.evidence)
    except Exception as error:  # noqa: BLE001 — a malformed datum must never crash or pass
        return incomplete(f"Could not be evaluated from the data entered ({error}).", ())
