"""What the checklist tells the packages that read it, without importing them
(the import graph points one way: docs/architecture.md)."""

from django.dispatch import Signal

# Sent by track_status, inside the transaction that stored a record's new
# evaluation, with `record` and `digest` (the snapshot hash now in force).
# The signatures package invalidates the signatures bound to another hash.
eligibility_changed = Signal()
