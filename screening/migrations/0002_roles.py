from django.db import migrations

# The roles were created here by calling live code (screening.roles), which a
# fresh migrate must never depend on. They are now synced after every migrate by
# a post_migrate receiver (screening/apps.py, screening/access/roles.py).


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
