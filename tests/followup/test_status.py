"""Progress toward target, stored per series with its inputs (METHODS.md §1), recomputed
for the affected series only, with a number of queries that does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallbar.followup.models import (
    Area,
    AreaKind,
    Indicator,
    Kpi,
    KpiSource,
    Observation,
    ProgressRecord,
)
from hallbar.followup.status import (
    indicator_progress,
    indicator_progress_series,
    progress_by_indicator,
    progress_recompute,
    status_shares_for,
)
from hallbar.lib.progress import Progress, measure
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _observe(kpi: Kpi, area: Area, values: dict[int, float | None], gender: str = "T") -> None:
    Observation.objects.bulk_create(
        Observation(
            kpi=kpi,
            area=area,
            year=year,
            gender=gender,
            value=value,
            missing_reason="" if value is not None else "missing",
        )
        for year, value in values.items()
    )


def _record(indicator: Indicator, gender: str = "T") -> ProgressRecord:
    return ProgressRecord.objects.get(indicator=indicator, gender=gender)


@pytest.fixture
def vab(kpis) -> Kpi:
    return kpis["N00945"]


@pytest.fixture
def indicator(organisation, vab) -> Indicator:
    return Indicator.objects.create(
        organisation=organisation,
        kpi=vab,
        direction="positive",
        base_year=2015,
        target_value=40.0,
        target_year=2030,
    )


def test_golden_case_is_stored_with_every_input(indicator, areas, vab):
    # Hallstahammar: 20 % in 2015, 25 % in 2020, target 40 % in 2030. The observed annual
    # growth is 1.25^(1/5) − 1, the required 2^(1/15) − 1; P ≈ 0.965 ≥ 0.95: on track.
    _observe(vab, areas["1961"], {2014: 5.0, 2015: 20.0, 2017: None, 2018: 30.0, 2020: 25.0})
    _observe(vab, areas["1984"], {2015: 90.0, 2020: 1.0})  # Arboga's: not this indicator's

    assert progress_recompute(indicators=[indicator]) == 1

    record = _record(indicator)
    expected_p = (1.25 ** (1 / 5) - 1) / (2 ** (1 / 15) - 1)
    assert record.area == areas["1961"]
    assert record.status == "on_track"
    assert record.value == pytest.approx(expected_p, rel=1e-12)
    assert record.current_year == 2020
    assert record.inputs["base_year"] == 2015
    assert record.inputs["base_value"] == 20.0
    assert record.inputs["current_value"] == 25.0
    assert record.inputs["target"] == 40.0
    assert record.inputs["target_year"] == 2030
    assert record.inputs["direction"] == "positive"
    assert record.inputs["method"] == "cagr"
    assert record.inputs["required_rate"] == pytest.approx(2 ** (1 / 15) - 1)
    assert record.inputs["thresholds"] == {"high": 0.95, "med": 0.6, "low": 0.0}
    # The stored inputs are exactly what the reference implementation returns.
    reference = measure(
        {2014: 5.0, 2015: 20.0, 2017: None, 2018: 30.0, 2020: 25.0},
        direction="positive",
        target=40.0,
    )
    assert Progress.from_dict(record.inputs) == reference
    assert indicator_progress(indicator).progress == reference


def test_every_stored_record_matches_measure_for_its_own_parameters(organisation, areas, kpis):
    arboga = OrganisationFactory(code="1984", name="Arboga")
    series = {
        "1961": {2015: 4.0, 2019: 3.0, 2022: 2.5},
        "1984": {2016: -1.0, 2019: 0.5, 2023: 2.0},
    }
    grp = kpis["N03702"]
    cases = [
        (organisation, {"direction": "negative", "base_year": 2015, "target_value": 0.0}),
        (
            arboga,
            {"direction": "positive", "base_year": 2017, "target_value": None, "target_year": 2040},
        ),
    ]
    for (org, params), (code, values) in zip(cases, series.items(), strict=True):
        _observe(grp, areas[code], values)
        Indicator.objects.create(organisation=org, kpi=grp, **params)

    assert progress_recompute() == 2

    for org, params in cases:
        indicator = Indicator.objects.get(organisation=org)
        expected = measure(
            series[org.code],
            direction=params["direction"],
            base_year=params["base_year"],
            target_year=params.get("target_year", 2030),
            target=params["target_value"],
        )
        assert Progress.from_dict(_record(indicator).inputs) == expected
    # Arboga from 2019 on: −1 in 2016 is before its base year 2017, so the CAGR applies.
    assert _record(Indicator.objects.get(organisation=arboga)).inputs["method"] == "cagr"


def test_a_series_without_values_is_stored_as_not_available(indicator, areas):
    assert progress_recompute(indicators=[indicator.pk]) == 1
    record = _record(indicator)
    assert (record.status, record.value, record.current_year) == ("not_available", None, None)
    assert record.inputs["reason"] == "no_values"


def test_a_kpi_divided_by_gender_gets_three_series_and_drops_them_when_it_no_longer_is(
    indicator, areas, vab
):
    vab.is_divided_by_gender = True
    vab.save()
    for gender, values in {"T": (20, 25), "K": (30, 50), "M": (10, 9)}.items():
        _observe(vab, areas["1961"], dict(zip((2015, 2020), values, strict=True)), gender)

    assert progress_recompute(indicators=Indicator.objects.all()) == 3
    assert [(p.gender, p.status) for p in indicator_progress_series(indicator)] == [
        ("T", "on_track"),
        ("K", "target_achieved"),
        ("M", "deterioration"),
    ]

    vab.is_divided_by_gender = False
    vab.save()
    assert progress_recompute(kpi_ids=[vab.pk]) == 0  # T unchanged; K and M deleted
    assert [p.gender for p in indicator_progress_series(indicator)] == ["T"]


def test_a_record_of_another_area_is_removed(indicator, areas, vab):
    _observe(vab, areas["1961"], {2015: 20.0, 2020: 25.0})
    stray = ProgressRecord.objects.create(
        indicator=indicator, area=areas["0180"], gender="T", status="on_track"
    )
    assert progress_recompute(indicators=[indicator]) == 1
    assert not ProgressRecord.objects.filter(pk=stray.pk).exists()
    assert [p.gender for p in indicator_progress_series(indicator)] == ["T"]


@pytest.fixture
def two_organisations(organisation, areas, kpis):
    """Hallstahammar and Arboga both follow N00945; Hallstahammar also GRP."""
    arboga = OrganisationFactory(code="1984", name="Arboga")
    vab, grp = kpis["N00945"], kpis["N03702"]
    indicators = {
        "hh-vab": Indicator.objects.create(organisation=organisation, kpi=vab, target_value=40),
        "hh-grp": Indicator.objects.create(organisation=organisation, kpi=grp),
        "ar-vab": Indicator.objects.create(organisation=arboga, kpi=vab, target_value=40),
    }
    for kpi in (vab, grp):
        for code in ("1961", "1984", "G92792"):
            _observe(kpi, areas[code], {2015: 20.0, 2020: 25.0})
    progress_recompute()
    return indicators


def test_recompute_touches_only_the_affected_series(two_organisations, areas, kpis):
    before = {r.pk: (r.computed_at, r.status) for r in ProgressRecord.objects.all()}
    assert len(before) == 3
    Observation.objects.filter(kpi=kpis["N00945"], area=areas["1984"], year=2020).update(value=45.0)

    with CaptureQueriesContext(connection) as queries:
        written = progress_recompute(
            series=[
                (kpis["N00945"].pk, areas["1984"].pk, "T"),
                (kpis["N00945"].pk, areas["G92792"].pk, "T"),  # a group: no indicator
                (kpis["N03702"].pk, areas["0180"].pk, "T"),  # no organisation follows it there
            ]
        )

    assert written == 1
    after = {r.pk: (r.computed_at, r.status) for r in ProgressRecord.objects.all()}
    changed = {pk for pk in before if before[pk] != after[pk]}
    assert changed == {_record(two_organisations["ar-vab"]).pk}
    assert after[_record(two_organisations["ar-vab"]).pk][1] == "target_achieved"
    assert len(queries.captured_queries) <= 8


def _row_versions() -> dict[int, tuple[str, object]]:
    """Each record's row version (PostgreSQL's xmin) and computed_at."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, xmin::text, computed_at FROM followup_progressrecord")
        return {pk: (xmin, computed_at) for pk, xmin, computed_at in cursor.fetchall()}


def test_a_second_recompute_with_unchanged_data_writes_no_row(two_organisations):
    before = _row_versions()
    assert progress_recompute() == 0
    assert _row_versions() == before


def test_an_empty_scope_computes_nothing_without_a_query(two_organisations):
    with CaptureQueriesContext(connection) as queries:
        assert progress_recompute(series=[]) == 0
        assert progress_recompute(indicators=[], kpi_ids=[]) == 0
    assert queries.captured_queries == []


def test_a_changed_target_is_recomputed_for_that_indicator(two_organisations):
    indicator = two_organisations["hh-vab"]
    assert _record(indicator).status == "on_track"
    indicator.target_value = 25.0
    indicator.save()
    assert progress_recompute(indicators=[indicator]) == 1
    assert _record(indicator).status == "target_achieved"


def _many_series(count: int, kpi: Kpi, first_code: int) -> None:
    """`count` municipalities, each an organisation following `kpi` by gender, 15 years."""
    kpi.is_divided_by_gender = True
    kpi.save()
    for i in range(count):
        code = str(first_code + i)
        area = Area.objects.create(code=code, kind=AreaKind.MUNICIPALITY, title=f"Kommun {code}")
        org = OrganisationFactory(code=code, name=f"Kommun {code}")
        Indicator.objects.create(organisation=org, kpi=kpi, target_value=10.0 + i % 5)
        for gender in "TKM":
            values = {y: 1.0 + i % 7 + (y - 2010) * (0.5 - i % 3 * 0.4) for y in range(2008, 2023)}
            _observe(kpi, area, values, gender)


def test_the_number_of_queries_does_not_grow_with_the_number_of_series(
    db, django_assert_max_num_queries
):
    few = Kpi.objects.create(source=KpiSource.KOLADA, code="N1", title_sv="Få")
    many = Kpi.objects.create(source=KpiSource.KOLADA, code="N2", title_sv="Många")
    _many_series(2, few, first_code=2000)
    _many_series(40, many, first_code=2100)

    with CaptureQueriesContext(connection) as small:
        assert progress_recompute(kpi_ids=[few.pk]) == 2 * 3
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert progress_recompute(kpi_ids=[many.pk]) == 40 * 3
    assert ProgressRecord.objects.filter(indicator__kpi=many).count() == 40 * 3
    assert len(small.captured_queries) <= 8


def test_an_organisation_without_an_area_has_nothing_to_measure(indicator):
    assert progress_recompute() == 0
    assert not ProgressRecord.objects.exists()


def test_selectors_read_the_stored_progress_in_one_query(
    two_organisations, organisation, kpis, django_assert_num_queries
):
    not_computed = Indicator.objects.create(
        organisation=organisation, kpi=kpis["HH-CYKEL"], direction="negative"
    )
    mine = Indicator.objects.filter(organisation=organisation)

    with django_assert_num_queries(1):
        progress = progress_by_indicator(mine)
    assert set(progress) == {two_organisations["hh-vab"].pk, two_organisations["hh-grp"].pk}
    vab = progress[two_organisations["hh-vab"].pk]
    assert (vab.status, vab.base_year, vab.current_year) == ("on_track", 2015, 2020)
    assert vab.value == pytest.approx((1.25**0.2 - 1) / (2 ** (1 / 15) - 1))
    assert indicator_progress(not_computed) is None

    with django_assert_num_queries(1):
        shares = status_shares_for(mine)
    # GRP without a target: CAGR 4.6 % a year ≥ 1.5 % → on track; the cycle path: none yet.
    assert shares == {
        "target_achieved": 0,
        "on_track": 2,
        "progress_needs_acceleration": 0,
        "limited_progress": 0,
        "deterioration": 0,
        "not_available": 1,
    }
    assert list(shares) == list(status_shares_for([]))  # fixed order, every status
    assert sum(status_shares_for([*mine, two_organisations["ar-vab"]]).values()) == 4


def test_status_shares_by_series_count_each_gender(indicator, areas, vab):
    vab.is_divided_by_gender = True
    vab.save()
    _observe(vab, areas["1961"], {2015: 20.0, 2020: 45.0}, "K")
    _observe(vab, areas["1961"], {2015: 20.0, 2016: 19.0}, "M")
    progress_recompute()
    shares = status_shares_for([indicator], by_series=True)
    # T has no values, K reached 40 %, M fell.
    assert shares == {
        "target_achieved": 1,
        "on_track": 0,
        "progress_needs_acceleration": 0,
        "limited_progress": 0,
        "deterioration": 1,
        "not_available": 1,
    }
