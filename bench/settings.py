"""Settings for the benchmarks: the project's own settings, read from the
environment as in production, with one difference: STATIC_ROOT is a temporary
directory (BENCH_STATIC_ROOT) so `collectstatic` never writes into the work tree;
and BENCH_FORM_RENDERER, when set, replaces the form renderer (bench/load
--form-renderer compares ours with Django's template and Jinja2 renderers).
"""

import os

from trialsite.settings import *  # noqa: F401,F403

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]

if os.environ.get("BENCH_FORM_RENDERER"):
    FORM_RENDERER = os.environ["BENCH_FORM_RENDERER"]
