"""GET /api/v1/organisations/{code}/indicators and /api/v1/indicators/{code}/observations:
the contract field by field, and what the public may never see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallbar.agenda.models import Target
from hallbar.followup.models import Indicator, Kpi, KpiSource, ProgressRecord
from hallbar.followup.status import progress_recompute
from tests.followup.test_views_indicators import (
    VAB,
    IndicatorWorld,
    build_indicator_world,
    observe,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data) -> IndicatorWorld:
    return build_indicator_world()


# --- an organisation's indicators -----------------------------------------------------------


def test_an_indicator_carries_the_contract_fields(world, api_get):
    response = api_get("organisations/1961/indicators")

    assert response.status_code == 200
    stored = ProgressRecord.objects.get(indicator=world.vab, gender="T")
    assert response.json() == [
        {
            "code": "N00945",
            "source": "kolada",
            "title": {
                "sv": "VAB som tas ut av män, andel (%)",
                "en": "Temporary parental benefit taken by men, share (%)",
                "sv_fallback": False,
                "en_fallback": False,
            },
            "unit": "%",
            "direction": "positive",
            "target": 40.0,
            "target_year": 2030,
            "targets": ["5.4"],
            "progress": {
                "status": "on_track",
                "value": stored.value,
                "base_year": 2015,
                "current_year": 2020,
            },
        }
    ]
    assert stored.value == pytest.approx((1.25 ** (1 / 5) - 1) / (2 ** (1 / 15) - 1))


def test_private_indicators_are_never_listed(world, api_get):
    codes = [i["code"] for i in api_get("organisations/1961/indicators").json()]
    assert codes == ["N00945"]  # not HH-CYKEL, not public

    Indicator.objects.filter(pk=world.cycling.pk).update(is_public=True)
    codes = [i["code"] for i in api_get("organisations/1961/indicators").json()]
    assert codes == ["HH-CYKEL", "N00945"]


def test_another_organisations_indicators_never_show(world, api_get):
    assert [i["code"] for i in api_get("organisations/1984/indicators").json()] == ["AR-EGEN"]
    assert "AR-EGEN" not in api_get("organisations/1961/indicators").content.decode()


def test_an_indicator_without_a_stored_status_is_not_available(world, api_get):
    kpi = Kpi.objects.create(source=KpiSource.KOLADA, code="N00002", title_sv="Nytt")
    Indicator.objects.create(organisation=world.organisation, kpi=kpi, target_value=None)

    [item] = [i for i in api_get("organisations/1961/indicators").json() if i["code"] == "N00002"]
    assert item["progress"] == {
        "status": "not_available",
        "value": None,
        "base_year": None,
        "current_year": None,
    }
    assert item["target"] is None
    assert item["title"] == {"sv": "Nytt", "en": "Nytt", "sv_fallback": False, "en_fallback": True}
    assert item["targets"] == []


def test_only_agenda_2030_target_codes_are_listed(world, api_get):
    world.vab.targets.add(Target.objects.agenda2030().get(code="8.5"))

    [item] = api_get("organisations/1961/indicators").json()
    assert item["targets"] == ["5.4", "8.5"]


def test_an_unknown_organisation_is_a_json_404(world, api_get):
    response = api_get("organisations/0001/indicators")
    assert response.status_code == 404
    assert response.json() == {"detail": "Unknown organisation code: '0001'."}


def test_the_list_runs_a_constant_number_of_queries(world, api_get):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api_get("organisations/1961/indicators").status_code == 200
        return len(queries)

    few = count()
    target = Target.objects.agenda2030().get(code="5.4")
    for n in range(10):
        kpi = Kpi.objects.create(source=KpiSource.KOLADA, code=f"N7{n:04d}", title_sv=f"KPI {n}")
        observe(kpi, "1961", {2015: 1.0, 2020: 2.0})
        Indicator.objects.create(organisation=world.organisation, kpi=kpi).targets.set([target])
    progress_recompute()

    assert count() == few <= 4


# --- observations ---------------------------------------------------------------------------


def test_an_observation_carries_the_contract_fields(world, api_get):
    response = api_get("indicators/N00945/observations", area="1961", gender="T")

    assert response.status_code == 200
    rows = response.json()
    assert [(r["area"], r["year"], r["gender"], r["value"], r["source"]) for r in rows] == [
        ("1961", 2015, "T", 20.0, "Kolada"),
        ("1961", 2018, "T", 24.0, "Kolada"),
        ("1961", 2020, "T", 25.0, "Kolada"),
    ]
    assert set(rows[0]) == {"area", "year", "gender", "value", "source", "fetched_at"}
    assert rows[0]["fetched_at"].startswith("20")


def test_filters_are_optional(world, api_get):
    everything = api_get("indicators/N00945/observations").json()
    assert len(everything) == sum(len(values) for values in VAB.values())
    assert {r["area"] for r in api_get("indicators/N00945/observations", gender="T").json()} > {
        "1961",
        "0000",
    }
    assert api_get("indicators/N00945/observations", gender="K").json() == []
    assert api_get("indicators/N00945/observations", area="0000").json()[0]["area"] == "0000"


def test_a_bad_gender_is_refused_by_name(world, api_get):
    response = api_get("indicators/N00945/observations", gender="X")

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "gender"]
    assert "'X'" in error["msg"] and error["type"] == "unknown_gender"


def test_an_unknown_area_is_refused_by_name(world, api_get):
    response = api_get("indicators/N00945/observations", area="9999")

    assert response.status_code == 422
    assert "'9999'" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("code", ["N99999", "n00945", "HH-CYKEL", "AR-EGEN", "N00945%00"])
def test_unknown_codes_and_own_kpis_are_404_without_an_organisation(world, api_get, code):
    response = api_get(f"indicators/{code}/observations")

    assert response.status_code == 404
    assert response.json()["detail"].startswith("Unknown indicator code")


def test_a_private_own_kpi_never_leaks(world, api_get):
    # Behind a private indicator: the same 404 as an unknown code, with or without owner.
    for params in ({}, {"organisation": "1961"}, {"organisation": "1984"}):
        response = api_get("indicators/HH-CYKEL/observations", **params)
        assert response.status_code == 404
        assert response.json() == {"detail": "Unknown indicator code: 'HH-CYKEL'."}


def test_an_own_kpi_behind_a_public_indicator_is_served_with_its_organisation(world, api_get):
    response = api_get("indicators/AR-EGEN/observations", organisation="1984")

    assert response.status_code == 200
    assert [(r["area"], r["year"], r["value"], r["source"]) for r in response.json()] == [
        ("1984", 2016, 1.0, "arboga.csv"),
        ("1984", 2020, 2.0, "arboga.csv"),
    ]
    # Only through the organisation that publishes it.
    assert api_get("indicators/AR-EGEN/observations", organisation="1961").status_code == 404
    # And a shared KPI through an organisation that follows it publicly.
    assert api_get("indicators/N00945/observations", organisation="1961").status_code == 200


def test_an_unknown_organisation_parameter_is_404(world, api_get):
    response = api_get("indicators/N00945/observations", organisation="0001")
    assert response.status_code == 404


# --- the schema -----------------------------------------------------------------------------


def test_both_endpoints_are_in_the_openapi_schema(api_get):
    schema = api_get("openapi.json").json()

    listing = schema["paths"]["/api/v1/organisations/{code}/indicators"]["get"]
    assert set(listing["responses"]) == {"200", "404"}
    observations = schema["paths"]["/api/v1/indicators/{code}/observations"]["get"]
    assert set(observations["responses"]) == {"200", "404", "422"}
    assert {p["name"] for p in observations["parameters"]} == {
        "code",
        "area",
        "gender",
        "organisation",
    }
    fields = schema["components"]["schemas"]["OrganisationIndicatorOut"]["required"]
    assert set(fields) == {
        "code",
        "source",
        "title",
        "unit",
        "direction",
        "target",
        "target_year",
        "targets",
        "progress",
    }
    progress = schema["components"]["schemas"]["ProgressOut"]
    assert set(progress["required"]) == {"status", "value", "base_year", "current_year"}
    assert set(schema["components"]["schemas"]["ObservationOut"]["required"]) == {
        "area",
        "year",
        "gender",
        "value",
        "source",
        "fetched_at",
    }
