# The hash chain of the audit trail (docs/audit-trail.md) and the permission to see its heads.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0007_import_runs'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='screeningrecord',
            options={'ordering': ['-screening_date', '-id'], 'permissions': [('enter_crf', 'Can enter and correct CRF data'), ('record_judgement', 'Can record investigator judgement items'), ('sign_eligibility', 'Can sign eligibility'), ('view_audit_trail', 'Can view audit trails'), ('import_records', 'Can import screening records'), ('view_review_queue', 'Can view the review queue'), ('view_access_log', 'Can view the user access log of a site'), ('view_audit_chain', "Can view the head hashes of the audit trail's chain")]},
        ),
        migrations.CreateModel(
            name='ChainLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stream', models.CharField(help_text='The table whose row this link chains.', max_length=63)),
                ('seq', models.BigIntegerField(help_text='Position in the stream, from 1, without gaps.')),
                ('op', models.CharField(help_text="I: inserted; U: updated (a signature's invalidation); D: deleted.", max_length=1)),
                ('row_key', models.CharField(help_text="The row's primary key.", max_length=64)),
                ('digest', models.CharField(help_text='SHA-256 of the row as JSON, as it was written.', max_length=64)),
                ('written_at', models.DateTimeField(help_text="Start of the transaction that wrote the row (the database's clock).")),
                ('hash', models.CharField(help_text="SHA-256 of the previous link's hash and this link.", max_length=64)),
            ],
            options={
                'indexes': [models.Index(fields=['stream', 'row_key', 'seq'], name='chainlink_row')],
                'constraints': [models.UniqueConstraint(fields=('stream', 'seq'), name='one_link_per_position')],
            },
        ),
    ]
