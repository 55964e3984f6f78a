"""Completion state of each CRF section of a record.

A section is complete when it has been saved and the eligibility rules miss
nothing from it; in progress when saved but something the rules need is
missing; needs attention when a criterion that reads it fails (a value to
check against the source before anyone signs).
"""

from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _

from ..crf.sections import ROW_MODELS, SNAPSHOT_KEYS, data_fields, sections_for
from ..eligibility.engine import evaluate
from ..eligibility.results import Status
from .snapshots import build_snapshot

NOT_STARTED, IN_PROGRESS, COMPLETE, NEEDS_ATTENTION = "not started", "in progress", "complete", "needs attention"
STATE_LABELS = {
    NOT_STARTED: _("not started"), IN_PROGRESS: _("in progress"),
    COMPLETE: _("complete"), NEEDS_ATTENTION: _("needs attention"),
}
# What the consent section's questions are called in the snapshot.
RECORD_QUESTIONS = (
    "initials", "sex", "date_of_birth", "indication", "screening_date", "consent_date", "consent_version",
)


@dataclass
class SectionState:
    section: object
    state: str
    missing: list
    answered: int = 0  # questions answered, or rows entered
    total: int = 0  # questions asked (0 for a section of rows)
    failing: tuple = ()  # ids of criteria that read this section and fail

    @property
    def key(self):
        return self.section.key

    @property
    def label(self):
        return STATE_LABELS[self.state]


def missing_by_section(evaluation):
    by_section = {}
    for result in evaluation.results:
        for path in result.missing:
            key = SNAPSHOT_KEYS.get(path.split(".")[0])
            if key:
                by_section.setdefault(key, set()).add(path)
    return by_section


@cache
def criteria_by_section():
    """CRF section key -> ids of the criteria that read it, from the engine itself
    (the data dictionary's "Criteria" column)."""
    from ..crf.data_dictionary import criteria_by_field

    by_section = {}
    for (head, _name), ids in criteria_by_field().items():
        key = SNAPSHOT_KEYS.get(head)
        if key:
            by_section.setdefault(key, set()).update(ids)
    return {key: frozenset(ids) for key, ids in by_section.items()}


def section_states(record, evaluation=None):
    """The state of each of the record's sections, from one read of the record
    with its sections (build_snapshot) and one evaluation."""
    snapshot, loaded = build_snapshot(record)
    if evaluation is None:
        evaluation = evaluate(snapshot)
    missing = missing_by_section(evaluation)
    failing = {r.id for r in evaluation.results if r.status == Status.FAIL}
    readers = criteria_by_section()
    saved = _saved_sections(snapshot)
    states = []
    for section in sections_for(record):
        gaps = sorted(missing.get(section.key, ()))
        fails = tuple(sorted(failing & readers.get(section.key, frozenset())))
        if section.key not in saved:
            state = NOT_STARTED
        elif fails:
            state = NEEDS_ATTENTION
        else:
            state = IN_PROGRESS if gaps else COMPLETE
        answered, total = _answered(section, snapshot, loaded)
        states.append(SectionState(section, state, gaps, answered, total, fails))
    return states


def _answered(section, snapshot, record):
    """(questions answered, questions asked); for a section of rows, (rows, 0).

    Counted on the saved instances, not the snapshot, where "Unknown" reads as
    missing: it is an answer. A tick box left unticked is not counted either way."""
    if section.model is None:
        keys = [rows.key for rows in section.rows]
        return sum(len(getattr(snapshot, k)) for k in keys), 0
    if section.key == "consent":
        instance, names = record, RECORD_QUESTIONS
    else:
        instance = getattr(record, section.model._meta.model_name, None)
        names = [f.name for f in data_fields(section.model) if f.get_internal_type() != "BooleanField"]
    if instance is None:
        return 0, len(names)
    return sum(getattr(instance, name) not in (None, "") for name in names), len(names)


def _saved_sections(snapshot):
    saved = {"consent"}
    for key in snapshot.sections:
        saved.add(SNAPSHOT_KEYS[key])
    for key in ROW_MODELS:
        if getattr(snapshot, key):
            saved.add(SNAPSHOT_KEYS[key])
    return saved


def overall_progress(states):
    """(sections complete, sections) of a record's states."""
    return sum(s.state == COMPLETE for s in states), len(states)
