"""PostgreSQL only: account versions and user-name claims are append-only like the other
logs (0002's trigger function), and a trigger on the user table claims each user name
an account takes and refuses one another account has held, whatever writes the row
(the application, the admin, a script, raw SQL). On SQLite the save does both
(screening/access/identity.py)."""

from django.conf import settings
from django.db import migrations

APPEND_ONLY = "trialsite_append_only"
CLAIM = "trialsite_username_claim"

CLAIM_FUNCTION = """
CREATE OR REPLACE FUNCTION trialsite_claim_username() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE holder integer;
BEGIN
    INSERT INTO {claims} (name_key, username, user_id, claimed_at)
    VALUES (lower(NEW.username), NEW.username, NEW.id, now())
    ON CONFLICT (name_key) DO NOTHING;
    SELECT user_id INTO holder FROM {claims} WHERE name_key = lower(NEW.username);
    IF holder <> NEW.id THEN
        RAISE EXCEPTION 'user name % was held by another account: user names are never reused', NEW.username
            USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END;
$$;
"""


def tables(apps):
    return [apps.get_model("screening", name)._meta.db_table for name in ("AccountVersion", "UsernameClaim")]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for table in tables(apps):
        schema_editor.execute(
            f"CREATE TRIGGER {APPEND_ONLY} BEFORE UPDATE OR DELETE ON {quote(table)} "
            "FOR EACH ROW EXECUTE FUNCTION trialsite_refuse_rewrite()"
        )
    claims = quote(apps.get_model("screening", "UsernameClaim")._meta.db_table)
    users = quote(apps.get_model(*settings.AUTH_USER_MODEL.split("."))._meta.db_table)
    schema_editor.execute(CLAIM_FUNCTION.format(claims=claims), params=None)  # its "%" is a RAISE format
    schema_editor.execute(
        f"CREATE TRIGGER {CLAIM} AFTER INSERT OR UPDATE OF username ON {users} "
        "FOR EACH ROW EXECUTE FUNCTION trialsite_claim_username()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    users = quote(apps.get_model(*settings.AUTH_USER_MODEL.split("."))._meta.db_table)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {CLAIM} ON {users}")
    schema_editor.execute("DROP FUNCTION IF EXISTS trialsite_claim_username()")
    for table in tables(apps):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {APPEND_ONLY} ON {quote(table)}")


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_identity_existing_users")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
