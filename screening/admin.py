"""The admin shows the audit trail and the logs read only.

No one adds, changes or deletes a history row or a log row through the
application: these classes refuse all three, whoever asks (superusers
included), so the admin can be used to read but never to rewrite the trail.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from simple_history.models import HistoricalChanges

from .access.identity import check_username_free
from .models import (
    AccessEvent,
    AccountVersion,
    AuditExport,
    EligibilityAccess,
    EligibilityStatusChange,
    Signature,
    SignatureAttempt,
    UsernameClaim,
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


@admin.register(AccountVersion)
class AccountVersionAdmin(LogAdmin):
    list_display = ("at", "user_id", "kind", "username", "first_name", "last_name", "is_active", "actor_id")


@admin.register(UsernameClaim)
class UsernameClaimAdmin(ReadOnlyAdmin):
    list_display = ("username", "user_id", "claimed_at")


# User names are never given to someone else (screening/access/identity.py): the user
# forms of the admin say so before the save would refuse it.
class TrialsiteUserCreationForm(AdminUserCreationForm):
    def clean_username(self):
        username = super().clean_username()
        check_username_free(username)
        return username


class TrialsiteUserChangeForm(UserChangeForm):
    def clean_username(self):
        username = self.cleaned_data.get("username")
        check_username_free(username, self.instance)
        return username


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class TrialsiteUserAdmin(UserAdmin):
    add_form = TrialsiteUserCreationForm
    form = TrialsiteUserChangeForm


# Every history table of the app (CRF models, site memberships, and any model
# given history later) is registered the same way.
for model in apps.get_app_config("screening").get_models():
    if issubclass(model, HistoricalChanges) and not admin.site.is_registered(model):
        admin.site.register(model, HistoryAdmin)
