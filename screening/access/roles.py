"""The four roles as Django groups, and the permissions each one holds."""

from ..models.sites import COORDINATOR, INVESTIGATOR, MONITOR, ROLES, SITE_ADMIN

VIEW = ["screening.view_screeningrecord"]
ROLE_PERMISSIONS = {
    COORDINATOR: VIEW + ["screening.add_screeningrecord", "screening.enter_crf", "screening.answer_query"],
    INVESTIGATOR: VIEW + [
        "screening.record_judgement", "screening.sign_eligibility", "screening.view_audit_trail",
        "screening.view_review_queue", "screening.raise_query", "screening.unfreeze_record",
    ],
    MONITOR: VIEW + [
        "screening.view_audit_trail", "screening.view_review_queue", "screening.view_access_log",
        "screening.raise_query", "screening.verify_source",
    ],
    SITE_ADMIN: VIEW + [
        "screening.view_audit_trail", "screening.import_records", "screening.view_review_queue",
        "screening.view_access_log", "screening.view_audit_chain", "screening.unfreeze_record",
        "screening.manage_site_users",
    ],
}


def ensure_roles(Group, Permission):
    """Create or update the role groups (models passed in, so migrations can call it)."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def role_of(user):
    """The user's role code, or None. A user holds one role."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_trialsite_role"):
        names = [g.name for g in user.groups.all() if g.name in ROLES]
        user._trialsite_role = names[0] if names else None
    return user._trialsite_role


def sync_roles(sender, using="default", **kwargs):
    """post_migrate receiver: the role groups and their permissions, as ROLE_PERMISSIONS says
    (Django's own post_migrate receiver has created the permissions by then)."""
    from django.contrib.auth.models import Group, Permission

    ensure_roles(Group, Permission)
