"""The progress method of METHODS.md §1: golden cases computed by hand, then properties."""

import json
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hallbar.lib.progress import (
    STATUSES,
    TARGET_THRESHOLDS,
    TREND_THRESHOLDS,
    Method,
    Progress,
    Reason,
    Status,
    Thresholds,
    measure,
    measure_many,
    series_matrix,
    status_shares,
)

# --- with a target: P = CAGR(xₜ, x₀) / CAGR(T, x₀, 2030, t₀), thresholds .95 / .6 / 0 --------


def test_with_target_faster_than_required_is_on_track():
    # CAGR(60, 50, 2020, 2015) = 1.2^(1/5) − 1 = 0.037137
    # CAGR(80, 50, 2030, 2015) = 1.6^(1/15) − 1 = 0.031830; P = 0.037137 / 0.031830 = 1.1668
    progress = measure({2015: 50, 2020: 60}, direction="positive", target=80)
    assert progress.status == Status.ON_TRACK
    assert progress.value == pytest.approx(1.16675, abs=1e-5)
    assert progress.observed_rate == pytest.approx(0.037137, abs=1e-6)
    assert progress.required_rate == pytest.approx(0.031830, abs=1e-6)
    assert progress.method == Method.CAGR
    assert progress.thresholds == TARGET_THRESHOLDS


def test_with_target_at_60_to_95_percent_of_the_required_pace_needs_acceleration():
    # 1.1^(1/5) − 1 = 0.019245; P = 0.019245 / 0.031830 = 0.6046
    progress = measure({2015: 50, 2020: 55}, direction="positive", target=80)
    assert progress.status == Status.PROGRESS_NEEDS_ACCELERATION
    assert progress.value == pytest.approx(0.60462, abs=1e-5)


def test_with_target_below_60_percent_of_the_required_pace_is_limited_progress():
    # 1.04^(1/5) − 1 = 0.007875; P = 0.007875 / 0.031830 = 0.2474
    progress = measure({2015: 50, 2020: 52}, direction="positive", target=80)
    assert progress.status == Status.LIMITED_PROGRESS
    assert progress.value == pytest.approx(0.24741, abs=1e-5)


def test_with_target_moving_away_from_it_is_deterioration():
    # 0.9^(1/5) − 1 = −0.020852; P = −0.020852 / 0.031830 = −0.6551
    progress = measure({2015: 50, 2020: 45}, direction="positive", target=80)
    assert progress.status == Status.DETERIORATION
    assert progress.value == pytest.approx(-0.65510, abs=1e-5)


def test_with_target_lower_is_better():
    # CAGR(18, 20, 2019, 2015) = 0.9^(1/4) − 1 = −0.025996
    # CAGR(10, 20, 2030, 2015) = 0.5^(1/15) − 1 = −0.045158; P = 0.025996 / 0.045158 = 0.5757
    progress = measure({2015: 20, 2017: 19, 2019: 18}, direction="negative", target=10)
    assert progress.status == Status.LIMITED_PROGRESS
    assert progress.value == pytest.approx(0.57567, abs=1e-5)
    # 0.75^(1/5) − 1 = −0.055912; P = 0.055912 / 0.045158 = 1.2381
    faster = measure({2015: 20, 2020: 15}, direction="negative", target=10)
    assert faster.status == Status.ON_TRACK
    assert faster.value == pytest.approx(1.23814, abs=1e-5)


def test_reaching_the_target_is_target_achieved_in_both_directions():
    assert measure({2015: 50, 2020: 80}, direction="positive", target=80).status == (
        Status.TARGET_ACHIEVED
    )
    assert measure({2015: 20, 2020: 10}, direction="negative", target=10).status == (
        Status.TARGET_ACHIEVED
    )
    achieved = measure({2015: 20, 2020: 9}, direction="negative", target=10)
    assert achieved.value is None and achieved.method is None


def test_a_target_already_passed_at_the_base_year_and_lost_since_is_deterioration():
    # Higher is better, x₀ = 100 > T = 80 > xₜ = 70. Both CAGRs are negative, so the plain
    # ratio would be +. P = CAGR(70, 100, 2020, 2015) / |CAGR(80, 100, 2030, 2015)|
    # = (0.7^(1/5) − 1) / |0.8^(1/15) − 1| = −0.068851 / 0.014766 = −4.6627
    progress = measure({2015: 100, 2020: 70}, direction="positive", target=80)
    assert progress.status == Status.DETERIORATION
    assert progress.value == pytest.approx(-4.6627, abs=1e-4)


# --- without a target: P = ±CAGR(xₜ, x₀), thresholds .015 / .005 / 0 -------------------------


def test_without_target_growth_is_graded_by_yearly_rate():
    # 1.10^(1/4) − 1 = 0.02411 ≥ 0.015
    assert measure({2015: 100, 2019: 110}, direction="positive").status == Status.ON_TRACK
    # 1.03^(1/4) − 1 = 0.007417, between 0.005 and 0.015
    assert measure({2015: 100, 2019: 103}, direction="positive").status == (
        Status.PROGRESS_NEEDS_ACCELERATION
    )
    # 1.02^(1/4) − 1 = 0.004963 < 0.005
    limited = measure({2015: 100, 2019: 102}, direction="positive")
    assert limited.status == Status.LIMITED_PROGRESS
    assert limited.value == pytest.approx(0.0049629, abs=1e-7)
    assert limited.thresholds == TREND_THRESHOLDS
    assert not limited.uses_target and limited.required_rate is None


def test_without_target_lower_is_better_negates_the_growth():
    # P = −(1.10^(1/4) − 1) = −0.02411
    rising = measure({2015: 100, 2019: 110}, direction="negative")
    assert rising.status == Status.DETERIORATION
    assert rising.value == pytest.approx(-0.024114, abs=1e-6)
    # P = −(0.9^(1/4) − 1) = 0.02600
    assert measure({2015: 100, 2019: 90}, direction="negative").status == Status.ON_TRACK


def test_no_change_is_limited_progress():
    # P = 1^(1/5) − 1 = 0 exactly: ≥ low (0) and < med
    progress = measure({2015: 7, 2020: 7}, direction="negative")
    assert progress.value == 0
    assert progress.status == Status.LIMITED_PROGRESS


# --- which years count ------------------------------------------------------------------


def test_missing_base_year_uses_the_first_later_year_with_a_value():
    # 2014 is before the base year, 2015 has no value: t₀ = 2016, x₀ = 40.
    # P = (50/40)^(1/2) − 1 = 0.11803
    progress = measure({2014: 1, 2015: None, 2016: 40, 2017: None, 2018: 50}, direction="positive")
    assert (progress.requested_base_year, progress.base_year, progress.base_value) == (
        2015,
        2016,
        40,
    )
    assert (progress.current_year, progress.current_value) == (2018, 50)
    assert progress.value == pytest.approx(0.118034, abs=1e-6)
    assert progress.status == Status.ON_TRACK


def test_latest_year_with_a_value_is_the_current_year():
    progress = measure({2015: 10, 2019: 12, 2020: None, 2021: math.nan}, direction="positive")
    assert (progress.current_year, progress.current_value) == (2019, 12)


def test_a_chosen_base_year_is_used():
    # t₀ = 2018: (12/10)^(1/2) − 1 = 0.0954
    progress = measure({2015: 1, 2018: 10, 2020: 12}, direction="positive", base_year=2018)
    assert progress.base_year == 2018
    assert progress.value == pytest.approx(0.095445, abs=1e-6)


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({}, Reason.NO_VALUES),
        ({2015: None, 2016: None}, Reason.NO_VALUES),
        ({2010: 1, 2014: 2}, Reason.NO_VALUES),  # only years before the base year
        ({2015: 5}, Reason.FEWER_THAN_TWO_YEARS),
        ({2010: 1, 2012: 2, 2020: 3}, Reason.FEWER_THAN_TWO_YEARS),
        ({2015: None, 2020: 3, 2021: None}, Reason.FEWER_THAN_TWO_YEARS),
    ],
)
def test_fewer_than_two_years_is_not_available(values, reason):
    for target in (None, 10.0):
        progress = measure(values, direction="positive", target=target)
        assert progress.status == Status.NOT_AVAILABLE
        assert progress.reason == reason
        assert progress.value is None


def test_one_year_that_meets_the_target_is_still_not_available():
    assert measure({2020: 100}, direction="positive", target=10).status == Status.NOT_AVAILABLE


# --- zero target -------------------------------------------------------------------------


def test_zero_target_is_replaced_by_a_thousandth():
    # T = 0.001: CAGR(5, 10, 2020, 2015) = 0.5^(1/5) − 1 = −0.129449
    # CAGR(0.001, 10, 2030, 2015) = 0.0001^(1/15) − 1 = −0.458830; P = 0.129449/0.458830 = 0.2821
    progress = measure({2015: 10, 2020: 5}, direction="negative", target=0)
    assert (progress.target, progress.target_used) == (0, 0.001)
    assert progress.method == Method.CAGR
    assert progress.value == pytest.approx(0.28213, abs=1e-5)
    assert progress.status == Status.LIMITED_PROGRESS


def test_zero_target_is_achieved_at_zero():
    assert measure({2015: 10, 2020: 0}, direction="negative", target=0).status == (
        Status.TARGET_ACHIEVED
    )


# --- non-positive values: the linear variant ----------------------------------------------


def test_negative_base_value_uses_the_linear_rate_against_the_required_one():
    # Observed (−5 − (−10)) / 5 = 1.0 a year; required (5 − (−10)) / 15 = 1.0; P = 1.0
    progress = measure({2015: -10, 2020: -5}, direction="positive", target=5)
    assert progress.method == Method.LINEAR
    assert (progress.observed_rate, progress.required_rate, progress.value) == (1.0, 1.0, 1.0)
    assert progress.status == Status.ON_TRACK


def test_a_value_changing_sign_uses_the_linear_variant():
    # x₀ = 4, xₜ = −2: observed −6/4 = −1.5; required (10 − 4)/15 = 0.4; P = −3.75
    progress = measure({2015: 4, 2019: -2}, direction="positive", target=10)
    assert progress.method == Method.LINEAR
    assert progress.value == pytest.approx(-3.75)
    assert progress.status == Status.DETERIORATION


def test_a_target_of_the_other_sign_uses_the_linear_variant():
    # Net emissions 10 → 4 toward −5: observed −6/5 = −1.2; required −15/15 = −1; P = 1.2
    progress = measure({2015: 10, 2020: 4}, direction="negative", target=-5)
    assert progress.method == Method.LINEAR
    assert progress.value == pytest.approx(1.2)
    assert progress.status == Status.ON_TRACK


def test_zero_base_value_with_target_uses_the_linear_variant():
    # Observed 3/5 = 0.6; required 10/15 = 0.667; P = 0.9
    progress = measure({2015: 0, 2020: 3}, direction="positive", target=10)
    assert progress.method == Method.LINEAR
    assert progress.value == pytest.approx(0.9)
    assert progress.status == Status.PROGRESS_NEEDS_ACCELERATION


def test_linear_without_target_is_the_yearly_change_as_a_share_of_the_base_value():
    # −200 → −150 in 5 years: 10 a year, 10/|−200| = 0.05 of the base value a year
    rising = measure({2015: -200, 2020: -150}, direction="positive")
    assert rising.method == Method.LINEAR
    assert rising.observed_rate == 10
    assert rising.value == pytest.approx(0.05)
    assert rising.status == Status.ON_TRACK
    # Same data, lower is better: P = −0.05
    assert measure({2015: -200, 2020: -150}, direction="negative").status == Status.DETERIORATION
    # −200 → −196 in 4 years: 1 a year / 200 = 0.005 → exactly med → needs acceleration
    slow = measure({2015: -200, 2019: -196}, direction="positive")
    assert slow.value == 0.005
    assert slow.status == Status.PROGRESS_NEEDS_ACCELERATION


def test_falling_to_zero_or_below_uses_the_linear_variant():
    # 8 → 0 in 4 years, lower is better: −(−2)/8 = 0.25 a year of the base value
    progress = measure({2015: 8, 2019: 0}, direction="negative")
    assert progress.method == Method.LINEAR
    assert progress.value == pytest.approx(0.25)
    assert progress.status == Status.ON_TRACK


# --- guarded divisions -------------------------------------------------------------------


def test_zero_base_value_without_target_is_graded_by_the_direction_of_change():
    up = measure({2015: 0, 2018: 2}, direction="positive")
    assert (up.status, up.value, up.reason) == (Status.ON_TRACK, None, Reason.BASE_VALUE_ZERO)
    down = measure({2015: 0, 2018: 2}, direction="negative")
    assert (down.status, down.value) == (Status.DETERIORATION, None)
    flat = measure({2015: 0, 2018: 0}, direction="positive")
    assert (flat.status, flat.value) == (Status.LIMITED_PROGRESS, 0.0)


def test_target_equal_to_the_base_value_and_missed_is_deterioration():
    # Required rate 0 (keep the value); it fell, so P = −∞.
    progress = measure({2015: 50, 2020: 45}, direction="positive", target=50)
    assert progress.required_rate == 0
    assert (progress.status, progress.value) == (Status.DETERIORATION, None)
    assert progress.reason == Reason.REQUIRED_RATE_ZERO
    assert measure({2015: 50, 2020: 50}, direction="positive", target=50).status == (
        Status.TARGET_ACHIEVED
    )


def test_target_year_not_after_the_base_year_is_not_available_unless_achieved():
    # The first value after 2015 is from 2031, after the target year 2030.
    late = measure({2031: 1, 2033: 2}, direction="positive", target=5)
    assert (late.status, late.reason) == (
        Status.NOT_AVAILABLE,
        Reason.TARGET_YEAR_NOT_AFTER_BASE_YEAR,
    )
    same = measure({2015: 1, 2020: 2}, direction="positive", target=5, target_year=2015)
    assert same.status == Status.NOT_AVAILABLE
    assert measure({2031: 1, 2033: 6}, direction="positive", target=5).status == (
        Status.TARGET_ACHIEVED
    )


def test_a_target_year_already_passed_is_still_measured():
    # Required pace 2015→2020, observed 2015→2024: (60/50)^(1/9) − 1 / ((80/50)^(1/5) − 1)
    progress = measure({2015: 50, 2024: 60}, direction="positive", target=80, target_year=2020)
    assert progress.status == Status.LIMITED_PROGRESS
    assert progress.value == pytest.approx((1.2 ** (1 / 9) - 1) / (1.6 ** (1 / 5) - 1))


# --- thresholds, inputs, errors ----------------------------------------------------------


def test_a_value_exactly_on_a_threshold_gets_the_better_status():
    # Linear: observed 3/5 = 0.6; required (10 − 0)/(2025 − 2015) = 1.0; P = 0.6 = med
    progress = measure({2015: 0, 2020: 3}, direction="positive", target=10, target_year=2025)
    assert progress.value == 0.6
    assert progress.status == Status.PROGRESS_NEEDS_ACCELERATION


def test_thresholds_can_be_overridden_per_indicator():
    strict = Thresholds(high=1.5, med=1.2, low=0.5)
    # P = 1.1668 as in the first case: below the stricter med 1.2, above low 0.5
    progress = measure({2015: 50, 2020: 60}, direction="positive", target=80, thresholds=strict)
    assert progress.status == Status.LIMITED_PROGRESS
    assert progress.thresholds == strict


def test_thresholds_must_be_ordered_and_finite():
    with pytest.raises(ValueError, match="high >= med >= low"):
        Thresholds(high=0.1, med=0.5, low=0)
    with pytest.raises(ValueError, match="finite"):
        Thresholds(high=math.inf, med=0.5, low=0)


def test_an_unknown_direction_is_refused_by_name():
    with pytest.raises(ValueError, match="'up'"):
        measure({2015: 1, 2020: 2}, direction="up")
    with pytest.raises(ValueError, match="'higher'"):
        measure_many([2015, 2020], [[1, 2]], directions=["higher"])


def test_a_nan_target_means_no_target_and_an_infinite_one_is_refused():
    assert not measure({2015: 1, 2020: 2}, direction="positive", target=math.nan).uses_target
    with pytest.raises(ValueError, match="finite"):
        measure({2015: 1, 2020: 2}, direction="positive", target=math.inf)


def test_progress_round_trips_through_json():
    for progress in (
        measure({2015: 50, 2020: 60}, direction="positive", target=80),
        measure({2015: 0, 2018: 2}, direction="negative"),
        measure({}, direction="negative"),
    ):
        text = json.dumps(progress.to_dict(), allow_nan=False)
        assert Progress.from_dict(json.loads(text)) == progress


def test_progress_records_every_input_used():
    data = measure({2015: 10, 2020: 5}, direction="negative", target=0).to_dict()
    assert data == {
        "status": "limited_progress",
        "value": pytest.approx(0.28213, abs=1e-5),
        "direction": "negative",
        "requested_base_year": 2015,
        "base_year": 2015,
        "base_value": 10.0,
        "current_year": 2020,
        "current_value": 5.0,
        "target": 0.0,
        "target_used": 0.001,
        "target_year": 2030,
        "uses_target": True,
        "method": "cagr",
        "observed_rate": pytest.approx(-0.129449, abs=1e-6),
        "required_rate": pytest.approx(-0.458830, abs=1e-6),
        "thresholds": {"high": 0.95, "med": 0.6, "low": 0.0},
        "reason": None,
    }


# --- roll-up ------------------------------------------------------------------------------


def test_status_shares_counts_every_status_best_first():
    shares = status_shares(["on_track", "deterioration", "on_track", Status.NOT_AVAILABLE])
    assert list(shares) == [
        "target_achieved",
        "on_track",
        "progress_needs_acceleration",
        "limited_progress",
        "deterioration",
        "not_available",
    ]
    assert shares["on_track"] == 2
    assert shares["deterioration"] == shares["not_available"] == 1
    assert shares["target_achieved"] == 0
    assert sum(status_shares([]).values()) == 0


def test_status_shares_refuses_an_unknown_status():
    with pytest.raises(ValueError, match="green"):
        status_shares(["green"])


# --- many series at once -----------------------------------------------------------------


def test_measure_many_agrees_with_measure_on_the_golden_cases():
    years = [2020, 2015, 2016, 2018, 2019]  # unsorted on purpose
    rows = [
        {2015: 50, 2020: 60},
        {2015: None, 2016: 40, 2018: 50},
        {2015: -10, 2020: -5},
        {2015: 0, 2018: 2},
        {2015: 5},
        {},
    ]
    matrix = [[np.nan if row.get(y) is None else row[y] for y in years] for row in rows]
    targets = [80, np.nan, 5, np.nan, 3, 0]
    directions = ["positive", "positive", "positive", "negative", "positive", "negative"]
    batch = measure_many(years, matrix, directions=directions, targets=targets)
    for i, row in enumerate(rows):
        target = None if np.isnan(targets[i]) else targets[i]
        assert batch.progress(i) == measure(row, direction=directions[i], target=target)
    assert batch.to_dicts() == [batch.progress(i).to_dict() for i in range(len(rows))]
    assert batch.status_names() == [
        "on_track",
        "on_track",
        "on_track",
        "deterioration",
        "not_available",
        "not_available",
    ]


def test_measure_many_takes_per_series_thresholds_and_years():
    strict = Thresholds(high=1.5, med=1.2, low=0.5)
    batch = measure_many(
        [2015, 2018, 2020],
        [[50, np.nan, 60], [1, 10, 12]],
        directions="positive",
        targets=[80, np.nan],
        base_year=[2015, 2018],
        thresholds=[strict.as_tuple(), [np.nan] * 3],
    )
    assert batch.progress(0) == measure(
        {2015: 50, 2020: 60}, direction="positive", target=80, thresholds=strict
    )
    assert batch.progress(1) == measure(
        {2015: 1, 2018: 10, 2020: 12}, direction="positive", base_year=2018
    )


def test_measure_many_refuses_bad_shapes_and_thresholds():
    with pytest.raises(ValueError, match="shape"):
        measure_many([2015, 2016], [[1, 2, 3]], directions="positive")
    with pytest.raises(ValueError, match="unique"):
        measure_many([2015, 2015], [[1, 2]], directions="positive")
    with pytest.raises(ValueError, match="high >= med >= low"):
        measure_many([2015, 2016], [[1, 2]], directions="positive", thresholds=[[0, 1, 2]])


def test_measure_many_handles_no_series_and_no_years():
    assert len(measure_many([], np.empty((0, 0)), directions="positive")) == 0
    batch = measure_many([], np.empty((2, 0)), directions="positive")
    assert batch.progress(1) == measure({}, direction="positive")


def test_series_matrix_pivots_long_observations():
    keys, years, matrix = series_matrix(
        keys=[7, 3, 7, 3], years=[2016, 2015, 2015, 2017], values=[2.0, 1.0, 1.5, np.nan]
    )
    assert keys.tolist() == [3, 7]
    assert years.tolist() == [2015, 2016, 2017]
    np.testing.assert_array_equal(matrix, [[1.0, np.nan, np.nan], [1.5, 2.0, np.nan]])
    with pytest.raises(ValueError, match="more than one value"):
        series_matrix([1, 1], [2015, 2015], [1.0, 2.0])


# --- properties ---------------------------------------------------------------------------

ORDER = [
    Status.DETERIORATION,
    Status.LIMITED_PROGRESS,
    Status.PROGRESS_NEEDS_ACCELERATION,
    Status.ON_TRACK,
    Status.TARGET_ACHIEVED,
]
YEARS = list(range(2000, 2041))  # spans under 67 years: see the progress module docstring

# Small integers make ties, zeros, sign changes and targets equal to the base value likely;
# decimals look like real statistics. `extreme_values` adds every finite float, where P can
# overflow (Reason.NOT_COMPUTABLE): fine for the invariants, not for monotonicity.
plain_values = st.one_of(
    st.integers(min_value=-5, max_value=20).map(float),
    st.decimals(min_value=-10_000, max_value=10_000, places=6).map(float),
)
extreme_values = st.one_of(plain_values, st.floats(allow_nan=False, allow_infinity=False))
maybe_values = st.one_of(st.none(), st.just(math.nan), st.just(math.inf), extreme_values)
series = st.dictionaries(st.sampled_from(YEARS), maybe_values, max_size=12)
directions = st.sampled_from(["positive", "negative"])
targets = st.one_of(st.none(), st.just(0.0), plain_values)
any_targets = st.one_of(targets, extreme_values)
base_years = st.sampled_from([2000, 2010, 2015, 2020])
target_years = st.sampled_from([2010, 2025, 2030, 2045])


@settings(max_examples=300, deadline=None)
@given(series, directions, any_targets, base_years, target_years)
def test_the_status_is_always_one_of_the_six(values, direction, target, base_year, target_year):
    progress = measure(
        values, direction=direction, target=target, base_year=base_year, target_year=target_year
    )
    assert progress.status in set(Status)
    assert len(Status) == 6
    assert (progress.value is None) or math.isfinite(progress.value)
    json.dumps(progress.to_dict(), allow_nan=False)


@settings(max_examples=500, deadline=None)
@given(
    st.dictionaries(st.sampled_from(YEARS), plain_values, min_size=2, max_size=12),
    directions,
    targets,
    st.floats(min_value=1e-3, max_value=1e4),
    base_years,
    target_years,
)
def test_a_better_current_value_never_gives_a_worse_status(
    values, direction, target, improvement, base_year, target_year
):
    kept = sorted(y for y in values if y >= base_year)
    assume(len(kept) >= 2)
    current = kept[-1]
    better = values[current] + (improvement if direction == "positive" else -improvement)
    options = {"direction": direction, "target": target, "base_year": base_year}
    before = measure(values, target_year=target_year, **options)
    after = measure({**values, current: better}, target_year=target_year, **options)
    if before.status == Status.NOT_AVAILABLE:
        # Only the target-year guard can say so here, and it does not depend on xₜ
        # unless the better value reaches the target.
        assert after.status in (Status.NOT_AVAILABLE, Status.TARGET_ACHIEVED)
        return
    assert ORDER.index(after.status) >= ORDER.index(before.status), (before, after)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(series, directions, any_targets, base_years, target_years),
        min_size=1,
        max_size=25,
    )
)
def test_measure_many_gives_the_same_result_as_measure_for_every_series(cases):
    matrix = [[math.nan if v.get(y) is None else v[y] for y in YEARS] for v, *_ in cases]
    batch = measure_many(
        YEARS,
        matrix,
        directions=[c[1] for c in cases],
        targets=[math.nan if c[2] is None else c[2] for c in cases],
        base_year=[c[3] for c in cases],
        target_year=[c[4] for c in cases],
    )
    for i, (values, direction, target, base_year, target_year) in enumerate(cases):
        expected = measure(
            values,
            direction=direction,
            target=target,
            base_year=base_year,
            target_year=target_year,
        )
        assert batch.progress(i) == expected
        assert STATUSES[batch.status[i]] == expected.status
    assert batch.to_dicts() == [batch.progress(i).to_dict() for i in range(len(cases))]
