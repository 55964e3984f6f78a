"""The admin shows the audit trail and the logs read only.

No one adds, changes or deletes a history row or a log row through the
application: these classes refuse all three, whoever asks (superusers
included), so the admin can be used to read but never to rewrite the trail.
"""

from django.apps import apps
from django.contrib import admin
from simple_history.models import HistoricalChanges

from .models import (
    AccessEvent,
    AuditExport,
    EligibilityAccess,
    EligibilityStatusChange,
    Signature,
    SignatureAttempt,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None  # not even the bulk "delete selected"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryAdmin(ReadOnlyAdmin):
    list_display = ("history_date", "history_type", "history_user", "history_change_reason", "id")
    list_filter = ("history_type",)
    date_hierarchy = "history_date"


class LogAdmin(ReadOnlyAdmin):
    date_hierarchy = "at"


@admin.register(EligibilityAccess)
class EligibilityAccessAdmin(LogAdmin):
    list_display = ("at", "record", "user", "role", "channel", "overall")


@admin.register(EligibilityStatusChange)
class EligibilityStatusChangeAdmin(LogAdmin):
    list_display = ("at", "record", "user", "previous", "overall", "snapshot_hash")


@admin.register(AuditExport)
class AuditExportAdmin(LogAdmin):
    list_display = ("at", "user", "role", "kind", "site", "record", "row_count")


@admin.register(AccessEvent)
class AccessEventAdmin(LogAdmin):
    list_display = ("at", "kind", "username", "actor", "site", "ip_address")


@admin.register(Signature)
class SignatureAdmin(LogAdmin):
    list_display = ("signed_at", "record", "printed_name", "checkpoint", "meaning", "invalidated_at")
    date_hierarchy = "signed_at"


@admin.register(SignatureAttempt)
class SignatureAttemptAdmin(LogAdmin):
    list_display = ("at", "record", "user", "checkpoint", "success", "outcome")


# Every history table of the app (CRF models, site memberships, and any model
# given history later) is registered the same way.
for model in apps.get_app_config("screening").get_models():
    if issubclass(model, HistoricalChanges) and not admin.site.is_registered(model):
        admin.site.register(model, HistoryAdmin)
