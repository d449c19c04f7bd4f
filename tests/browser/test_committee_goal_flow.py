"""The first user story of issue 2, in Chromium: a kommunstrateg logs in, registers a
committee goal linked to target 11.2, and finds it on the target page and in the API."""

import json

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_committee_goal_shows_on_the_target_page_and_in_the_api(
    logged_in_page, live_server, hallstahammar
):
    page = logged_in_page
    page.goto(f"{live_server.url}/o/1961/goals/new/")
    assert_accessible(page)
    page.fill("#id_title", "Fler resor till fots och med cykel")
    page.select_option("#id_level", "committee")
    page.select_option("#id_body", label="Tekniska nämnden")
    page.fill("#id_target_codes", "11.2, 3.6")
    page.select_option("#id_status", "decided")
    page.fill("#id_decision_date", "2026-11-20")
    page.fill("#id_decision_paragraph", "87")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Fler resor till fots och med cykel" in page.locator("h1").inner_text()

    page.goto(f"{live_server.url}/o/1961/agenda/targets/11.2/")
    committee_goals = page.locator("#committee-goals + table, section:has(#committee-goals)")
    assert "Fler resor till fots och med cykel" in committee_goals.first.inner_text()
    page.goto(f"{live_server.url}/o/1961/agenda/targets/3.6/")
    assert "Fler resor till fots och med cykel" in page.content()

    response = page.request.get(f"{live_server.url}/api/v1/organisations/1961/goals?target=11.2")
    goals = json.loads(response.text())
    goals = goals.get("items", goals) if isinstance(goals, dict) else goals
    [goal] = [g for g in goals if g["title"] == "Fler resor till fots och med cykel"]
    assert sorted(goal["targets"]) == ["11.2", "3.6"]


def test_an_unknown_target_code_is_refused_by_name_and_nothing_is_saved(
    logged_in_page, live_server
):
    page = logged_in_page
    page.goto(f"{live_server.url}/o/1961/goals/new/")
    page.fill("#id_title", "Mål med fel delmål")
    page.select_option("#id_level", "committee")
    page.select_option("#id_body", label="Tekniska nämnden")
    page.fill("#id_target_codes", "11.2, 11.99")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "11.99" in page.locator(".errorlist").first.inner_text()
    assert page.input_value("#id_title") == "Mål med fel delmål"  # the input is kept
    assert_accessible(page)
    page.goto(f"{live_server.url}/o/1961/goals/")
    assert "Mål med fel delmål" not in page.content()


def test_the_language_switch_shows_the_same_page_in_english(page, live_server, hallstahammar):
    page.goto(f"{live_server.url}/o/1961/agenda/goals/11/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert "Mål 11" in page.locator("h1").inner_text()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.url.endswith("/o/1961/agenda/goals/11/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Goal 11: Sustainable cities and communities" in page.locator("h1").inner_text()
    assert "By 2030, provide access to safe, affordable" in page.content()


@pytest.mark.parametrize(
    "path",
    [
        "/o/1961/",
        "/o/1961/agenda/goals/11/",
        "/o/1961/agenda/targets/11.2/",
        "/o/1961/documents/",
        "/o/1961/goals/",
        "/o/1961/actions/",
        "/accounts/login/",
    ],
)
def test_pages_have_no_wcag_violations(page, live_server, hallstahammar, path):
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
