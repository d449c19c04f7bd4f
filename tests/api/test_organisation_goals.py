"""GET /api/v1/organisations/{code}/goals: an organisation's decided local goals."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallbar.agenda.models import GoalSet, Target
from tests.api.conftest import make_goal_for

pytestmark = pytest.mark.django_db


def test_a_decided_goal_carries_the_contract_fields(agenda_sample, hallstahammar, api_get):
    goal = make_goal_for(
        hallstahammar,
        "Fler resor till fots, med cykel och kollektivtrafik",
        [agenda_sample.target_11_2, agenda_sample.target_3_6],
        level="council",
        body=hallstahammar.council,
        description="Andelen hållbara resor ska öka.",
        decision_date=dt.date(2025, 6, 16),
        decision_paragraph="87",
    )
    goal.other_goals.set([agenda_sample.national_goal])

    response = api_get("organisations/1961/goals")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": goal.pk,
            "level": "council",
            "title": "Fler resor till fots, med cykel och kollektivtrafik",
            "description": "Andelen hållbara resor ska öka.",
            "body": {
                "id": hallstahammar.council.pk,
                "name": "Kommunfullmäktige",
                "short_name": "KF",
            },
            "decision_date": "2025-06-16",
            "decision_paragraph": "87",
            "targets": ["3.6", "11.2"],
            "other_goals": [
                {
                    "goal_set": "miljokvalitetsmal",
                    "code": "1",
                    "title": {
                        "sv": "Begränsad klimatpåverkan",
                        "en": "Reduced climate impact",
                        "sv_fallback": False,
                        "en_fallback": False,
                    },
                }
            ],
        }
    ]


def test_draft_goals_are_never_shown(agenda_sample, hallstahammar, api_get):
    make_goal_for(hallstahammar, "Beslutat mål", [agenda_sample.target_11_2])
    make_goal_for(
        hallstahammar, "Utkast", [agenda_sample.target_11_2], status="draft", decision_date=None
    )

    titles = [g["title"] for g in api_get("organisations/1961/goals").json()]

    assert titles == ["Beslutat mål"]


def test_it_filters_by_target_code(agenda_sample, hallstahammar, api_get):
    make_goal_for(hallstahammar, "Trafiksäkerhet", [agenda_sample.target_3_6])
    make_goal_for(hallstahammar, "Kollektivtrafik", [agenda_sample.target_11_2])
    make_goal_for(hallstahammar, "Båda", [agenda_sample.target_3_6, agenda_sample.target_11_2])

    response = api_get("organisations/1961/goals", target="11.2")

    assert response.status_code == 200
    assert [g["title"] for g in response.json()] == ["Båda", "Kollektivtrafik"]
    assert response.json()[0]["targets"] == ["3.6", "11.2"]


def test_an_unknown_target_code_is_refused_by_name(agenda_sample, hallstahammar, api_get):
    response = api_get("organisations/1961/goals", target="11.99")

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["query", "target"],
                "msg": "Unknown Agenda 2030 target code: '11.99'.",
                "type": "unknown_target",
            }
        ]
    }


def test_a_code_from_another_goal_set_is_not_an_agenda_target(
    agenda_sample, hallstahammar, api_get
):
    response = api_get("organisations/1961/goals", target="1")

    assert response.status_code == 422
    assert "'1'" in response.json()["detail"][0]["msg"]


def test_an_unknown_organisation_is_a_json_404(agenda_sample, api_get):
    response = api_get("organisations/9999/goals")

    assert response.status_code == 404
    assert response.json() == {"detail": "Unknown organisation code: '9999'."}


@pytest.mark.parametrize("code", ["abc", "19610", "١٩٦١", "%00"])
def test_a_malformed_organisation_code_is_a_json_404(agenda_sample, api_get, code):
    response = api_get(f"organisations/{code}/goals")

    assert response.status_code == 404
    assert response.json()["detail"].startswith("Unknown organisation code")


def test_another_organisations_goals_never_show(agenda_sample, hallstahammar, vasteras, api_get):
    make_goal_for(hallstahammar, "Hallstahammars mål", [agenda_sample.target_11_2])
    make_goal_for(vasteras, "Västerås mål", [agenda_sample.target_11_2])

    hallstahammar_titles = [g["title"] for g in api_get("organisations/1961/goals").json()]
    vasteras_titles = [
        g["title"] for g in api_get("organisations/1980/goals", target="11.2").json()
    ]

    assert hallstahammar_titles == ["Hallstahammars mål"]
    assert vasteras_titles == ["Västerås mål"]


def test_only_agenda_2030_targets_are_listed_as_targets(agenda_sample, hallstahammar, api_get):
    rus = GoalSet.objects.create(
        code="rus", kind="regional", organisation=hallstahammar.organisation, title_sv="RUS"
    )
    rus_goal = rus.goals.create(code="1", number=1, title_sv="Attraktiv region")
    rus_target = Target.objects.create(
        goal_set=rus, goal=rus_goal, code="11.2", text_en="A regional target"
    )
    make_goal_for(hallstahammar, "Mål", [agenda_sample.target_3_6, rus_target])

    body = api_get("organisations/1961/goals").json()

    assert body[0]["targets"] == ["3.6"]


def test_it_runs_a_constant_number_of_queries(
    agenda_sample, hallstahammar, api_get, django_assert_max_num_queries
):
    make_goal_for(hallstahammar, "Ett mål", [agenda_sample.target_11_2])
    with django_assert_max_num_queries(5):
        api_get("organisations/1961/goals", target="11.2")
    with CaptureQueriesContext(connection) as small:
        api_get("organisations/1961/goals")

    for number in range(10):
        goal = make_goal_for(
            hallstahammar, f"Mål {number}", [agenda_sample.target_11_2, agenda_sample.target_3_6]
        )
        goal.other_goals.set([agenda_sample.national_goal])
    with CaptureQueriesContext(connection) as large:
        body = api_get("organisations/1961/goals").json()

    assert len(body) == 11
    assert len(large.captured_queries) == len(small.captured_queries)


def test_target_codes_are_read_as_the_forms_read_them(agenda_sample, hallstahammar, api_get):
    make_goal_for(hallstahammar, "Stöd till de minst utvecklade", [agenda_sample.target_11_a])

    for written in ("11.a", "11.A", " 11.a. "):
        response = api_get("organisations/1961/goals", target=written)
        assert response.status_code == 200, written
        assert [g["title"] for g in response.json()] == ["Stöd till de minst utvecklade"]
    # An empty filter is no filter.
    assert api_get("organisations/1961/goals", target="").status_code == 200
