"""Metrics of a cross-impact matrix between targets (METHODS.md §4), framework-free.

A is an n×n array: a_ij = the influence of progress on target i (row) on target j
(column), on the 7-point scale −3…+3 (Nilsson, Griggs & Visbeck 2016), a_ii = 0. In the
sums (OUT, IN, NET, second order) a cell nobody has scored counts as 0 ("consistent");
the goal-level view leaves unscored pairs out (`goal_view`, with the mask of scored pairs).

Everything is vectorised: the second-order sums never build the n×n×n tensor of chains.
With A⁺ = max(A, 0) and A⁻ = min(A, 0) (elementwise), min(0, x·y) = x⁺·y⁻ + x⁻·y⁺, so

    S2_i  = Σ_j Σ_{k≠i} a_ij·a_jk        = (A·(A·1))_i − Σ_j a_ij·a_ji
    S2⁻_i = Σ_j Σ_{k≠i} min(0, a_ij·a_jk) = (A⁺·(A⁻·1) + A⁻·(A⁺·1))_i − Σ_j (a⁺_ij·a⁻_ji + a⁻_ij·a⁺_ji)

(the subtracted term removes the paths that come back to i, k = i). A 169×169 matrix
takes a few milliseconds; the clusters (networkx) take longer but stay far below a
second.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

MIN_SCORE, MAX_SCORE = -3, 3
TRADE_OFF_THRESHOLD = -2  # counteracting or cancelling
CLUSTER_THRESHOLD = 2  # reinforcing or indivisible


class MatrixError(ValueError):
    """The array is not a cross-impact matrix (shape, range or diagonal)."""


def as_matrix(values: object) -> np.ndarray:
    """The scores as a float array, checked: square, −3…+3, zero diagonal."""
    a = np.asarray(values, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise MatrixError(f"A cross-impact matrix is square; got shape {a.shape}.")
    if a.size and (np.nanmin(a) < MIN_SCORE or np.nanmax(a) > MAX_SCORE):
        raise MatrixError("Scores run from −3 to +3.")
    if np.isnan(a).any():
        raise MatrixError("A cell is not a number.")
    if np.any(np.diagonal(a) != 0):
        raise MatrixError("A target is not scored against itself: the diagonal must be 0.")
    return a


@dataclass(frozen=True)
class Influence:
    """Per target (index as in A): first-order sums and the second-order ones."""

    out: np.ndarray
    out_pos: np.ndarray
    out_neg: np.ndarray
    in_: np.ndarray
    in_pos: np.ndarray
    in_neg: np.ndarray
    net: np.ndarray
    second_order: np.ndarray
    second_order_neg: np.ndarray

    FIELDS = (
        "out",
        "out_pos",
        "out_neg",
        "in",
        "in_pos",
        "in_neg",
        "net",
        "second_order",
        "second_order_neg",
    )

    def row(self, index: int) -> dict[str, float]:
        """The metrics of one target, by the API's field names."""
        return {name: float(getattr(self, _attr(name))[index]) for name in self.FIELDS}


def _attr(name: str) -> str:
    return "in_" if name == "in" else name


def second_order(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(S2, S2⁻) per target, without paths back to the origin (see the module text)."""
    pos, neg = np.maximum(a, 0), np.minimum(a, 0)
    back = (a * a.T).sum(axis=1)
    s2 = a @ a.sum(axis=1) - back
    back_neg = (pos * neg.T + neg * pos.T).sum(axis=1)
    s2_neg = pos @ neg.sum(axis=1) + neg @ pos.sum(axis=1) - back_neg
    return s2, s2_neg


def influence(values: object) -> Influence:
    a = as_matrix(values)
    pos, neg = np.maximum(a, 0), np.minimum(a, 0)
    out_pos, out_neg = pos.sum(axis=1), neg.sum(axis=1)
    in_pos, in_neg = pos.sum(axis=0), neg.sum(axis=0)
    out, in_ = out_pos + out_neg, in_pos + in_neg
    s2, s2_neg = second_order(a)
    return Influence(
        out=out,
        out_pos=out_pos,
        out_neg=out_neg,
        in_=in_,
        in_pos=in_pos,
        in_neg=in_neg,
        net=out - in_,
        second_order=s2,
        second_order_neg=s2_neg,
    )


@dataclass(frozen=True)
class GoalView:
    """The goal-level view: for goals g and h, the mean of a_ij over the *scored* pairs
    i in g, j in h, i ≠ j (an unscored pair is left out, not counted as 0), with its
    coverage: scored pairs of the block's possible pairs."""

    goals: list[Hashable]  # in order of first appearance among the nodes
    means: np.ndarray  # goals × goals: mean over the scored pairs; NaN without one
    scored: np.ndarray  # scored pairs per block
    pairs: np.ndarray  # possible pairs per block (|g|·|h|, less the diagonal)

    @property
    def coverage(self) -> np.ndarray:
        """Scored pairs / possible pairs; NaN for a block without a possible pair."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(
                self.pairs > 0, self.scored / np.where(self.pairs > 0, self.pairs, 1), np.nan
            )


def scored_mask(values: object, shape: tuple[int, int]) -> np.ndarray:
    """S, the n×n mask of the scored pairs (True where a score is stored)."""
    mask = np.asarray(values, dtype=bool)
    if mask.shape != shape:
        raise MatrixError(f"The mask of scored pairs has shape {mask.shape}, not {shape}.")
    if np.any(np.diagonal(mask)):
        raise MatrixError("A node is not scored against itself: the diagonal is never scored.")
    return mask


def goal_view(values: object, scored: object, goal_of: Sequence[Hashable]) -> GoalView:
    """The goal-level view of A, its scored pairs S, and each node's goal.

    With G the n×m one-hot matrix of the nodes' goals, the block sums are Gᵀ·A·G and
    the scored counts Gᵀ·S·G: no loop over goals."""
    a = as_matrix(values)
    s = scored_mask(scored, a.shape)
    if len(goal_of) != a.shape[0]:
        raise MatrixError("Every node needs its goal.")
    goals = list(dict.fromkeys(goal_of))
    index = {goal: n for n, goal in enumerate(goals)}
    g = np.zeros((a.shape[0], len(goals)))
    g[np.arange(a.shape[0]), [index[goal] for goal in goal_of]] = 1
    sums = g.T @ np.where(s, a, 0) @ g
    counts = g.T @ s.astype(float) @ g
    sizes = g.sum(axis=0)
    pairs = np.outer(sizes, sizes) - np.diag(sizes)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.where(counts > 0, counts, 1), np.nan)
    return GoalView(
        goals=goals,
        means=means,
        scored=np.rint(counts).astype(int),
        pairs=np.rint(pairs).astype(int),
    )


def trade_offs(values: object, threshold: int = TRADE_OFF_THRESHOLD) -> list[tuple[int, int, int]]:
    """Every pair (i, j, a_ij) with a_ij ≤ threshold, most negative first."""
    a = as_matrix(values)
    rows, cols = np.nonzero(a <= threshold)
    scores = a[rows, cols].astype(int).tolist()
    pairs = list(zip(rows.tolist(), cols.tolist(), scores, strict=True))
    return sorted(pairs, key=lambda pair: (pair[2], pair[0], pair[1]))


def link_graph(values: object, threshold: int = CLUSTER_THRESHOLD) -> nx.Graph:
    """Undirected graph of the links a_ij ≥ threshold; the weight is the stronger of the
    two directions. Every target is a node, linked or not."""
    a = as_matrix(values)
    strong = np.where(a >= threshold, a, 0)
    weights = np.maximum(strong, strong.T)
    graph = nx.Graph()
    graph.add_nodes_from(range(a.shape[0]))
    rows, cols = np.nonzero(np.triu(weights, k=1))
    # Plain Python numbers (tolist): networkx is several times slower with numpy scalars.
    graph.add_weighted_edges_from(
        zip(rows.tolist(), cols.tolist(), weights[rows, cols].tolist(), strict=True)
    )
    return graph


def clusters(values: object, threshold: int = CLUSTER_THRESHOLD) -> list[list[int]]:
    """Communities (Louvain, fixed seed: the same matrix gives the same clusters) in the
    graph of links ≥ threshold.
    Targets without such a link belong to no cluster; clusters of one are left out.
    Largest first, each sorted by index."""
    graph = link_graph(values, threshold)
    graph.remove_nodes_from([node for node, degree in graph.degree() if degree == 0])
    if graph.number_of_edges() == 0:
        return []
    found = nx.community.louvain_communities(graph, weight="weight", seed=0)
    groups = [sorted(group) for group in found if len(group) > 1]
    return sorted(groups, key=lambda group: (-len(group), group[0]))
