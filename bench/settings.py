"""Settings for the benchmarks: the project's own settings, read from the
environment as in production, with one difference: STATIC_ROOT is a temporary
directory (BENCH_STATIC_ROOT) so `collectstatic` never writes into the work tree.
"""

import os

from trialsite.settings import *  # noqa: F401,F403

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
