"""Saving and deleting CRF data with its audit trail (django-simple-history).

The one place that stamps the acting user and the reason for change on the
history row. The reason is cleared afterwards: left on the instance it would
stamp the next save too.
"""

from functools import cache

from django.db import transaction


@cache
def history_of(model):
    """``model.history`` for reading every object's history. simple-history builds a
    new manager class at each access (about 1 ms); the manager holds no state."""
    return model.history


def save_with_audit(instance, user, reason=""):
    instance._history_user = user
    instance._change_reason = reason
    try:
        # The row and its history row commit together. Inside a caller's transaction no
        # savepoint of its own: a failure rolls the caller's block back (every caller
        # saves a record whole or not at all), and a savepoint is two more round trips a row.
        with transaction.atomic(savepoint=False):
            if instance.pk:
                instance.version += 1
            instance.save()
    finally:
        del instance._history_user, instance._change_reason
    return instance


def delete_with_audit(instance, user, reason):
    """Delete keeping the last values in history; a deletion always has a reason that says
    something (screening/reasons.py: ValidationError otherwise, nothing deleted)."""
    from .reasons import validate_reason

    reason = validate_reason(reason)
    instance._history_user = user
    instance._change_reason = reason
    try:
        instance.delete()
    finally:
        del instance._history_user, instance._change_reason
