"""CRF version 2, units as printed.

Lab results: the limits carry their own unit (lln_unit, uln_unit; blank: the value's unit) and a
value outside the usual range is confirmed (value_confirmed); more units are accepted. No lab
value changes.

Body weight: the column weight_kg becomes weight, with its unit in weight_unit; the IIM VAS
(patient, physician, extramuscular global) get a unit column each. Each saved weight was entered in
kg and each VAS in cm: its section gets that unit, its version raised and one history row with the
reason "CRF version 2: …" (as 0010_dated_events does).
"""

from django.db import migrations, models
from django.utils import timezone

# historicallabresult: its added columns; historicalorganfunction and historicaliimsection: the
# renamed, altered and added ones.
CHANGED_HISTORY_TABLES = ("historicallabresult", "historicalorganfunction", "historicaliimsection")
# Per section: (value column, unit column, the unit the value was entered in, what the reason names).
UNITS_GIVEN = {
    "OrganFunction": [("weight", "weight_unit", "kg", "body weight")],
    "IimSection": [(name, f"{name}_unit", "cm", label) for name, label in (
        ("patient_global", "patient global activity VAS"), ("physician_global", "physician global activity VAS"),
        ("extramuscular_global", "extramuscular global activity VAS"))],
}


def relink(apps, schema_editor):
    """The renamed and added columns change how the history rows of these tables read: each is
    linked again in the audit chain (op 'S'), or verify_audit would call every one altered."""
    from screening.audit.protection import relink_after_schema_change

    models_ = [apps.get_model("screening", name) for name in CHANGED_HISTORY_TABLES]
    relink_after_schema_change(schema_editor, [(m._meta.db_table, m._meta.pk.column) for m in models_])


def units_given(apps, schema_editor):
    """Every saved value of a question that fixed its unit (weight in kg, VAS in cm) gets that unit:
    the section saved with its version raised and one history row naming what was given."""
    now = timezone.now()
    for name, columns_given in UNITS_GIVEN.items():
        model = apps.get_model("screening", name)
        history = apps.get_model("screening", f"Historical{name}")
        columns = [f.attname for f in model._meta.concrete_fields]
        for instance in model.objects.order_by("pk").iterator():
            given = {unit_column: unit for value_column, unit_column, unit, _label in columns_given
                     if getattr(instance, value_column) is not None and not getattr(instance, unit_column)}
            if not given:
                continue
            for column, unit in given.items():
                setattr(instance, column, unit)
            instance.version += 1
            instance.updated_at = now
            # update(), not save(): no signal either way, so the history row below is the only one.
            model.objects.filter(pk=instance.pk).update(**given, version=instance.version, updated_at=now)
            named = "; ".join(f"the {label} is recorded with its unit, {unit} (the unit it was asked in)"
                              for value_column, unit_column, unit, label in columns_given if unit_column in given)
            history.objects.create(
                **{column: getattr(instance, column) for column in columns},
                history_date=now, history_type="~", history_user=None,
                history_change_reason=f"CRF version 2: {named}.",
            )


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0014_history_rows'),
    ]

    operations = [
        migrations.RenameField('organfunction', 'weight_kg', 'weight'),
        migrations.RenameField('historicalorganfunction', 'weight_kg', 'weight'),
        migrations.AddField(
            model_name='historicallabresult',
            name='lln_unit',
            field=models.CharField(blank=True, choices=[('%', '% (Quick)'), ('/uL', '/µL'), ('10^3/uL', '×10³/µL'), ('10^9/L', '×10⁹/L'), ('U/L', 'U/L'), ('g/L', 'g/L'), ('g/dL', 'g/dL'), ('mL/min', 'mL/min'), ('mL/s', 'mL/s'), ('mg/dL', 'mg/dL'), ('mmol/L', 'mmol/L'), ('ratio', 'ratio'), ('s', 's'), ('ukat/L', 'µkat/L'), ('umol/L', 'µmol/L')], help_text="The unit the report prints the lower limit in; blank: the value's unit.", max_length=12, verbose_name='LLN unit'),
        ),
        migrations.AddField(
            model_name='historicallabresult',
            name='uln_unit',
            field=models.CharField(blank=True, choices=[('%', '% (Quick)'), ('/uL', '/µL'), ('10^3/uL', '×10³/µL'), ('10^9/L', '×10⁹/L'), ('U/L', 'U/L'), ('g/L', 'g/L'), ('g/dL', 'g/dL'), ('mL/min', 'mL/min'), ('mL/s', 'mL/s'), ('mg/dL', 'mg/dL'), ('mmol/L', 'mmol/L'), ('ratio', 'ratio'), ('s', 's'), ('ukat/L', 'µkat/L'), ('umol/L', 'µmol/L')], help_text="The unit the report prints the upper limit in; blank: the value's unit.", max_length=12, verbose_name='ULN unit'),
        ),
        migrations.AddField(
            model_name='historicallabresult',
            name='value_confirmed',
            field=models.BooleanField(default=False, help_text='Tick after checking a value outside the usual range against the lab report.', verbose_name='value confirmed'),
        ),
        migrations.AlterField(
            model_name='historicalorganfunction',
            name='weight',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='Actual body weight, as printed: 20–300 kg (44.1–661.4 lb).', max_digits=5, null=True, verbose_name='body weight'),
        ),
        migrations.AddField(
            model_name='historicalorganfunction',
            name='weight_unit',
            field=models.CharField(blank=True, choices=[('kg', 'kg'), ('lb', 'lb')], max_length=2, verbose_name='weight unit'),
        ),
        migrations.AddField(
            model_name='labresult',
            name='lln_unit',
            field=models.CharField(blank=True, choices=[('%', '% (Quick)'), ('/uL', '/µL'), ('10^3/uL', '×10³/µL'), ('10^9/L', '×10⁹/L'), ('U/L', 'U/L'), ('g/L', 'g/L'), ('g/dL', 'g/dL'), ('mL/min', 'mL/min'), ('mL/s', 'mL/s'), ('mg/dL', 'mg/dL'), ('mmol/L', 'mmol/L'), ('ratio', 'ratio'), ('s', 's'), ('ukat/L', 'µkat/L'), ('umol/L', 'µmol/L')], help_text="The unit the report prints the lower limit in; blank: the value's unit.", max_length=12, verbose_name='LLN unit'),
        ),
        migrations.AddField(
            model_name='labresult',
            name='uln_unit',
            field=models.CharField(blank=True, choices=[('%', '% (Quick)'), ('/uL', '/µL'), ('10^3/uL', '×10³/µL'), ('10^9/L', '×10⁹/L'), ('U/L', 'U/L'), ('g/L', 'g/L'), ('g/dL', 'g/dL'), ('mL/min', 'mL/min'), ('mL/s', 'mL/s'), ('mg/dL', 'mg/dL'), ('mmol/L', 'mmol/L'), ('ratio', 'ratio'), ('s', 's'), ('ukat/L', 'µkat/L'), ('umol/L', 'µmol/L')], help_text="The unit the report prints the upper limit in; blank: the value's unit.", max_length=12, verbose_name='ULN unit'),
        ),
        migrations.AddField(
            model_name='labresult',
            name='value_confirmed',
            field=models.BooleanField(default=False, help_text='Tick after checking a value outside the usual range against the lab report.', verbose_name='value confirmed'),
        ),
        migrations.AlterField(
            model_name='organfunction',
            name='weight',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='Actual body weight, as printed: 20–300 kg (44.1–661.4 lb).', max_digits=5, null=True, verbose_name='body weight'),
        ),
        migrations.AddField(
            model_name='organfunction',
            name='weight_unit',
            field=models.CharField(blank=True, choices=[('kg', 'kg'), ('lb', 'lb')], max_length=2, verbose_name='weight unit'),
        ),
        migrations.AlterField(
            model_name='historicallabresult',
            name='unit',
            field=models.CharField(blank=True, choices=[('%', '% (Quick)'), ('/uL', '/µL'), ('10^3/uL', '×10³/µL'), ('10^9/L', '×10⁹/L'), ('U/L', 'U/L'), ('g/L', 'g/L'), ('g/dL', 'g/dL'), ('mL/min', 'mL/min'), ('mL/s', 'mL/s'), ('mg/dL', 'mg/dL'), ('mmol/L', 'mmol/L'), ('ratio', 'ratio'), ('s', 's'), ('ukat/L', 'µkat/L'), ('umol/L', 'µmol/L')], max_length=12),
        ),
        migrations.AlterField(
            model_name='labresult',
            name='unit',
            field=models.CharField(blank=True, choices=[('%', '% (Quick)'), ('/uL', '/µL'), ('10^3/uL', '×10³/µL'), ('10^9/L', '×10⁹/L'), ('U/L', 'U/L'), ('g/L', 'g/L'), ('g/dL', 'g/dL'), ('mL/min', 'mL/min'), ('mL/s', 'mL/s'), ('mg/dL', 'mg/dL'), ('mmol/L', 'mmol/L'), ('ratio', 'ratio'), ('s', 's'), ('ukat/L', 'µkat/L'), ('umol/L', 'µmol/L')], max_length=12),
        ),
        migrations.AddField(
            model_name='historicaliimsection',
            name='extramuscular_global_unit',
            field=models.CharField(blank=True, choices=[('cm', 'cm'), ('mm', 'mm')], max_length=2, verbose_name='VAS unit'),
        ),
        migrations.AddField(
            model_name='historicaliimsection',
            name='patient_global_unit',
            field=models.CharField(blank=True, choices=[('cm', 'cm'), ('mm', 'mm')], max_length=2, verbose_name='VAS unit'),
        ),
        migrations.AddField(
            model_name='historicaliimsection',
            name='physician_global_unit',
            field=models.CharField(blank=True, choices=[('cm', 'cm'), ('mm', 'mm')], max_length=2, verbose_name='VAS unit'),
        ),
        migrations.AddField(
            model_name='iimsection',
            name='extramuscular_global_unit',
            field=models.CharField(blank=True, choices=[('cm', 'cm'), ('mm', 'mm')], max_length=2, verbose_name='VAS unit'),
        ),
        migrations.AddField(
            model_name='iimsection',
            name='patient_global_unit',
            field=models.CharField(blank=True, choices=[('cm', 'cm'), ('mm', 'mm')], max_length=2, verbose_name='VAS unit'),
        ),
        migrations.AddField(
            model_name='iimsection',
            name='physician_global_unit',
            field=models.CharField(blank=True, choices=[('cm', 'cm'), ('mm', 'mm')], max_length=2, verbose_name='VAS unit'),
        ),
        migrations.AlterField(
            model_name='historicaliimsection',
            name='extramuscular_global',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='As measured: 0–10 cm, or 0–100 mm.', max_digits=4, null=True, verbose_name='extramuscular global activity VAS'),
        ),
        migrations.AlterField(
            model_name='historicaliimsection',
            name='patient_global',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='As measured: 0–10 cm, or 0–100 mm.', max_digits=4, null=True, verbose_name='patient global activity VAS'),
        ),
        migrations.AlterField(
            model_name='historicaliimsection',
            name='physician_global',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='As measured: 0–10 cm, or 0–100 mm.', max_digits=4, null=True, verbose_name='physician global activity VAS'),
        ),
        migrations.AlterField(
            model_name='iimsection',
            name='extramuscular_global',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='As measured: 0–10 cm, or 0–100 mm.', max_digits=4, null=True, verbose_name='extramuscular global activity VAS'),
        ),
        migrations.AlterField(
            model_name='iimsection',
            name='patient_global',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='As measured: 0–10 cm, or 0–100 mm.', max_digits=4, null=True, verbose_name='patient global activity VAS'),
        ),
        migrations.AlterField(
            model_name='iimsection',
            name='physician_global',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='As measured: 0–10 cm, or 0–100 mm.', max_digits=4, null=True, verbose_name='physician global activity VAS'),
        ),
        migrations.RunPython(relink, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(units_given, migrations.RunPython.noop, elidable=False),
    ]
