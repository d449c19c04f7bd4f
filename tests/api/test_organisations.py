"""GET /api/v1/organisations: the tenants."""

import pytest

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def by_code(body: list[dict]) -> dict[str, dict]:
    return {organisation["code"]: organisation for organisation in body}


def test_it_lists_an_organisation_with_county_and_municipality_group(api_get):
    OrganisationFactory(code="1961", name="Hallstahammar")

    response = api_get("organisations")

    assert response.status_code == 200
    assert by_code(response.json())["1961"] == {
        "code": "1961",
        "name": "Hallstahammar",
        "kind": "municipality",
        "county": {"code": "19", "name": "Västmanlands län"},
        "municipality_group": {"code": "B4", "name": "Pendlingskommun nära större stad"},
        "example_data": False,
    }


def test_missing_county_and_group_are_null_not_empty(api_get):
    OrganisationFactory(
        code="0001",
        name="Region Exempel",
        kind="region",
        county_code="",
        county_name="",
        municipality_group_code="",
        municipality_group_name="",
        is_example=True,
    )

    organisation = by_code(api_get("organisations").json())["0001"]

    assert organisation["kind"] == "region"
    assert organisation["county"] is None
    assert organisation["municipality_group"] is None
    assert organisation["example_data"] is True


def test_it_lists_organisations_by_name(api_get):
    OrganisationFactory(code="1980", name="Västerås")
    OrganisationFactory(code="1961", name="Hallstahammar")
    OrganisationFactory(code="1907", name="Surahammar")

    names = [o["name"] for o in api_get("organisations").json()]

    assert names == sorted(names)
    assert {"Hallstahammar", "Surahammar", "Västerås"} <= set(names)


def test_it_runs_one_query(api_get, django_assert_num_queries):
    for code in ("1961", "1980", "1907"):
        OrganisationFactory(code=code, name=f"Kommun {code}")

    with django_assert_num_queries(1):
        api_get("organisations")
