"""What saving CRF data tells the packages that read it, without importing them
(the import graph points one way: docs/architecture.md)."""

from dataclasses import dataclass, field

from django.dispatch import Signal


@dataclass(frozen=True)
class SavedChange:
    """One row written by a save: the section's form (`row_model` "") or a repeating row."""

    row_model: str  # "" for the section's own model, else the row model's name ("labresult")
    row_id: int  # the row's pk (0 for the section's own model)
    kind: str  # "+", "~" or "-", as in the history
    fields: dict = field(default_factory=dict)  # name -> (old text, new text) of the fields changed
    reason: str = ""
    label: str = ""  # the row in words ("Lab result: Haemoglobin 2026-11-20"), "" for the section's form
    labels: dict = field(default_factory=dict)  # name -> the field's label


# Sent by crf.saving.save_section inside the saving transaction, with `record`,
# `user`, `section` (the Section saved) and `changes` (a list of SavedChange): the
# checklist re-evaluates the record on it; data management clears SDV marks, links
# the change to the queries on it and runs the edit checks.
crf_saved = Signal()


class RecordFrozen(Exception):
    """Not saved: the record is frozen (its last checkpoint is signed); unfreeze it first."""
