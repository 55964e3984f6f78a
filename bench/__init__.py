"""Benchmarks (not tests): `bench/eligibility.py` and `bench/load`. See docs/performance.md."""
