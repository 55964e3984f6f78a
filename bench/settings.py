"""Settings for the benchmarks: the project's own settings, read from the
environment as in production, with one difference: STATIC_ROOT is a temporary
directory (BENCH_STATIC_ROOT) so `collectstatic` never writes into the work tree.
"""

import os

from trialsite.settings import *  # noqa: F401,F403

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]

# Experiment knob (docs/performance.md): psycopg server-side binding with automatic
# prepared statements, which saves PostgreSQL's planning of repeated queries.
if os.environ.get("BENCH_PREPARED") == "1" and DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # noqa: F405
        {"server_side_binding": True, "prepare_threshold": 5}
    )
