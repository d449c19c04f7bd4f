"""GET /api/v1/organisations/{code}/actions: actions under an organisation's decided plans."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import make_action_for

pytestmark = pytest.mark.django_db


def test_an_action_carries_the_contract_fields(agenda_sample, hallstahammar, api_get):
    action = make_action_for(
        hallstahammar,
        "Bygg säkra cykelpassager vid skolorna",
        [agenda_sample.target_11_2, agenda_sample.target_3_6],
        description="Fyra passager under 2026.",
        status="started",
        owner="Gatuchef",
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        planned_cost=Decimal("1250000"),
    )

    response = api_get("organisations/1961/actions")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": action.pk,
            "title": "Bygg säkra cykelpassager vid skolorna",
            "description": "Fyra passager under 2026.",
            "status": "started",
            "body": {
                "id": hallstahammar.committee.pk,
                "name": "Samhällsbyggnadsnämnden",
                "short_name": "",
            },
            "plan": {
                "id": hallstahammar.decided_plan.pk,
                "title": "Handlingsplan för trafiksäkerhet",
            },
            "owner": "Gatuchef",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "planned_cost": 1250000,
            "targets": ["3.6", "11.2"],
        }
    ]


def test_an_action_without_period_or_cost_has_nulls(agenda_sample, hallstahammar, api_get):
    make_action_for(hallstahammar, "Kartlägg behoven", [])

    action = api_get("organisations/1961/actions").json()[0]

    assert action["status"] == "not_started"
    assert action["start"] is None
    assert action["end"] is None
    assert action["planned_cost"] is None
    assert action["targets"] == []


def test_actions_under_a_draft_plan_are_never_shown(agenda_sample, hallstahammar, api_get):
    make_action_for(hallstahammar, "Under beslutad plan", [agenda_sample.target_11_2])
    make_action_for(
        hallstahammar,
        "Under utkast",
        [agenda_sample.target_11_2],
        plan=hallstahammar.draft_plan,
    )

    titles = [a["title"] for a in api_get("organisations/1961/actions").json()]

    assert titles == ["Under beslutad plan"]


def test_it_filters_by_target_code(agenda_sample, hallstahammar, api_get):
    make_action_for(hallstahammar, "Hastighetssäkra skolvägar", [agenda_sample.target_3_6])
    make_action_for(hallstahammar, "Ny busslinje", [agenda_sample.target_11_2])

    response = api_get("organisations/1961/actions", target="3.6")

    assert response.status_code == 200
    assert [a["title"] for a in response.json()] == ["Hastighetssäkra skolvägar"]


def test_an_unknown_target_code_is_refused_by_name(agenda_sample, hallstahammar, api_get):
    response = api_get("organisations/1961/actions", target="18.1")

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["query", "target"],
            "msg": "Unknown Agenda 2030 target code: '18.1'.",
            "type": "unknown_target",
        }
    ]


def test_an_unknown_organisation_is_a_json_404(agenda_sample, api_get):
    response = api_get("organisations/0000/actions")

    assert response.status_code == 404
    assert response.json() == {"detail": "Unknown organisation code: '0000'."}


def test_another_organisations_actions_never_show(agenda_sample, hallstahammar, vasteras, api_get):
    make_action_for(hallstahammar, "Hallstahammars åtgärd", [agenda_sample.target_11_2])
    make_action_for(vasteras, "Västerås åtgärd", [agenda_sample.target_11_2])

    hallstahammar_titles = [a["title"] for a in api_get("organisations/1961/actions").json()]
    vasteras_titles = [
        a["title"] for a in api_get("organisations/1980/actions", target="11.2").json()
    ]

    assert hallstahammar_titles == ["Hallstahammars åtgärd"]
    assert vasteras_titles == ["Västerås åtgärd"]


def test_it_runs_a_constant_number_of_queries(
    agenda_sample, hallstahammar, api_get, django_assert_max_num_queries
):
    make_action_for(hallstahammar, "En åtgärd", [agenda_sample.target_11_2])
    with django_assert_max_num_queries(4):
        api_get("organisations/1961/actions", target="11.2")
    with CaptureQueriesContext(connection) as small:
        api_get("organisations/1961/actions")

    for number in range(10):
        make_action_for(
            hallstahammar,
            f"Åtgärd {number}",
            [agenda_sample.target_11_2, agenda_sample.target_3_6],
        )
    with CaptureQueriesContext(connection) as large:
        body = api_get("organisations/1961/actions").json()

    assert len(body) == 11
    assert len(large.captured_queries) == len(small.captured_queries)
