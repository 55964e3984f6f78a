"""The hash chain over the audit trail (PostgreSQL only; docs/audit-trail.md).

Each insert into an append-only table (every history table, the logs, signatures
and signature attempts) gets a `ChainLink`: the row's digest (SHA-256 of the row
as JSON), chained to the previous link of the same table (its *stream*). The links
are written by a database trigger when the writing transaction commits
(screening/audit/protection.py), never by the application, which may only read them.
"""

from django.db import models


def is_append_only(model):
    """The tables whose rows are never changed or deleted, and are chained: every
    history model, and the models that say `append_only = True`."""
    return model.__name__.startswith("Historical") or getattr(model, "append_only", False) is True


def time_column(model):
    """The row's own time: the first field it is ordered by, when that is a date and time
    (history_date, at, signed_at). verify_audit compares it with the link's written_at."""
    for name in model._meta.ordering or ():
        field = model._meta.get_field(name.lstrip("-"))
        if isinstance(field, models.DateTimeField):
            return field.column
    return None


class ChainLink(models.Model):
    INSERT, UPDATE, DELETE = "I", "U", "D"

    stream = models.CharField(max_length=63, help_text="The table whose row this link chains.")
    seq = models.BigIntegerField(help_text="Position in the stream, from 1, without gaps.")
    op = models.CharField(max_length=1, help_text="I: inserted; U: updated (a signature's invalidation); D: deleted.")
    row_key = models.CharField(max_length=64, help_text="The row's primary key.")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the row as JSON, as it was written.")
    written_at = models.DateTimeField(help_text="Start of the transaction that wrote the row (the database's clock).")
    hash = models.CharField(max_length=64, help_text="SHA-256 of the previous link's hash and this link.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="one_link_per_position")]
        indexes = [models.Index(fields=["stream", "row_key", "seq"], name="chainlink_row")]

    def __str__(self):
        return f"{self.stream} #{self.seq}"
