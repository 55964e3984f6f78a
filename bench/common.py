"""Shared by the benchmarks: a throwaway PostgreSQL database, Django set-up, and
varied screening records built from `screening.exchange.demo.complete_record_data`.

Benchmark data only. `bulk_insert` writes rows with `bulk_create` (or
simple-history's `bulk_create_with_history`), bypassing the forms and
`save_with_audit`: fast enough for 10,000 records, and the values are the demo's
(which the forms accept) varied within the same vocabularies. `check_bulk_matches_forms`
proves, for each indication, that a bulk-inserted record evaluates exactly like
the same data entered through `screening.exchange.demo.create_record`.
"""

import copy
import datetime
import os
import secrets
import sys
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
INDICATIONS = ("SLE", "AAV", "IIM", "DCSSC")


# ---------------------------------------------------------------- environment

def configure(dbname, static_root=None):
    """Production-like settings (DEBUG=False), set before django.setup()."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{PG_SERVER}/{dbname}",
        "DEBUG": "False",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "False",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "ERROR"),
    })
    if static_root:
        os.environ["BENCH_STATIC_ROOT"] = str(static_root)
    return os.environ["DATABASE_URL"]


def _admin():
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)


def open_existing(dbname):
    """Django set up on an existing benchmark database, in-process (DEBUG=False), static
    files collected into a temporary folder; returns that folder, to remove at the end."""
    static_root = tempfile.mkdtemp(prefix="trialsite-bench-static-")
    configure(dbname, static_root=static_root)
    if not db_exists(dbname):
        raise SystemExit(f"no database {dbname}: run bench/load --build-only first")
    django_setup()
    collectstatic()
    return static_root


def db_exists(name):
    with _admin() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def recreate_db(name):
    from psycopg import sql

    with _admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_db(name):
    from psycopg import sql

    with _admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def django_setup():
    import django

    django.setup()


def migrate():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def collectstatic():
    from django.core.management import call_command

    call_command("collectstatic", verbosity=0, interactive=False)


def server_facts():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        version = cur.fetchone()[0]
    return {"postgresql": version}


# ---------------------------------------------------------------- varied records

FAILING_LABS = {  # analyte -> a value that fails its criterion, in the demo's unit
    "hb": 72, "plt": 40, "anc": 0.6, "alt": 190, "ast": 210, "tbil": 60, "creatinine": 260,
}
EXTRA_COURSES = [  # (drug, dose, unit, frequency, purpose)
    ("prednisone", 5, "mg", "once_daily", "treatment"),
    ("methylprednisolone", 500, "mg", "single_dose", "treatment"),
    ("hydroxychloroquine", 200, "mg", "twice_daily", "treatment"),
    ("azathioprine", 100, "mg", "once_daily", "treatment"),
    ("methotrexate", 15, "mg", "weekly", "treatment"),
    ("tacrolimus", 2, "mg", "twice_daily", "treatment"),
    ("antibacterial", 960, "mg", "three_times_daily", "prophylaxis"),
    ("antiviral", 400, "mg", "twice_daily", "prophylaxis"),
    ("antifungal", 100, "mg", "once_daily", "treatment"),
]
EVENT_TEMPLATES = [
    ("transfusion", "2 units packed red cells"),
    ("major_surgery", "appendicectomy"),
    ("infection", "community-acquired pneumonia"),
    ("growth_factor", "filgrastim"),
    ("live_vaccine", "yellow fever"),
]
INITIALS = ["AB", "CD", "EF", "GH", "JK", "LM", "NP", "QR", "ST", "UV", "WX", "YZ", "ABC", "DEFG"]


def _months(day, n):
    from screening.calculators.dates import add_months

    return add_months(day, n)


def varied_record(rng, indication, today):
    """(record values, CRF data in the snapshot's shape, variant) for one subject.

    Starts from the demo's complete record of the indication and varies it so that
    statuses vary: judgement not yet given, a failing lab, missing labs, a missing
    section, an exclusion answered yes; and, independently, units, repeated labs,
    1-9 medication courses and 0-3 prior events.
    """
    from screening.exchange.demo import complete_record_data

    values, data = complete_record_data(indication, today - datetime.timedelta(days=rng.randint(0, 20)))
    scr = values["screening_date"]
    values["initials"] = rng.choice(INITIALS)
    sections, labs = data["sections"], data["labs"]

    roll = rng.random()
    if roll < 0.40:
        variant = "complete"
    elif roll < 0.55:
        variant = "no_judgement"
        sections.pop("judgement")
    elif roll < 0.70:
        variant = "failing_lab"
        analyte = rng.choice(sorted(FAILING_LABS))
        for row in labs:
            if row["analyte"] == analyte:
                row["value"] = FAILING_LABS[analyte]
    elif roll < 0.82:
        variant = "missing_labs"
        if rng.random() < 0.3:
            labs.clear()
        else:
            for row in rng.sample(labs, rng.randint(1, 3)):
                labs.remove(row)
    elif roll < 0.90:
        variant = "missing_section"
        sections.pop(rng.choice(["organ", "infection", "history", "reproductive"]))
    else:
        variant = "exclusion"
        history = sections["history"]
        history[rng.choice(["malignancy", "stroke", "prior_cell_therapy", "kidney_transplant"])] = True
        if history.get("malignancy"):
            data["malignancies"] = [{"kind": "breast", "disease_status": "active", "diagnosis_date": _months(scr, -14)}]

    # Units other than the demo's, values converted.
    for row in labs:
        if row["value"] is None:
            continue
        if row["analyte"] == "hb" and rng.random() < 0.3:
            row.update(value=round(row["value"] / 10, 2), unit="g/dL",
                       uln=row["uln"] and row["uln"] / 10, lln=row["lln"] and row["lln"] / 10)
        elif row["analyte"] == "plt" and rng.random() < 0.3:
            row.update(value=row["value"] * 1000, unit="/uL",
                       uln=row["uln"] and row["uln"] * 1000, lln=row["lln"] and row["lln"] * 1000)
    # Repeated samples within the screening window (up to today).
    for row in rng.sample(labs, min(len(labs), rng.randint(0, 3))):
        again = dict(row, sample_date=scr + datetime.timedelta(days=rng.randint(1, 4)))
        if again["value"] is not None and again["analyte"] not in FAILING_LABS:
            again["value"] = round(again["value"] * rng.uniform(0.95, 1.05), 2)
        labs.append(again)
    # Earlier courses: 0-6 more, stopped before the current ones.
    for _ in range(rng.randint(0, 6)):
        drug, dose, unit, frequency, purpose = rng.choice(EXTRA_COURSES)
        start = _months(scr, -rng.randint(40, 120))
        data["medications"].append({
            "drug": drug, "dose": dose, "dose_unit": unit, "route": "oral", "frequency": frequency,
            "start_date": start, "stop_date": start + datetime.timedelta(days=rng.randint(7, 300)),
            "ongoing": False, "purpose": purpose,
        })
    for _ in range(rng.randint(0, 3)):
        kind, description = rng.choice(EVENT_TEMPLATES)
        start = _months(scr, -rng.randint(7, 60))
        event = {"kind": kind, "start_date": start, "description": description}
        if kind == "infection":
            event.update(systemic_treatment=True, treatment_end=start + datetime.timedelta(days=10))
        data["events"].append(event)
    if rng.random() < 0.3 and "reproductive" in sections:
        values["sex"] = "M"
        sections["reproductive"] = {"contraception_agreed": True, "gamete_donation_refrained": True}
    return values, data, variant


def varied_records(rng, n, today=None):
    """n varied subjects, the four indications in turn."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return [varied_record(rng, INDICATIONS[i % 4], today) for i in range(n)]


# ---------------------------------------------------------------- bulk insertion

def model_values(model, values):
    """Snapshot-shaped values -> model field values (yes/no answers, Decimals, blanks)."""
    from django.db import models

    from screening.models import fields as answers

    out = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        choices = {c for c, _ in field.choices} if field.choices else set()
        if choices == {answers.YES, answers.NO, answers.UNKNOWN}:
            value = {True: answers.YES, False: answers.NO, None: ""}.get(value, value)
        elif isinstance(field, models.DecimalField) and value is not None:
            value = Decimal(repr(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
        elif value is None and isinstance(field, models.BooleanField):
            value = False
        elif value is None and isinstance(field, (models.CharField, models.TextField)) and not field.null:
            value = ""
        out[name] = value
    return out


def bulk_insert(items, user, *, history=False, batch_size=2000, snapshots=False):
    """Insert [(site, record values, data)] with bulk_create, in one transaction.

    history=True also writes one "+" history row per object (simple-history's
    bulk_create_with_history), as the forms would have, with user and reason,
    dated on the screening day. Returns the records (with pks), and with
    snapshots=True also their eligibility snapshots, built in memory from the
    instances saved exactly as `build_snapshot` builds them from the database
    (`check_snapshots` compares the two).
    """
    from django.db import transaction
    from django.db.models import F
    from simple_history.utils import bulk_create_with_history

    from screening.crf.sections import BY_KEY, ROW_MODELS
    from screening.models import ScreeningRecord, Site

    def create(model, objs):
        if not objs:
            return objs
        if history:
            return bulk_create_with_history(
                objs, model, batch_size=batch_size, default_user=user,
                default_change_reason="Initial entry",
            )
        return model.objects.bulk_create(objs, batch_size=batch_size)

    with transaction.atomic():
        counters = Counter()
        sequence = {s.pk: s.next_screening_sequence for s in Site.objects.select_for_update()}
        records = []
        for site, values, _ in items:
            number = sequence[site.pk] + counters[site.pk]
            counters[site.pk] += 1
            records.append(ScreeningRecord(
                site=site, screening_number=f"{site.code}-{number:04d}", created_by=user,
                **model_values(ScreeningRecord, values),
            ))
        for site_pk, n in counters.items():
            Site.objects.filter(pk=site_pk).update(next_screening_sequence=F("next_screening_sequence") + n)
        records = ScreeningRecord.objects.bulk_create(records, batch_size=batch_size)  # pks returned
        per_model, built = {}, []
        for record, (_, _, data) in zip(records, items):
            when = datetime.datetime.combine(record.screening_date, datetime.time(9), datetime.timezone.utc)
            record._history_date = when
            sections = {}
            for key, section_values in data["sections"].items():
                model = BY_KEY[key].model
                sections[key] = model(record=record, **model_values(model, section_values))
                per_model.setdefault(model, []).append(sections[key])
            rows = {}
            for key, model in ROW_MODELS.items():
                rows[key] = [model(record=record, **model_values(model, row)) for row in data.get(key) or ()]
                per_model.setdefault(model, []).extend(rows[key])
            for obj in [*sections.values(), *(r for rs in rows.values() for r in rs)]:
                obj._history_date = when
            built.append((record, sections, rows))
        if history:  # the record's "+" row is dated on its screening day too
            from simple_history.utils import get_history_manager_for_model

            get_history_manager_for_model(ScreeningRecord).bulk_history_create(
                records, batch_size=batch_size, default_user=user, default_change_reason="Record created",
            )
        for model, objs in per_model.items():
            create(model, objs)
    if snapshots:
        return records, [snapshot_in_memory(*b) for b in built]
    return records


def snapshot_in_memory(record, sections, rows):
    from screening.checklist.snapshots import _values, record_values
    from screening.crf.sections import data_fields
    from screening.eligibility.snapshot import Snapshot

    return Snapshot(
        record=record_values(record),  # the subject's identity too, as a signature covers it
        sections={key: _values(obj, data_fields(type(obj))) for key, obj in sections.items()},
        **{key: tuple(_values(r, data_fields(type(r))) for r in objs) for key, objs in rows.items()},
    )


def check_snapshots(pairs):
    """[(pk, in-memory snapshot)]: each equals build_snapshot's from the database."""
    from screening.checklist.snapshots import build_snapshot

    for pk, snapshot in pairs:
        assert build_snapshot(pk)[0].digest() == snapshot.digest(), f"record {pk}: snapshot differs"
    return len(pairs)


def check_bulk_matches_forms(site, user, investigator=None):
    """For each indication, the demo's complete record entered through the forms
    (screening.exchange.demo.create_record) and the same data bulk-inserted evaluate to the
    same statuses and the same snapshot digest but for the screening number.
    Returns [(indication, overall)]; raises AssertionError on a difference."""
    from screening.checklist.evaluation import evaluate_record
    from screening.exchange.demo import complete_record_data, create_record

    out = []
    for indication in INDICATIONS:
        values, data = complete_record_data(indication)
        via_forms = create_record(site, user, dict(values), copy.deepcopy(data), judged_by=investigator or user)
        [bulk] = bulk_insert([(site, values, data)], user)
        a, b = evaluate_record(via_forms), evaluate_record(bulk)
        sa = [(r.id, str(r.status)) for r in a.evaluation.results]
        sb = [(r.id, str(r.status)) for r in b.evaluation.results]
        assert sa == sb, f"{indication}: bulk insert evaluates differently from the forms"
        da, db = a.snapshot.as_data(), b.snapshot.as_data()
        da["record"].pop("screening_number"), db["record"].pop("screening_number")
        assert da == db, f"{indication}: bulk-inserted snapshot differs from the forms'"
        out.append((indication, str(a.overall)))
    return out
