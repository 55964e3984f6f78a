"""What signing tells the packages above it, without importing them (docs/architecture.md)."""

from django.dispatch import Signal

# Sent by signing inside the signing transaction, the record's row locked, with `record`,
# `signature` and `user`: data management freezes the record when the signature is its last.
record_signed = Signal()
