# Site user administration (issue 21): the permission `manage_site_users` (held by the site
# administrator role: screening/access/roles.py, synced after migrate), the access log's new
# kinds, and the password history (PasswordRecord, append-only). The password in force of every
# existing account is recorded as its first row ("existing"), so it cannot be chosen again and
# its age, for TRIALSITE_PASSWORD_MAX_AGE_DAYS, counts from this migration. No history table's
# columns change: nothing to relink.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def record_existing_passwords(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    PasswordRecord = apps.get_model("screening", "PasswordRecord")
    PasswordRecord.objects.bulk_create([
        PasswordRecord(user_id=pk, kind="existing", password=password)
        for pk, password in User.objects.order_by("pk").values_list("pk", "password")
        if password and not password.startswith("!")  # an unusable password is no password
    ])


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0012_contradictions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='screeningrecord',
            options={'ordering': ['-screening_date', '-id'], 'permissions': [('enter_crf', 'Can enter and correct CRF data'), ('record_judgement', 'Can record investigator judgement items'), ('sign_eligibility', 'Can sign eligibility'), ('view_audit_trail', 'Can view audit trails'), ('import_records', 'Can import screening records'), ('view_review_queue', 'Can view the review queue'), ('view_access_log', 'Can view the user access log of a site'), ('view_audit_chain', "Can view the head hashes of the audit trail's chain"), ('raise_query', 'Can raise, close and re-open queries on the data'), ('answer_query', 'Can answer queries on the data'), ('verify_source', 'Can mark data as verified against source'), ('unfreeze_record', 'Can unfreeze a frozen record'), ('manage_site_users', 'Can create, change and deactivate the users of their own sites')]},
        ),
        migrations.AlterField(
            model_name='accessevent',
            name='kind',
            field=models.CharField(choices=[('login', 'Logged in'), ('logout', 'Logged out'), ('login_failed', 'Failed login'), ('reauth_failed', 'Failed re-authentication (wrong password on a page)'), ('locked_out', 'Locked out'), ('role_granted', 'Role granted'), ('role_revoked', 'Role revoked'), ('site_granted', 'Site access granted'), ('site_revoked', 'Site access revoked'), ('activated', 'Account activated'), ('deactivated', 'Account deactivated'), ('renamed', 'Account renamed (user name or name changed)'), ('write_refused', 'Change refused (403)'), ('user_created', 'Account created by a site administrator'), ('role_changed', 'Role changed'), ('password_reset', 'Password reset by an administrator'), ('password_changed', 'Password changed by the user')], max_length=16),
        ),
        migrations.CreateModel(
            name='PasswordRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('kind', models.CharField(choices=[('initial', 'Initial password set by an administrator'), ('reset', 'Password reset by an administrator'), ('changed', 'Password changed by the user'), ('set', 'Password set elsewhere (Django admin, a command)'), ('existing', 'Password in force when the password history began')], max_length=8)),
                ('password', models.CharField(help_text="Django's hash of the password, as on the user.", max_length=128)),
                ('set_by', models.ForeignKey(blank=True, db_constraint=False, help_text='Who set it (none from a management command or a migration).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['user_id', 'at', 'id'],
                'indexes': [models.Index(fields=['user', 'at', 'id'], name='passwordrecord_user_at')],
            },
        ),
        migrations.RunPython(record_existing_passwords, migrations.RunPython.noop),
    ]
