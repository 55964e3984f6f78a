"""The accounts that exist before identity was kept: a first version and a claim on the
user name of each (as they are now: earlier names were not kept)."""

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    AccountVersion = apps.get_model("screening", "AccountVersion")
    UsernameClaim = apps.get_model("screening", "UsernameClaim")
    for user in User.objects.order_by("pk"):
        AccountVersion.objects.create(
            user_id=user.pk, kind="created", username=user.username, first_name=user.first_name,
            last_name=user.last_name, is_active=user.is_active,
        )
        UsernameClaim.objects.get_or_create(
            name_key=user.username.lower(), defaults={"username": user.username, "user_id": user.pk},
        )


class Migration(migrations.Migration):
    dependencies = [("screening", "0004_trail_identity")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
