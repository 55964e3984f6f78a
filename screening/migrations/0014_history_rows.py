# CRF version 2 (issue 17, part): what version 1 asked as one answer, as rows of what the source says.
#
# Malignancies (type, diagnosis date, last treatment date, status), HBV DNA results (value, unit, lower
# limit of quantification, or a qualitative result) and cell or gene therapies (kind, product, date)
# become row tables; the kind of a non-inflammatory myopathy and the agent of an allergy are recorded
# as text the investigator judges (two new judgement items). The version 1 columns malignancy_exception,
# malignancy_recovered, malignancy_last_treatment and hbv_dna are kept, off the form, so their history
# keeps every earlier answer: each answer is moved to a row and the column cleared, the section and the
# new row each written to the history with the reason "CRF version 2: ..." (docs/audit-trail.md).
# What cannot be told from the old answers stays open: a malignancy with no category is of type "not
# stated in the source", a status not answered stays blank, an HBV DNA with no sample date has none;
# the engine decides them the same as before or INCOMPLETE, never a new PASS. Re-evaluate afterwards:
# manage.py reevaluate.

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

KINDS = ("nmsc", "cervical_cis", "prostate_localised", "bladder_low_stage", "dcis")  # version 1 categories
OLD_LABELS = {"malignancy_exception": "malignancy exception",
              "malignancy_recovered": "malignancy recovered, no recurrence and no treatment needed",
              "malignancy_last_treatment": "last treatment of the malignancy"}


def _malignancy(values):
    """(row values, why) for a version 1 medical history, or None when it holds no malignancy datum."""
    exception, recovered, last = (values["malignancy_exception"], values["malignancy_recovered"],
                                  values["malignancy_last_treatment"])
    if values["malignancy"] != "yes" and exception in ("", "none") and not recovered and last is None:
        return None
    kind = exception if exception in KINDS else "unspecified"
    status = {"yes": "recovered", "no": "active", "unknown": "unknown"}.get(recovered, "")
    if kind == "nmsc":
        # The version 1 category read "resected and cured non-melanoma skin cancer"; a recovery answered
        # No contradicts it: left Unknown for the site to correct (INCOMPLETE, not a new FAIL or PASS).
        status = "unknown" if recovered == "no" else "resected_cured"
    row = {"kind": kind, "description": "", "diagnosis_date": None, "last_treatment_date": last,
           "disease_status": status}
    given = ", ".join(f"'{OLD_LABELS[k]}' {values[k].isoformat() if k == 'malignancy_last_treatment' else values[k]!r}"
                      for k in OLD_LABELS if values[k] not in ("", None))
    why = (f"the malignancy answers ({given or 'none given'}; history of malignancy {values['malignancy']!r}) "
           f"moved to a malignancy row: type {kind!r}, status {status or 'not recorded'!r}"
           f"{', last treatment ' + last.isoformat() if last else ''}")
    return row, why


def _hbv(values):
    old = values["hbv_dna"]
    if not old:
        return None
    result = {"detected": "above_lloq", "not_detected": "not_detected", "not_done": "not_done"}[old]
    row = {"sample_date": values["sample_date"], "result": result, "value": None, "unit": "", "lloq": None}
    why = (f"'HBV DNA' (answered {old!r}) moved to an HBV DNA result row: result {result!r}, sample date "
           f"{values['sample_date'].isoformat() if values['sample_date'] else 'not recorded'}")
    return row, why


# section model -> (version 1 columns, converter, row model)
CHANGES = {
    "MedicalHistory": (tuple(OLD_LABELS), _malignancy, "Malignancy"),
    "InfectionScreen": (("hbv_dna",), _hbv, "HbvDnaTest"),
}


def _history(apps, name, instance, now, reason, kind):
    model = apps.get_model("screening", name)
    history = apps.get_model("screening", f"Historical{name}")
    return history.objects.create(
        **{f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields},
        history_date=now, history_type=kind,
        history_change_reason=reason, history_user=None,
    )


def migrate_answers(apps, schema_editor):
    """Each section holding a version 1 answer: its answer moved to a new row (one history row '+'),
    the old columns cleared and its version raised (one history row '~'), both with the reason."""
    now = timezone.now()
    for name, (columns, convert, row_name) in CHANGES.items():
        model = apps.get_model("screening", name)
        row_model = apps.get_model("screening", row_name)
        for instance in model.objects.order_by("pk").iterator():
            values = {f.name: getattr(instance, f.attname) for f in model._meta.concrete_fields}
            converted = convert(values)
            if converted is None:
                if any(values[c] not in ("", None) for c in columns):  # e.g. "none of these" beside "no"
                    why = "; ".join(f"'{OLD_LABELS.get(c, c)}' (answered {values[c]!r}) is no longer asked"
                                    for c in columns if values[c] not in ("", None))
                else:
                    continue
            else:
                row_values, why = converted
                # bulk_create, not create(): no signal, so the history row written here is the only one.
                [row] = row_model.objects.bulk_create(
                    [row_model(record_id=instance.record_id, version=1, updated_at=now, **row_values)])
                _history(apps, row_name, row, now, f"CRF version 2: {why}.", "+")
            cleared = {c: None if c == "malignancy_last_treatment" else "" for c in columns}
            for column, empty in cleared.items():
                setattr(instance, column, empty)
            instance.version += 1
            instance.updated_at = now
            # update(), not save(): no signal either way, so the history rows written here are the only ones.
            model.objects.filter(pk=instance.pk).update(**cleared, version=instance.version, updated_at=now)
            _history(apps, name, instance, now, f"CRF version 2: {why}.", "~")


# Columns added to these history tables (the new text answers and judgement items).
CHANGED_HISTORY_TABLES = ("historicalmedicalhistory", "historicaljudgement")


def relink(apps, schema_editor):
    """The added columns change how the history rows of these tables read: each is linked again in
    the audit chain (op 'S'), or verify_audit would call every one altered."""
    from screening.audit.protection import relink_after_schema_change

    models_ = [apps.get_model("screening", name) for name in CHANGED_HISTORY_TABLES]
    relink_after_schema_change(schema_editor, [(m._meta.db_table, m._meta.pk.column) for m in models_])


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0013_site_users'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaljudgement',
            name='allergy_excluded',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], help_text="Asked when an allergy's agent is recorded and not answered as a study drug.", max_length=8, verbose_name='an allergy recorded is to F01 or one of its ingredients'),
        ),
        migrations.AddField(
            model_name='historicaljudgement',
            name='myopathy_excluded',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], help_text='Drug-induced, HIV-associated, thyroid-related, hereditary or metabolic.', max_length=8, verbose_name='the non-inflammatory myopathy recorded is one the protocol excludes'),
        ),
        migrations.AddField(
            model_name='historicalmedicalhistory',
            name='allergy_agent',
            field=models.CharField(blank=True, help_text='Every agent the source names, including those answered above; the investigator judges whether one is an ingredient of F01.', max_length=200, verbose_name='agent of any known allergy, hypersensitivity or intolerance'),
        ),
        migrations.AddField(
            model_name='historicalmedicalhistory',
            name='non_iim_myopathy_kind',
            field=models.CharField(blank=True, help_text="As the source names it; the investigator judges it against the protocol's list.", max_length=200, verbose_name='kind of non-inflammatory myopathy'),
        ),
        migrations.AddField(
            model_name='judgement',
            name='allergy_excluded',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], help_text="Asked when an allergy's agent is recorded and not answered as a study drug.", max_length=8, verbose_name='an allergy recorded is to F01 or one of its ingredients'),
        ),
        migrations.AddField(
            model_name='judgement',
            name='myopathy_excluded',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], help_text='Drug-induced, HIV-associated, thyroid-related, hereditary or metabolic.', max_length=8, verbose_name='the non-inflammatory myopathy recorded is one the protocol excludes'),
        ),
        migrations.AddField(
            model_name='medicalhistory',
            name='allergy_agent',
            field=models.CharField(blank=True, help_text='Every agent the source names, including those answered above; the investigator judges whether one is an ingredient of F01.', max_length=200, verbose_name='agent of any known allergy, hypersensitivity or intolerance'),
        ),
        migrations.AddField(
            model_name='medicalhistory',
            name='non_iim_myopathy_kind',
            field=models.CharField(blank=True, help_text="As the source names it; the investigator judges it against the protocol's list.", max_length=200, verbose_name='kind of non-inflammatory myopathy'),
        ),
        migrations.AlterField(
            model_name='historicalinfectionscreen',
            name='hbv_dna',
            field=models.CharField(blank=True, choices=[('detected', "Detected above the lab's lower limit"), ('not_detected', 'Not detected / below the lower limit'), ('not_done', 'Not done')], editable=False, max_length=16, verbose_name='CRF version 1: HBV DNA'),
        ),
        migrations.AlterField(
            model_name='historicalmedicalhistory',
            name='malignancy',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], help_text='After Yes, enter each malignancy in the table below.', max_length=8, verbose_name='history of malignancy (including cancer-associated myositis)'),
        ),
        migrations.AlterField(
            model_name='historicalmedicalhistory',
            name='malignancy_exception',
            field=models.CharField(blank=True, choices=[('none', 'None of these'), ('nmsc', 'Resected and cured non-melanoma skin cancer'), ('cervical_cis', 'Cervical carcinoma in situ'), ('prostate_localised', 'Localised prostate cancer'), ('bladder_low_stage', 'Low-stage bladder cancer'), ('dcis', 'Ductal carcinoma in situ')], editable=False, max_length=24, verbose_name='CRF version 1: malignancy exception'),
        ),
        migrations.AlterField(
            model_name='historicalmedicalhistory',
            name='malignancy_last_treatment',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='CRF version 1: last treatment of the malignancy'),
        ),
        migrations.AlterField(
            model_name='historicalmedicalhistory',
            name='malignancy_recovered',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], editable=False, max_length=8, verbose_name='CRF version 1: malignancy recovered, no recurrence and no treatment needed'),
        ),
        migrations.AlterField(
            model_name='historicalmedicalhistory',
            name='prior_cell_therapy',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], help_text='After Yes, enter each cell or gene therapy in the table below.', max_length=8, verbose_name='ever received HSCT, CAR-T or other cell therapy'),
        ),
        migrations.AlterField(
            model_name='infectionscreen',
            name='hbv_dna',
            field=models.CharField(blank=True, choices=[('detected', "Detected above the lab's lower limit"), ('not_detected', 'Not detected / below the lower limit'), ('not_done', 'Not done')], editable=False, max_length=16, verbose_name='CRF version 1: HBV DNA'),
        ),
        migrations.AlterField(
            model_name='medicalhistory',
            name='malignancy',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], help_text='After Yes, enter each malignancy in the table below.', max_length=8, verbose_name='history of malignancy (including cancer-associated myositis)'),
        ),
        migrations.AlterField(
            model_name='medicalhistory',
            name='malignancy_exception',
            field=models.CharField(blank=True, choices=[('none', 'None of these'), ('nmsc', 'Resected and cured non-melanoma skin cancer'), ('cervical_cis', 'Cervical carcinoma in situ'), ('prostate_localised', 'Localised prostate cancer'), ('bladder_low_stage', 'Low-stage bladder cancer'), ('dcis', 'Ductal carcinoma in situ')], editable=False, max_length=24, verbose_name='CRF version 1: malignancy exception'),
        ),
        migrations.AlterField(
            model_name='medicalhistory',
            name='malignancy_last_treatment',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='CRF version 1: last treatment of the malignancy'),
        ),
        migrations.AlterField(
            model_name='medicalhistory',
            name='malignancy_recovered',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], editable=False, max_length=8, verbose_name='CRF version 1: malignancy recovered, no recurrence and no treatment needed'),
        ),
        migrations.AlterField(
            model_name='medicalhistory',
            name='prior_cell_therapy',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], help_text='After Yes, enter each cell or gene therapy in the table below.', max_length=8, verbose_name='ever received HSCT, CAR-T or other cell therapy'),
        ),
        migrations.CreateModel(
            name='CellTherapy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('kind', models.CharField(choices=[('hsct_autologous', 'Autologous haematopoietic stem cell transplant'), ('hsct_allogeneic', 'Allogeneic haematopoietic stem cell transplant'), ('car_t', 'CAR-T cell therapy'), ('other_cell', 'Other cell therapy (CAR-NK, TCR-T, mesenchymal stromal cells…)'), ('gene', 'In vivo gene therapy (no cells given)')], max_length=16, verbose_name='kind')),
                ('product', models.CharField(blank=True, max_length=120, verbose_name='product or procedure')),
                ('therapy_date', models.DateField(blank=True, null=True, verbose_name='date (or start)')),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(class)s_rows', to='screening.screeningrecord')),
            ],
            options={
                'verbose_name': 'cell or gene therapy',
                'verbose_name_plural': 'cell or gene therapies',
                'ordering': ['therapy_date', 'id'],
            },
        ),
        migrations.CreateModel(
            name='HbvDnaTest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('sample_date', models.DateField(null=True, verbose_name='sample date')),
                ('result', models.CharField(choices=[('quantified', 'Quantified: value reported'), ('above_lloq', 'Detected above the lower limit of quantification, value not given'), ('below_lloq', 'Detected, below the lower limit of quantification'), ('not_detected', 'Not detected'), ('not_done', 'Not done')], max_length=16, verbose_name='result')),
                ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=13, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='value')),
                ('unit', models.CharField(blank=True, choices=[('IU/mL', 'IU/mL'), ('copies/mL', 'copies/mL')], help_text='Of the value and of the lower limit, as the report prints them.', max_length=12, verbose_name='unit')),
                ('lloq', models.DecimalField(blank=True, decimal_places=2, max_digits=13, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='lower limit of quantification')),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(class)s_rows', to='screening.screeningrecord')),
            ],
            options={
                'verbose_name': 'HBV DNA result',
                'ordering': ['sample_date', 'id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalCellTherapy',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('kind', models.CharField(choices=[('hsct_autologous', 'Autologous haematopoietic stem cell transplant'), ('hsct_allogeneic', 'Allogeneic haematopoietic stem cell transplant'), ('car_t', 'CAR-T cell therapy'), ('other_cell', 'Other cell therapy (CAR-NK, TCR-T, mesenchymal stromal cells…)'), ('gene', 'In vivo gene therapy (no cells given)')], max_length=16, verbose_name='kind')),
                ('product', models.CharField(blank=True, max_length=120, verbose_name='product or procedure')),
                ('therapy_date', models.DateField(blank=True, null=True, verbose_name='date (or start)')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('record', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='screening.screeningrecord')),
            ],
            options={
                'verbose_name': 'historical cell or gene therapy',
                'verbose_name_plural': 'historical cell or gene therapies',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalHbvDnaTest',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('sample_date', models.DateField(null=True, verbose_name='sample date')),
                ('result', models.CharField(choices=[('quantified', 'Quantified: value reported'), ('above_lloq', 'Detected above the lower limit of quantification, value not given'), ('below_lloq', 'Detected, below the lower limit of quantification'), ('not_detected', 'Not detected'), ('not_done', 'Not done')], max_length=16, verbose_name='result')),
                ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=13, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='value')),
                ('unit', models.CharField(blank=True, choices=[('IU/mL', 'IU/mL'), ('copies/mL', 'copies/mL')], help_text='Of the value and of the lower limit, as the report prints them.', max_length=12, verbose_name='unit')),
                ('lloq', models.DecimalField(blank=True, decimal_places=2, max_digits=13, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='lower limit of quantification')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('record', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='screening.screeningrecord')),
            ],
            options={
                'verbose_name': 'historical HBV DNA result',
                'verbose_name_plural': 'historical HBV DNA results',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalMalignancy',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('kind', models.CharField(choices=[('nmsc', 'Non-melanoma skin cancer (basal or squamous cell carcinoma)'), ('cervical_cis', 'Cervical carcinoma in situ'), ('dcis', 'Ductal carcinoma in situ (breast)'), ('prostate_localised', 'Prostate cancer, localised'), ('prostate_other', 'Prostate cancer, not localised'), ('bladder_low_stage', 'Bladder cancer, low stage'), ('bladder_other', 'Bladder cancer, not low stage'), ('melanoma', 'Melanoma'), ('breast', 'Breast cancer, invasive'), ('lung', 'Lung cancer'), ('colorectal', 'Colorectal cancer'), ('lymphoma', 'Lymphoma'), ('leukaemia', 'Leukaemia or myeloma'), ('other', 'Other (describe)'), ('unspecified', 'Type not stated in the source')], max_length=24, verbose_name='type')),
                ('description', models.CharField(blank=True, help_text='As in the source; required for “Other”.', max_length=200, verbose_name='description')),
                ('diagnosis_date', models.DateField(blank=True, null=True, verbose_name='diagnosis date')),
                ('last_treatment_date', models.DateField(blank=True, help_text='Surgery, radiotherapy or drug treatment.', null=True, verbose_name='date of the last treatment')),
                ('disease_status', models.CharField(blank=True, choices=[('resected_cured', 'Resected and cured'), ('recovered', 'Recovered: no recurrence, no treatment needed'), ('active', 'Active, recurred, or still needing treatment'), ('unknown', 'Unknown')], max_length=16, verbose_name='status')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('record', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='screening.screeningrecord')),
            ],
            options={
                'verbose_name': 'historical malignancy',
                'verbose_name_plural': 'historical malignancies',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Malignancy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('kind', models.CharField(choices=[('nmsc', 'Non-melanoma skin cancer (basal or squamous cell carcinoma)'), ('cervical_cis', 'Cervical carcinoma in situ'), ('dcis', 'Ductal carcinoma in situ (breast)'), ('prostate_localised', 'Prostate cancer, localised'), ('prostate_other', 'Prostate cancer, not localised'), ('bladder_low_stage', 'Bladder cancer, low stage'), ('bladder_other', 'Bladder cancer, not low stage'), ('melanoma', 'Melanoma'), ('breast', 'Breast cancer, invasive'), ('lung', 'Lung cancer'), ('colorectal', 'Colorectal cancer'), ('lymphoma', 'Lymphoma'), ('leukaemia', 'Leukaemia or myeloma'), ('other', 'Other (describe)'), ('unspecified', 'Type not stated in the source')], max_length=24, verbose_name='type')),
                ('description', models.CharField(blank=True, help_text='As in the source; required for “Other”.', max_length=200, verbose_name='description')),
                ('diagnosis_date', models.DateField(blank=True, null=True, verbose_name='diagnosis date')),
                ('last_treatment_date', models.DateField(blank=True, help_text='Surgery, radiotherapy or drug treatment.', null=True, verbose_name='date of the last treatment')),
                ('disease_status', models.CharField(blank=True, choices=[('resected_cured', 'Resected and cured'), ('recovered', 'Recovered: no recurrence, no treatment needed'), ('active', 'Active, recurred, or still needing treatment'), ('unknown', 'Unknown')], max_length=16, verbose_name='status')),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(class)s_rows', to='screening.screeningrecord')),
            ],
            options={
                'verbose_name': 'malignancy',
                'verbose_name_plural': 'malignancies',
                'ordering': ['diagnosis_date', 'id'],
            },
        ),
        migrations.RunPython(relink, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(migrate_answers, migrations.RunPython.noop, elidable=False),
    ]
