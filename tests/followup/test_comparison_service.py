"""Comparison with other municipalities from stored observations: the relative position
among all municipalities (METHODS.md §2) and the comparison groups (§3)."""

import csv
import gzip
import json
from pathlib import Path

import pytest
from django.conf import settings

from hallbar.followup.comparison import (
    SKR_KOMMUNGRUPP_GROUPS,
    SeriesKind,
    ValueOrigin,
    comparison_area_codes,
    comparison_areas,
    indicator_comparison,
    relative_position,
    relative_positions_for,
)
from hallbar.followup.models import Area, AreaKind, Indicator, Observation
from hallbar.followup.services import KOLADA_AREAS
from hallbar.lib.comparison import Band
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data"

# 2023, higher is better: Hallstahammar (9) ties with Malmö for rank 2 of 8.
VALUES_2023 = {
    "0180": 10.0,
    "1280": 9.0,
    "1961": 9.0,
    "1480": 8.0,
    "1984": 7.0,
    "1960": 6.0,
    "1980": 5.0,
    "1981": 4.0,
    "1982": None,  # missing: grey, not counted
    # 1983 Köping has no observation at all
}


def _observe(kpi, code: str, year: int, value: float | None, count: int | None = None) -> None:
    Observation.objects.create(
        kpi=kpi,
        area=Area.objects.get(code=code),
        year=year,
        value=value,
        missing_reason="" if value is not None else "missing",
        count=count,
    )


@pytest.fixture
def municipalities(areas) -> dict[str, Area]:
    extra = {"1960": "Kungsör", "1980": "Västerås", "1981": "Sala", "1982": "Fagersta"}
    extra |= {"1983": "Köping"}
    for code, title in extra.items():
        areas[code] = Area.objects.create(code=code, kind=AreaKind.MUNICIPALITY, title=title)
    return areas


@pytest.fixture
def vab(kpis, municipalities):
    kpi = kpis["N00945"]
    for code, value in VALUES_2023.items():
        _observe(kpi, code, 2023, value)
    for code in ("0019", "0000", "G92792"):  # not municipalities: never ranked
        _observe(kpi, code, 2023, 100.0)
    _observe(kpi, "0180", 2024, 11.0)  # only Stockholm has 2024 so far
    return kpi


@pytest.fixture
def indicator(organisation, vab) -> Indicator:
    return Indicator.objects.create(organisation=organisation, kpi=vab, direction="positive")


# Relative position (§2)


def test_ties_share_the_better_rank_and_missing_values_are_not_counted(indicator):
    position = relative_position(indicator)
    assert (position.area_code, position.year, position.gender) == ("1961", 2023, "T")
    assert (position.position.value, position.position.rank, position.position.n) == (9.0, 2, 8)
    assert position.band is Band.GREEN  # 4 · 2 ≤ 8: among the best quarter
    assert position.relative is True
    assert position.label_key == "relative_position.best_quarter"


def test_the_year_is_the_latest_with_an_own_value_unless_asked(indicator):
    assert relative_position(indicator).year == 2023  # not Stockholm's 2024
    in_2024 = relative_position(indicator, year=2024)
    assert (in_2024.year, in_2024.band, in_2024.position.rank, in_2024.position.n) == (
        2024,
        Band.GREY,
        None,
        1,
    )


def test_direction_and_organisations_without_a_value(
    indicator, vab, organisation, django_assert_max_num_queries
):
    arboga = Indicator.objects.create(
        organisation=OrganisationFactory(code="1984", name="Arboga"), kpi=vab, direction="negative"
    )
    fagersta = Indicator.objects.create(
        organisation=OrganisationFactory(code="1982", name="Fagersta"), kpi=vab
    )
    with django_assert_max_num_queries(4):
        positions = relative_positions_for(Indicator.objects.all())
    with django_assert_max_num_queries(2):
        relative_positions_for(Indicator.objects.all(), year=2023)

    assert positions[indicator.pk].position.rank == 2
    # Lower is better: 4, 5, 6, then Arboga's 7 — rank 4 of 8, the middle half.
    assert (positions[arboga.pk].position.rank, positions[arboga.pk].band) == (4, Band.YELLOW)
    # Fagersta has no value in any year: grey in the latest year anyone has one.
    grey = positions[fagersta.pk]
    assert (grey.year, grey.band, grey.position.rank, grey.position.n) == (2024, Band.GREY, None, 1)
    assert grey.label_key == "relative_position.no_value"
    assert relative_positions_for([]) == {}


# Comparison groups (§3)


@pytest.fixture
def groups(municipalities):
    """The SKR group, Hallstahammar's own "Liknande kommuner" groups (one in two years),
    and Arboga's, which has Hallstahammar as a member but is not one of its groups."""

    def group(code: str, title: str, members: list[str]) -> Area:
        area, _ = Area.objects.get_or_create(
            code=code, defaults={"kind": AreaKind.GROUP, "title": title}
        )
        area.members.set(Area.objects.filter(code__in=members))
        return area

    return {
        "skr": group(
            "G92792",
            "Pendlingskommun nära större stad (ovägt medel)",
            ["0180", "1280", "1961", "1984"],
        ),
        "overall": group(
            "G37387", "Liknande kommuner, övergripande, Hallstahammar, 2025", ["1960", "1984"]
        ),
        "school": group("G35927", "Liknande kommuner grundskola, Hallstahammar, 2024", ["0180"]),
        "school_old": group(
            "G1", "Liknande kommuner grundskola, Hallstahammar, 2023", ["1981", "1982"]
        ),
        "arboga": group("G36453", "Liknande kommuner IFO, Arboga, 2024", ["1961", "1960"]),
    }


def test_the_comparison_areas_in_chart_order(organisation, groups):
    areas = comparison_areas(organisation)
    assert [(a.code, a.kind, a.theme) for a in areas] == [
        ("1961", SeriesKind.OWN, ""),
        ("G92792", SeriesKind.MUNICIPALITY_GROUP, ""),
        ("G37387", SeriesKind.SIMILAR, "övergripande"),
        ("G35927", SeriesKind.SIMILAR, "grundskola"),  # the 2024 one, not 2023's
        ("0019", SeriesKind.COUNTY, ""),
        ("0000", SeriesKind.COUNTRY, ""),
    ]
    assert areas[1].members == ("0180", "1280", "1961", "1984")
    assert comparison_area_codes(organisation) == [a.code for a in areas]
    # For a school KPI the school group comes first.
    school = comparison_areas(
        organisation, kpi_operating_area="Grundskola åk 0-9 inkl förskoleklass"
    )
    assert [a.theme for a in school if a.kind is SeriesKind.SIMILAR] == [
        "grundskola",
        "övergripande",
    ]


def test_the_kommungrupp_is_found_by_membership_without_an_skr_code(organisation, groups):
    organisation.municipality_group_code = ""
    organisation.save()
    assert comparison_areas(organisation)[1].code == "G92792"
    groups["skr"].members.clear()  # neither code nor membership: no kommungrupp
    kinds = [area.kind for area in comparison_areas(organisation)]
    assert SeriesKind.MUNICIPALITY_GROUP not in kinds


def test_kolada_group_values_win_over_the_mean_of_the_members(
    indicator, vab, groups, django_assert_num_queries
):
    _observe(vab, "G92792", 2022, 50.0, count=63)  # Kolada's own figure
    _observe(vab, "1961", 2022, 8.0)
    _observe(vab, "0180", 2022, 12.0)
    _observe(vab, "0019", 2022, 30.0)
    Observation.objects.filter(area__code__in=["G92792", "0019"], year=2023).delete()

    indicator = Indicator.objects.select_related("organisation", "kpi").get(pk=indicator.pk)
    with django_assert_num_queries(4):
        comparison = indicator_comparison(indicator)

    series = {s.area_code: s for s in comparison.series}
    assert [s.kind for s in comparison.series] == [
        "own",
        "municipality_group",
        "similar",
        "similar",
        "county",
        "country",
    ]
    assert series["1961"].values() == {2022: 8.0, 2023: 9.0}
    skr = series["G92792"]
    assert skr.name == "Pendlingskommun nära större stad (ovägt medel)"
    assert skr.points[2022].value == 50.0  # reported, although members have 2022 values
    assert (skr.points[2022].count, skr.points[2022].origin) == (63, ValueOrigin.REPORTED)
    # 2023: no Kolada figure, so the mean of 10, 9, 9 and 7.
    assert skr.points[2023].value == pytest.approx(8.75)
    assert (skr.points[2023].count, skr.points[2023].origin) == (4, ValueOrigin.MEAN)
    # 2024: only Stockholm has a value: the mean of one member, with its count.
    assert (skr.points[2024].value, skr.points[2024].count) == (11.0, 1)
    # Hallstahammar's overall peers: Kungsör 6 and Arboga 7.
    assert series["G37387"].values() == {2023: 6.5}
    # The county and the country are shown as reported only, never as a mean.
    assert series["0019"].values() == {2022: 30.0}
    assert series["0000"].values() == {2023: 100.0}
    assert series["0000"].points[2023].origin == ValueOrigin.REPORTED

    assert comparison.years == [2022, 2023, 2024]
    assert comparison.positions[2023].rank == 2
    assert comparison.positions[2022].n == 2  # Hallstahammar and Stockholm had values
    assert comparison.table()[0] == (2022, [8.0, 50.0, None, 12.0, 30.0, None])
    record = comparison.records()[0]
    assert record == {
        "series": "Hallstahammar",
        "area": "1961",
        "kind": "own",
        "year": 2022,
        "value": 8.0,
        "count": None,
        "origin": "reported",
    }


def test_women_and_men_are_compared_separately(indicator, vab, groups):
    Observation.objects.create(kpi=vab, area=groups["skr"], year=2023, gender="K", value=3.0)
    comparison = indicator_comparison(indicator, gender="K", similar=False)
    assert [s.kind for s in comparison.series] == [
        "own",
        "municipality_group",
        "county",
        "country",
    ]
    assert comparison.series[1].values() == {2023: 3.0}
    assert comparison.series[0].values() == {}
    assert comparison.positions == {}


# The SKR mapping against the data it comes from


def test_the_skr_mapping_matches_the_published_groups():
    path = SHARED_DATA / "sweden" / "skr_kommungrupper.csv"
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            published = {row["skr_code"]: row["kolada_group_id"] for row in csv.DictReader(handle)}
        assert published == SKR_KOMMUNGRUPP_GROUPS
    with gzip.open(KOLADA_AREAS, "rt", encoding="utf-8") as handle:
        shipped = {area["code"]: area for area in json.load(handle)["areas"]}
    for group_id in SKR_KOMMUNGRUPP_GROUPS.values():
        assert shipped[group_id]["kind"] == "group"
        assert shipped[group_id]["title"].endswith(" (ovägt medel)")
    assert "1961" in shipped[SKR_KOMMUNGRUPP_GROUPS["B4"]]["members"]
