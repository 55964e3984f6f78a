"""Units as printed: a lab result's limits carry their own unit (blank: the value's), a value
outside the usual range is confirmed; more units are accepted (no existing value changes)."""

from django.db import migrations, models

CHANGED_HISTORY_TABLES = ("historicallabresult",)


def relink(apps, schema_editor):
    """The added columns change how the history rows of these tables read: each is linked again
    in the audit chain (op 'S'), or verify_audit would call every one altered."""
    from screening.audit.protection import relink_after_schema_change

    models_ = [apps.get_model("screening", name) for name in CHANGED_HISTORY_TABLES]
    relink_after_schema_change(schema_editor, [(m._meta.db_table, m._meta.pk.column) for m in models_])


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0010_dated_events'),
    ]

    operations = [
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
            model_name='historicallabresult',
            name='unit',
            field=models.CharField(blank=True, choices=[('%', '% (Quick)'), ('/uL', '/µL'), ('10^3/uL', '×10³/µL'), ('10^9/L', '×10⁹/L'), ('U/L', 'U/L'), ('g/L', 'g/L'), ('g/dL', 'g/dL'), ('mL/min', 'mL/min'), ('mL/s', 'mL/s'), ('mg/dL', 'mg/dL'), ('mmol/L', 'mmol/L'), ('ratio', 'ratio'), ('s', 's'), ('ukat/L', 'µkat/L'), ('umol/L', 'µmol/L')], max_length=12),
        ),
        migrations.AlterField(
            model_name='labresult',
            name='unit',
            field=models.CharField(blank=True, choices=[('%', '% (Quick)'), ('/uL', '/µL'), ('10^3/uL', '×10³/µL'), ('10^9/L', '×10⁹/L'), ('U/L', 'U/L'), ('g/L', 'g/L'), ('g/dL', 'g/dL'), ('mL/min', 'mL/min'), ('mL/s', 'mL/s'), ('mg/dL', 'mg/dL'), ('mmol/L', 'mmol/L'), ('ratio', 'ratio'), ('s', 's'), ('ukat/L', 'µkat/L'), ('umol/L', 'µmol/L')], max_length=12),
        ),
        migrations.RunPython(relink, migrations.RunPython.noop),
    ]
