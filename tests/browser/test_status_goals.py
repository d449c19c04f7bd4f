"""A goal in the status analysis, in Chromium: the analyst sees the suggestion its targets
make, is refused an assessment that differs without a reason, records it with one, and
finds it on the goal page and the 17-goal overview. The goal register marks the goal
serving a prioritised target and filters on it with htmx. axe finds no WCAG 2.1 AA
violation on these pages."""

import pytest

from hallbar.agenda.models import Target
from hallbar.analysis.status import services
from hallbar.organisation.models import Body
from tests.analysis.status.conftest import build_analysis_world
from tests.browser.conftest import assert_accessible
from tests.browser.test_status_analysis import log_in
from tests.factories import LocalGoalFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analysis(reference_data):
    world = build_analysis_world()
    analysis = services.analysis_create(organisation=world.organisation, year=2025)
    row = analysis.assessments.get(target__code="4.1", target__goal_set__code="agenda2030")
    services.assessment_update(
        target_assessment=row,
        expected_version=row.version,
        user=None,
        relevance="high",
        assessment="challenge",
        override_reason="Lokala skillnader.",
        is_prioritised=True,
        priority_motivation="Skolan först.",
    )
    body = Body.objects.get(organisation=world.organisation, name="Tekniska nämnden")
    for title, code in (("Skolmålet", "4.1"), ("Cykelmålet", "11.2")):
        LocalGoalFactory(organisation=world.organisation, body=body, title=title).targets.set(
            Target.objects.agenda2030().filter(code=code)
        )
    return analysis


def test_the_analyst_assesses_a_goal_against_its_suggestion(page, live_server, analysis):
    log_in(page, live_server)
    base = f"{live_server.url}/o/1961/status-analyses/{analysis.pk}/"

    page.goto(f"{base}goals/4/edit/")
    assert page.locator("#goal-suggestion .sa-challenge").is_visible()
    assert_accessible(page)

    page.select_option("#id_assessment", "strength")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist-box a[href='#id_override_reason']").is_visible()
    assert page.locator("#id_assessment").input_value() == "strength"
    assert_accessible(page)

    page.fill("#id_override_reason", "Skolan har lyft i år.")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/goals/4/")
    assert page.locator(".sa-goal-facts .sa-strength").is_visible()
    assert page.get_by_text("Skolan har lyft i år.").is_visible()
    assert_accessible(page)

    page.goto(base)
    assert page.locator("#goal-4.sa-goal-assessed.sa-goal-strength").is_visible()
    assert page.locator("#goal-13.sa-goal-none").is_visible()
    assert_accessible(page)


def test_the_goal_register_marks_and_filters_prioritised_targets(page, live_server, analysis):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/o/1961/goals/")

    assert page.locator("#goal-results .badge-prioritised").count() == 1
    assert page.locator("#focus-note").is_visible()
    assert_accessible(page)

    page.check("#id_prioritised")
    page.wait_for_function("document.querySelectorAll('#goal-results tbody tr').length === 1")
    assert "prioritised=on" in page.url
    assert page.locator("#goal-results tbody tr th").inner_text() == "Skolmålet"
