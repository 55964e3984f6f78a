"""The checklist table entry and how one entry is run: which indication it applies to,
the LD provisional flag, and the guarantee that a rule never raises (bad data becomes
INCOMPLETE, never PASS)."""

from dataclasses import dataclass
from typing import Callable

from screening.vocabulary import INDICATIONS

from ..messages import _, join
from ..results import CriterionResult, Evidence, Status
from .verdicts import MissingData, Verdict, incomplete, not_applicable

GENERAL, EXCLUSION = "general", "exclusion"


@dataclass(frozen=True)
class Criterion:
    """One row of the checklist: `criterion(snapshot, context) -> CriterionResult`."""

    id: str
    group: str  # "general", an indication code, or "exclusion"
    text: str
    rule: Callable  # (snapshot, context) -> Verdict
    ld_relative: bool = False  # counted back from lymphodepletion: provisional until the actual date
    note: str = ""
    # Confirmations ("history.events_complete") a PASS needs: a PASS resting on the
    # absence of rows is only as good as the coordinator's word that the list is complete.
    complete: tuple = ()

    def __call__(self, snapshot, ctx) -> CriterionResult:
        verdict = self._applicability(ctx) or self._safe(snapshot, ctx)
        verdict = self._confirmed(snapshot, verdict)
        evidence, provisional = verdict.evidence, False
        if self.ld_relative and verdict.status != Status.NOT_APPLICABLE:
            provisional = ctx.ld_provisional
            if ctx.ld is not None:
                source = LD_SOURCES.get(ctx.ld_source, ctx.ld_source)
                label = _("Lymphodepletion reference ({ld_source})", ld_source=source)
                evidence += (Evidence(label, ctx.ld.isoformat(), date=ctx.ld, note=ctx.ld_note),)
        return CriterionResult(
            id=self.id, group=self.group, text=self.text, status=verdict.status, reason=verdict.reason,
            evidence=evidence, missing=verdict.missing, provisional=provisional, note=verdict.note or self.note,
        )

    def _confirmed(self, snapshot, verdict) -> Verdict:
        if verdict.status != Status.PASS:
            return verdict
        unconfirmed = [path for path in self.complete if _answer(snapshot, path) is not True]
        if not unconfirmed:
            return verdict
        lists = join([COMPLETENESS_LABELS[p] for p in unconfirmed], sep=_(" and "))
        return incomplete(
            _("Nothing found, but the {lists} is not confirmed complete.", lists=lists), unconfirmed, *verdict.evidence
        )

    def _applicability(self, ctx) -> Verdict | None:
        if self.group in (GENERAL, EXCLUSION):
            return None
        if ctx.indication not in INDICATIONS:
            return incomplete(_("No target indication is selected."), "record.indication")
        if self.group != ctx.indication:
            return not_applicable(_("Applies to {group} only; this subject's indication is {indication}.",
                                    group=self.group, indication=ctx.indication))
        return None

    def _safe(self, snapshot, ctx) -> Verdict:
        try:
            return self.rule(snapshot, ctx)
        except MissingData as gap:
            return incomplete(gap.reason, gap.paths, *gap.evidence)
        except Exception as error:  # noqa: BLE001 — a malformed datum must never crash or pass
            return incomplete(_("Could not be evaluated from the data entered ({error}).", error=error), ())


MEDICATIONS_COMPLETE = "history.medications_complete"
EVENTS_COMPLETE = "history.events_complete"
LD_SOURCES = {"actual": _("actual"), "planned": _("planned"), "screening": _("screening")}
COMPLETENESS_LABELS = {MEDICATIONS_COMPLETE: _("medication history"), EVENTS_COMPLETE: _("list of prior events")}


def _answer(snapshot, path):
    section, _dot, name = path.partition(".")
    return snapshot.section(section).get(name)


def registrar(table: list, group: str):
    """A decorator adding a rule to `table`, in order, under `group`."""

    def criterion(cid, text, *, ld_relative=False, note="", complete=()):
        def register(rule):
            table.append(Criterion(cid, group, text, rule, ld_relative, note, tuple(complete)))
            return rule

        return register

    return criterion
