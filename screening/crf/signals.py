"""What saving CRF data tells the packages that read it, without importing them
(the import graph points one way: docs/architecture.md)."""

from django.dispatch import Signal

# Sent by crf.saving.save_section inside the saving transaction, with `record`
# and `user`: the checklist re-evaluates the record on it.
crf_saved = Signal()
