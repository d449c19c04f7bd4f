"""Parsing Kolada v3 rows and metadata: strict about what a figure means, clear when it refuses."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hallbar.integrations.kolada.errors import KoladaError, KoladaParseError
from hallbar.integrations.kolada.parsing import (
    GENDERS,
    Observation,
    ObservationColumns,
    _data_columns_fast,
    parse_data_entry,
    parse_data_values,
    parse_group,
    parse_kpi,
    parse_municipality,
    parse_period,
)

from .conftest import recorded_json

URL = "http://127.0.0.1:9/v3/data/kpi/N01951/municipality/1961"


def entry(**overrides) -> dict:
    """A well-formed v3 data entry, with `values` items built from `value_*` overrides."""
    value = {"count": 1, "gender": "T", "status": "", "value": 16238.0, "isdeleted": False}
    value.update({key[6:]: item for key, item in overrides.items() if key.startswith("value_")})
    row = {"kpi": "N01951", "municipality": "1961", "period": 2024, "values": [value]}
    row.update({key: item for key, item in overrides.items() if not key.startswith("value_")})
    return row


def test_a_recorded_row_becomes_an_observation():
    raw = recorded_json("data_N00945_big_cities_page1.json")["values"][0]

    assert parse_data_entry(raw, url=URL) == [
        Observation(
            kpi="N00945",
            area="0180",
            period=2000,
            gender="T",
            value=31.32959689,
            count=1,
            status="",
            is_deleted=False,
        )
    ]


def test_a_gender_divided_entry_gives_one_observation_per_gender():
    row = entry(
        values=[
            {"count": 1, "gender": "T", "status": "", "value": 16238, "isdeleted": False},
            {"count": 1, "gender": "K", "status": "", "value": 8011, "isdeleted": False},
            {"count": 1, "gender": "M", "status": "", "value": 8227, "isdeleted": False},
        ]
    )

    observations = parse_data_entry(row, url=URL)

    assert [(obs.gender, obs.value) for obs in observations] == [
        ("T", 16238.0),
        ("K", 8011.0),
        ("M", 8227.0),
    ]
    assert all(isinstance(obs.value, float) for obs in observations)


def test_a_group_mean_keeps_its_count():
    (observation,) = parse_data_entry(entry(municipality="G92792", value_count=63), url=URL)

    assert (observation.area, observation.count) == ("G92792", 63)


@pytest.mark.parametrize("raw", [2020, "2020", " 2020 "])
def test_a_period_may_be_an_int_or_a_string(raw):
    assert parse_period(raw) == 2020


@pytest.mark.parametrize("raw", ["20x0", "2020-01", 2020.0, True, None, 999, 10000, "", [2020]])
def test_a_period_that_is_not_a_year_is_refused(raw):
    with pytest.raises(KoladaParseError, match="period"):
        parse_period(raw, url=URL, row={"period": raw})


def test_a_null_value_is_kept_as_none_with_its_status():
    (observation,) = parse_data_entry(entry(value_value=None, value_status="Missing"), url=URL)

    assert observation.value is None and observation.status == "Missing"


def test_missing_status_and_isdeleted_mean_empty_and_false():
    (observation,) = parse_data_entry(
        entry(values=[{"count": 1, "gender": "T", "value": 1.5}]), url=URL
    )

    assert observation.status == "" and observation.is_deleted is False


@pytest.mark.parametrize("raw", [float("nan"), float("inf"), "12,5", True, {"v": 1}])
def test_a_value_that_is_not_a_finite_number_is_refused(raw):
    with pytest.raises(KoladaParseError, match="value"):
        parse_data_entry(entry(value_value=raw), url=URL)


@pytest.mark.parametrize("raw", ["X", "t", "F", "", None, 1])
def test_an_unknown_gender_is_refused_naming_the_url_and_the_row(raw):
    with pytest.raises(KoladaParseError) as caught:
        parse_data_entry(entry(value_gender=raw), url=URL)

    message = str(caught.value)
    assert "unknown gender" in message
    assert URL in message
    assert "'kpi': 'N01951'" in message


def test_an_entry_level_isdeleted_applies_to_all_its_values():
    observations = parse_data_entry(
        entry(
            isdeleted=True,
            values=[
                {"count": 1, "gender": "K", "value": 1.0, "isdeleted": False},
                {"count": 1, "gender": "M", "value": 2.0},
            ],
        ),
        url=URL,
    )

    assert all(obs.is_deleted for obs in observations)


def test_an_area_id_sent_as_a_number_is_refused_because_its_leading_zero_is_lost():
    with pytest.raises(KoladaParseError, match="municipality 180"):
        parse_data_entry(entry(municipality=180), url=URL)


def test_a_huge_row_gives_a_short_message():
    with pytest.raises(KoladaParseError) as caught:
        parse_data_entry(
            entry(value_gender="X", junk="x" * 100_000, more=list(range(10_000))), url=URL
        )

    assert len(str(caught.value)) < 2000


def test_kpi_metadata_accepts_the_v2_spelling_of_flags():
    kpi = parse_kpi(
        {
            "id": "N01951",
            "title": "Invånare totalt, antal",
            "is_divided_by_gender": 1,
            "has_ou_data": 0,
            "publ_period": 2026,
            "publication_date": "",
        }
    )

    assert kpi.is_divided_by_gender is True and kpi.has_ou_data is False
    assert kpi.publ_period == "2026" and kpi.publication_date is None
    assert kpi.description == ""


def test_a_group_member_may_be_spelled_member_id_or_id():
    group = parse_group(
        {
            "id": "G1",
            "title": "t",
            "members": [
                {"member_id": "1961", "member_title": "Hallstahammar"},
                {"id": "1984", "title": "Arboga"},
            ],
        }
    )

    assert [(member.id, member.title) for member in group.members] == [
        ("1961", "Hallstahammar"),
        ("1984", "Arboga"),
    ]


def test_a_municipality_without_an_id_is_refused():
    with pytest.raises(KoladaParseError, match="id"):
        parse_municipality({"title": "Hallstahammar", "type": "K"}, url=URL)


# --- properties ------------------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def mostly(valid: st.SearchStrategy, junk: st.SearchStrategy) -> st.SearchStrategy:
    """`valid` nine times in ten, `junk` otherwise."""
    return st.integers(0, 9).flatmap(lambda n: junk if n == 0 else valid)


# Near-valid entries reach the inner checks that arbitrary JSON rarely gets past: each field is
# usually well-formed and sometimes not, so both outcomes are exercised.
years = st.integers(1990, 2030)
value_items = st.fixed_dictionaries(
    {
        "gender": mostly(st.sampled_from(["T", "K", "M"]), st.sampled_from(["X", "", None, 1])),
        "value": mostly(st.none() | st.floats(-1e9, 1e9), st.floats() | json_scalars),
    },
    optional={
        "count": mostly(st.integers(0, 400), st.integers(-2, 0) | json_scalars),
        "status": mostly(st.sampled_from(["", "Missing"]), json_scalars),
        "isdeleted": mostly(st.booleans(), st.sampled_from([0, 1, 2, "true", None])),
    },
)
near_valid_entries = st.fixed_dictionaries(
    {
        "kpi": mostly(st.sampled_from(["N00945", "N01951", "U07455"]), json_scalars),
        "municipality": mostly(st.sampled_from(["1961", "0000", "G92792"]), json_scalars),
        "period": mostly(years | years.map(str), json_scalars),
        "values": mostly(st.lists(value_items, max_size=3), json_values),
    },
    optional={"isdeleted": mostly(st.booleans(), json_scalars)},
)


def _assert_refused_clearly(error: KoladaError) -> None:
    assert isinstance(error, KoladaParseError) and isinstance(error, ValueError)
    assert str(error) and URL in str(error)


@given(json_values | near_valid_entries)
def test_any_json_either_parses_into_valid_observations_or_raises_a_clear_parse_error(raw):
    try:
        observations = parse_data_entry(raw, url=URL)
    except KoladaParseError as error:
        _assert_refused_clearly(error)
        return
    for observation in observations:
        assert observation.gender in GENDERS
        assert 1000 <= observation.period <= 9999
        assert observation.value is None or math.isfinite(observation.value)
        assert observation.count is None or observation.count >= 0
        assert isinstance(observation.status, str) and isinstance(observation.is_deleted, bool)


@given(json_values)
def test_any_json_given_to_the_metadata_parsers_parses_or_raises_a_clear_parse_error(raw):
    for parse in (parse_kpi, parse_municipality, parse_group):
        try:
            parse(raw, url=URL)
        except KoladaParseError as error:
            _assert_refused_clearly(error)


# --- a page as columns -----------------------------------------------------------------------


def _strict(values: list) -> list[Observation]:
    return [observation for entry in values for observation in parse_data_entry(entry, url=URL)]


# Entries that parse, in every spelling the strict parser accepts (a string period, an int
# value, a padded id, a 0/1 flag, optional keys left out), for both paths of the columns.
valid_entries = st.fixed_dictionaries(
    {
        "kpi": mostly(st.sampled_from(["N00945", "N01951"]), st.just(" U07455 ")),
        "municipality": st.sampled_from(["1961", "0000", "G92792"]),
        "period": years | years.map(str),
        "values": mostly(
            st.lists(
                st.fixed_dictionaries(
                    {"gender": st.sampled_from(["T", "K", "M"])},
                    optional={
                        "value": st.none()
                        | st.floats(allow_nan=False, allow_infinity=False)
                        | st.integers(-(10**6), 10**6),
                        "count": st.none() | st.integers(0, 400),
                        "status": st.none() | st.sampled_from(["", "Missing"]),
                        "isdeleted": mostly(st.booleans(), st.sampled_from([0, 1])),
                    },
                ),
                min_size=1,
                max_size=3,
            ),
            st.just([]),
        ),
    }
)


@given(
    st.lists(valid_entries, max_size=6)
    | st.lists(near_valid_entries, max_size=6)
    | st.lists(json_values, max_size=3)
)
def test_a_page_as_columns_holds_exactly_what_its_entries_parse_into(values):
    """The fast column parser is an optimisation only: the same rows, of the same types,
    in the same order — or the same refusal."""
    try:
        expected = _strict(values)
    except KoladaParseError as error:
        with pytest.raises(KoladaParseError) as refused:
            parse_data_values(values, url=URL)
        assert str(refused.value) == str(error)
        return

    columns = parse_data_values(values, url=URL)

    assert len(columns) == len(expected)
    # repr tells 1 from 1.0 from True, which == does not.
    assert [repr(row) for row in columns.observations()] == [repr(row) for row in expected]


def test_the_recorded_pages_take_the_fast_path():
    for name in (
        "data_N00945_big_cities_page1.json",
        "data_N03702_N03703_arboga_peers.json",
        "data_N03702_arboga_edge_cases.json",  # null values, a deleted row, a string period
    ):
        values = recorded_json(name)["values"]

        columns = _data_columns_fast(values)

        assert columns is not None, name
        assert list(columns.observations()) == _strict(values)


def test_columns_from_observations_round_trip():
    observations = _strict(recorded_json("data_N03702_arboga_edge_cases.json")["values"])

    columns = ObservationColumns.from_observations(observations)

    assert list(columns.observations()) == observations
    assert len(ObservationColumns.from_observations([])) == 0


def test_an_integer_beyond_any_float_is_refused_as_a_value():
    with pytest.raises(KoladaParseError, match="not a finite number"):
        parse_data_values([entry(value_value=10**400)], url=URL)
