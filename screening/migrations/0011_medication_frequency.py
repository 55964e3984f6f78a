# CRF version 2 (issue 17): medications as charted. The dose is one administration and the
# frequency says how often it is given (5 mg twice daily = 10 mg/day); a pulse or an infusion is a
# single dose on its date. The arithmetic is screening/calculators/dosing.py.
#
# Every frequency code keeps the daily dose it had, except one: "monthly" was read as every 28
# days (1/28 of the dose a day) and now means each calendar month (12/365 a day). Each such row is
# recorded as "every 4 weeks" (1/28 a day, what it was computed as), with a history row giving the
# reason "CRF version 2: ..."; the coordinator changes it back to monthly where the chart says so.
# The other codes are unchanged: once … four times daily (1-4 a day), every other day (1/2), weekly
# (1/7), every 2 weeks (1/14), every 4 weeks (1/28), single dose (the whole dose on the start date),
# other and blank (no arithmetic: a glucocorticoid dose so recorded stayed and stays not
# convertible; the form now asks for the frequency of every dose). No column changes: the history
# tables keep their columns, so no relink is needed. Re-evaluate afterwards: manage.py reevaluate.

from django.db import migrations, models
from django.utils import timezone

OLD_MONTHLY = "monthly"
KEPT_AS = "every_4_weeks"
MONTHLY_REASON = (
    "CRF version 2: frequency 'Monthly' was computed as every 28 days (1/28 of the dose a day); monthly now "
    "means each calendar month (12/365 a day), so this course is recorded as 'Every 4 weeks' to keep the "
    "daily dose it had: change it to 'Monthly' if the chart says monthly.")


def migrate_frequencies(apps, schema_editor):
    """Each medication recorded as monthly: saved as every 4 weeks with its version raised, and one
    history row holding its new values and the reason."""
    model = apps.get_model("screening", "Medication")
    history = apps.get_model("screening", "HistoricalMedication")
    columns = [f.attname for f in model._meta.concrete_fields]
    now = timezone.now()
    for instance in model.objects.filter(frequency=OLD_MONTHLY).order_by("pk").iterator():
        instance.frequency = KEPT_AS
        instance.version += 1
        instance.updated_at = now
        # update(), not save(): no signal, so the history row below is the only one.
        model.objects.filter(pk=instance.pk).update(frequency=KEPT_AS, version=instance.version, updated_at=now)
        history.objects.create(
            **{column: getattr(instance, column) for column in columns},
            history_date=now, history_type="~", history_change_reason=MONTHLY_REASON, history_user=None,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0010_dated_events'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalmedication',
            name='dose',
            field=models.DecimalField(blank=True, decimal_places=3, help_text='One administration, as charted: 5 for 5 mg twice daily.', max_digits=9, null=True),
        ),
        migrations.AlterField(
            model_name='historicalmedication',
            name='frequency',
            field=models.CharField(blank=True, choices=[('once_daily', 'Once daily'), ('twice_daily', 'Twice daily'), ('three_times_daily', 'Three times daily'), ('four_times_daily', 'Four times daily'), ('every_other_day', 'Every other day'), ('weekly', 'Weekly'), ('every_2_weeks', 'Every 2 weeks'), ('every_4_weeks', 'Every 4 weeks'), ('monthly', 'Monthly'), ('single_dose', 'Single dose or infusion'), ('other', 'Other')], help_text='How often the dose is given; a pulse or infusion: a single dose on the start date.', max_length=24),
        ),
        migrations.AlterField(
            model_name='medication',
            name='dose',
            field=models.DecimalField(blank=True, decimal_places=3, help_text='One administration, as charted: 5 for 5 mg twice daily.', max_digits=9, null=True),
        ),
        migrations.AlterField(
            model_name='medication',
            name='frequency',
            field=models.CharField(blank=True, choices=[('once_daily', 'Once daily'), ('twice_daily', 'Twice daily'), ('three_times_daily', 'Three times daily'), ('four_times_daily', 'Four times daily'), ('every_other_day', 'Every other day'), ('weekly', 'Weekly'), ('every_2_weeks', 'Every 2 weeks'), ('every_4_weeks', 'Every 4 weeks'), ('monthly', 'Monthly'), ('single_dose', 'Single dose or infusion'), ('other', 'Other')], help_text='How often the dose is given; a pulse or infusion: a single dose on the start date.', max_length=24),
        ),
        migrations.RunPython(migrate_frequencies, migrations.RunPython.noop, elidable=False),
    ]
