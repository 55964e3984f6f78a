"""The form renderer of the CRF pages against Django's own, in one process:
screening.crf.widgets.WidgetRenderer (inputs and selects written in Python),
django.forms.renderers.DjangoTemplates (Django's default; cached template
loader, DEBUG=False) and django.forms.renderers.Jinja2.

Each round renders every page once with each renderer, in a rotating order;
the figure is this process's CPU time per request (time.process_time, steadier
than wall time on a shared machine), the median over rounds, and its ratio to
WidgetRenderer measured in the same rounds. The pages must be byte-identical
to WidgetRenderer's output up to whitespace and CSRF tokens, or the run says so.

    .venv/bin/python bench/form_renderers.py [--db trialsite_bench_load] [--rounds 15]

Needs the load test's database (bench/load --build-only) and jinja2 (requirements-dev.txt).
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

RENDERERS = (
    "screening.crf.widgets.WidgetRenderer",
    "django.forms.renderers.DjangoTemplates",
    "django.forms.renderers.Jinja2",
)
# A long single form, a form of coded items, and the row tables.
SECTIONS = ("sle", "organ", "labs", "medications")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"csrfToken": *"[^"]*"')


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="trialsite_bench_load")
    p.add_argument("--user", default="bench_coordinator01")
    p.add_argument("--rounds", type=int, default=15)
    args = p.parse_args()

    static_root = common.open_existing(args.db)

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    from screening.access.permissions import records_for

    user = get_user_model().objects.get(username=args.user)
    record = records_for(user).filter(indication="SLE").exclude(comment="bench: long history").order_by("pk").first()
    urls = [f"/records/{record.pk}/sections/{key}/" for key in SECTIONS]
    client = Client()
    client.force_login(user)

    def page(renderer, url):
        with override_settings(FORM_RENDERER=renderer):  # clears Django's cached default renderer
            t0 = time.process_time()
            response = client.get(url)
            spent = time.process_time() - t0
        if response.status_code != 200:
            raise SystemExit(f"GET {url} with {renderer} answered {response.status_code}")
        html = CSRF.sub("", response.content.decode())  # a new masked token on every page
        return spent, re.sub(r"\s+", "", html)

    reference = {url: page(RENDERERS[0], url)[1] for url in urls}  # also the warm-up
    differs = set()
    for renderer in RENDERERS[1:]:
        for url in urls:
            if page(renderer, url)[1] != reference[url]:
                differs.add((renderer, url))

    cpu = {(r, url): [] for r in RENDERERS for url in urls}
    for n in range(args.rounds):
        order = RENDERERS[n % 3:] + RENDERERS[:n % 3]
        for renderer in order:
            for url in urls:
                cpu[renderer, url].append(page(renderer, url)[0])

    print(f"Form renderers, CPU ms per request (median of {args.rounds} rounds), database {args.db}, "
          f"record {record.screening_number}")
    print(f"{'section':<14}" + "".join(f"{r.rsplit('.', 1)[1]:>22}" for r in RENDERERS))
    for url, key in zip(urls, SECTIONS):
        base = statistics.median(cpu[RENDERERS[0], url])
        cells = []
        for r in RENDERERS:
            ms = statistics.median(cpu[r, url]) * 1e3
            cells.append(f"{ms:8.1f} ({ms / (base * 1e3):4.2f}×)")
        print(f"{key:<14}" + "".join(f"{c:>22}" for c in cells))
    for renderer, url in sorted(differs):
        print(f"NOTE: {renderer} renders {url} differently from WidgetRenderer (beyond whitespace)")
    import shutil

    shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
