"""GET /api/v1/agenda/goals: the Agenda 2030 reference model."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallbar.agenda.models import GlobalIndicator, GoalSet, Target
from tests.api.conftest import make_goal, make_target

pytestmark = pytest.mark.django_db


def goal_by_number(body: list[dict], number: int) -> dict:
    return next(goal for goal in body if goal["number"] == number)


def test_it_lists_the_goals_in_number_order(agenda_sample, api_get):
    response = api_get("agenda/goals")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert [goal["number"] for goal in response.json()] == [3, 11, 17]


def test_a_goal_carries_number_code_titles_colour_and_dimension(agenda_sample, api_get):
    goal = goal_by_number(api_get("agenda/goals").json(), 11)

    assert goal["number"] == 11
    assert goal["code"] == "11"
    assert goal["title"] == {
        "sv": "Hållbara städer och samhällen",
        "en": "Sustainable cities and communities",
        "sv_fallback": False,
        "en_fallback": False,
    }
    assert goal["long_title"]["en"].startswith("Make cities")
    assert goal["colour"] == "#FD9D24"
    assert goal["dimension"] == "social"


def test_goal_17_has_no_dimension(agenda_sample, api_get):
    goal = goal_by_number(api_get("agenda/goals").json(), 17)

    assert goal["dimension"] is None
    assert goal["targets"] == []


def test_a_target_carries_code_kind_wording_and_indicators(agenda_sample, api_get):
    goal = goal_by_number(api_get("agenda/goals").json(), 11)
    target = goal["targets"][0]

    assert [t["code"] for t in goal["targets"]] == ["11.2", "11.a"]
    assert target["code"] == "11.2"
    assert target["kind"] == "outcome"
    assert target["title"] == {
        "sv": "Tillgång till säkra och hållbara transportsystem för alla",
        "en": "Provide access to safe, affordable, accessible and sustainable transport systems",
        "sv_fallback": False,
        "en_fallback": False,
    }
    assert target["indicators"] == [
        {
            "code": "11.2.1",
            "unsd_code": "C110201",
            "repeated": False,
            "title": {
                "sv": "Andel av befolkningen med god tillgång till kollektivtrafik",
                "en": "Proportion of population that has convenient access to public transport",
                "sv_fallback": False,
                "en_fallback": False,
            },
        }
    ]


def test_a_missing_swedish_text_falls_back_to_english_visibly(agenda_sample, api_get):
    goal = goal_by_number(api_get("agenda/goals").json(), 11)
    target = goal["targets"][1]
    english = "Support positive economic, social and environmental links between areas"

    assert target["code"] == "11.a"
    assert target["kind"] == "means_of_implementation"
    assert target["title"] == {
        "sv": english,
        "en": english,
        "sv_fallback": True,
        "en_fallback": False,
    }
    indicator_title = target["indicators"][0]["title"]
    assert indicator_title["sv"] == "Number of countries that have national urban policies"
    assert indicator_title["sv_fallback"] is True


def test_no_title_anywhere_is_an_empty_string(agenda_sample, api_get):
    body = api_get("agenda/goals").json()
    titles = [goal["title"] for goal in body]
    titles += [target["title"] for goal in body for target in goal["targets"]]
    titles += [i["title"] for goal in body for t in goal["targets"] for i in t["indicators"]]

    assert titles
    assert all(title["sv"] and title["en"] for title in titles)


def test_it_shows_only_the_reference_agenda_2030_set(agenda_sample, hallstahammar, api_get):
    own = GoalSet.objects.create(
        code="agenda2030",
        kind="local",
        organisation=hallstahammar.organisation,
        title_sv="Egen kopia",
    )
    make_goal(own, 99, title_sv="Eget mål")

    numbers = [goal["number"] for goal in api_get("agenda/goals").json()]

    assert numbers == [3, 11, 17]


def test_it_serves_the_shipped_reference_data_whole(
    reference_data, api_get, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        body = api_get("agenda/goals").json()
    targets = [target for goal in body for target in goal["targets"]]
    indicators = [i for target in targets for i in target["indicators"]]
    shipped = Target.objects.agenda2030()

    assert [goal["number"] for goal in body] == list(range(1, 18))
    assert len(targets) == shipped.count() == 169
    assert len(indicators) == GlobalIndicator.objects.filter(target__in=shipped).count()
    assert {goal["dimension"] for goal in body} == {"ecological", "social", "economic", None}
    for target in targets:
        assert target["title"]["sv"] and target["title"]["en"], target["code"]
    untranslated = {t["code"] for t in targets if t["title"]["sv_fallback"]}
    assert untranslated
    assert untranslated == set(shipped.filter(text_sv="").values_list("code", flat=True))
    assert all(t["title"]["sv"] == t["title"]["en"] for t in targets if t["code"] in untranslated)


def test_it_runs_a_constant_number_of_queries(
    agenda_sample, api_get, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        api_get("agenda/goals")

    with CaptureQueriesContext(connection) as small:
        api_get("agenda/goals")
    for number in range(1, 11):
        goal = make_goal(agenda_sample.goal_set, 20 + number, title_en=f"Goal {number}")
        for position in range(3):
            target = make_target(goal, f"{20 + number}.{position}", position, text_en="A target")
            GlobalIndicator.objects.create(
                target=target, code=f"{target.code}.1", unsd_code="X", title_en="An indicator"
            )
    with CaptureQueriesContext(connection) as large:
        body = api_get("agenda/goals").json()

    assert len(body) == 13
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_goal_without_full_wording_has_a_null_long_title(agenda_sample, api_get):
    goal = goal_by_number(api_get("agenda/goals").json(), 17)

    assert goal["long_title"] is None
