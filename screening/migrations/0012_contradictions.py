# Issue 17, contradictions surfaced: "IV hydration given before the serum creatinine sample", the
# datum Cockcroft–Gault needs (INC-05a computes the clearance "without hydration"; crcl_hydration
# asks it of a measured clearance only). A new blank column: no earlier answer changes, so no
# history rows are written; until it is answered INC-05a by Cockcroft–Gault is INCOMPLETE.
# Re-evaluate afterwards: manage.py reevaluate.

from django.db import migrations, models


def relink(apps, schema_editor):
    """The added column changes how the history rows of organ function read: they are linked again
    in the audit chain (op 'S'), or verify_audit would call every one altered."""
    from screening.audit.protection import relink_after_schema_change

    model = apps.get_model("screening", "historicalorganfunction")
    relink_after_schema_change(schema_editor, [(model._meta.db_table, model._meta.pk.column)])


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0011_medication_frequency'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalorganfunction',
            name='creatinine_hydration',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], help_text='The screening serum creatinine the clearance is computed from (Cockcroft–Gault).', max_length=8, verbose_name='IV hydration given before the serum creatinine sample'),
        ),
        migrations.AddField(
            model_name='organfunction',
            name='creatinine_hydration',
            field=models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown / not assessed')], help_text='The screening serum creatinine the clearance is computed from (Cockcroft–Gault).', max_length=8, verbose_name='IV hydration given before the serum creatinine sample'),
        ),
        migrations.RunPython(relink, migrations.RunPython.noop, elidable=False),
    ]
