"""Import benchmark: a file of N records imported through the Import page's path
(`screening.exchange.importing.import_records`: every field validated by the CRF
forms, each record saved in its own transaction with its history rows, user and
reason, then evaluated), against a plain ORM `bulk_create` of the same rows
measured in the same run. Run it with `bench/import` (see docs/performance.md):

    bench/import [--records 1000] [--kind minimal|full] [--profile pyinstrument|cprofile] [--keep]

`--kind minimal` (the default) is the file of issue 18: the record's own fields
(demographics, consent, dates), ≈ 200 bytes a record. `--kind full` is a complete
screening record of bench/common.py's generator (every section, ≈ 30 lab,
medication and event rows: ≈ 40 objects a record). Database `trialsite_bench_import`
is dropped and re-created each run (`--keep` keeps it afterwards).
"""

import argparse
import datetime
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DB = "trialsite_bench_import"
TARGET = 100  # records/s through the forms on PostgreSQL (issue 18)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--records", type=int, default=1000)
    p.add_argument("--kind", choices=("minimal", "full"), default="minimal")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--profile", choices=("pyinstrument", "cprofile"), help="profile the import (not timed)")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return p.parse_args()


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def exchange_value(field, value):
    """A snapshot-shaped value as the exchange format writes it (docs/exchange-format.md)."""
    from screening.exchange.format import fixed_unit
    from screening.models import fields as answers

    choices = {c for c, _ in field.choices} if field.choices else set()
    if choices == {answers.YES, answers.NO, answers.UNKNOWN} and value in (True, False):
        value = answers.YES if value else answers.NO
    elif isinstance(value, datetime.date):
        value = value.isoformat()
    unit = fixed_unit(field)
    return {"value": value, "unit": unit} if unit and value is not None else value


def exchange_item(number, values, data):
    from screening.crf.sections import BY_KEY, ROW_MODELS
    from screening.models import ScreeningRecord

    def plain(model, fields):
        return {name: exchange_value(model._meta.get_field(name), v) for name, v in fields.items()}

    item = {"screening_number": number, "record": plain(ScreeningRecord, values), "sections": {}}
    for key, fields in data["sections"].items():
        item["sections"][key] = plain(BY_KEY[key].model, fields)
    for key, model in ROW_MODELS.items():
        if data.get(key):
            item[key] = [plain(model, row) for row in data[key]]
    return item


def make_records(args):
    """[(record values, data)]: the generator's subjects; for `minimal` without sections or rows."""
    rng = random.Random(args.seed)
    subjects = [(values, data) for values, data, _ in common.varied_records(rng, args.records)]
    if args.kind == "minimal":
        subjects = [(values, {"sections": {}}) for values, _ in subjects]
    return subjects


def setup():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from screening.models import Site, SiteMembership

    forms_site = Site.objects.create(code="S01", name="Imported through the forms")
    bulk_site = Site.objects.create(code="S02", name="Bulk-inserted")
    user = get_user_model().objects.create(username="bench_importer", first_name="Bench", last_name="Importer")
    user.set_unusable_password()
    user.save()
    # An investigator may import judgement answers; the Import page's site admin may not.
    user.groups.add(Group.objects.get(name="investigator"), Group.objects.get(name="site_admin"))
    for site in (forms_site, bulk_site):
        SiteMembership.objects.create(user=user, site=site)
    return forms_site, bulk_site, user


def backend_cpu():
    """CPU seconds used so far by this connection's PostgreSQL backend (from /proc)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(work):
    """(result, wall s, CPU s of this process, CPU s of its database backend)."""
    pg0, t0, cpu0 = backend_cpu(), time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return result, wall, cpu, backend_cpu() - pg0


def main():
    args = parse_args()
    common.configure(DB)
    common.recreate_db(DB)
    common.django_setup()
    log(f"Migrating {DB} …")
    common.migrate()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.ensure_connection()

    from screening.checklist.evaluation import evaluate_record
    from screening.exchange.importing import import_records
    from screening.models import ScreeningRecord

    forms_site, bulk_site, user = setup()
    subjects = make_records(args)
    items = [exchange_item(f"S01-{i:04d}", values, data) for i, (values, data) in enumerate(subjects, 1)]
    body = json.dumps({"format": "trialsite-screening/1", "records": items}).encode()
    log(f"{args.records:,} {args.kind} records, {len(body) / 1024:,.0f} KB")

    # Warm-up: one record through each path, so neither pays for first imports and compiled templates.
    warm = exchange_item("S01-9999", *subjects[0])
    import_records(json.dumps({"records": [warm]}).encode(), forms_site, user, "warm-up.json")
    common.bulk_insert([(bulk_site, *subjects[0])], user)

    if args.profile:
        profile(args, body, forms_site, user)
        return 0

    # Queries of one record (from a separate small file; not timed).
    sample = json.dumps({"records": [exchange_item("S01-9998", *subjects[1])]}).encode()
    with CaptureQueriesContext(connection) as one:
        [report] = import_records(sample, forms_site, user, "sample.json")
    assert report.outcome == "created", report.lines()
    one_record_queries = len(one)  # read now: the context reads the connection's log lazily

    reports, forms_s, forms_cpu, forms_pg = timed(lambda: import_records(body, forms_site, user, "bench.json"))
    refused = [r for r in reports if r.outcome != "created"]
    bulk, bulk_s, bulk_cpu, bulk_pg = timed(
        lambda: common.bulk_insert([(bulk_site, values, data) for values, data in subjects], user))

    # The two paths stored the same subjects: same statuses, record by record.
    imported = ScreeningRecord.objects.filter(site=forms_site, screening_number__in=[i["screening_number"] for i in items])
    imported = {r.screening_number: r for r in imported}
    same = sum(evaluate_record(imported[item["screening_number"]]).overall == evaluate_record(b).overall
               for item, b in zip(items[:50], bulk[:50]))
    rate = args.records / forms_s
    print()
    print(f"Import benchmark: {args.records:,} {args.kind} records ({len(body) / 1024:,.0f} KB), "
          f"PostgreSQL {common.server_facts()['postgresql']}, database {DB}")
    print(f"  machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}; "
          f"prepared statements {'off' if os.environ.get('DATABASE_PREPARED_STATEMENTS') == 'False' else 'on'}")
    print(f"  refused: {len(refused)}; statuses equal between the two paths: {same}/50 sampled; "
          f"queries for one record through the forms: {one_record_queries}")
    print()
    head = (f"{'path':<52} {'wall s':>7} {'records/s':>10} {'× bulk':>7} {'Python s':>9} {'PG s':>6} "
            f"{'CPU ms/rec':>10} {'× bulk':>7}")
    print(head)
    print("-" * len(head))
    bulk_per = (bulk_cpu + bulk_pg) / args.records
    for label, wall, cpu, pg in (
        ("import_records: forms, history, evaluation", forms_s, forms_cpu, forms_pg),
        ("plain ORM bulk_create of the same rows", bulk_s, bulk_cpu, bulk_pg),
    ):
        per = (cpu + pg) / args.records
        print(f"{label:<52} {wall:>7.2f} {args.records / wall:>10.1f} {wall / bulk_s:>7.1f} {cpu:>9.2f} {pg:>6.2f} "
              f"{per * 1e3:>10.2f} {per / bulk_per:>7.1f}")
    forms_per = (forms_cpu + forms_pg) / args.records
    print(f"  CPU: this process and its PostgreSQL backend, from /proc. Records/s if the CPU were the only "
          f"cost: {1 / forms_per:.0f}")
    print()
    print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    held = rate >= TARGET and not refused
    print(f"Target: [{'HOLDS' if held else 'FAILS'}] ≥ {TARGET} records/s through the forms: {rate:.1f}")
    connection.close()
    if not args.keep:
        common.drop_db(DB)
    return 0 if held else 1


def profile(args, body, site, user):
    from screening.exchange.importing import import_records

    if args.profile == "pyinstrument":
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        import_records(body, site, user, "bench.json")
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    else:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)  # CPU time: waits on the database left out
        profiler.enable()
        import_records(body, site, user, "bench.json")
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(70)
        stats.sort_stats("tottime").print_stats(40)


if __name__ == "__main__":
    sys.exit(main())
