# Failed re-authentications in the access log; at most one valid signature per checkpoint.

from django.conf import settings
from django.db import migrations, models


def invalidate_duplicates(apps, schema_editor):
    """Concurrent signings before this migration could leave two valid signatures of one
    checkpoint: keep the first, mark the others invalidated (kept and shown)."""
    from django.utils import timezone

    Signature = apps.get_model("screening", "Signature")
    seen = set()
    for signature in Signature.objects.filter(invalidated_at__isnull=True).order_by("signed_at", "id"):
        key = (signature.record_id, signature.checkpoint)
        if key in seen:
            signature.invalidated_at = timezone.now()
            signature.invalidated_by = "A second valid signature of the same checkpoint (concurrent signing)."
            signature.save(update_fields=["invalidated_at", "invalidated_by"])
        seen.add(key)


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0013_history_lookup_index_with_id'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='accessevent',
            name='kind',
            field=models.CharField(choices=[('login', 'Logged in'), ('logout', 'Logged out'), ('login_failed', 'Failed login'), ('reauth_failed', 'Failed re-authentication (wrong password on a page)'), ('locked_out', 'Locked out'), ('role_granted', 'Role granted'), ('role_revoked', 'Role revoked'), ('site_granted', 'Site access granted'), ('site_revoked', 'Site access revoked'), ('activated', 'Account activated'), ('deactivated', 'Account deactivated'), ('write_refused', 'Change refused (403)')], max_length=16),
        ),
        migrations.AlterField(
            model_name='eligibilityaccess',
            name='channel',
            field=models.CharField(choices=[('view', 'Eligibility page'), ('json', 'JSON endpoint'), ('command', 'Management command'), ('print', 'Print view'), ('sign', 'Sign page')], default='view', max_length=8),
        ),
        migrations.RunPython(invalidate_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='signature',
            constraint=models.UniqueConstraint(condition=models.Q(('invalidated_at__isnull', True)), fields=('record', 'checkpoint'), name='one_valid_signature_per_checkpoint'),
        ),
    ]
