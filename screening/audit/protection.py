"""Protection of the trail below the application (PostgreSQL only): the append-only
triggers, the hash chain, and the privileges of the application's database role.
docs/audit-trail.md says what each stops and what it only reveals.

Everything here is discovered from the model registry, not listed: every history
model and every model with `append_only = True` (screening.models.chain.is_append_only)
is protected, so a table added later is protected by the next `migrate`, whose
post_migrate runs `install` (and `grant`, when migrate runs as the owner for an
application role: screening/management/commands/migrate.py).

Why the chain is linked at commit, by the database:
- by the database, so that every insert is chained, the ORM's, `bulk_create`'s and
  a raw SQL session's alike, and the application role cannot write a link itself
  (the trigger function runs as the owner: SECURITY DEFINER);
- at commit (a deferred constraint trigger), under one advisory lock, so that links
  follow the order in which rows became visible and the lock is held for the
  commit's few milliseconds only. A BEFORE INSERT trigger would hold each stream's
  lock from the first insert until commit: concurrent saves would queue behind
  each other, and two transactions writing two streams in opposite orders (a save
  that invalidates a signature, an import) would deadlock.
"""

from django.apps import apps
from django.db import connections

from ..models.chain import ChainLink, is_append_only, time_column

APPEND_ONLY_TRIGGER = "trialsite_append_only"  # the name migration 0002 gave it
CHAIN_TRIGGER = "trialsite_chain"
CHAIN_LOCK = 5_157_226_393  # pg_advisory_xact_lock key of the chain (any constant; one per database)

FUNCTIONS = [
    # The SHA-256 of the row as JSON. Its times read in the session's zone: the trigger calls it
    # through trialsite_row_digest (UTC whatever the session's), verify_audit directly, in a
    # transaction set to UTC, where it is inlined (3.5 × faster than through the SET clauses).
    """
    CREATE OR REPLACE FUNCTION trialsite_row_digest_in_session_zone(r anyelement) RETURNS text
    LANGUAGE sql STABLE AS $$
        SELECT encode(sha256(convert_to(to_jsonb(r)::text, 'UTF8')), 'hex')
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION trialsite_row_digest(r anyelement) RETURNS text
    LANGUAGE sql STABLE SET TimeZone = 'UTC' SET extra_float_digits = 1 AS $$
        SELECT trialsite_row_digest_in_session_zone(r)
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION trialsite_link_hash(
        prev text, stream text, seq bigint, op text, row_key text, digest text, written_at timestamptz
    ) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT encode(sha256(convert_to(concat_ws('|', coalesce(prev, ''), stream, seq, op, row_key, digest,
                                                  extract(epoch FROM written_at)), 'UTF8')), 'hex')
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION trialsite_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation',
                  HINT = 'History and audit log rows are never changed or deleted; record a correction instead.';
    END;
    $$
    """,
    # A signature is invalidated once: the first argument goes from empty to set, the
    # others (arguments too) may change with it, nothing else; never deleted.
    """
    CREATE OR REPLACE FUNCTION trialsite_invalidate_once() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        others_old jsonb := to_jsonb(OLD);
        others_new jsonb := to_jsonb(NEW);
        i int;
    BEGIN
        IF TG_OP = 'UPDATE' AND others_old ->> TG_ARGV[0] IS NULL AND others_new ->> TG_ARGV[0] IS NOT NULL THEN
            FOR i IN 0 .. TG_NARGS - 1 LOOP
                others_old := others_old - TG_ARGV[i];
                others_new := others_new - TG_ARGV[i];
            END LOOP;
            IF others_old = others_new THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION 'audit trail is append-only: % on % refused (a signature is only ever invalidated, once)',
            TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation',
                  HINT = 'Signatures and their invalidation are kept as written.';
    END;
    $$
    """,
    # The link of one row, written at commit (deferred), as the function's owner.
    f"""
    CREATE OR REPLACE FUNCTION trialsite_chain_link() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    DECLARE
        written timestamptz := transaction_timestamp();
        this_stream text := TG_TABLE_NAME;  -- text, not name: compared as name, the index would not serve
        op text := left(TG_OP, 1);
        key text;
        digest text;
        last_seq bigint;
        last_hash text;
    BEGIN
        IF TG_OP = 'DELETE' THEN
            key := to_jsonb(OLD) ->> TG_ARGV[0];
            digest := trialsite_row_digest(OLD);
        ELSE
            key := to_jsonb(NEW) ->> TG_ARGV[0];
            digest := trialsite_row_digest(NEW);
        END IF;
        PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
        SELECT l.seq, l.hash INTO last_seq, last_hash FROM {ChainLink._meta.db_table} l
            WHERE l.stream = this_stream ORDER BY l.seq DESC LIMIT 1;
        last_seq := coalesce(last_seq, 0) + 1;
        INSERT INTO {ChainLink._meta.db_table} (stream, seq, op, row_key, digest, written_at, hash)
            VALUES (this_stream, last_seq, op, key, digest, written,
                    trialsite_link_hash(last_hash, this_stream, last_seq, op, key, digest, written));
        RETURN NULL;
    END;
    $$
    """,
]


def protected_models():
    """Every concrete append-only model, Django's and other apps' included (in a stable order)."""
    found = [m for m in apps.get_models() if is_append_only(m) and not m._meta.proxy and m._meta.managed]
    return sorted(found, key=lambda m: m._meta.db_table)


def _existing(connection):
    return set(connection.introspection.table_names())


def _triggers(cursor):
    """{(table, trigger name): trigger function} of our triggers."""
    cursor.execute(
        "SELECT c.relname, t.tgname, t.tgfoid::regproc::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND t.tgname IN (%s, %s)", [APPEND_ONLY_TRIGGER, CHAIN_TRIGGER]
    )
    return {(table, name): function for table, name, function in cursor.fetchall()}


def install(using="default"):
    """Create the functions, and on each protected table the append-only trigger and
    the chain trigger where they are missing. A table chained for the first time
    (its stream has no link yet) has its rows linked now, in key order."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    existing = _existing(connection)
    with connection.cursor() as cursor:
        for sql in FUNCTIONS:
            cursor.execute(sql)
        present = _triggers(cursor)
        ledger = ChainLink._meta.db_table
        if ledger in existing and (ledger, APPEND_ONLY_TRIGGER) not in present:
            cursor.execute(f"CREATE TRIGGER {APPEND_ONLY_TRIGGER} BEFORE UPDATE OR DELETE ON {quote(ledger)} "
                           "FOR EACH ROW EXECUTE FUNCTION trialsite_refuse_rewrite()")
        for model in protected_models():
            table = model._meta.db_table
            if table not in existing:
                continue
            key = model._meta.pk.column
            once = getattr(model, "invalidation_fields", ())
            function = "trialsite_invalidate_once" if once else "trialsite_refuse_rewrite"
            if present.get((table, APPEND_ONLY_TRIGGER)) != function:
                args = ", ".join(f"'{model._meta.get_field(name).column}'" for name in once)
                cursor.execute(f"DROP TRIGGER IF EXISTS {APPEND_ONLY_TRIGGER} ON {quote(table)}")
                cursor.execute(f"CREATE TRIGGER {APPEND_ONLY_TRIGGER} BEFORE UPDATE OR DELETE ON {quote(table)} "
                               f"FOR EACH ROW EXECUTE FUNCTION {function}({args})")
            if (table, CHAIN_TRIGGER) not in present:
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER {CHAIN_TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {quote(table)} "
                    f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION trialsite_chain_link('{key}')"
                )
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(ledger)} WHERE stream = %s)", [table])
                if not cursor.fetchone()[0]:
                    _link_existing_rows(cursor, quote, table, key, time_column(model))


def _link_existing_rows(cursor, quote, table, key, moment):
    """The rows a table held before it was chained (a database migrated before the
    chain existed), linked in key order, each as written at its own time (no later than
    now): when they were really written is not known, and they are not back-dated."""
    written = f"least(t.{quote(moment)}, transaction_timestamp())" if moment else "transaction_timestamp()"
    cursor.execute(f"""
        DO $$
        DECLARE
            r record;
            n bigint := 0;
            h text;
        BEGIN
            FOR r IN SELECT {quote(key)}::text AS k, trialsite_row_digest(t) AS d, {written} AS w
                     FROM {quote(table)} t ORDER BY {quote(key)} LOOP
                n := n + 1;
                h := trialsite_link_hash(h, '{table}', n, 'I', r.k, r.d, r.w);
                INSERT INTO {quote(ChainLink._meta.db_table)} (stream, seq, op, row_key, digest, written_at, hash)
                    VALUES ('{table}', n, 'I', r.k, r.d, r.w, h);
            END LOOP;
        END $$
    """)


SCHEMA_CHANGE = "S"  # the op of a link that re-digests a row after a migration changed its table's columns


def relink_after_schema_change(schema_editor, tables):
    """For a migration that adds, renames or drops columns of protected tables (`tables`: their
    (table, key column) pairs), run after its schema operations: every chained row whose digest
    changed with its columns gets a link of op 'S', chained after the stream's head, with the
    digest of the row as it now reads. The earlier links stay; verify_audit compares each row with
    its latest link, so a later change to the row is still found, and the chain shows when a
    migration re-read which rows. Inserts into the same transaction are linked at commit, after these."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or ChainLink._meta.db_table not in _existing(connection):
        return
    quote = connection.ops.quote_name
    quote_ledger = quote(ChainLink._meta.db_table)
    with connection.cursor() as cursor:
        for table, key in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote_ledger} WHERE stream = %s)", [table])
            if not cursor.fetchone()[0]:
                continue  # never chained (a database before the chain, or empty): install() links it
            cursor.execute(f"""
                DO $$
                DECLARE
                    r record;
                    n bigint;
                    h text;
                    written timestamptz := transaction_timestamp();
                BEGIN
                    PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
                    SELECT l.seq, l.hash INTO n, h FROM {quote_ledger} l WHERE l.stream = '{table}'
                        ORDER BY l.seq DESC LIMIT 1;
                    FOR r IN
                        SELECT t.{quote(key)}::text AS k, trialsite_row_digest(t) AS d
                        FROM {quote(table)} t
                        JOIN LATERAL (SELECT l.digest FROM {quote_ledger} l
                                      WHERE l.stream = '{table}' AND l.row_key = t.{quote(key)}::text
                                      ORDER BY l.seq DESC LIMIT 1) latest ON true
                        WHERE latest.digest <> trialsite_row_digest(t)
                        ORDER BY t.{quote(key)}
                    LOOP
                        n := n + 1;
                        h := trialsite_link_hash(h, '{table}', n, '{SCHEMA_CHANGE}', r.k, r.d, written);
                        INSERT INTO {quote_ledger} (stream, seq, op, row_key, digest, written_at, hash)
                            VALUES ('{table}', n, '{SCHEMA_CHANGE}', r.k, r.d, written, h);
                    END LOOP;
                END $$
            """)


# ---------------------------------------------------------------- the two roles


def _quote_role(name):
    if not name or not all(c.isalnum() or c == "_" for c in name) or name[0].isdigit():
        raise ValueError(f"role names are letters, digits and _ (not starting with a digit): {name!r}")
    return f'"{name}"'


def roles_sql(database, owner, app, existing=False):
    """The SQL a superuser runs once, connected to `database`: the owner role (runs
    migrate, owns every table) and the application role (owns nothing; gets SELECT
    and INSERT on every table the owner creates, and the rest from `grant` after
    each migrate). Neither has a password: set them with psql's \\password."""
    db, o, a = _quote_role(database), _quote_role(owner), _quote_role(app)
    lines = [
        f"-- trialsite database roles for {database}: run once as a superuser connected to that database.",
        f"CREATE ROLE {o} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;",
        f"CREATE ROLE {a} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;",
        f"GRANT CONNECT ON DATABASE {db} TO {o}, {a};",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {o};",
        f"GRANT USAGE ON SCHEMA public TO {a};",
        "-- Tables the owner creates later (every migration): the application may read and add rows;",
        "-- UPDATE and DELETE are granted after each migrate, table by table, never on the trail.",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO {a};",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {a};",
    ]
    if existing:
        lines += [
            "-- A database migrated before the roles existed: its tables, sequences and functions go to the owner.",
            "DO $$ DECLARE r record; BEGIN",
            "  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace",
            "           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') LOOP",
            f"    EXECUTE format('ALTER TABLE %I OWNER TO {o}', r.relname);",
            "  END LOOP;",
            "  FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace",
            "           WHERE n.nspname = 'public' AND c.relkind = 'S' AND NOT EXISTS (",
            "             SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i') LOOP",
            f"    EXECUTE format('ALTER SEQUENCE %I OWNER TO {o}', r.relname);",
            "  END LOOP;",
            "  FOR r IN SELECT p.oid::regprocedure AS f FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace",
            "           WHERE n.nspname = 'public' AND p.proname LIKE 'trialsite\\_%' LOOP",
            f"    EXECUTE format('ALTER FUNCTION %s OWNER TO {o}', r.f);",
            "  END LOOP;",
            "END $$;",
        ]
    lines.append(
        "-- Then: manage.py migrate with DATABASE_URL naming the application role and MIGRATE_DATABASE_URL the owner."
    )
    return "\n".join(lines) + "\n"


def grant(app_role, using="default"):
    """What the application role may do on each table, set afresh (after every migrate,
    as the owner): the trail SELECT and INSERT (a signature also UPDATE of its
    invalidation columns), the chain SELECT only, Django's migration list SELECT only,
    every other table SELECT, INSERT, UPDATE, DELETE. Never TRUNCATE, REFERENCES or TRIGGER."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    role = _quote_role(app_role)
    quote = connection.ops.quote_name
    existing = _existing(connection)
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        if model is ChainLink:
            tables[model._meta.db_table] = ["SELECT"]
        elif is_append_only(model):
            once = [model._meta.get_field(name).column for name in getattr(model, "invalidation_fields", ())]
            tables[model._meta.db_table] = ["SELECT", "INSERT"] + (
                [f"UPDATE ({', '.join(quote(c) for c in once)})"] if once else []
            )
        else:
            tables[model._meta.db_table] = ["SELECT", "INSERT", "UPDATE", "DELETE"]
    tables["django_migrations"] = ["SELECT"]
    with connection.cursor() as cursor:
        for table, privileges in sorted(tables.items()):
            if table in existing:
                cursor.execute(f"REVOKE ALL ON {quote(table)} FROM {role}")
                cursor.execute(f"GRANT {', '.join(privileges)} ON {quote(table)} TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")


def on_post_migrate(sender, using="default", **kwargs):
    """post_migrate receiver: protect every protected table; grant the application
    role its privileges when migrate runs as the owner on its behalf."""
    install(using)
    app_role = getattr(connections[using], "trialsite_app_role", None)
    if app_role:
        grant(app_role, using)
