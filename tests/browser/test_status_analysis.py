"""The status analysis in Chromium: an analyst opens the year's analysis, sees the 17-goal
overview with its data table and all 169 targets, filters the table (htmx, and without
JavaScript as a plain form), assesses a target, and finds the assessment on the Agenda
target page. axe finds no WCAG 2.1 AA violation on any of these pages."""

import pytest

from hallbar.analysis.status import services
from tests.analysis.status.conftest import build_analysis_world
from tests.browser.conftest import PASSWORD, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analysis(reference_data):
    world = build_analysis_world()
    return services.analysis_create(organisation=world.organisation, year=2025)


def log_in(page, live_server, username: str = "analytiker") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_the_analyst_filters_assesses_and_sees_it_on_the_target_page(page, live_server, analysis):
    log_in(page, live_server)
    base = f"{live_server.url}/o/1961/status-analyses/{analysis.pk}/"
    page.goto(base)

    assert page.locator("ul.sa-goals > li").count() == 17
    assert page.locator("#goal-table tbody tr").count() == 17
    rows = page.locator("#assessment-table tbody tr")
    assert rows.count() == 169
    assert_accessible(page)

    # Filter with htmx: the table updates in place, the address follows.
    page.select_option("#id_goal", label=page.locator("#id_goal option").nth(4).inner_text())
    page.wait_for_function("document.querySelectorAll('#assessment-table tbody tr').length === 10")
    assert "goal=" in page.url
    page.select_option("#id_prioritised", "yes")
    page.wait_for_selector("#assessment-table", state="detached")
    assert page.locator("#sa-results [role=status]").inner_text().startswith("0")

    # Assess 4.1: confirm the suggestion from its evidence.
    page.goto(f"{base}targets/4.1/edit/")
    assert page.locator("#evidence-table tbody tr").count() == 1
    assert_accessible(page)
    page.locator("#confirm-suggestion button").click()
    page.wait_for_load_state()
    assert page.url.endswith("/targets/4.1/")
    assert page.locator(".sa-facts .sa-strength").is_visible()

    page.goto(f"{live_server.url}/o/1961/agenda/targets/4.1/")
    section = page.locator("#status-analysis")
    assert section.locator(".sa-strength").is_visible()
    assert (
        section.locator(f"a[href='/o/1961/status-analyses/{analysis.pk}/targets/4.1/']").count()
        == 1
    )
    assert_accessible(page)


def test_the_table_filters_without_javascript(browser, live_server, analysis):
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    try:
        log_in(page, live_server, "extern")
        page.goto(f"{live_server.url}/o/1961/status-analyses/{analysis.pk}/")
        page.select_option("#id_assessment", "not_assessed")
        page.check("#id_differs")
        page.locator("form[role=search] button[type=submit]").click()
        page.wait_for_load_state()
        assert "differs=on" in page.url
        assert page.locator("#assessment-table").count() == 0
        page.uncheck("#id_differs")
        page.select_option("#id_sort", "suggestion")
        page.locator("form[role=search] button[type=submit]").click()
        page.wait_for_load_state()
        first = page.locator("#assessment-table tbody tr th").first.inner_text()
        assert first == "4.1"
    finally:
        context.close()
