"""Re-evaluation benchmark: `manage.py reevaluate` (screening.checklist.reevaluation)
over the 10,000-record database of bench/load, against re-evaluating records one
by one through `track_status` (what every save does) measured in the same run.
Run it with `bench/reevaluate` (see docs/performance.md):

    bench/reevaluate [--sample 300] [--chunk 200]

Uses the cached database `trialsite_bench_load` (bench/load builds it first when it
is missing: ≈ 10-20 min). Two passes of every record: first with every stored state
made stale (as after a change of the rules or of the snapshot: every state written
again, stale signatures looked for), then with every state current (nothing to
write). The stale pass leaves the database as it found it (same hashes, same
statuses; only `evaluated_at` moves). Memory is read from /proc after each chunk.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DB = "trialsite_bench_load"
TARGET_SECONDS = 60  # every record of the 10,000-record database (issue 18)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sample", type=int, default=300, help="records re-evaluated one by one for the baseline")
    p.add_argument("--chunk", type=int, default=None, help="records per chunk (default: the command's)")
    return p.parse_args()


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def make_stale(pks=None):
    """Every stored state (or those of `pks`) no longer holds its record's evaluation."""
    from django.db import connection

    with connection.cursor() as cur:
        sql = "UPDATE screening_eligibilitystate SET snapshot_hash = 'stale-' || left(snapshot_hash, 58)"
        if pks is None:
            cur.execute(sql)
        else:
            cur.execute(sql + " WHERE record_id = ANY(%s)", [list(pks)])


def timed_pass(chunk):
    from screening.checklist.reevaluation import CHUNK_SIZE, reevaluate_records

    memory = []

    def progress(report):
        memory.append((report.done, rss_mb()))

    t0, cpu0 = time.perf_counter(), time.process_time()
    report = reevaluate_records(progress=progress, chunk_size=chunk or CHUNK_SIZE)
    return report, time.perf_counter() - t0, time.process_time() - cpu0, memory


def main():
    args = parse_args()
    if not common.db_exists(DB):
        log(f"No database {DB}: building it with bench/load --build-only …")
        subprocess.run([sys.executable, str(common.ROOT / "bench/load_test.py"), "--build-only"], check=True)
    common.configure(DB)
    common.django_setup()
    common.migrate()

    from django.db import transaction

    from screening.checklist.evaluation import evaluate_record, track_status
    from screening.models import EligibilityState, EligibilityStatusChange, ScreeningRecord, Signature

    total = ScreeningRecord.objects.count()
    statuses_before = EligibilityStatusChange.objects.count()
    signatures = Signature.objects.filter(invalidated_at__isnull=True).count()
    log(f"{total:,} records, {signatures} valid signatures")

    # Baseline: records one by one, as a save re-evaluates them (track_status in its transaction).
    sample = list(ScreeningRecord.objects.order_by("?").values_list("pk", flat=True)[: args.sample])
    make_stale(sample)
    t0 = time.perf_counter()
    for pk in sample:
        with transaction.atomic():
            ScreeningRecord.objects.select_for_update().filter(pk=pk).first()
            track_status(evaluate_record(pk), None)
    one_by_one = (time.perf_counter() - t0) / len(sample)

    log("stale pass …")
    make_stale()
    stale, stale_s, stale_cpu, stale_memory = timed_pass(args.chunk)
    log("current pass …")
    current, current_s, current_cpu, _ = timed_pass(args.chunk)
    assert current.changed == 0, "the stale pass left states to write"
    assert not EligibilityState.objects.filter(snapshot_hash__startswith="stale-").exists()
    new_statuses = EligibilityStatusChange.objects.count() - statuses_before

    quarter = [m for m in stale_memory if m[0] >= total // 4][:1] or stale_memory[:1]
    print()
    print(f"Re-evaluation benchmark: {total:,} records, database {DB}, "
          f"PostgreSQL {common.server_facts()['postgresql']}")
    print(f"  machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}; chunk "
          f"{args.chunk or 'default'}; {signatures} valid signatures")
    print()
    head = f"{'pass':<56} {'s':>7} {'records/s':>10} {'CPU s':>7} {'ms/record':>10} {'× one by one':>13}"
    print(head)
    print("-" * len(head))
    print(f"{'baseline: track_status one record at a time (' + str(len(sample)) + ' stale)':<56} "
          f"{one_by_one * total:>7.1f} {1 / one_by_one:>10.1f} {'':>7} {one_by_one * 1e3:>10.2f} {1:>13.2f}")
    for label, report, seconds, cpu in (
        ("reevaluate, every state stale (all written)", stale, stale_s, stale_cpu),
        ("reevaluate, every state current (nothing written)", current, current_s, current_cpu),
    ):
        per = seconds / report.done
        print(f"{label:<56} {seconds:>7.1f} {report.done / seconds:>10.1f} {cpu:>7.1f} {per * 1e3:>10.2f} "
              f"{per / one_by_one:>13.2f}")
    print("  (the baseline's seconds are its per-record time × all records)")
    print()
    print(f"  stale pass: {stale.line()}; status change rows added by both passes: {new_statuses}")
    print(f"  memory (RSS) after the first chunk {stale_memory[0][1]:.0f} MB, after a quarter "
          f"{quarter[0][1]:.0f} MB, at the end {stale_memory[-1][1]:.0f} MB; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    held = stale_s <= TARGET_SECONDS
    print(f"Target: [{'HOLDS' if held else 'FAILS'}] every record re-evaluated and written in ≤ {TARGET_SECONDS} s: "
          f"{stale_s:.1f} s")
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
