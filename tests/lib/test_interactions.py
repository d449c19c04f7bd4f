"""Metrics of a cross-impact matrix (METHODS.md §4): small matrices computed by hand,
then properties against a brute-force reading of the definitions."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hallbar.lib.interactions import (
    MatrixError,
    clusters,
    goal_view,
    influence,
    second_order,
    trade_offs,
)

# Three targets A, B (goal 1) and C (goal 2):
#        A   B   C
#   A    0  +2  −1
#   B   +1   0  +3
#   C   −2   0   0
HAND = np.array([[0, 2, -1], [1, 0, 3], [-2, 0, 0]])


def test_out_and_in_with_their_positive_and_negative_parts():
    m = influence(HAND)

    assert m.out.tolist() == [1, 4, -2]
    assert m.out_pos.tolist() == [2, 4, 0]
    assert m.out_neg.tolist() == [-1, 0, -2]
    assert m.in_.tolist() == [-1, 2, 2]
    assert m.in_pos.tolist() == [1, 2, 3]
    assert m.in_neg.tolist() == [-2, 0, -1]


def test_net_is_out_minus_in():
    assert influence(HAND).net.tolist() == [2, 2, -4]


def test_second_order_leaves_out_the_paths_back_to_the_target():
    # A: A→B→C = 2·3 = 6 (A→C→A would come back to A: not counted).
    # B: B→A→C = 1·(−1) = −1, B→C→A = 3·(−2) = −6: −7.
    # C: C→A→B = (−2)·2 = −4 (C→A→C comes back).
    s2, s2_neg = second_order(HAND.astype(float))

    assert s2.tolist() == [6, -7, -4]
    assert s2_neg.tolist() == [0, -7, -4]


def test_two_negative_links_make_a_positive_chain_not_a_negative_one():
    # 0 counteracts 1, 1 constrains 2: the chain 0→1→2 is (−2)·(−1) = +2.
    chain = np.array([[0, -2, 0], [0, 0, -1], [0, 0, 0]])
    m = influence(chain)

    assert m.second_order.tolist() == [2, 0, 0]
    assert m.second_order_neg.tolist() == [0, 0, 0]


def test_a_positive_then_negative_chain_ends_negative():
    # 0 reinforces 1 (+2), 1 cancels 2 (−3): the knock-on effect on 2 is −6.
    chain = np.array([[0, 2, 0], [0, 0, -3], [0, 0, 0]])

    assert influence(chain).second_order_neg.tolist() == [-6, 0, 0]


def test_a_pair_scoring_each_other_has_no_second_order_effect():
    s2, s2_neg = second_order(np.array([[0.0, 2], [-3, 0]]))

    assert s2.tolist() == [0, 0]
    assert s2_neg.tolist() == [0, 0]


def test_the_goal_level_view_is_the_mean_of_each_block_without_the_diagonal():
    scored = HAND != 0
    scored[2, 1] = True  # C→B scored as 0 ("consistent")
    view = goal_view(HAND, scored, [1, 1, 2])

    assert view.goals == [1, 2]
    # Goal 1 → 1: A→B (+2), B→A (+1). 1 → 2: A→C (−1), B→C (+3). 2 → 1: C→A (−2), C→B (0).
    assert view.means[0].tolist() == [1.5, 1.0]
    assert view.means[1, 0] == -1.0
    assert np.isnan(view.means[1, 1])  # one target: no pair within goal 2
    assert view.pairs.tolist() == [[2, 2], [2, 0]]
    assert view.scored.tolist() == [[2, 2], [2, 0]]


def test_an_unscored_pair_is_left_out_of_the_goal_mean_not_counted_as_zero():
    scored = HAND != 0
    scored[1, 2] = False  # B→C not scored yet

    view = goal_view(HAND, scored, [1, 1, 2])

    assert view.means[0, 1] == -1.0  # A→C alone, not (−1 + 0) / 2
    assert view.scored[0, 1] == 1 and view.pairs[0, 1] == 2
    assert view.coverage[0, 1] == 0.5


def test_trade_offs_are_the_pairs_at_minus_two_or_below():
    matrix = np.array([[0, -3, -1], [-2, 0, 0], [2, -2, 0]])

    assert trade_offs(matrix) == [(0, 1, -3), (1, 0, -2), (2, 1, -2)]


def test_clusters_are_groups_of_targets_that_reinforce_each_other():
    matrix = np.zeros((7, 7))
    for group, score in (((0, 1, 2), 3), ((3, 4, 5), 2)):
        for i in group:
            for j in group:
                if i != j:
                    matrix[i, j] = score
    matrix[2, 3] = 1  # enabling only: not a link of a cluster
    matrix[6, 0] = -3  # target 6 has no positive link: in no cluster

    assert clusters(matrix) == [[0, 1, 2], [3, 4, 5]]


def test_no_cluster_without_links_of_plus_two():
    assert clusters(np.array([[0, 1], [1, 0]])) == []


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((2, 3)),
        np.array([[0, 4], [0, 0]]),
        np.array([[1, 0], [0, 0]]),
        np.array([[0, np.nan], [0, 0]]),
    ],
    ids=["not square", "score 4", "diagonal", "nan"],
)
def test_what_is_not_a_cross_impact_matrix_is_refused(bad):
    with pytest.raises(MatrixError):
        influence(bad)


def test_a_169_by_169_matrix_is_computed():
    rng = np.random.default_rng(2030)
    matrix = rng.integers(-3, 4, size=(169, 169))
    np.fill_diagonal(matrix, 0)
    goals = [n // 10 + 1 for n in range(169)]

    metrics = influence(matrix)
    view = goal_view(matrix, matrix != 0, goals)

    assert metrics.out.shape == (169,)
    assert view.means.shape == (17, 17)
    assert np.isclose(metrics.net.sum(), 0)
    assert clusters(matrix)  # a dense random matrix has reinforcing links


# --- properties, against the definitions read literally ------------------------------------


@st.composite
def matrices(draw, max_size: int = 9):
    n = draw(st.integers(1, max_size))
    a = draw(arrays(np.int64, (n, n), elements=st.integers(-3, 3)))
    np.fill_diagonal(a, 0)
    return a


def brute_second_order(a):
    n = len(a)
    s2 = np.zeros(n)
    s2_neg = np.zeros(n)
    for i in range(n):
        for j in range(n):
            for k in range(n):
                if k == i:
                    continue
                product = a[i, j] * a[j, k]
                s2[i] += product
                s2_neg[i] += min(0, product)
    return s2, s2_neg


@settings(max_examples=150, deadline=None)
@given(matrices())
def test_net_sums_to_zero_over_all_targets(a):
    assert influence(a).net.sum() == 0


@settings(max_examples=150, deadline=None)
@given(matrices())
def test_out_and_in_are_their_positive_plus_negative_parts(a):
    m = influence(a)
    assert np.array_equal(m.out, m.out_pos + m.out_neg)
    assert np.array_equal(m.in_, m.in_pos + m.in_neg)
    assert (m.out_pos >= 0).all() and (m.out_neg <= 0).all()
    assert m.out.sum() == m.in_.sum()


@settings(max_examples=150, deadline=None)
@given(matrices())
def test_second_order_matches_the_definition(a):
    s2, s2_neg = brute_second_order(a)
    m = influence(a)
    assert np.array_equal(m.second_order, s2)
    assert np.array_equal(m.second_order_neg, s2_neg)
    assert (m.second_order_neg <= 0).all()


@settings(max_examples=100, deadline=None)
@given(matrices(), st.data())
def test_the_goal_view_is_the_mean_over_the_scored_pairs_of_each_block(a, data):
    n = len(a)
    goal_of = data.draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    scored = np.array(data.draw(st.lists(st.booleans(), min_size=n * n, max_size=n * n)))
    scored = scored.reshape(n, n) & ~np.eye(n, dtype=bool)
    view = goal_view(a, scored, goal_of)
    for g_index, g in enumerate(view.goals):
        for h_index, h in enumerate(view.goals):
            block = [
                (i, j)
                for i in range(n)
                for j in range(n)
                if i != j and goal_of[i] == g and goal_of[j] == h
            ]
            values = [a[i, j] for i, j in block if scored[i, j]]
            assert view.pairs[g_index, h_index] == len(block)
            assert view.scored[g_index, h_index] == len(values)
            if values:
                assert np.isclose(view.means[g_index, h_index], np.mean(values))
            else:
                assert np.isnan(view.means[g_index, h_index])


@settings(max_examples=60, deadline=None)
@given(matrices())
def test_every_cluster_member_has_a_link_of_plus_two(a):
    for group in clusters(a):
        assert len(group) > 1
        for i in group:
            assert (a[i, :] >= 2).any() or (a[:, i] >= 2).any()
