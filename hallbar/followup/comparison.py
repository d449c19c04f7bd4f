"""Comparison with other municipalities, from stored observations (METHODS.md §2–§3).

* **Relative position** (§2): where the organisation stands among all areas of its kind
  (the 290 municipalities; the 21 regions for a region) with a value for the indicator's
  KPI, year and gender — ranked and banded by :func:`hallbar.lib.comparison.relative_positions`.
  It is *relative*: `RelativePosition.label_key` reads "among the 25 % best municipalities",
  never goal attainment (that is :mod:`hallbar.followup.status`).
* **Comparison groups** (§3): the organisation's SKR kommungrupp, Kolada's "Liknande
  kommuner …" groups for it, its county and the country (Kolada area 0000), as series
  (year → value) ready for a chart or a table.

A group's value for a year is Kolada's own figure when an observation for the group area
has one (`ValueOrigin.REPORTED`, with Kolada's member count); otherwise the unweighted mean
of the members that have a value, with their number (`ValueOrigin.MEAN`,
:func:`hallbar.lib.comparison.group_mean`) — Kolada computes its group values the same way,
so the two can follow each other in one series. The county and the country are not means
of municipalities in Kolada (Riket is the national figure): they are only shown as reported,
never filled in with a mean.

Every function here runs a fixed number of queries, whatever the number of areas or years.
"""

import operator
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import reduce
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from hallbar.followup.models import Area, AreaKind, Gender, Indicator, Observation
from hallbar.lib.comparison import Band, Position, group_mean, relative_positions
from hallbar.organisation.models import Organisation, OrganisationKind

COUNTRY_CODE = "0000"

# SKR's kommungruppsindelning (2017) → Kolada's group of it ("… (ovägt medel)"). The SKR
# names and Kolada's titles differ for C7 and C8, so the code is mapped, not the name.
# Source: ../shared/data/sweden/skr_kommungrupper.csv; a test checks it against the data.
SKR_KOMMUNGRUPP_GROUPS: dict[str, str] = {
    "A1": "G92787",
    "A2": "G92793",
    "B3": "G92790",
    "B4": "G92792",
    "B5": "G92786",
    "C6": "G92788",
    "C7": "G92789",
    "C8": "G92791",
    "C9": "G92794",
}

# "Liknande kommuner grundskola, Hallstahammar, 2024": the municipalities Kolada finds
# similar to Hallstahammar for compulsory school (Hallstahammar itself is not a member).
SIMILAR_TITLE = re.compile(r"^Liknande kommuner,? (?P<theme>.+), (?P<name>[^,]+), (?P<year>\d{4})$")
SIMILAR_PREFIX = "Liknande kommuner"
GENERAL_THEME = "övergripande"

# Kolada's operating area of a KPI → the "Liknande kommuner" theme that fits it best.
THEME_FOR_OPERATING_AREA: dict[str, str] = {
    "Grundskola åk 0-9 inkl förskoleklass": "grundskola",
    "Gymnasieskola åk 1-3": "gymnasieskola",
    "Förskoleverksamhet": "förskola",
    "Individ- och familjeomsorg": "IFO",
    "Äldre och funktionshinder": "äldreomsorg",
    "Arbetsmarknad": "arbetsmarknad",
}

AREA_KIND_OF_ORGANISATION: dict[str, str] = {
    OrganisationKind.MUNICIPALITY: AreaKind.MUNICIPALITY,
    OrganisationKind.REGION: AreaKind.REGION,
}


class SeriesKind(StrEnum):
    OWN = "own"
    MUNICIPALITY_GROUP = "municipality_group"  # SKR kommungrupp
    SIMILAR = "similar"  # Kolada's "Liknande kommuner …"
    COUNTY = "county"
    COUNTRY = "country"


SERIES_ORDER: tuple[SeriesKind, ...] = tuple(SeriesKind)


class ValueOrigin(StrEnum):
    REPORTED = "reported"  # the source's own figure for the area
    MEAN = "mean"  # computed here: unweighted mean of the members with a value


# --- relative position (§2) ---------------------------------------------------------------


@dataclass(frozen=True)
class RelativePosition:
    """The organisation's relative position for an indicator's KPI, year and gender."""

    indicator_id: int
    area_code: str
    year: int | None  # None when no area of its kind has a value in any year
    gender: str
    position: Position
    relative: bool = True  # METHODS.md §2: always labelled relative, never goal attainment

    @property
    def band(self) -> Band:
        return self.position.band

    @property
    def label_key(self) -> str:
        return self.position.label_key


def relative_positions_for(
    indicators: QuerySet[Indicator] | Iterable[Indicator | int],
    *,
    year: int | None = None,
    gender: str = Gender.TOTAL,
) -> dict[int, RelativePosition]:
    """Relative position (METHODS.md §2) of each indicator's organisation, by indicator id.

    For a goal or target page: at most four queries for any number of indicators. The
    year is `year`, or else the latest year in which the organisation has a value (or,
    when it has none, the latest year any area of its kind has one: then it is grey).
    """
    if isinstance(indicators, QuerySet):
        queryset = Indicator.objects.filter(pk__in=indicators.values("pk"))
    else:
        queryset = Indicator.objects.filter(pk__in=[getattr(i, "pk", i) for i in indicators])
    specs = list(
        queryset.values_list(
            "pk", "kpi_id", "direction", "organisation__code", "organisation__kind"
        )
    )
    if not specs:
        return {}
    kpi_ids = sorted({kpi for _, kpi, *_ in specs})
    kinds = sorted({_area_kind(kind) for *_, kind in specs})
    present = Observation.objects.filter(kpi_id__in=kpi_ids, gender=gender, value__isnull=False)

    years: dict[tuple[int, str], int | None]
    if year is not None:
        years = {(kpi, code): year for _, kpi, _, code, _ in specs}
    else:
        own = {
            (row["kpi_id"], row["area__code"]): row["latest"]
            for row in present.filter(area__code__in={code for *_, code, _ in specs})
            .values("kpi_id", "area__code")
            .annotate(latest=Max("year"))
            .order_by()
        }
        years = {(kpi, code): own.get((kpi, code)) for _, kpi, _, code, _ in specs}
        if None in years.values():
            latest = {
                (row["kpi_id"], row["area__kind"]): row["latest"]
                for row in present.filter(kpi_id__in=kpi_ids, area__kind__in=kinds)
                .values("kpi_id", "area__kind")
                .annotate(latest=Max("year"))
                .order_by()
            }
            for _, kpi, _, code, kind in specs:
                if years[kpi, code] is None:
                    years[kpi, code] = latest.get((kpi, _area_kind(kind)))

    pairs = {(kpi, y) for (kpi, _), y in years.items() if y is not None}
    values: dict[tuple[int, int, str], dict[str, float | None]] = defaultdict(dict)
    if pairs:
        rows = (
            Observation.objects.filter(
                reduce(operator.or_, (Q(kpi_id=kpi, year=y) for kpi, y in sorted(pairs))),
                area__kind__in=kinds,
                gender=gender,
            )
            .values_list("kpi_id", "year", "area__kind", "area__code", "value")
            .order_by()
        )
        for kpi, y, kind, code, value in rows:
            values[kpi, y, kind][code] = value

    positions = {}
    for pk, kpi, direction, code, organisation_kind in specs:
        y = years[kpi, code]
        peers = values.get((kpi, y, _area_kind(organisation_kind)), {}) if y else {}
        ranked = relative_positions({**peers, code: peers.get(code)}, direction=direction)
        positions[pk] = RelativePosition(
            indicator_id=pk, area_code=code, year=y, gender=str(gender), position=ranked[code]
        )
    return positions


def relative_position(
    indicator: Indicator | int, *, year: int | None = None, gender: str = Gender.TOTAL
) -> RelativePosition | None:
    """Relative position of one indicator's organisation; see :func:`relative_positions_for`."""
    pk = getattr(indicator, "pk", indicator)
    return relative_positions_for([pk], year=year, gender=gender).get(pk)


def _area_kind(organisation_kind: str) -> str:
    return AREA_KIND_OF_ORGANISATION.get(organisation_kind, AreaKind.MUNICIPALITY)


# --- comparison groups (§3) ---------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonArea:
    """An area the organisation is compared with, and whose members make its mean."""

    code: str
    name: str
    kind: SeriesKind
    members: tuple[str, ...] = ()  # member area codes (groups only)
    theme: str = ""  # "Liknande kommuner" groups: e.g. "grundskola", "övergripande"


def comparison_areas(
    organisation: Organisation, *, kpi_operating_area: str = ""
) -> list[ComparisonArea]:
    """The organisation's own area and the areas it is compared with (METHODS.md §3), in
    chart order: own, SKR kommungrupp, "Liknande kommuner" groups, county, country.

    Only areas stored in the database are returned (load the Kolada reference data first).
    The kommungrupp is the Kolada group of the organisation's SKR code when stored, else
    the SKR group whose members include it. The "Liknande kommuner" groups are those named
    after it, the latest year per theme; the theme fitting `kpi_operating_area` comes first,
    then the general one ("övergripande"), then the rest by theme. Three queries.
    """
    county_code = "00" + (organisation.county_code or organisation.code[:2])
    through = Area.members.through
    by_code = {
        area.code: area
        for area in Area.objects.filter(
            code__in=[
                organisation.code,
                county_code,
                COUNTRY_CODE,
                *SKR_KOMMUNGRUPP_GROUPS.values(),
            ]
        ).annotate(
            has_organisation=Exists(
                through.objects.filter(from_area=OuterRef("pk"), to_area__code=organisation.code)
            )
        )
    }
    own = by_code.get(organisation.code)
    name = own.title if own else organisation.name

    skr = by_code.get(SKR_KOMMUNGRUPP_GROUPS.get(organisation.municipality_group_code, ""))
    if skr is None:
        skr = next(
            (
                by_code[code]
                for code in sorted(SKR_KOMMUNGRUPP_GROUPS.values())
                if code in by_code and by_code[code].has_organisation
            ),
            None,
        )

    similar: dict[str, tuple[int, Area]] = {}  # theme → (year, area): the latest per theme
    for area in Area.objects.filter(
        kind=AreaKind.GROUP, title__startswith=SIMILAR_PREFIX, title__contains=f", {name}, "
    ).order_by("code"):
        match = SIMILAR_TITLE.match(area.title)
        if match and match["name"] == name:
            theme, year = match["theme"], int(match["year"])
            if theme not in similar or similar[theme][0] < year:
                similar[theme] = (year, area)
    preferred = THEME_FOR_OPERATING_AREA.get(kpi_operating_area, GENERAL_THEME)
    themes = sorted(similar, key=lambda t: (t != preferred, t != GENERAL_THEME, t.casefold()))

    groups = [skr] if skr else []
    groups += [similar[theme][1] for theme in themes]
    members: dict[int, list[str]] = defaultdict(list)
    for group_id, code in (
        through.objects.filter(from_area_id__in=[g.pk for g in groups])
        .values_list("from_area_id", "to_area__code")
        .order_by("to_area__code")
    ):
        members[group_id].append(code)

    result = []
    if own:
        result.append(ComparisonArea(code=own.code, name=own.title, kind=SeriesKind.OWN))
    if skr:
        result.append(
            ComparisonArea(
                code=skr.code,
                name=skr.title,
                kind=SeriesKind.MUNICIPALITY_GROUP,
                members=tuple(members[skr.pk]),
            )
        )
    for theme in themes:
        area = similar[theme][1]
        result.append(
            ComparisonArea(
                code=area.code,
                name=area.title,
                kind=SeriesKind.SIMILAR,
                members=tuple(members[area.pk]),
                theme=theme,
            )
        )
    for code, kind in ((county_code, SeriesKind.COUNTY), (COUNTRY_CODE, SeriesKind.COUNTRY)):
        if code in by_code and code != organisation.code:
            result.append(ComparisonArea(code=code, name=by_code[code].title, kind=kind))
    return result


def comparison_area_codes(organisation: Organisation) -> list[str]:
    """The codes of the areas whose values the organisation's comparisons need (its own,
    its groups, county and country) — for the Kolada sync; the groups' members are all
    municipalities, which the sync fetches for the relative position anyway."""
    return [area.code for area in comparison_areas(organisation)]


@dataclass(frozen=True)
class ComparisonPoint:
    value: float
    count: int | None  # members with a value (groups); None for a single area
    origin: ValueOrigin


@dataclass(frozen=True)
class ComparisonSeries:
    """One line of the chart and one column of the table."""

    name: str
    area_code: str
    kind: SeriesKind
    points: Mapping[int, ComparisonPoint]  # year → value, only years with a value
    theme: str = ""

    def values(self) -> dict[int, float]:
        return {year: point.value for year, point in self.points.items()}

    def value(self, year: int) -> float | None:
        point = self.points.get(year)
        return None if point is None else point.value


@dataclass(frozen=True)
class Comparison:
    """An indicator's organisation and its comparison series (METHODS.md §3), with the
    organisation's relative position (§2) per year."""

    indicator_id: int
    kpi_code: str
    gender: str
    direction: str
    years: list[int]  # every year in which some series has a value, ascending
    series: list[ComparisonSeries]
    positions: dict[int, Position] = field(default_factory=dict)  # own, per year

    def records(self) -> list[dict[str, Any]]:
        """Long format for a Vega-Lite chart or a CSV: one row per series and year."""
        return [
            {
                "series": s.name,
                "area": s.area_code,
                "kind": str(s.kind),
                "year": year,
                "value": point.value,
                "count": point.count,
                "origin": str(point.origin),
            }
            for s in self.series
            for year, point in sorted(s.points.items())
        ]

    def table(self) -> list[tuple[int, list[float | None]]]:
        """Wide format for the data table: per year, the value of each series in order."""
        return [(year, [s.value(year) for s in self.series]) for year in self.years]


def indicator_comparison(
    indicator: Indicator, *, gender: str = Gender.TOTAL, similar: bool = True
) -> Comparison:
    """The organisation's series and its comparison series for the indicator's KPI and
    `gender` (METHODS.md §3), and its relative position per year (§2).

    Each group value is Kolada's own (an observation for the group area) where there is
    one, else the unweighted mean of its members' values (see the module docstring).
    `similar=False` leaves out the "Liknande kommuner" groups. Four queries (six unless
    the indicator was fetched with ``select_related("organisation", "kpi")``).
    """
    organisation, kpi = indicator.organisation, indicator.kpi
    areas = comparison_areas(organisation, kpi_operating_area=kpi.operating_area)
    if not similar:
        areas = [area for area in areas if area.kind is not SeriesKind.SIMILAR]
    peer_kind = _area_kind(organisation.kind)

    reported: dict[str, dict[int, tuple[float, int | None]]] = defaultdict(dict)
    peers: dict[int, dict[str, float]] = defaultdict(dict)  # year → peer code → value
    rows = (
        Observation.objects.filter(kpi=kpi, gender=gender, value__isnull=False)
        .filter(Q(area__code__in=[a.code for a in areas]) | Q(area__kind=peer_kind))
        .values_list("area__code", "area__kind", "year", "value", "count")
        .order_by()
    )
    for code, kind, year, value, count in rows:
        reported[code][year] = (value, count)
        if kind == peer_kind:
            peers[year][code] = value
    # Group members are municipalities: their values are the peers' (a region has no groups).
    member_values = peers if peer_kind == AreaKind.MUNICIPALITY else {}

    series = []
    for area in areas:
        points = {
            year: ComparisonPoint(value=value, count=count, origin=ValueOrigin.REPORTED)
            for year, (value, count) in reported.get(area.code, {}).items()
        }
        if area.members:
            for year, values in member_values.items():
                if year in points:
                    continue
                mean = group_mean(values.get(code) for code in area.members)
                if mean.value is not None:
                    points[year] = ComparisonPoint(
                        value=mean.value, count=mean.count, origin=ValueOrigin.MEAN
                    )
        series.append(
            ComparisonSeries(
                name=area.name,
                area_code=area.code,
                kind=area.kind,
                points=dict(sorted(points.items())),
                theme=area.theme,
            )
        )

    positions = {}
    for year, values in sorted(peers.items()):
        if organisation.code in values:
            positions[year] = relative_positions(values, direction=indicator.direction)[
                organisation.code
            ]
    return Comparison(
        indicator_id=indicator.pk,
        kpi_code=kpi.code,
        gender=str(gender),
        direction=indicator.direction,
        years=sorted({year for s in series for year in s.points}),
        series=series,
        positions=positions,
    )
