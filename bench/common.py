"""Shared set-up of the benchmarks: Django on the PostgreSQL of DATABASE_URL, a
synthetic data set in Kolada's shape, and timing helpers. Results are ratios against a
baseline measured in the same run: these machines are noisy, absolute times are not
comparable between runs."""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallbar.settings")
os.environ.setdefault("HALLBAR_TESTING", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

# The data set of issue 4: 290 areas × 50 indicators × 20 years × 3 genders.
AREAS, KPIS, YEARS, GENDERS = 290, 50, 20, ("T", "K", "M")
FIRST_YEAR = 2005


def migrated() -> None:
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: use `make bench`.")
    call_command("migrate", verbosity=0)


def value(area: int, kpi: int, year: int, gender: int) -> float:
    """A deterministic, varied value: trends up or down by KPI, level by area."""
    return round(50 + area % 37 + (kpi % 7 - 3) * (year - FIRST_YEAR) * 0.8 + gender, 3)


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fastest of several runs: the least disturbed by the machine's other work."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def report(
    name: str, measured: float, baseline: float, limit: float, *, higher_is_better: bool
) -> bool:
    ratio = measured / baseline if baseline else float("inf")
    ok = ratio >= limit if higher_is_better else ratio <= limit
    sign = "≥" if higher_is_better else "≤"
    print(f"{'PASS' if ok else 'FAIL'}  {name}: ratio {ratio:.2f} (target {sign} {limit})")
    return ok


def median(values: list[float]) -> float:
    return statistics.median(values)
