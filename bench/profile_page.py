"""Profile one page of an existing benchmark database in-process (Django test
client, DEBUG=False settings as the load test): time per request, SQL queries
and their time, and the top functions by cumulative and own time (cProfile).

    .venv/bin/python bench/profile_page.py URL [--user bench_monitor01] [--db trialsite_bench_load]
        [--repeat 20] [--top 30] [--sql]

URL may contain {large} (the first record with a long history that the user can
see) or {record} (a record of the user's first site), e.g.
    bench/profile_page.py '/records/{large}/audit/' --user bench_monitor01
"""

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("url")
    p.add_argument("--user", default="bench_monitor01")
    p.add_argument("--db", default="trialsite_bench_load")
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--sql", action="store_true", help="print each query of one request with its time")
    args = p.parse_args()

    static_root = common.open_existing(args.db)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from screening.access.permissions import records_for

    user = get_user_model().objects.get(username=args.user)
    visible = records_for(user)
    large = visible.filter(comment="bench: long history").values_list("pk", flat=True).first()
    record = visible.exclude(comment="bench: long history").order_by("pk").values_list("pk", flat=True).first()
    url = args.url.format(large=large, record=record)
    client = Client()
    client.force_login(user)

    response = client.get(url)  # warm-up
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        client.get(url)
        one = time.perf_counter() - t0
    sql_time = sum(float(q["time"]) for q in ctx.captured_queries)
    print(f"GET {url} as {args.user}: {len(response.content):,} bytes, {one * 1e3:.0f} ms, "
          f"{len(ctx.captured_queries)} queries taking {sql_time * 1e3:.0f} ms (as timed by Django)")
    if args.sql:
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"])):
            print(f"  {float(q['time']) * 1e3:7.1f} ms  {q['sql'][:300]}")
    shapes = Counter(q["sql"].split(" FROM ")[1].split(" ")[0] if " FROM " in q["sql"] else q["sql"][:30]
                     for q in ctx.captured_queries)
    print("  queries by table: " + ", ".join(f"{k} {v}" for k, v in shapes.most_common(12)))

    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    for _ in range(args.repeat):
        client.get(url)
    profiler.disable()
    print(f"{args.repeat} requests under cProfile: {(time.perf_counter() - t0) / args.repeat * 1e3:.0f} ms each")
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(args.top)
        text = out.getvalue()
        print(text[text.index("   ncalls"):] if "   ncalls" in text else text)
    import shutil

    shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
