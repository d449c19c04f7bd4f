"""Kolada API v3 JSON → small frozen values. Framework-free and side-effect-free.

A data entry in v3 looks like this (one per KPI × area × period; `values` holds one item per
gender, at most three)::

    {"kpi": "N00945", "municipality": "0180", "period": 2020,
     "values": [{"count": 1, "gender": "T", "status": "", "value": 31.3, "isdeleted": false}]}

The parsers are strict about what the numbers mean (gender, period, value) and lenient about
what does not change a figure (missing `status`, missing `isdeleted`). Anything they refuse
raises `KoladaParseError`, which names the URL and the offending row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from itertools import chain, repeat
from operator import is_not, itemgetter, methodcaller
from typing import Any, Literal

from .errors import KoladaParseError
from .errors import short_repr as short

Gender = Literal["T", "K", "M"]
#: T = total, K = kvinnor (women), M = män (men). Kolada uses no other codes.
GENDERS: frozenset[str] = frozenset({"T", "K", "M"})

_YEAR = re.compile(r"\d{4}")
_MIN_YEAR, _MAX_YEAR = 1000, 9999


@dataclass(frozen=True, slots=True)
class Observation:
    """One figure as Kolada published it: KPI × area × year × gender.

    `area` is Kolada's `municipality` field: a municipality (`"1961"`), a region (`"0019"`),
    the country (`"0000"`) or a municipality group (`"G92792"`, an unweighted mean whose
    `count` is the number of members that contributed).
    """

    kpi: str
    area: str
    period: int
    gender: Gender
    value: float | None
    count: int | None
    status: str
    is_deleted: bool

    @property
    def key(self) -> tuple[str, str, int, str]:
        """The natural key of an observation (unique per source)."""
        return (self.kpi, self.area, self.period, self.gender)


@dataclass(frozen=True, slots=True)
class ObservationColumns:
    """A data page's observations as columns, deleted ones included: row i is
    `Observation(kpi[i], area[i], period[i], gender[i], value[i], count[i], status[i],
    is_deleted[i])`, in the order of the page.

    The shape for bulk storage: a page of 5,000 entries holds up to 15,000 rows, and a sync
    that moves them into the database as columns never needs an object per row.
    `observations()` gives the same rows as `Observation`s.
    """

    kpi: tuple[str, ...] = ()
    area: tuple[str, ...] = ()
    period: tuple[int, ...] = ()
    gender: tuple[Gender, ...] = ()
    value: tuple[float | None, ...] = ()
    count: tuple[int | None, ...] = ()
    status: tuple[str, ...] = ()
    is_deleted: tuple[bool, ...] = ()

    def __len__(self) -> int:
        return len(self.kpi)

    def observations(self) -> Iterator[Observation]:
        """The rows as `Observation`s."""
        return map(
            Observation,
            self.kpi,
            self.area,
            self.period,
            self.gender,
            self.value,
            self.count,
            self.status,
            self.is_deleted,
        )

    @classmethod
    def from_observations(cls, observations: Iterable[Observation]) -> ObservationColumns:
        rows = [
            (o.kpi, o.area, o.period, o.gender, o.value, o.count, o.status, o.is_deleted)
            for o in observations
        ]
        if not rows:
            return cls()
        return cls(*(tuple(column) for column in zip(*rows, strict=True)))


@dataclass(frozen=True, slots=True)
class Kpi:
    """KPI metadata. Dates are kept as the source wrote them (ISO `YYYY-MM-DD` or None)."""

    id: str
    title: str
    description: str
    is_divided_by_gender: bool
    municipality_type: str  # "K" municipalities, "L" regions, "A" both
    operating_area: str
    perspective: str
    auspice: str
    publication_date: str | None
    prel_publication_date: str | None
    publ_period: str | None
    has_ou_data: bool


@dataclass(frozen=True, slots=True)
class Municipality:
    """A municipality (`type` "K"), a region or the country (`type` "L")."""

    id: str
    title: str
    type: str


@dataclass(frozen=True, slots=True)
class GroupMember:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Group:
    """A KPI group or a municipality group, with its members in the source's order."""

    id: str
    title: str
    members: tuple[GroupMember, ...]


# --- data ----------------------------------------------------------------------------------


def parse_data_entry(entry: object, *, url: str | None = None) -> list[Observation]:
    """Parse one v3 data entry into observations, deleted ones included (`is_deleted`).

    Raises `KoladaParseError` for anything that is not a well-formed entry.
    """
    mapping = _require_mapping(entry, url=url, row=entry, what="data entry")
    kpi = _require_id(mapping, "kpi", url=url, row=entry)
    area = _require_id(mapping, "municipality", url=url, row=entry)
    period = parse_period(mapping.get("period"), url=url, row=entry)
    # Kolada documents `isdeleted` per value; an entry-level flag, should one appear, is
    # honoured for all of the entry's values rather than silently ignored.
    entry_deleted = _parse_flag(mapping.get("isdeleted", False), "isdeleted", url=url, row=entry)
    values = mapping.get("values")
    if not isinstance(values, list):
        raise KoladaParseError("'values' is not a list", url=url, row=entry)
    observations = []
    for item in values:
        value_map = _require_mapping(item, url=url, row=entry, what="value item")
        observations.append(
            Observation(
                kpi=kpi,
                area=area,
                period=period,
                gender=_parse_gender(value_map.get("gender"), url=url, row=entry),
                value=_parse_value(value_map.get("value"), url=url, row=entry),
                count=_parse_count(value_map.get("count"), url=url, row=entry),
                status=_parse_text(value_map.get("status"), "status", url=url, row=entry),
                is_deleted=entry_deleted
                or _parse_flag(value_map.get("isdeleted", False), "isdeleted", url=url, row=entry),
            )
        )
    return observations


def parse_data_values(values: list[Any], *, url: str | None = None) -> ObservationColumns:
    """Parse the `values` list of a v3 data page into columns, deleted rows included.

    Exactly what `parse_data_entry` makes of each entry, in order (and the same
    `KoladaParseError` for anything it refuses), but without an object per row: the shape
    Kolada sends is read in one tight loop and checked column by column (types, the distinct
    ids, periods and genders); anything else — an odd type, an entry-level `isdeleted`, a
    refusal — goes through `parse_data_entry`, entry by entry.
    """
    try:
        columns = _data_columns_fast(values)
    except (KeyError, TypeError, AttributeError, ValueError, OverflowError):
        columns = None
    if columns is None:
        return ObservationColumns.from_observations(
            observation for entry in values for observation in parse_data_entry(entry, url=url)
        )
    return columns


_NOT_NONE = partial(is_not, None)
_KPI, _AREA, _PERIOD, _VALUES = (
    itemgetter(key) for key in ("kpi", "municipality", "period", "values")
)
_GENDER = itemgetter("gender")
_HAS_DELETED = methodcaller("__contains__", "isdeleted")


def _field(items: list[dict[str, Any]], key: str, default: object) -> list[Any]:
    """Each item's `key`, `default` where it is missing (Kolada usually sends them all:
    `itemgetter` is three times quicker than `dict.get` per item)."""
    try:
        return list(map(itemgetter(key), items))
    except KeyError:
        return [item.get(key, default) for item in items]


def _data_columns_fast(values: list[Any]) -> ObservationColumns | None:
    """`parse_data_values` for well-formed pages; None (or an exception) for anything the
    fast checks do not cover, which sends the page through `parse_data_entry`.

    Every pass over the page is one built-in (`map`, `itemgetter`, `methodcaller`,
    `chain`), not a Python statement per value: a page of 15,000 values costs a few
    milliseconds. The entry's KPI, area and period are read once per entry and repeated
    for each of its values."""
    if set(map(type, values)) - {dict}:
        return None
    if any(map(_HAS_DELETED, values)):
        return None  # an entry-level flag: entry by entry
    entry_kpis = list(map(_KPI, values))
    entry_areas = list(map(_AREA, values))
    entry_periods = list(map(_PERIOD, values))
    entry_items = list(map(_VALUES, values))
    if set(map(type, entry_items)) - {list}:
        return None
    sizes = list(map(len, entry_items))
    if not all(sizes):
        return None  # no values to check the entry by
    items = list(chain.from_iterable(entry_items))
    if set(map(type, items)) - {dict}:
        return None

    genders = list(map(_GENDER, items))
    numbers = _field(items, "value", None)
    counts = _field(items, "count", None)
    statuses = _field(items, "status", None)
    deleted = _field(items, "isdeleted", False)
    # Types first: 1 == 1.0 == True in a set, so distinct values alone cannot tell them apart.
    if not (
        set(map(type, entry_kpis)) <= {str}
        and set(map(type, entry_areas)) <= {str}
        and set(map(type, entry_periods)) <= {int, str}
        and set(map(type, numbers)) <= {float, int, type(None)}
        and set(map(type, counts)) <= {int, type(None)}
        and set(map(type, statuses)) <= {str, type(None)}
        and set(map(type, deleted)) <= {bool}
        and set(genders) <= GENDERS
    ):
        return None
    if not all(code and code == code.strip() for code in {*entry_kpis, *entry_areas}):
        return None
    years = {raw: parse_period(raw) for raw in set(entry_periods)}
    if any(type(raw) is not int for raw in years):  # "2020" → 2020
        entry_periods = list(map(years.__getitem__, entry_periods))

    uniform = min(sizes) == max(sizes) if sizes else True

    def repeated(column: list[Any]) -> list[Any]:
        if uniform:  # (usually: T, K and M for every entry) each entry's value k times
            copies = [column] * (sizes[0] if sizes else 1)
            return list(chain.from_iterable(zip(*copies, strict=True)))
        return list(chain.from_iterable(map(repeat, column, sizes)))

    kpis, areas, periods = repeated(entry_kpis), repeated(entry_areas), repeated(entry_periods)
    if int in set(map(type, numbers)):
        numbers = [float(n) if type(n) is int else n for n in numbers]
    if not all(map(math.isfinite, filter(_NOT_NONE, numbers))):
        return None
    if min(filter(_NOT_NONE, counts), default=0) < 0:
        return None
    if None in statuses:
        statuses = ["" if status is None else status for status in statuses]
    return ObservationColumns(
        kpi=tuple(kpis),
        area=tuple(areas),
        period=tuple(periods),
        gender=tuple(genders),
        value=tuple(numbers),
        count=tuple(counts),
        status=tuple(statuses),
        is_deleted=tuple(deleted),
    )


def parse_period(raw: object, *, url: str | None = None, row: object = None) -> int:
    """A year, sent as an int (`2020`) or a string (`"2020"`)."""
    # bool is an int subclass; `true` is never a year.
    if isinstance(raw, int) and not isinstance(raw, bool):
        year = raw
    elif isinstance(raw, str) and _YEAR.fullmatch(raw.strip()):
        year = int(raw.strip())
    else:
        raise KoladaParseError(f"period {short(raw)} is not a year", url=url, row=row)
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise KoladaParseError(f"period {year} is not a four-digit year", url=url, row=row)
    return year


def _parse_gender(raw: object, *, url: str | None, row: object) -> Gender:
    if raw == "T" or raw == "K" or raw == "M":
        return raw  # type: ignore[return-value]  # narrowed by the comparison above
    raise KoladaParseError(f"unknown gender {short(raw)}, expected T, K or M", url=url, row=row)


def _parse_value(raw: object, *, url: str | None, row: object) -> float | None:
    if raw is None:
        return None  # Kolada's "no value"; the reason, if any, is in `status`.
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        try:
            value = float(raw)
        except OverflowError:  # an int beyond any float
            value = math.inf
        # Python's json accepts NaN and Infinity; neither is a figure anyone published.
        if math.isfinite(value):
            return value
    raise KoladaParseError(f"value {short(raw)} is not a finite number", url=url, row=row)


def _parse_count(raw: object, *, url: str | None, row: object) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw
    raise KoladaParseError(f"count {short(raw)} is not a non-negative integer", url=url, row=row)


def _parse_flag(raw: object, name: str, *, url: str | None, row: object) -> bool:
    if isinstance(raw, bool):
        return raw
    # The v2 API sent 0/1 for flags; accept that spelling, nothing looser.
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    raise KoladaParseError(f"{name} {short(raw)} is not a boolean", url=url, row=row)


def _parse_text(raw: object, name: str, *, url: str | None, row: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    raise KoladaParseError(f"{name} {short(raw)} is not text", url=url, row=row)


# --- metadata ------------------------------------------------------------------------------


def parse_kpi(item: object, *, url: str | None = None) -> Kpi:
    """Parse one item of `/kpi`."""
    mapping = _require_mapping(item, url=url, row=item, what="KPI")

    def text(name: str) -> str:
        return _parse_text(mapping.get(name), name, url=url, row=item)

    def optional(name: str) -> str | None:
        raw = mapping.get(name)
        if raw is None or raw == "":
            return None
        # publ_period arrives as "2025" or 2025 depending on the endpoint version.
        if isinstance(raw, int) and not isinstance(raw, bool):
            return str(raw)
        return _parse_text(raw, name, url=url, row=item)

    return Kpi(
        id=_require_id(mapping, "id", url=url, row=item),
        title=text("title"),
        description=text("description"),
        is_divided_by_gender=_parse_flag(
            mapping.get("is_divided_by_gender", False), "is_divided_by_gender", url=url, row=item
        ),
        municipality_type=text("municipality_type"),
        operating_area=text("operating_area"),
        perspective=text("perspective"),
        auspice=text("auspice"),
        publication_date=optional("publication_date"),
        prel_publication_date=optional("prel_publication_date"),
        publ_period=optional("publ_period"),
        has_ou_data=_parse_flag(
            mapping.get("has_ou_data", False), "has_ou_data", url=url, row=item
        ),
    )


def parse_municipality(item: object, *, url: str | None = None) -> Municipality:
    """Parse one item of `/municipality`."""
    mapping = _require_mapping(item, url=url, row=item, what="municipality")
    return Municipality(
        id=_require_id(mapping, "id", url=url, row=item),
        title=_parse_text(mapping.get("title"), "title", url=url, row=item),
        type=_parse_text(mapping.get("type"), "type", url=url, row=item),
    )


def parse_group(item: object, *, url: str | None = None) -> Group:
    """Parse one item of `/kpi_groups` or `/municipality_groups`."""
    mapping = _require_mapping(item, url=url, row=item, what="group")
    raw_members = mapping.get("members")
    if raw_members is None:
        raw_members = []
    if not isinstance(raw_members, list):
        raise KoladaParseError("'members' is not a list", url=url, row=item)
    members = []
    for raw in raw_members:
        member = _require_mapping(raw, url=url, row=item, what="group member")
        # v3 spells the member fields member_id/member_title; accept id/title as well.
        id_key = "member_id" if "member_id" in member else "id"
        title_key = "member_title" if "member_title" in member else "title"
        members.append(
            GroupMember(
                id=_require_id(member, id_key, url=url, row=item),
                title=_parse_text(member.get(title_key), title_key, url=url, row=item),
            )
        )
    return Group(
        id=_require_id(mapping, "id", url=url, row=item),
        title=_parse_text(mapping.get("title"), "title", url=url, row=item),
        members=tuple(members),
    )


# --- helpers -------------------------------------------------------------------------------


def _require_mapping(
    value: object, *, url: str | None, row: object, what: str
) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    raise KoladaParseError(f"{what} is not an object", url=url, row=row)


def _require_id(mapping: Mapping[str, Any], name: str, *, url: str | None, row: object) -> str:
    raw = mapping.get(name)
    # Ids are text: "0180" as a number would have lost its leading zero already.
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    raise KoladaParseError(f"{name} {short(raw)} is not a non-empty string", url=url, row=row)
