"""Relative position among municipalities (METHODS.md §2) and group means (§3)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hallbar.lib.comparison import Band, GroupMean, Position, group_mean, relative_positions


def bands(values, direction="positive"):
    return {
        area: p.band.value for area, p in relative_positions(values, direction=direction).items()
    }


def test_higher_is_better_ranks_the_highest_first():
    positions = relative_positions({"a": 10, "b": 30, "c": 20, "d": 5}, direction="positive")
    assert [positions[a].rank for a in "abcd"] == [3, 1, 2, 4]
    assert positions["b"] == Position(value=30, rank=1, n=4, band=Band.GREEN)
    assert positions["d"].band == Band.RED


def test_lower_is_better_ranks_the_lowest_first():
    positions = relative_positions({"a": 10, "b": 30, "c": 20, "d": 5}, direction="negative")
    assert [positions[a].rank for a in "abcd"] == [2, 4, 3, 1]
    assert bands({"a": 10, "b": 30, "c": 20, "d": 5}, "negative") == {
        "a": "yellow",
        "b": "red",
        "c": "yellow",
        "d": "green",
    }


def test_an_area_without_a_value_is_grey_and_not_counted():
    positions = relative_positions(
        {"a": 1, "b": None, "c": math.nan, "d": 2, "e": 3, "f": 4}, direction="positive"
    )
    assert positions["b"] == Position(value=None, rank=None, n=4, band=Band.GREY)
    assert positions["c"].band == Band.GREY
    assert positions["f"].rank == 1 and positions["f"].n == 4


@pytest.mark.parametrize(
    ("n", "green", "red"),
    [
        # green: rank ≤ n/4; red: n − rank + 1 ≤ n/4
        (1, 0, 0),  # 1/4 = 0.25: no rank fits, the only one is yellow
        (2, 0, 0),
        (3, 0, 0),
        (4, 1, 1),  # ranks 1 | 2 3 | 4
        (5, 1, 1),  # 5/4 = 1.25: ranks 1 | 2 3 4 | 5
        (7, 1, 1),  # 1.75
        (8, 2, 2),  # ranks 1 2 | 3 4 5 6 | 7 8
        (290, 72, 72),  # 72.5: ranks 1–72 | 73–218 | 219–290
    ],
)
def test_quarters_hold_floor_of_n_over_4_places(n, green, red):
    result = bands({f"m{i}": float(i) for i in range(n)})
    counts = {band: list(result.values()).count(band) for band in ("green", "yellow", "red")}
    assert counts == {"green": green, "yellow": n - green - red, "red": red}


def test_290_municipalities_band_by_rank():
    positions = relative_positions({f"m{i:03}": float(i) for i in range(290)}, direction="negative")
    by_rank = {p.rank: p.band for p in positions.values()}
    assert by_rank[72] == Band.GREEN and by_rank[73] == Band.YELLOW
    assert by_rank[218] == Band.YELLOW and by_rank[219] == Band.RED


def test_ties_share_the_better_rank():
    positions = relative_positions({"a": 5, "b": 7, "c": 7, "d": 3, "e": 3}, direction="positive")
    assert {a: p.rank for a, p in positions.items()} == {"a": 3, "b": 1, "c": 1, "d": 4, "e": 4}


def test_a_tie_across_a_boundary_goes_to_the_better_band():
    # n = 8, quarter 2: three tied at the top all get rank 1 → all green.
    result = bands({"a": 9, "b": 9, "c": 9, "d": 5, "e": 4, "f": 3, "g": 2, "h": 1})
    assert [result[a] for a in "abc"] == ["green"] * 3
    # Three tied at the bottom share rank 6: 8 − 6 + 1 = 3 > 2 → yellow, not red.
    result = bands({"a": 9, "b": 8, "c": 7, "d": 6, "e": 5, "f": 1, "g": 1, "h": 1})
    assert [result[a] for a in "fgh"] == ["yellow"] * 3


def test_all_equal_values_are_all_rank_one():
    positions = relative_positions({f"m{i}": 2.0 for i in range(10)}, direction="negative")
    assert {p.rank for p in positions.values()} == {1}
    assert {p.band for p in positions.values()} == {Band.GREEN}


def test_labels_are_relative_never_goal_attainment():
    positions = relative_positions(
        {"a": 1, "b": 2, "c": 3, "d": 4, "e": None}, direction="positive"
    )
    assert positions["d"].label_key == "relative_position.best_quarter"
    assert positions["b"].label_key == "relative_position.middle_half"
    assert positions["a"].label_key == "relative_position.worst_quarter"
    assert positions["e"].label_key == "relative_position.no_value"


def test_no_values_at_all_gives_an_empty_or_grey_result():
    assert relative_positions({}, direction="positive") == {}
    assert bands({"a": None}) == {"a": "grey"}


def test_an_unknown_direction_is_refused_by_name():
    with pytest.raises(ValueError, match="'lower'"):
        relative_positions({"a": 1}, direction="lower")


@given(st.dictionaries(st.text(max_size=4), st.one_of(st.none(), st.integers(0, 6)), max_size=40))
def test_ranking_is_consistent_with_the_values(values):
    positions = relative_positions(values, direction="positive")
    ranked = [p for p in positions.values() if p.rank is not None]
    for p in ranked:
        assert p.rank == 1 + sum(q.value > p.value for q in ranked)
        assert p.n == len(ranked)
    green = sum(p.band == Band.GREEN for p in ranked)
    red = sum(p.band == Band.RED for p in ranked)
    # Ties can only enlarge green and shrink red.
    assert red <= len(ranked) // 4
    assert all(p.band != Band.GREEN or 4 * p.rank <= len(ranked) for p in ranked)
    assert green + red <= len(ranked)


# --- group means -------------------------------------------------------------------------


def test_group_mean_is_the_unweighted_mean_of_members_with_a_value():
    # (10 + 20 + 60) / 3 = 30; two members without a value are not counted
    assert group_mean([10, None, 20, math.nan, 60]) == GroupMean(value=30.0, count=3)


def test_group_mean_without_values_is_none():
    assert group_mean([None, None]) == GroupMean(value=None, count=0)
    assert group_mean([]) == GroupMean(value=None, count=0)


def test_group_mean_is_exact_for_many_small_values():
    # fsum: 0.1 added 10 times is 1.0, not 0.9999999999999999
    assert group_mean([0.1] * 10).value == 0.1
