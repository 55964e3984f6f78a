# CRF version 2 (issue 17): record the datum, let the engine compute the judgement.
#
# Four questions that named a window or a threshold are replaced by the event and its date, or
# the result as reported: "PAP > 60 mmHg in the past year" (by the readings, PulmonaryPressureReading,
# and whether they are complete), "acute MI within 6 months before screening" (MI ever, with the
# date already asked), "ANA ≥ 1:80 ever" (the test, titre, date and the lab's cut-off) and "lupus
# crisis within 3 months before screening" (ever, with its date). The columns are renamed, not
# dropped, so their history rows keep every earlier answer; an answer that does not answer the
# new question is cleared, and each change is written to the history with the reason
# "CRF version 2: ..." (docs/audit-trail.md). Re-evaluate afterwards: manage.py reevaluate.

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

OLD_PAP = "pulmonary artery pressure > 60 mmHg on any echo in the year before screening"
OLD_MI = "acute myocardial infarction within 6 months before screening"
OLD_ANA = "ANA ≥ 1:80 on HEp-2 cells ever (entry criterion)"
OLD_CRISIS = "lupus crisis within 3 months before screening"


def _pap(values):
    old = values["pap_readings_complete"]
    if old:
        yield "pap_readings_complete", "", (
            f"'{OLD_PAP}' (answered {old!r}) is no longer asked: enter the readings with their dates "
            "and say whether they are complete")


def _mi(values):
    old = values["myocardial_infarction_ever"]
    if old == "no" and values["myocardial_infarction_date"] is not None:
        yield "myocardial_infarction_ever", "yes", (
            f"'{OLD_MI}' (answered 'no') became 'acute myocardial infarction, ever'; the recorded date "
            "of the most recent one says it happened")
    elif old == "no":
        yield "myocardial_infarction_ever", "", (
            f"'{OLD_MI}' (answered 'no') became 'acute myocardial infarction, ever', which that answer does not "
            "answer: record whether one ever happened and its date")


def _sle(values):
    old = values["ana_test"]
    if old in ("yes", "no"):
        yield "ana_test", "", (
            f"'{OLD_ANA}' (answered {old!r}) is now recorded as the ANA result as reported: the test, "
            "the titre, the sample date and the lab's cut-off")
    old = values["lupus_crisis_ever"]
    if old == "no":
        yield "lupus_crisis_ever", "", (
            f"'{OLD_CRISIS}' (answered 'no') became 'lupus crisis, ever', which that answer does not answer: "
            "record whether one ever happened and the date of the most recent")


CHANGES = {"OrganFunction": _pap, "MedicalHistory": _mi, "SleSection": _sle}


def migrate_answers(apps, schema_editor):
    """Each section whose answers change: saved with its version raised, and one history row
    holding its new values, with the reason naming every question changed and the earlier answer."""
    now = timezone.now()
    for name, changes in CHANGES.items():
        model = apps.get_model("screening", name)
        history = apps.get_model("screening", f"Historical{name}")
        columns = [f.attname for f in model._meta.concrete_fields]
        for instance in model.objects.order_by("pk").iterator():
            values = {f.name: getattr(instance, f.attname) for f in model._meta.concrete_fields}
            changed = list(changes(values))
            if not changed:
                continue
            for field, new, _why in changed:
                setattr(instance, field, new)
            instance.version += 1
            instance.updated_at = now
            # update(), not save(): no signal either way, so the history row below is the only one.
            model.objects.filter(pk=instance.pk).update(
                **{field: new for field, new, _why in changed}, version=instance.version, updated_at=now)
            reason = "CRF version 2: " + "; ".join(why for _field, _new, why in changed) + "."
            history.objects.create(
                **{column: getattr(instance, column) for column in columns},
                history_date=now, history_type="~", history_change_reason=reason, history_user=None,
            )


# historicalscreeningrecord: its frozen_at column comes from 0009_data_management.
CHANGED_HISTORY_TABLES = ("historicalorganfunction", "historicalmedicalhistory", "historicalslesection",
                          "historicalscreeningrecord")


def relink(apps, schema_editor):
    """The renamed and added columns change how the history rows of these tables read: each is
    linked again in the audit chain (op 'S'), or verify_audit would call every one altered."""
    from screening.audit.protection import relink_after_schema_change

    models = [apps.get_model("screening", name) for name in CHANGED_HISTORY_TABLES]
    relink_after_schema_change(schema_editor, [(m._meta.db_table, m._meta.pk.column) for m in models])


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0009_data_management'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField('organfunction', 'pap_over_60_past_year', 'pap_readings_complete'),
        migrations.RenameField('historicalorganfunction', 'pap_over_60_past_year', 'pap_readings_complete'),
        migrations.RenameField('medicalhistory', 'myocardial_infarction', 'myocardial_infarction_ever'),
        migrations.RenameField('historicalmedicalhistory', 'myocardial_infarction', 'myocardial_infarction_ever'),
        migrations.RenameField('slesection', 'ana_entry', 'ana_test'),
        migrations.RenameField('historicalslesection', 'ana_entry', 'ana_test'),
        migrations.RenameField('slesection', 'lupus_crisis', 'lupus_crisis_ever'),
        migrations.RenameField('historicalslesection', 'lupus_crisis', 'lupus_crisis_ever'),
        migrations.AddField(
            model_name='historicalslesection',
            name='ana_date',
            field=models.DateField(blank=True, null=True, verbose_name='date of that ANA sample'),
        ),
        migrations.AddField(
            model_name='historicalslesection',
            name='ana_lab_cutoff',
            field=models.PositiveIntegerField(blank=True, help_text='As printed on the report, e.g. 80 for 1:80.', null=True, validators=[django.core.validators.MinValueValidator(10), django.core.validators.MaxValueValidator(100000)], verbose_name="the lab's positive cut-off 1:N"),
        ),
        migrations.AddField(
            model_name='historicalslesection',
            name='ana_titre',
            field=models.PositiveIntegerField(blank=True, help_text='N as printed: 320 for 1:320 (a report of 1:2560 or more: 2560).', null=True, validators=[django.core.validators.MinValueValidator(10), django.core.validators.MaxValueValidator(100000)], verbose_name='ANA titre 1:N'),
        ),
        migrations.AddField(
            model_name='historicalslesection',
            name='lupus_crisis_date',
            field=models.DateField(blank=True, help_text='Required after Yes.', null=True, verbose_name='date of the most recent lupus crisis'),
        ),
        migrations.AddField(
            model_name='slesection',
            name='ana_date',
            field=models.DateField(blank=True, null=True, verbose_name='date of that ANA sample'),
        ),
        migrations.AddField(
            model_name='slesection',
            name='ana_lab_cutoff',
            field=models.PositiveIntegerField(blank=True, help_text='As printed on the report, e.g. 80 for 1:80.', null=True, validators=[django.core.validators.MinValueValidator(10), django.core.validators.MaxValueValidator(100000)], verbose_name="the lab's positive cut-off 1:N"),
        ),
        migrations.AddField(
            model_name='slesection',
            name='ana_titre',
            field=models.PositiveIntegerField(blank=True, help_text='N as printed: 320 for 1:320 (a report of 1:2560 or more: 2560).', null=True, validators=[django.core.validators.MinValueValidator(10), django.core.validators.MaxValueValidator(100000)], verbose_name='ANA titre 1:N'),
        ),
        migrations.AddField(
            model_name='slesection',
            name='lupus_crisis_date',
            field=models.DateField(blank=True, help_text='Required after Yes.', null=True, verbose_name='date of the most recent lupus crisis'),
        ),
        migrations.AlterField(
            model_name='historicalmedicalhistory',
            name='myocardial_infarction_date',
            field=models.DateField(blank=True, help_text='As in the source document; required after Yes.', null=True, verbose_name='date of the most recent acute myocardial infarction'),
        ),
        migrations.AlterField(
            model_name='historicalmedicalhistory',
            name='myocardial_infarction_ever',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], max_length=8, verbose_name='acute myocardial infarction, ever'),
        ),
        migrations.AlterField(
            model_name='historicalorganfunction',
            name='pap_readings_complete',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], help_text="Every pulmonary artery pressure estimate of the year before screening is entered: the screening echocardiogram's above, earlier ones on the Pulmonary artery pressure page.", max_length=8, verbose_name='pulmonary artery pressure readings complete'),
        ),
        migrations.AlterField(
            model_name='historicalslesection',
            name='ana_test',
            field=models.CharField(blank=True, choices=[('titre', 'HEp-2 immunofluorescence, titre reported'), ('equivalent', 'Positive by an equivalent test, no titre reported (HEp-2 ELISA, CLIA, bead assay)'), ('never_positive', 'No positive ANA test on record'), ('unknown', 'Unknown / not available')], help_text='The highest titre ever reported, or a positive result of a test that reports none.', max_length=16, verbose_name='highest ANA result on record'),
        ),
        migrations.AlterField(
            model_name='historicalslesection',
            name='lupus_crisis_ever',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], max_length=8, verbose_name='lupus crisis, ever'),
        ),
        migrations.AlterField(
            model_name='medicalhistory',
            name='myocardial_infarction_date',
            field=models.DateField(blank=True, help_text='As in the source document; required after Yes.', null=True, verbose_name='date of the most recent acute myocardial infarction'),
        ),
        migrations.AlterField(
            model_name='medicalhistory',
            name='myocardial_infarction_ever',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], max_length=8, verbose_name='acute myocardial infarction, ever'),
        ),
        migrations.AlterField(
            model_name='organfunction',
            name='pap_readings_complete',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], help_text="Every pulmonary artery pressure estimate of the year before screening is entered: the screening echocardiogram's above, earlier ones on the Pulmonary artery pressure page.", max_length=8, verbose_name='pulmonary artery pressure readings complete'),
        ),
        migrations.AlterField(
            model_name='slesection',
            name='ana_test',
            field=models.CharField(blank=True, choices=[('titre', 'HEp-2 immunofluorescence, titre reported'), ('equivalent', 'Positive by an equivalent test, no titre reported (HEp-2 ELISA, CLIA, bead assay)'), ('never_positive', 'No positive ANA test on record'), ('unknown', 'Unknown / not available')], help_text='The highest titre ever reported, or a positive result of a test that reports none.', max_length=16, verbose_name='highest ANA result on record'),
        ),
        migrations.AlterField(
            model_name='slesection',
            name='lupus_crisis_ever',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], max_length=8, verbose_name='lupus crisis, ever'),
        ),
        migrations.CreateModel(
            name='HistoricalPulmonaryPressureReading',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('reading_date', models.DateField(verbose_name='date')),
                ('pap', models.DecimalField(blank=True, decimal_places=0, help_text='mmHg; 5–150.', max_digits=3, null=True, validators=[django.core.validators.MinValueValidator(5), django.core.validators.MaxValueValidator(150)], verbose_name='pulmonary artery pressure')),
                ('method', models.CharField(choices=[('echo', 'Echocardiogram (estimate)'), ('rhc', 'Right heart catheterisation')], default='echo', max_length=8, verbose_name='method')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('record', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='screening.screeningrecord')),
            ],
            options={
                'verbose_name': 'historical pulmonary artery pressure reading',
                'verbose_name_plural': 'historical pulmonary artery pressure readings',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PulmonaryPressureReading',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('reading_date', models.DateField(verbose_name='date')),
                ('pap', models.DecimalField(blank=True, decimal_places=0, help_text='mmHg; 5–150.', max_digits=3, null=True, validators=[django.core.validators.MinValueValidator(5), django.core.validators.MaxValueValidator(150)], verbose_name='pulmonary artery pressure')),
                ('method', models.CharField(choices=[('echo', 'Echocardiogram (estimate)'), ('rhc', 'Right heart catheterisation')], default='echo', max_length=8, verbose_name='method')),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(class)s_rows', to='screening.screeningrecord')),
            ],
            options={
                'verbose_name': 'pulmonary artery pressure reading',
                'ordering': ['reading_date', 'id'],
            },
        ),
            migrations.RunPython(relink, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(migrate_answers, migrations.RunPython.noop, elidable=False),
    ]
