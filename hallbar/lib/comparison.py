"""Comparison with other municipalities: relative position (METHODS.md §2), group means (§3).

The relative position says where a municipality stands among all municipalities with a
value for one KPI, year and gender — the colours Kolada uses. It is **relative**: green means
"among the 25 % best municipalities", never that a goal was reached (that is
:mod:`hallbar.lib.progress`).

Ranking and bands, where METHODS.md leaves the details open:

* Rank 1 is the best value by the KPI's direction; ties share the better rank ("1, 2, 2, 4").
* With n municipalities that have a value, a municipality is in the best quarter (green) if
  its rank r ≤ n/4, and in the worst quarter (red) if its place counted from the worst end,
  n − r + 1, is ≤ n/4; everything between is the middle half (yellow). n/4 is not rounded,
  so each outer band holds ⌊n/4⌋ places: 72 green, 146 yellow and 72 red of 290. Labels
  such as "among the 25 % best" are therefore never overstated, and with fewer than four
  values everyone is yellow (no quarter holds a whole municipality).
* Because tied municipalities share the better rank, a tie straddling a boundary puts the
  whole tie in the better band; so with ties green can hold more and red fewer than ⌊n/4⌋.
* A missing value (None, NaN or ±inf) is grey, with no rank.
"""

import bisect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from hallbar.lib.progress import Direction, parse_direction


class Band(StrEnum):
    GREEN = "green"  # best quarter
    YELLOW = "yellow"  # middle half
    RED = "red"  # worst quarter
    GREY = "grey"  # no value


# Translation keys for the relative wording; templates map them to text such as
# "bland de 25 % bästa kommunerna" / "among the 25 % best municipalities".
LABEL_KEYS: dict[Band, str] = {
    Band.GREEN: "relative_position.best_quarter",
    Band.YELLOW: "relative_position.middle_half",
    Band.RED: "relative_position.worst_quarter",
    Band.GREY: "relative_position.no_value",
}


@dataclass(frozen=True)
class Position:
    """One area's relative position: rank r of n areas with a value, and its band."""

    value: float | None
    rank: int | None
    n: int
    band: Band

    @property
    def label_key(self) -> str:
        return LABEL_KEYS[self.band]


@dataclass(frozen=True)
class GroupMean:
    """The unweighted mean of a group's members that have a value, and how many had one."""

    value: float | None
    count: int


def relative_positions(
    values: Mapping[str, float | None], *, direction: str
) -> dict[str, Position]:
    """Rank every area with a value, best first by `direction`, and band it (METHODS.md §2).

    `values` maps area code → value for one KPI, year and gender. Areas without a value
    are returned grey with rank None. See the module docstring for the band boundaries.
    """
    d = parse_direction(direction)
    present = {area: float(v) for area, v in values.items() if _has_value(v)}
    ascending = sorted(present.values())
    n = len(ascending)
    positions = {}
    for area in values:
        if area not in present:
            positions[area] = Position(value=None, rank=None, n=n, band=Band.GREY)
            continue
        x = present[area]
        # Competition rank: 1 + the number of strictly better values.
        if d is Direction.POSITIVE:
            better = n - bisect.bisect_right(ascending, x)
        else:
            better = bisect.bisect_left(ascending, x)
        rank = better + 1
        positions[area] = Position(value=x, rank=rank, n=n, band=band_for(rank, n))
    return positions


def band_for(rank: int, n: int) -> Band:
    """Green if rank ≤ n/4, red if n − rank + 1 ≤ n/4, else yellow (exact arithmetic)."""
    if 4 * rank <= n:
        return Band.GREEN
    if 4 * (n - rank + 1) <= n:
        return Band.RED
    return Band.YELLOW


def group_mean(values: Iterable[float | None]) -> GroupMean:
    """Kolada's group value (METHODS.md §3): the plain mean of the members with a value.

    Each member counts once whatever its size (unweighted); None when no member has a value.
    """
    present = [float(v) for v in values if _has_value(v)]
    if not present:
        return GroupMean(value=None, count=0)
    return GroupMean(value=math.fsum(present) / len(present), count=len(present))


def _has_value(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
