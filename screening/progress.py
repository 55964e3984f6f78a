"""Completion state of each CRF section of a record.

A section is complete when it has been saved and the eligibility rules miss
nothing from it; started when saved but something the rules need is missing.
"""

from dataclasses import dataclass

from .sections import SNAPSHOT_KEYS, sections_for
from .snapshots import build_snapshot

NOT_STARTED, IN_PROGRESS, COMPLETE = "not started", "in progress", "complete"


@dataclass
class SectionState:
    section: object
    state: str
    missing: list

    @property
    def key(self):
        return self.section.key


def missing_by_section(evaluation):
    by_section = {}
    for result in evaluation.results:
        for path in result.missing:
            key = SNAPSHOT_KEYS.get(path.split(".")[0])
            if key:
                by_section.setdefault(key, set()).add(path)
    return by_section


def section_states(record, snapshot=None, evaluation=None):
    if snapshot is None:
        snapshot, _ = build_snapshot(record)
    if evaluation is None:
        from .eligibility.engine import evaluate

        evaluation = evaluate(snapshot)
    missing = missing_by_section(evaluation)
    saved = _saved_sections(snapshot)
    states = []
    for section in sections_for(record):
        gaps = sorted(missing.get(section.key, ()))
        if section.key not in saved:
            state = NOT_STARTED
        else:
            state = IN_PROGRESS if gaps else COMPLETE
        states.append(SectionState(section, state, gaps))
    return states


def _saved_sections(snapshot):
    saved = {"consent"}
    for key in snapshot.sections:
        saved.add(SNAPSHOT_KEYS[key])
    for key in ("labs", "medications", "events", "pfts", "mrss", "bvas_items"):
        if getattr(snapshot, key):
            saved.add(SNAPSHOT_KEYS[key])
    return saved
