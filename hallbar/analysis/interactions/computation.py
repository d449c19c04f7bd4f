"""The stored metrics of one matrix version (METHODS.md §4), from its scores as arrays.

Framework-free (numpy, and `hallbar.lib.interactions` for the sums, the trade-offs and
the clusters), so the service, the migration that recomputes stored metrics and the
benchmark share it and it is tested without a database.

The nodes of a version are targets, or goals in a goal-level version; A is n×n with
a_ij the score of node i on node j, 0 where nobody has scored the pair, and S the n×n
mask of the scored pairs (True where a score is stored).

Goal-level view (METHODS §4: "the mean of the target-level block between two goals"):
for goals g and h, the mean of a_ij over the *scored* pairs i in g, j in h, i ≠ j — an
unscored pair is left out, not counted as 0 — with its coverage: scored pairs of the
block's possible pairs (|g|·|h|, less the |g| diagonal cells in a goal's own block). A
block without a scored pair has no mean. With G the n×m one-hot matrix of the nodes'
goals, the block sums are Gᵀ·A·G and the scored counts Gᵀ·S·G: no loop over goals. In a
goal-level version every goal is its own block, so the view is the matrix itself.

OUT, IN, NET and the second-order sums are sums (METHODS §4), where an unscored pair
contributes 0 as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hallbar.lib.interactions import (
    as_matrix,
    clusters,
    goal_view,
    influence,
    trade_offs,
)


def number(value: float) -> float | int:
    """JSON-friendly: whole numbers as int, others rounded for storage."""
    if value == int(value):
        return int(value)
    return round(float(value), 4)


def metrics_data(
    *,
    level: str,
    codes: Sequence[str],
    goals: Sequence[int],
    a: np.ndarray,
    scored: np.ndarray,
    rationales: Mapping[tuple[int, int], str],
) -> dict[str, Any]:
    """The JSON stored in `MatrixMetrics.data`: the nodes, the metrics per node, the goal
    view with its coverage, the trade-offs (with `rationales` by (i, j)) and the
    clusters, node codes throughout."""
    data: dict[str, Any] = {
        "level": level,
        "targets": [{"code": c, "goal": int(g)} for c, g in zip(codes, goals, strict=True)],
        "per_target": {},
        "goal_view": {"goals": [], "means": [], "scored": [], "cells": []},
        "trade_offs": [],
        "clusters": [],
    }
    if not len(codes):
        return data
    a = as_matrix(a)
    found = influence(a)
    data["per_target"] = {
        code: {k: number(v) for k, v in found.row(n).items()} for n, code in enumerate(codes)
    }
    view = goal_view(a, scored, [int(g) for g in goals])
    data["goal_view"] = {
        "goals": [int(g) for g in view.goals],
        "means": [[None if np.isnan(v) else round(float(v), 4) for v in row] for row in view.means],
        "scored": view.scored.tolist(),
        "cells": view.pairs.tolist(),
    }
    data["trade_offs"] = [
        {"from": codes[i], "to": codes[j], "score": score, "rationale": rationales.get((i, j), "")}
        for i, j, score in trade_offs(a)
    ]
    data["clusters"] = [[codes[n] for n in group] for group in clusters(a)]
    return data


def arrays_from_rows(
    node_ids: Sequence[int], rows: Sequence[tuple[int, int, int, str]]
) -> tuple[np.ndarray, np.ndarray, dict[tuple[int, int], str]]:
    """A, S and the rationales by (i, j) from score rows (from id, to id, score,
    rationale) of the nodes `node_ids` (in the version's order). Rows naming a node
    outside the version are left out; an empty rationale is not kept."""
    n = len(node_ids)
    a = np.zeros((n, n))
    s = np.zeros((n, n), dtype=bool)
    if not n or not rows:
        return a, s, {}
    from_ids, to_ids, scores, texts = zip(*rows, strict=True)
    ids = np.asarray(node_ids, dtype=np.int64)
    order = np.argsort(ids)
    ordered = ids[order]

    def positions(values: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        wanted = np.asarray(values, dtype=np.int64)
        at = np.clip(np.searchsorted(ordered, wanted), 0, n - 1)
        return order[at], ordered[at] == wanted

    i, i_ok = positions(from_ids)
    j, j_ok = positions(to_ids)
    keep = i_ok & j_ok & (i != j)
    i, j = i[keep], j[keep]
    a[i, j] = np.asarray(scores, dtype=float)[keep]
    s[i, j] = True
    rationales = {
        (int(p), int(q)): text
        for p, q, text in zip(
            i.tolist(), j.tolist(), np.asarray(texts, dtype=object)[keep], strict=True
        )
        if text
    }
    return a, s, rationales
