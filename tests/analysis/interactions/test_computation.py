"""The goal-level view (METHODS.md §4) and the arrays the recompute builds, by hand,
without a database."""

import math

import numpy as np
import pytest

from hallbar.analysis.interactions.computation import arrays_from_rows, metrics_data
from hallbar.lib.interactions import MatrixError, goal_view

# Targets 1.3, 1.5 (goal 1), 2.2, 2.4 (goal 2); scored pairs:
#   1.3→1.5 +2, 1.5→2.2 −2, 1.3→2.4 +3, 2.2→1.3 +1, 2.2→2.4 0 (scored as 0)
CODES = ["1.3", "1.5", "2.2", "2.4"]
GOALS = [1, 1, 2, 2]
SCORED = {(0, 1): 2, (1, 2): -2, (0, 3): 3, (2, 0): 1, (2, 3): 0}


def _arrays():
    a = np.zeros((4, 4))
    s = np.zeros((4, 4), dtype=bool)
    for (i, j), score in SCORED.items():
        a[i, j], s[i, j] = score, True
    return a, s


def test_the_goal_mean_is_over_the_scored_pairs_with_their_coverage():
    a, s = _arrays()

    view = goal_view(a, s, GOALS)

    assert view.goals == [1, 2]
    # Block 1→1: pairs 1.3→1.5, 1.5→1.3; only +2 scored: mean 2 (the old rule: 2/2 = 1).
    # Block 1→2: four pairs; −2 and +3 scored: mean 0.5 (old: 1/4 = 0.25).
    # Block 2→1: four pairs; +1 scored: mean 1 (old: 0.25).
    # Block 2→2: two pairs; 2.2→2.4 scored 0: mean 0 from one pair, not "nothing scored".
    assert view.means.tolist() == [[2.0, 0.5], [1.0, 0.0]]
    assert view.scored.tolist() == [[1, 2], [1, 1]]
    assert view.pairs.tolist() == [[2, 4], [4, 2]]
    assert view.coverage.tolist() == [[0.5, 0.5], [0.25, 0.5]]


def test_a_block_without_a_scored_pair_has_no_mean():
    a, s = _arrays()
    a[2, 0], s[2, 0] = 0, False  # 2→1 now has no scored pair

    view = goal_view(a, s, GOALS)

    assert math.isnan(view.means[1, 0])
    assert view.scored[1, 0] == 0 and view.pairs[1, 0] == 4
    assert view.coverage[1, 0] == 0


def test_a_goal_with_one_target_has_no_pair_with_itself():
    view = goal_view(np.array([[0, 1], [2, 0]]), np.array([[0, 1], [1, 0]]), [1, 2])

    assert math.isnan(view.means[0, 0]) and view.pairs[0, 0] == 0
    assert math.isnan(view.coverage[0, 0])
    assert view.means[0, 1] == 1 and view.means[1, 0] == 2


def test_in_a_goal_level_version_the_view_is_the_matrix_itself():
    a = np.array([[0, 2, -1], [0, 0, 3], [1, 0, 0]], dtype=float)
    s = np.array([[0, 1, 1], [1, 0, 1], [1, 0, 0]], dtype=bool)  # 3→2 unscored

    view = goal_view(a, s, [3, 7, 11])

    assert view.goals == [3, 7, 11]
    assert view.pairs.tolist() == [[0, 1, 1], [1, 0, 1], [1, 1, 0]]
    assert view.scored.tolist() == s.astype(int).tolist()
    expected = np.where(s, a, np.nan)
    assert np.array_equal(view.means, expected, equal_nan=True)


def test_the_mask_must_fit_the_matrix():
    with pytest.raises(MatrixError):
        goal_view(np.zeros((2, 2)), np.zeros((3, 3)), [1, 2])
    with pytest.raises(MatrixError):
        goal_view(np.zeros((2, 2)), np.eye(2), [1, 2])


def test_arrays_from_rows_places_each_score_by_node_id():
    # Node ids in the version's order (not sorted); one row names a node outside it.
    ids = [40, 7, 19]
    rows = [(40, 7, 2, ""), (7, 19, -3, "Tar mark."), (19, 40, 0, ""), (40, 99, 1, "")]

    a, s, rationales = arrays_from_rows(ids, rows)

    assert a.tolist() == [[0, 2, 0], [0, 0, -3], [0, 0, 0]]
    assert s.tolist() == [[False, True, False], [False, False, True], [True, False, False]]
    assert rationales == {(1, 2): "Tar mark."}


def test_the_stored_data_has_the_goal_view_with_coverage_and_the_level():
    a, s = _arrays()

    data = metrics_data(
        level="targets", codes=CODES, goals=GOALS, a=a, scored=s, rationales={(1, 2): "Krock."}
    )

    assert data["level"] == "targets"
    assert data["goal_view"] == {
        "goals": [1, 2],
        "means": [[2, 0.5], [1, 0]],
        "scored": [[1, 2], [1, 1]],
        "cells": [[2, 4], [4, 2]],
    }
    assert data["trade_offs"] == [{"from": "1.5", "to": "2.2", "score": -2, "rationale": "Krock."}]
    # OUT of 1.3: +2 +3; IN of 1.3: +1.
    assert data["per_target"]["1.3"]["out"] == 5 and data["per_target"]["1.3"]["in"] == 1
