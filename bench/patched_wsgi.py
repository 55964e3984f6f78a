"""WSGI application with candidate fixes applied as monkeypatches (see
bench/experiments.py), for measuring them under the load test:

    BENCH_PATCHES=track_status,snapshot,max_dose bench/load --wsgi bench.patched_wsgi:application

Benchmark use only; the application code is unchanged.
"""

import os
from contextlib import ExitStack

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()

from bench import experiments  # noqa: E402  (after Django is set up)

PATCHES = {
    "track_status": experiments.track_status_only_on_change,
    "snapshot": experiments.snapshot_all_of_indication,
    "snapshot_rows": experiments.snapshot_rows_of_indication,
    "max_dose": experiments.max_daily_dose_at_change_points,
    "predecessors": experiments.predecessors_by_union,
    "history_managers": experiments.cached_history_managers,
    "fast_rows": experiments.fast_eligibility_rows,
    "plain_cells": experiments.plain_formset_cells,
    "fast_select": experiments.fast_select,
}
_stack = ExitStack()
for _name in filter(None, os.environ.get("BENCH_PATCHES", "").split(",")):
    _stack.enter_context(PATCHES[_name]())
