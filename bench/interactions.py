"""Benchmark of issue 5 (`make bench`): recomputing the metrics of a 169×169 interaction
matrix (METHODS.md §4), as a ratio against a plain numpy matrix product A·A of the same
size measured in the same run.

Printed for the report: the first- and second-order metrics alone (numpy), and the whole
recompute including the goal-level view, the trade-offs and the clusters (networkx,
Louvain). The issue asks for "well under a second" in absolute terms; the absolute times
are printed too, the ratios are what compares between machines.
"""

import numpy as np
from common import best_of

from hallbar.lib.interactions import compute, influence

SIZE = 169
RUNS = 7


def matrix(seed: int = 2030) -> np.ndarray:
    """Dense and varied: every score −3…+3 (a real matrix has more zeros, so fewer links)."""
    a = np.random.default_rng(seed).integers(-3, 4, size=(SIZE, SIZE)).astype(float)
    np.fill_diagonal(a, 0)
    return a


def main() -> None:
    a = matrix()
    goals = [n // 10 + 1 for n in range(SIZE)]
    baseline = best_of(RUNS, lambda: a @ a)
    first_and_second = best_of(RUNS, lambda: influence(a))
    everything = best_of(RUNS, lambda: compute(a, goals))
    print(f"numpy A·A {SIZE}×{SIZE}: {baseline * 1000:.2f} ms (baseline)")
    print(
        f"OUT/IN/NET, S2, S2⁻: {first_and_second * 1000:.2f} ms, "
        f"ratio {first_and_second / baseline:.1f}× the matmul"
    )
    print(
        f"full recompute (with goal view, trade-offs, clusters): {everything * 1000:.1f} ms, "
        f"ratio {everything / baseline:.1f}× the matmul"
    )
    print(f"{'PASS' if everything < 1.0 else 'FAIL'}  full recompute under one second")
    if everything >= 1.0:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
