"""Reads of the follow-up pages, exports and API: an organisation's indicators as a reader may
see them, with their stored status (METHODS.md §1), relative position (§2) and comparison
series (§3). Each read runs a fixed number of queries, however many indicators, years or
areas there are; pages never compute a status (see `status.py`).

Who sees what: an organisation's indicators marked public are for everyone; the others only
for its own readers (`include_private`, from `Actor.sees_drafts`: members of its bodies and
its administrators). An indicator only ever shows a shared KPI (Kolada) or one of the
organisation's own KPIs, never another organisation's own measurements.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from hallbar.agenda.models import Goal, Target
from hallbar.agenda.selectors import targets_for_organisation
from hallbar.followup.comparison import (
    Comparison,
    RelativePosition,
    SeriesKind,
    ValueOrigin,
    indicator_comparison,
    relative_positions_for,
)
from hallbar.followup.models import (
    Area,
    Gender,
    Indicator,
    Kpi,
    KpiSource,
    Observation,
    ProgressRecord,
)
from hallbar.followup.status import IndicatorProgress, indicator_progress_series, status_shares_for
from hallbar.lib.comparison import Position
from hallbar.lib.progress import Status
from hallbar.organisation.models import Body, Organisation, OrganisationKind
from hallbar.steering.models import LocalGoal
from hallbar.steering.visibility import goals_visible

AGENDA_2030 = "agenda2030"


def indicators_visible(*, organisation: Organisation, include_private: bool) -> QuerySet[Indicator]:
    """The organisation's indicators a reader may see: public ones, or all of them for its
    own readers; only those on a shared KPI or one of the organisation's own."""
    indicators = Indicator.objects.for_organisation(organisation).filter(
        Q(kpi__organisation__isnull=True) | Q(kpi__organisation=organisation)
    )
    return indicators if include_private else indicators.public()


# --- lists: the indicator register, and the indicators of a goal or target ---------------


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator as a list shows it."""

    indicator: Indicator
    status: str  # the stored status of its total series; not_available when none is stored
    position: RelativePosition | None
    latest_year: int | None
    latest_value: float | None

    @property
    def kpi(self) -> Kpi:
        return self.indicator.kpi


def _with_status_and_latest(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """Each row with its stored total status and the organisation's latest value (the same
    query: two correlated subqueries)."""
    latest = Observation.objects.filter(
        kpi=OuterRef("kpi_id"),
        area__code=OuterRef("organisation__code"),
        gender=Gender.TOTAL,
        value__isnull=False,
    ).order_by("-year")
    return indicators.select_related("kpi", "responsible_body").annotate(
        total_status=Subquery(
            ProgressRecord.objects.filter(indicator=OuterRef("pk"), gender=Gender.TOTAL).values(
                "status"
            )[:1]
        ),
        latest_year=Subquery(latest.values("year")[:1]),
        latest_value=Subquery(latest.values("value")[:1]),
    )


def _rows(indicators: list[Indicator]) -> list[IndicatorRow]:
    positions = relative_positions_for(indicators) if indicators else {}
    return [
        IndicatorRow(
            indicator=indicator,
            status=indicator.total_status or Status.NOT_AVAILABLE,
            position=positions.get(indicator.pk),
            latest_year=indicator.latest_year,
            latest_value=indicator.latest_value,
        )
        for indicator in indicators
    ]


def indicator_list(
    *, organisation: Organisation, include_private: bool, filters: Mapping[str, Any]
) -> list[IndicatorRow]:
    """The indicator register, narrowed by `filters` (the valid values of the filter form):
    `goal` (an Agenda 2030 Goal: indicators linked to any of its targets), `status`,
    `source` (a KpiSource) and `body` (the responsible body). At most five queries."""
    indicators = _with_status_and_latest(
        indicators_visible(organisation=organisation, include_private=include_private)
    )
    if goal := filters.get("goal"):
        indicators = indicators.filter(_linked_to(Q(target__goal=goal)))
    if status := filters.get("status"):
        if status == Status.NOT_AVAILABLE:
            indicators = indicators.filter(
                Q(total_status__isnull=True) | Q(total_status=Status.NOT_AVAILABLE)
            )
        else:
            indicators = indicators.filter(total_status=status)
    if source := filters.get("source"):
        indicators = indicators.filter(kpi__source=source)
    if body := filters.get("body"):
        indicators = indicators.filter(responsible_body=body)
    return _rows(list(indicators.order_by("kpi__code", "pk")))


def _linked_to(condition: Q) -> Exists:
    through = Indicator.targets.through
    return Exists(through.objects.filter(condition, indicator_id=OuterRef("pk")))


@dataclass(frozen=True)
class IndicatorOverview:
    """The indicators of a goal or a target, and how many are in each status (for the
    stacked bar: shares, never one averaged colour)."""

    rows: list[IndicatorRow]
    shares: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.rows)


def indicators_for_targets(
    *, organisation: Organisation, include_private: bool, targets: QuerySet[Target]
) -> IndicatorOverview:
    """The organisation's indicators linked to any of `targets` (a goal's targets, or one
    target), with their status and relative position, and the status shares. One query
    when there are none; at most seven otherwise."""
    indicators = _with_status_and_latest(
        indicators_visible(organisation=organisation, include_private=include_private).filter(
            _linked_to(Q(target__in=targets.values("pk")))
        )
    )
    rows = _rows(list(indicators.order_by("kpi__code", "pk")))
    if not rows:
        return IndicatorOverview(rows=[])
    shares = status_shares_for([row.indicator.pk for row in rows])
    return IndicatorOverview(rows=rows, shares=shares)


def filter_choices(organisation: Organisation) -> tuple[QuerySet[Goal], QuerySet[Body]]:
    """What the register can be filtered by: the 17 goals, the organisation's bodies."""
    goals = Goal.objects.filter(
        goal_set__code=AGENDA_2030, goal_set__organisation__isnull=True
    ).order_by("number")
    bodies = Body.objects.for_organisation(organisation).order_by("name")
    return goals, bodies


# --- one indicator --------------------------------------------------------------------------


def indicator_get(
    *, organisation: Organisation, code: str, include_private: bool
) -> Indicator | None:
    """The organisation's indicator on the KPI with this code, if the reader may see it.

    The organisation's own KPI wins over a shared one with the same code, as in imports."""
    if "\x00" in code:  # PostgreSQL refuses NUL in text: no such code can exist
        return None
    return (
        indicators_visible(organisation=organisation, include_private=include_private)
        .select_related("kpi", "organisation", "responsible_body")
        .filter(kpi__code=code)
        .order_by(F("kpi__organisation").asc(nulls_last=True))
        .first()
    )


@dataclass(frozen=True)
class SeriesSource:
    """Where one series' values come from: the sources named on its stored observations
    and when they were last fetched or imported, and the years Hållbar computed itself."""

    name: str
    area_code: str
    kind: str
    sources: list[str]
    fetched_at: datetime | None
    reported_years: list[int]
    computed_years: list[int]


@dataclass(frozen=True)
class ObservationSource:
    source: str
    fetched_at: datetime


@dataclass(frozen=True)
class IndicatorData:
    """The numbers of one indicator's page and downloads: the organisation and its
    comparison series (total, gender T) with where each value comes from."""

    indicator: Indicator
    comparison: Comparison
    observed: dict[tuple[str, int], ObservationSource]  # (area code, year) → as stored
    default_source: str

    def source_of(self, area_code: str, year: int) -> ObservationSource | None:
        return self.observed.get((area_code, year))

    def series_sources(self) -> list[SeriesSource]:
        result = []
        for series in self.comparison.series:
            reported = sorted(
                y for y, p in series.points.items() if p.origin == ValueOrigin.REPORTED
            )
            computed = sorted(y for y, p in series.points.items() if p.origin == ValueOrigin.MEAN)
            stored = [
                self.observed[series.area_code, y]
                for y in reported
                if (series.area_code, y) in self.observed
            ]
            names = sorted({s.source or self.default_source for s in stored})
            result.append(
                SeriesSource(
                    name=series.name,
                    area_code=series.area_code,
                    kind=str(series.kind),
                    sources=names,
                    fetched_at=max((s.fetched_at for s in stored), default=None),
                    reported_years=reported,
                    computed_years=computed,
                )
            )
        return result


def _shown_series(comparison: Comparison) -> Comparison:
    """The organisation, its SKR group, the "Liknande kommuner" group that fits the KPI
    best (the first with values; more would crowd the chart), its county and the country:
    those with a value (an own KPI often has none for the others), the organisation always."""
    series, similar_seen = [], False
    for s in comparison.series:
        if not s.points and s.kind is not SeriesKind.OWN:
            continue
        if s.kind is SeriesKind.SIMILAR:
            if similar_seen:
                continue
            similar_seen = True
        series.append(s)
    years = sorted({year for s in series for year in s.points})
    return replace(comparison, series=series, years=years)


def kpi_source_name(kpi: Kpi) -> str:
    if kpi.source == KpiSource.KOLADA:
        return "Kolada"
    return kpi.source_name or str(kpi.get_source_display())


def indicator_data(indicator: Indicator) -> IndicatorData:
    """Comparison series and their sources; five queries for an indicator fetched with
    `indicator_get` (its organisation and KPI come with it)."""
    comparison = _shown_series(indicator_comparison(indicator))
    codes = [s.area_code for s in comparison.series]
    observed = {
        (code, year): ObservationSource(source=source, fetched_at=fetched_at)
        for code, year, source, fetched_at in Observation.objects.filter(
            kpi=indicator.kpi, gender=Gender.TOTAL, area__code__in=codes, value__isnull=False
        )
        .values_list("area__code", "year", "source", "fetched_at")
        .order_by()
    }
    return IndicatorData(
        indicator=indicator,
        comparison=comparison,
        observed=observed,
        default_source=kpi_source_name(indicator.kpi),
    )


@dataclass(frozen=True)
class IndicatorDetail:
    """Everything the indicator page shows besides the numbers (see `IndicatorData`)."""

    indicator: Indicator
    data: IndicatorData
    targets: list[Target]
    local_goals: list[LocalGoal]
    progress: list[IndicatorProgress]  # T first, then K and M when divided by gender
    position: Position | None  # the organisation's relative position in its latest year
    position_year: int | None
    among_regions: bool

    @property
    def total_progress(self) -> IndicatorProgress | None:
        return next((p for p in self.progress if p.gender == Gender.TOTAL), None)


def indicator_detail(indicator: Indicator, *, include_drafts: bool) -> IndicatorDetail:
    """The indicator page's reads: about ten queries whatever the data."""
    organisation = indicator.organisation
    data = indicator_data(indicator)
    targets = list(
        targets_for_organisation(organisation, indicator.targets.all())
        .select_related("goal", "goal_set")
        .order_by("goal_set__code", "position")
    )
    local_goals = list(
        goals_visible(organisation=organisation, include_drafts=include_drafts)
        .filter(indicators=indicator)
        .select_related("body")
        .order_by("level", "title")
    )
    positions = data.comparison.positions
    year = max(positions) if positions else None
    return IndicatorDetail(
        indicator=indicator,
        data=data,
        targets=targets,
        local_goals=local_goals,
        progress=indicator_progress_series(indicator),
        position=positions[year] if year is not None else None,
        position_year=year,
        among_regions=organisation.kind == OrganisationKind.REGION,
    )


# --- the API --------------------------------------------------------------------------------


def public_indicators(organisation: Organisation) -> list[Indicator]:
    """The organisation's public indicators with their KPI and Agenda 2030 targets (two
    queries); their progress comes from `status.progress_by_indicator` (one more)."""
    return list(
        indicators_visible(organisation=organisation, include_private=False)
        .select_related("kpi")
        .prefetch_related(
            Prefetch(
                "targets",
                queryset=Target.objects.agenda2030()
                .only("id", "code", "position")
                .order_by("position"),
                to_attr="agenda_targets",
            )
        )
        .order_by("kpi__code", "pk")
    )


def observation_kpi(code: str, *, organisation: Organisation | None = None) -> Kpi | None:
    """The KPI whose observations the API serves under `code`.

    Without an organisation: a shared KPI (Kolada's figures are public). With one: the KPI
    of that organisation's *public* indicator with this code (its own KPI first). An own
    KPI behind a private indicator, or another organisation's, is never found: not found
    and not allowed look the same."""
    if "\x00" in code:
        return None
    if organisation is None:
        return Kpi.objects.filter(code=code, organisation__isnull=True).order_by("source").first()
    indicator = (
        indicators_visible(organisation=organisation, include_private=False)
        .select_related("kpi")
        .filter(kpi__code=code)
        .order_by(F("kpi__organisation").asc(nulls_last=True))
        .first()
    )
    return indicator.kpi if indicator else None


def observations(
    kpi: Kpi, *, area_code: str | None = None, gender: str | None = None
) -> Iterable[tuple[str, int, str, float | None, str, datetime]]:
    """(area, year, gender, value, source, fetched_at) of a KPI's observations, by area,
    year and gender; one query."""
    rows = Observation.objects.filter(kpi=kpi)
    if area_code is not None:
        rows = rows.filter(area__code=area_code)
    if gender is not None:
        rows = rows.filter(gender=gender)
    return rows.values_list(
        "area__code", "year", "gender", "value", "source", "fetched_at"
    ).order_by("area__code", "year", "gender")


def area_exists(code: str) -> bool:
    return "\x00" not in code and Area.objects.filter(code=code).exists()
