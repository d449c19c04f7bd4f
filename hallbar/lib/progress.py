"""Progress toward a target, per series: the Statistics Canada / Open SDG method (METHODS.md §1).

For one series (values by year) the method compares the growth from the base year t₀ to the
latest year t with the growth the target needs, or, without a target, looks at the growth
alone:

1. Years without a value (None, NaN or ±inf) are dropped, and so are years before the base
   year. If the base year has no value the first later year with one is used. If fewer than
   two years remain the status is ``not_available``.
2. x₀ = value at t₀, xₜ = value at t (the latest year). A target of exactly 0 is replaced
   by 0.001 (``target_used``), as METHODS.md and Open SDG do, also for the check in 3.
3. With a target T: ``target_achieved`` when xₜ ≥ T (positive) or xₜ ≤ T (negative).
   Otherwise P = CAGR(xₜ, x₀, t, t₀) / CAGR(T, x₀, target_year, t₀) with the thresholds
   high 0.95, med 0.6, low 0 — the share of the required annual growth that was achieved.
4. Without a target: P = CAGR(xₜ, x₀, t, t₀), negated when lower is better; thresholds
   high 0.015, med 0.005, low 0 (1.5 % and 0.5 % a year).
5. P ≥ high → on_track; ≥ med → progress_needs_acceleration; ≥ low → limited_progress;
   otherwise deterioration.

CAGR(a, b, t_a, t_b) = (a / b) ** (1 / (t_a − t_b)) − 1 is undefined unless x₀, xₜ and
(with a target) T are all positive. Then the **linear variant** is used and recorded in
``Progress.method``:

* with a target, the observed linear rate (xₜ − x₀)/(t − t₀) against the required linear rate
  (T − x₀)/(target_year − t₀), with the target thresholds;
* without a target (METHODS.md only says "the same thresholds"; this is our choice), the
  linear rate relative to the base value, (xₜ − x₀)/((t − t₀)·|x₀|), negated when lower is
  better, with the no-target thresholds. Like CAGR it is a share of the base value per year,
  so 0.015 still means "1.5 % a year".

Decisions where METHODS.md is silent (each recorded in ``Progress.reason`` where it applies):

* The ratio is written P = d · observed / |required| with d = +1 (positive) or −1 (negative).
  That equals observed / required in the normal case (the target lies in the improving
  direction from x₀); the |·| keeps "P < 0 means moving the wrong way" when the target was
  already passed at t₀ and has since been lost (Open SDG does the same).
* A zero denominator — the required rate is 0 (T equals x₀ but xₜ has moved off it), or the
  base value is 0 in the linear no-target variant — gives P = +∞ (change in the good
  direction), −∞ (bad direction) or 0 (no change), classified by the thresholds as usual.
  ``Progress.value`` is None when P is infinite, and ``reason`` says why.
* A target year not after t₀ (no time to reach the target, e.g. the first value after the
  base year is from 2031) gives ``not_available`` unless the target is already achieved.
* Monotonicity: a better current value never gives a worse status with the default
  thresholds, including across the CAGR/linear switch at xₜ = 0, for series spanning fewer
  than 67 years (beyond that, falling from x₀ > 0 to xₜ ≤ 0 without a target scores
  1/(t − t₀) < 0.015). Custom thresholds with ``low`` < 0 can break it at that switch.

:func:`measure` is the reference implementation for one series; :func:`measure_many` gives
the same results for many series at once without a Python loop per series.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

DEFAULT_BASE_YEAR = 2015
DEFAULT_TARGET_YEAR = 2030
ZERO_TARGET_REPLACEMENT = 0.001


class Direction(StrEnum):
    POSITIVE = "positive"  # higher is better
    NEGATIVE = "negative"  # lower is better


class Status(StrEnum):
    TARGET_ACHIEVED = "target_achieved"
    ON_TRACK = "on_track"
    PROGRESS_NEEDS_ACCELERATION = "progress_needs_acceleration"
    LIMITED_PROGRESS = "limited_progress"
    DETERIORATION = "deterioration"
    NOT_AVAILABLE = "not_available"


class Method(StrEnum):
    CAGR = "cagr"
    LINEAR = "linear"


class Reason(StrEnum):
    """Why a status was reached in a way the formula alone does not show."""

    NO_VALUES = "no_values"
    FEWER_THAN_TWO_YEARS = "fewer_than_two_years"
    TARGET_YEAR_NOT_AFTER_BASE_YEAR = "target_year_not_after_base_year"
    REQUIRED_RATE_ZERO = "required_rate_zero"
    BASE_VALUE_ZERO = "base_value_zero"
    NOT_COMPUTABLE = "not_computable"  # P is NaN: only with values near the float limits


# Codes used by measure_many: the index into these tuples. Status codes grow with how good
# the status is, so `codes >= 3` reads "at least progress_needs_acceleration".
STATUSES: tuple[Status, ...] = (
    Status.NOT_AVAILABLE,
    Status.DETERIORATION,
    Status.LIMITED_PROGRESS,
    Status.PROGRESS_NEEDS_ACCELERATION,
    Status.ON_TRACK,
    Status.TARGET_ACHIEVED,
)
METHODS: tuple[Method | None, ...] = (None, Method.CAGR, Method.LINEAR)
REASONS: tuple[Reason | None, ...] = (None, *Reason)

# measure_many's checks, in the order they apply.
_GRADES = (
    Status.NOT_AVAILABLE,
    Status.ON_TRACK,
    Status.PROGRESS_NEEDS_ACCELERATION,
    Status.LIMITED_PROGRESS,
)
_REASON_CHECKS = (
    Reason.NO_VALUES,
    Reason.FEWER_THAN_TWO_YEARS,
    Reason.TARGET_YEAR_NOT_AFTER_BASE_YEAR,
    Reason.NOT_COMPUTABLE,
    Reason.REQUIRED_RATE_ZERO,
    Reason.BASE_VALUE_ZERO,
)

# A goal page's stacked bar: best first, not_available last.
SHARE_ORDER: tuple[Status, ...] = (
    Status.TARGET_ACHIEVED,
    Status.ON_TRACK,
    Status.PROGRESS_NEEDS_ACCELERATION,
    Status.LIMITED_PROGRESS,
    Status.DETERIORATION,
    Status.NOT_AVAILABLE,
)


@dataclass(frozen=True)
class Thresholds:
    """P ≥ high → on_track, ≥ med → needs acceleration, ≥ low → limited, else deterioration."""

    high: float
    med: float
    low: float

    def __post_init__(self) -> None:
        if not all(math.isfinite(x) for x in (self.high, self.med, self.low)):
            raise ValueError(f"thresholds must be finite numbers: {self}")
        if not self.high >= self.med >= self.low:
            raise ValueError(f"thresholds must satisfy high >= med >= low: {self}")

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.high, self.med, self.low)


TARGET_THRESHOLDS = Thresholds(high=0.95, med=0.6, low=0.0)
TREND_THRESHOLDS = Thresholds(high=0.015, med=0.005, low=0.0)


@dataclass(frozen=True, kw_only=True)
class Progress:
    """The status of one series with every input used, so a report can explain it."""

    status: Status
    value: float | None = None  # P; None when not computed or infinite
    direction: Direction
    requested_base_year: int
    base_year: int | None = None  # t₀ actually used
    base_value: float | None = None
    current_year: int | None = None
    current_value: float | None = None
    target: float | None = None  # as given
    target_used: float | None = None  # after 0 → 0.001
    target_year: int
    uses_target: bool
    method: Method | None = None  # None when no rate was computed
    observed_rate: float | None = None  # CAGR, or linear change per year
    required_rate: float | None = None  # with a target only
    thresholds: Thresholds = field(default=TREND_THRESHOLDS)
    reason: Reason | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only (no NaN or ±inf), for a JSONField."""
        data = asdict(self)
        for key in ("status", "direction", "method", "reason"):
            data[key] = None if data[key] is None else str(data[key])
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Progress":
        return cls(
            **{
                **data,
                "status": Status(data["status"]),
                "direction": Direction(data["direction"]),
                "method": None if data["method"] is None else Method(data["method"]),
                "reason": None if data["reason"] is None else Reason(data["reason"]),
                "thresholds": Thresholds(**data["thresholds"]),
            }
        )


def parse_direction(direction: str) -> Direction:
    try:
        return Direction(direction)
    except ValueError:
        raise ValueError(f"direction must be 'positive' or 'negative', not {direction!r}") from None


def classify(p: float, thresholds: Thresholds) -> Status:
    """The status for a progress value P: the first threshold it reaches (METHODS.md §1)."""
    if p >= thresholds.high:
        return Status.ON_TRACK
    if p >= thresholds.med:
        return Status.PROGRESS_NEEDS_ACCELERATION
    if p >= thresholds.low:
        return Status.LIMITED_PROGRESS
    return Status.DETERIORATION


def measure(
    values: Mapping[int, float | None],
    *,
    direction: str,
    base_year: int = DEFAULT_BASE_YEAR,
    target_year: int = DEFAULT_TARGET_YEAR,
    target: float | None = None,
    thresholds: Thresholds | None = None,
) -> Progress:
    """Progress of one series toward `target` (or its trend without one), METHODS.md §1.

    `values` maps year → value; `thresholds` overrides the defaults for the case at hand
    (TARGET_THRESHOLDS with a target, TREND_THRESHOLDS without). A NaN target means none.
    """
    d = parse_direction(direction)
    target = _checked_target(target)
    target_used = ZERO_TARGET_REPLACEMENT if target == 0 else target
    has_target = target_used is not None
    record: dict[str, Any] = {
        "direction": d,
        "requested_base_year": base_year,
        "target": target,
        "target_used": target_used,
        "target_year": target_year,
        "uses_target": has_target,
        "thresholds": thresholds or (TARGET_THRESHOLDS if has_target else TREND_THRESHOLDS),
    }

    years = sorted(y for y, v in values.items() if y >= base_year and _has_value(v))
    if not years:
        return Progress(status=Status.NOT_AVAILABLE, reason=Reason.NO_VALUES, **record)
    t0, t = years[0], years[-1]
    x0, xt = float(values[t0]), float(values[t])  # type: ignore[arg-type]  # _has_value
    record |= {"base_year": t0, "base_value": x0, "current_year": t, "current_value": xt}
    if len(years) < 2:
        return Progress(status=Status.NOT_AVAILABLE, reason=Reason.FEWER_THAN_TWO_YEARS, **record)

    sign = 1.0 if d is Direction.POSITIVE else -1.0
    if target_used is not None:
        if (xt >= target_used) if d is Direction.POSITIVE else (xt <= target_used):
            return Progress(status=Status.TARGET_ACHIEVED, **record)
        if target_year <= t0:
            return Progress(
                status=Status.NOT_AVAILABLE, reason=Reason.TARGET_YEAR_NOT_AFTER_BASE_YEAR, **record
            )

    use_cagr = x0 > 0 and xt > 0 and (target_used is None or target_used > 0)
    observed = _cagr(xt, x0, t - t0) if use_cagr else (xt - x0) / (t - t0)
    required: float | None = None
    if target_used is not None:
        if use_cagr:
            required = _cagr(target_used, x0, target_year - t0)
        else:
            required = (target_used - x0) / (target_year - t0)
        denominator = abs(required)
    else:
        denominator = 1.0 if use_cagr else abs(x0)
    p = _ratio(sign * observed, denominator)

    reason = None
    if denominator == 0:
        reason = Reason.REQUIRED_RATE_ZERO if has_target else Reason.BASE_VALUE_ZERO
    if math.isnan(p):
        status, reason = Status.NOT_AVAILABLE, Reason.NOT_COMPUTABLE
    else:
        status = classify(p, record["thresholds"])
    return Progress(
        status=status,
        value=_finite_or_none(p),
        method=Method.CAGR if use_cagr else Method.LINEAR,
        observed_rate=_finite_or_none(observed),
        required_rate=None if required is None else _finite_or_none(required),
        reason=reason,
        **record,
    )


def status_shares(statuses: Iterable[str]) -> dict[str, int]:
    """Counts per status, best first and every status present, for a stacked bar.

    METHODS.md §1: a roll-up is the share in each status, never one averaged colour.
    An unknown status raises ValueError.
    """
    counts = Counter(Status(s) for s in statuses)
    return {str(s): counts[s] for s in SHARE_ORDER}


# --- many series at once ------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressBatch:
    """The result of :func:`measure_many`: one entry per series (row), as arrays.

    ``status`` holds codes into STATUSES, ``method`` into METHODS, ``reason`` into REASONS.
    Float arrays hold NaN where :class:`Progress` holds None; year arrays hold 0 there.
    """

    status: NDArray[np.int8]
    value: NDArray[np.float64]
    direction: NDArray[np.bool_]  # True = positive
    requested_base_year: NDArray[np.int64]
    base_year: NDArray[np.int64]
    base_value: NDArray[np.float64]
    current_year: NDArray[np.int64]
    current_value: NDArray[np.float64]
    target: NDArray[np.float64]
    target_used: NDArray[np.float64]
    target_year: NDArray[np.int64]
    method: NDArray[np.int8]
    observed_rate: NDArray[np.float64]
    required_rate: NDArray[np.float64]
    thresholds: NDArray[np.float64]  # (n, 3): high, med, low
    reason: NDArray[np.int8]

    def __len__(self) -> int:
        return len(self.status)

    def status_names(self) -> list[str]:
        return np.asarray(STATUSES)[self.status].tolist()

    def to_dicts(self) -> list[dict[str, Any]]:
        """``progress(i).to_dict()`` for every series, built column-wise for storing many."""
        has_years = self.reason != REASONS.index(Reason.NO_VALUES)
        columns: dict[str, list[Any]] = {
            "status": _names(STATUSES, self.status),
            "value": _floats(self.value),
            "direction": np.where(self.direction, "positive", "negative").tolist(),
            "requested_base_year": self.requested_base_year.tolist(),
            "base_year": _years(self.base_year, has_years),
            "base_value": _floats(self.base_value),
            "current_year": _years(self.current_year, has_years),
            "current_value": _floats(self.current_value),
            "target": _floats(self.target),
            "target_used": _floats(self.target_used),
            "target_year": self.target_year.tolist(),
            "uses_target": (~np.isnan(self.target)).tolist(),
            "method": _names(METHODS, self.method),
            "observed_rate": _floats(self.observed_rate),
            "required_rate": _floats(self.required_rate),
            "thresholds": [
                {"high": high, "med": med, "low": low}
                for high, med, low in self.thresholds.tolist()
            ],
            "reason": _names(REASONS, self.reason),
        }
        return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]

    def progress(self, i: int) -> Progress:
        """Series `i` as the same :class:`Progress` that :func:`measure` returns."""
        has_years = REASONS[self.reason[i]] is not Reason.NO_VALUES
        target = _nan_to_none(self.target[i])
        return Progress(
            status=STATUSES[self.status[i]],
            value=_nan_to_none(self.value[i]),
            direction=Direction.POSITIVE if self.direction[i] else Direction.NEGATIVE,
            requested_base_year=int(self.requested_base_year[i]),
            base_year=int(self.base_year[i]) if has_years else None,
            base_value=_nan_to_none(self.base_value[i]),
            current_year=int(self.current_year[i]) if has_years else None,
            current_value=_nan_to_none(self.current_value[i]),
            target=target,
            target_used=_nan_to_none(self.target_used[i]),
            target_year=int(self.target_year[i]),
            uses_target=target is not None,
            method=METHODS[self.method[i]],
            observed_rate=_nan_to_none(self.observed_rate[i]),
            required_rate=_nan_to_none(self.required_rate[i]),
            thresholds=Thresholds(*(float(x) for x in self.thresholds[i])),
            reason=REASONS[self.reason[i]],
        )


def measure_many(
    years: ArrayLike,
    values: ArrayLike,
    *,
    directions: str | ArrayLike,
    base_year: int | ArrayLike = DEFAULT_BASE_YEAR,
    target_year: int | ArrayLike = DEFAULT_TARGET_YEAR,
    targets: float | ArrayLike | None = None,
    thresholds: Thresholds | ArrayLike | None = None,
) -> ProgressBatch:
    """:func:`measure` for n series at once, vectorised with numpy (no loop per series).

    `years` has shape (m,), unique; `values` shape (n, m), NaN where a year has no value.
    `directions`, `base_year`, `target_year` and `targets` are one value for all series or
    one per series; a NaN target means none. `thresholds` is one :class:`Thresholds` for
    all, or an (n, 3) array of (high, med, low) rows with all-NaN rows for the defaults.
    :func:`series_matrix` builds `years` and `values` from long-format observations.
    """
    year_axis = np.asarray(years, dtype=np.int64)
    matrix = np.asarray(values, dtype=np.float64)
    if year_axis.ndim != 1 or matrix.ndim != 2 or matrix.shape[1] != year_axis.size:
        raise ValueError(f"values must have shape (n, {year_axis.size}), not {matrix.shape}")
    if np.unique(year_axis).size != year_axis.size:
        raise ValueError("years must be unique")
    if year_axis.size == 0:  # no years at all: one empty column keeps the indexing simple
        year_axis, matrix = np.zeros(1, np.int64), np.full((matrix.shape[0], 1), np.nan)
    order = np.argsort(year_axis, kind="stable")
    year_axis, matrix = year_axis[order], matrix[:, order]
    n, m = matrix.shape

    positive = _directions(directions, n)
    by = _per_series(base_year, n, np.int64)
    ty = _per_series(target_year, n, np.int64)
    target = _per_series(np.nan if targets is None else targets, n, np.float64)
    if np.isinf(target).any():
        raise ValueError("targets must be finite (NaN for no target)")
    has_target = ~np.isnan(target)
    target_used = np.where(target == 0, ZERO_TARGET_REPLACEMENT, target)
    limits = _thresholds(thresholds, has_target, n)
    high, med, low = limits[:, 0], limits[:, 1], limits[:, 2]

    # Step 1: the years that count, the base year t₀ and the current year t per row.
    counted = np.isfinite(matrix) & (year_axis[None, :] >= by[:, None])
    count = counted.sum(axis=1)
    rows = np.arange(n)
    i0 = counted.argmax(axis=1)
    it = m - 1 - counted[:, ::-1].argmax(axis=1)
    has_years = count >= 1
    enough = count >= 2
    t0 = np.where(has_years, year_axis[i0], 0)
    t = np.where(has_years, year_axis[it], 0)
    x0 = np.where(has_years, matrix[rows, i0], np.nan)
    xt = np.where(has_years, matrix[rows, it], np.nan)

    sign = np.where(positive, 1.0, -1.0)
    achieved = enough & has_target & np.where(positive, xt >= target_used, xt <= target_used)
    too_late = enough & has_target & ~achieved & (ty <= t0)
    computed = enough & ~achieved & ~too_late
    use_cagr = (x0 > 0) & (xt > 0) & (~has_target | (target_used > 0))

    with np.errstate(all="ignore"):  # rows outside `computed` may divide by zero: discarded
        elapsed = (t - t0).astype(np.float64)
        to_target = (ty - t0).astype(np.float64)
        observed = np.where(use_cagr, _cagr_array(xt, x0, elapsed), (xt - x0) / elapsed)
        required = np.where(
            use_cagr,
            _cagr_array(target_used, x0, to_target),
            (target_used - x0) / to_target,
        )
        required = np.where(has_target, required, np.nan)
        denominator = np.where(has_target, np.abs(required), np.where(use_cagr, 1.0, np.abs(x0)))
        numerator = sign * observed
        p = np.where(
            denominator == 0,
            np.where(numerator == 0, 0.0, np.copysign(np.inf, numerator)),
            numerator / denominator,
        )

    graded = np.select(
        [np.isnan(p), p >= high, p >= med, p >= low],
        [_code(s) for s in _GRADES],
        _code(Status.DETERIORATION),
    )
    status = np.select(
        [computed, achieved],
        [graded, _code(Status.TARGET_ACHIEVED)],
        _code(Status.NOT_AVAILABLE),
    ).astype(np.int8)
    zero_denominator = computed & (denominator == 0)
    reason = np.select(
        [
            ~has_years,
            ~enough,
            too_late,
            computed & np.isnan(p),
            zero_denominator & has_target,
            zero_denominator,
        ],
        [REASONS.index(r) for r in _REASON_CHECKS],
        0,
    ).astype(np.int8)

    method = np.where(computed, np.where(use_cagr, 1, 2), 0).astype(np.int8)
    return ProgressBatch(
        status=status,
        value=np.where(computed & np.isfinite(p), p, np.nan),
        direction=positive,
        requested_base_year=by,
        base_year=t0,
        base_value=x0,
        current_year=t,
        current_value=xt,
        target=target,
        target_used=target_used,
        target_year=ty,
        method=method,
        observed_rate=np.where(computed & np.isfinite(observed), observed, np.nan),
        required_rate=np.where(computed & np.isfinite(required), required, np.nan),
        thresholds=limits,
        reason=reason,
    )


def series_matrix(
    keys: ArrayLike, years: ArrayLike, values: ArrayLike
) -> tuple[NDArray[Any], NDArray[np.int64], NDArray[np.float64]]:
    """Pivot long-format observations into the (series × year) matrix of :func:`measure_many`.

    `keys` identifies the series of each row (combine indicator, area and gender into one
    integer or string first); `values` may hold NaN. Returns (series keys, years, matrix);
    row i of the matrix is the series ``series_keys[i]``. A repeated (key, year) raises.
    """
    key_array = np.asarray(keys)
    year_array = np.asarray(years, dtype=np.int64)
    value_array = np.asarray(values, dtype=np.float64)
    if not key_array.shape == year_array.shape == value_array.shape or key_array.ndim != 1:
        raise ValueError("keys, years and values must be 1-D arrays of the same length")
    series, row = np.unique(key_array, return_inverse=True)
    year_axis, column = np.unique(year_array, return_inverse=True)
    cell = row * year_axis.size + column
    if cell.size and np.bincount(cell).max() > 1:
        raise ValueError("a series has more than one value for the same year")
    matrix = np.full((series.size, year_axis.size), np.nan)
    matrix[row, column] = value_array
    return series, year_axis, matrix


# --- helpers ------------------------------------------------------------------------------


def _has_value(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _checked_target(target: float | None) -> float | None:
    if target is None or math.isnan(target):
        return None
    if math.isinf(target):
        raise ValueError(f"target must be a finite number, not {target!r}")
    return float(target)


def _cagr(a: float, b: float, years: int) -> float:
    """CAGR(a, b, t_a, t_b) with years = t_a − t_b.

    The power goes through numpy's ufunc, exactly as in measure_many: numpy's SIMD pow and
    math.pow can differ in the last bit, which could tip a status at a threshold.
    """
    return float(np.power(np.array([a / b]), np.array([1 / years]))[0]) - 1.0


def _cagr_array(
    a: NDArray[np.float64], b: NDArray[np.float64], years: NDArray[np.float64]
) -> NDArray[np.float64]:
    return np.power(a / b, 1.0 / years) - 1.0


def _ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, with x / 0 = ±∞ by the sign of x, and 0 / 0 = 0."""
    if denominator == 0:
        return 0.0 if numerator == 0 else math.copysign(math.inf, numerator)
    return numerator / denominator


def _finite_or_none(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _nan_to_none(x: np.floating[Any]) -> float | None:
    return None if np.isnan(x) else float(x)


def _floats(array: NDArray[np.float64]) -> list[float | None]:
    return np.where(np.isnan(array), None, array).tolist()


def _years(array: NDArray[np.int64], present: NDArray[np.bool_]) -> list[int | None]:
    return np.where(present, array, None).tolist()


def _names(members: tuple[StrEnum | None, ...], codes: NDArray[np.int8]) -> list[str | None]:
    names = np.array([None if m is None else str(m) for m in members], dtype=object)
    return names[codes].tolist()


def _code(status: Status) -> int:
    return STATUSES.index(status)


def _per_series(value: Any, n: int, dtype: type) -> NDArray[Any]:
    array = np.asarray(value, dtype=dtype)
    if array.ndim == 0:
        return np.full(n, array, dtype=dtype)
    if array.shape != (n,):
        raise ValueError(f"expected one value or {n} values, got shape {array.shape}")
    return array


def _directions(directions: str | ArrayLike, n: int) -> NDArray[np.bool_]:
    array = np.asarray(directions)
    for unknown in np.setdiff1d(np.unique(array), list(Direction)):
        parse_direction(str(unknown))  # raises, naming it
    return _per_series(array == Direction.POSITIVE.value, n, np.bool_)


def _thresholds(
    thresholds: Thresholds | ArrayLike | None, has_target: NDArray[np.bool_], n: int
) -> NDArray[np.float64]:
    defaults = np.where(
        has_target[:, None],
        np.array(TARGET_THRESHOLDS.as_tuple()),
        np.array(TREND_THRESHOLDS.as_tuple()),
    )
    if thresholds is None:
        return defaults
    if isinstance(thresholds, Thresholds):
        return np.tile(thresholds.as_tuple(), (n, 1))
    rows = np.asarray(thresholds, dtype=np.float64)
    if rows.shape != (n, 3):
        raise ValueError(f"thresholds must have shape ({n}, 3), not {rows.shape}")
    unset = np.isnan(rows).all(axis=1)
    given = rows[~unset]
    if (
        not np.isfinite(given).all()
        or not ((given[:, 0] >= given[:, 1]) & (given[:, 1] >= given[:, 2])).all()
    ):
        raise ValueError("each thresholds row must be finite with high >= med >= low, or all NaN")
    return np.where(unset[:, None], defaults, rows)
