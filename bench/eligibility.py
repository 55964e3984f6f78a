"""Eligibility benchmark: what evaluating a record costs, against a plain ORM read
of the same rows, and what the eligibility page costs, against a minimal page.

    .venv/bin/python bench/eligibility.py [--records N] [--sample 200] [--keep]

Creates PostgreSQL database `trialsite_bench_elig` (dropped and re-created each
run), migrates it, bulk-inserts N varied records across the four indications
(benchmark data only: `bulk_create`, no history rows; see bench/common.py) and
prints a table. Every figure is also given as a ratio to a baseline measured in
the same run, so the figures travel between machines better than seconds do.
See docs/performance.md.
"""

import argparse
import gc
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DB = "trialsite_bench_elig"
SITES = 10


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--records", type=int, default=10_000, help="records to build and evaluate (default 10,000)")
    p.add_argument("--sample", type=int, default=200, help="records whose eligibility page is requested (default 200)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--keep", action="store_true", help="keep the database afterwards (default: drop it)")
    return p.parse_args()


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def build(args):
    """Sites, one user per role on site 1 (the monitor on every site), N records."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from screening.models import Site, SiteMembership
    from screening.models.sites import ROLES

    sites = [Site.objects.create(code=f"E{i:02d}", name=f"Bench site {i}") for i in range(1, SITES + 1)]
    User = get_user_model()
    users = {}
    for role in ROLES:
        user = User.objects.create(username=f"bench_{role}", first_name="Bench", last_name=role)
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=role))
        for site in sites if role == "monitor" else sites[:1]:
            SiteMembership.objects.create(user=user, site=site)
        users[role] = user
    # The bulk path evaluates exactly like the forms path (4 records through create_record).
    checked = common.check_bulk_matches_forms(sites[0], users["coordinator"], users["investigator"])
    rng = random.Random(args.seed)
    variants = Counter()
    chunk = 1000
    for start in range(0, args.records, chunk):
        n = min(chunk, args.records - start)
        batch = []
        for i, (values, data, variant) in enumerate(common.varied_records(rng, n)):
            batch.append((sites[((start + i) // 4) % SITES], values, data))  # each site: all indications
            variants[variant] += 1
        common.bulk_insert(batch, users["coordinator"])
        log(f"  inserted {start + n:,} records")
    return users, variants, checked


def orm_read(pk):
    """The baseline: a plain ORM read of everything a record can hold (all ten
    sections joined, all six row tables), materialising model instances only.
    build_snapshot reads less: only the tables of the record's indication."""
    from screening.checklist.snapshots import ROW_MODELS, SECTION_RELATIONS
    from screening.models import ScreeningRecord

    record = ScreeningRecord.objects.select_related(*SECTION_RELATIONS.values()).get(pk=pk)
    sections = [getattr(record, relation, None) for relation in SECTION_RELATIONS.values()]
    rows = {key: list(model.objects.filter(record_id=pk).order_by("pk")) for key, model in ROW_MODELS.items()}
    return record, sections, rows


def time_evaluation(pks):
    """Per record, alternately ORM read first or evaluate_record first (so neither
    profits from caches the other warmed); then evaluate(snapshot) alone over the
    snapshots kept, and digest() alone."""
    from screening.checklist.evaluation import evaluate_record
    from screening.eligibility.engine import evaluate

    t_orm = t_eval_record = 0.0
    snapshots, overall = [], Counter()
    clock = time.perf_counter
    gc.collect()
    for i, pk in enumerate(pks):
        if i % 2 == 0:
            t0 = clock(); orm_read(pk); t1 = clock(); result = evaluate_record(pk); t2 = clock()
            t_orm += t1 - t0; t_eval_record += t2 - t1
        else:
            t0 = clock(); result = evaluate_record(pk); t1 = clock(); orm_read(pk); t2 = clock()
            t_eval_record += t1 - t0; t_orm += t2 - t1
        snapshots.append(result.snapshot)
        overall[result.overall] += 1
        if (i + 1) % 2000 == 0:
            log(f"  evaluated {i + 1:,} records")
    gc.collect()
    t0 = clock()
    for snapshot in snapshots:
        evaluate(snapshot)
    t_pure = clock() - t0
    t0 = clock()
    for snapshot in snapshots:
        snapshot.digest()
    t_digest = clock() - t0
    return {"orm": t_orm, "evaluate_record": t_eval_record, "evaluate": t_pure, "digest": t_digest}, overall


def count_queries(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def time_pages(users, pks, rng, sample):
    """Test client GETs, logged in as the monitor: baseline page and eligibility
    page alternately for each sampled record, after one untimed warm-up pass
    (which also leaves each record with its status row, as every save does)."""
    from django.test import Client

    client = Client()
    client.force_login(users["monitor"])
    baseline_url = "/records/?q=none"
    chosen = rng.sample(pks, min(sample, len(pks)))

    def get(url, expect=200):
        response = client.get(url)
        if response.status_code != expect:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        return response

    for pk in chosen:  # warm-up
        get(baseline_url), get(f"/records/{pk}/eligibility/"), get(f"/records/{pk}/eligibility.json")
    pages = {"baseline": 0.0, "eligibility": 0.0, "json": 0.0}
    clock = time.perf_counter
    gc.collect()
    for i, pk in enumerate(chosen):
        urls = [("baseline", baseline_url), ("eligibility", f"/records/{pk}/eligibility/"),
                ("json", f"/records/{pk}/eligibility.json")]
        if i % 2:
            urls.reverse()
        for name, url in urls:
            t0 = clock(); get(url); pages[name] += clock() - t0
    pk = chosen[0]
    queries = {
        "baseline": count_queries(lambda: get(baseline_url)),
        "eligibility": count_queries(lambda: get(f"/records/{pk}/eligibility/")),
        "json": count_queries(lambda: get(f"/records/{pk}/eligibility.json")),
    }
    return pages, queries, len(chosen)


def main():
    args = parse_args()
    load_before = os.getloadavg()[0]
    static_root = tempfile.mkdtemp(prefix="trialsite-bench-static-")
    common.configure(DB, static_root=static_root)
    log(f"Re-creating database {DB} …")
    common.recreate_db(DB)
    common.django_setup()
    t0 = time.perf_counter()
    common.migrate()
    common.collectstatic()
    log(f"  migrated and collected static files in {time.perf_counter() - t0:.0f} s")

    from django.db import connection

    from screening.checklist.snapshots import ROW_MODELS
    from screening.models import ScreeningRecord

    t0 = time.perf_counter()
    users, variants, checked = build(args)
    build_s = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    pks = list(ScreeningRecord.objects.order_by("pk").values_list("pk", flat=True))
    bulk_pks = pks[8:]  # the first 8 are the forms-vs-bulk cross-check's records
    rows = {key: model.objects.count() for key, model in ROW_MODELS.items()}
    log(f"  built {len(bulk_pks):,} records in {build_s:.0f} s; evaluating …")

    timings, overall = time_evaluation(bulk_pks)
    log("  requesting pages …")
    pages, queries, sampled = time_pages(users, bulk_pks, random.Random(args.seed + 1), args.sample)
    facts = common.server_facts()
    q_orm = count_queries(lambda: orm_read(bulk_pks[0]))

    from screening.checklist.evaluation import evaluate_record

    q_eval = count_queries(lambda: evaluate_record(bulk_pks[0]))

    n = len(bulk_pks)
    base = timings["orm"]
    snap = timings["evaluate_record"] - timings["evaluate"] - timings["digest"]
    by_ind = Counter(ScreeningRecord.objects.filter(pk__in=bulk_pks).values_list("indication", flat=True))

    print()
    print(f"Eligibility benchmark: {n:,} records ({', '.join(f'{k} {v:,}' for k, v in sorted(by_ind.items()))}), "
          f"PostgreSQL {facts['postgresql']}, database {DB}")
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"  machine: {os.cpu_count()} CPUs ({cpu}); load average {load_before:.2f} at start, "
          f"{os.getloadavg()[0]:.2f} at the end")
    print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    print("  variants: " + ", ".join(f"{k} {v:,}" for k, v in variants.most_common()))
    print("  overall: " + ", ".join(f"{k} {v:,}" for k, v in overall.most_common()))
    print("  forms vs bulk insert cross-check: " + ", ".join(f"{i} {o}" for i, o in checked) + " (identical)")
    print()
    w = 56
    print(f"{'(a)/(b) evaluation of all records':<{w}} {'total s':>9} {'ms/record':>10} {'queries':>8} {'× baseline':>11}")
    print("-" * (w + 41))
    print(f"{'(b) baseline: ORM read of all its tables':<{w}} {base:>9.2f} {base / n * 1e3:>10.2f} {q_orm:>8} {1:>11.2f}")
    print(f"{'(a) evaluate_record (snapshot build + evaluate + digest)':<{w}} {timings['evaluate_record']:>9.2f} "
          f"{timings['evaluate_record'] / n * 1e3:>10.2f} {q_eval:>8} {timings['evaluate_record'] / base:>11.2f}")
    print(f"{'      snapshot build (by difference)':<{w}} {snap:>9.2f} {snap / n * 1e3:>10.2f} {'':>8} {snap / base:>11.2f}")
    print(f"{'      evaluate(snapshot) alone: pure Python':<{w}} {timings['evaluate']:>9.2f} "
          f"{timings['evaluate'] / n * 1e3:>10.2f} {0:>8} {timings['evaluate'] / base:>11.2f}")
    print(f"{'      snapshot.digest() alone':<{w}} {timings['digest']:>9.2f} "
          f"{timings['digest'] / n * 1e3:>10.2f} {0:>8} {timings['digest'] / base:>11.2f}")
    print()
    pb = pages["baseline"]
    print(f"{f'(c) pages, test client as monitor, {sampled} records':<{w}} {'total s':>9} {'ms/request':>10} {'queries':>8} {'× baseline':>11}")
    print("-" * (w + 41))
    for name, label in (("baseline", "baseline: /records/?q=none"), ("eligibility", "/records/<pk>/eligibility/"),
                        ("json", "/records/<pk>/eligibility.json")):
        t = pages[name]
        print(f"{label:<{w}} {t:>9.2f} {t / sampled * 1e3:>10.2f} {queries[name]:>8} {t / pb:>11.2f}")
    print()
    print(f"Eligibility page minus evaluate_record: "
          f"{(pages['eligibility'] / sampled - timings['evaluate_record'] / n) * 1e3:.1f} ms/request "
          f"(logging, status tracking, rendering, middleware)")

    connection.close()
    if not args.keep:
        common.drop_db(DB)
    import shutil

    shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
