"""The published sustainability report in Chromium: the contents lead to the sections,
the charts are images with a name and a table beside them, it reads without JavaScript,
and axe finds no WCAG 2.1 AA violation (the public page and the editor's draft view)."""

import pytest

from hallbar.report import services
from tests.browser.conftest import assert_accessible
from tests.report.conftest import build_setting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def report(reference_data):
    setting = build_setting()
    setting.indicator("EGET-1", {2018: 10.0, 2021: 12.5, 2025: 14.5}, target_value=20)
    setting.indicator("EGET-2", {2019: 40.0, 2025: 35.0}, target="3.4")
    draft = services.report_create(organisation=setting.organisation, year=2025)
    published = setting.published(draft)
    next_draft = services.report_create(organisation=setting.organisation, year=2026)
    return setting, published, next_draft


def test_the_published_report_reads_without_javascript(browser, live_server, report):
    _setting, published, _draft = report
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live_server.url}/o/1961/report/{published.pk}/")
    assert page.locator("h1").count() == 1
    assert published.content_hash in page.locator("main").inner_text()
    toc = page.locator("nav.report-toc")
    assert toc.locator("a").count() > 20
    toc.locator("a[href='#method']").click()
    assert page.url.endswith("#method")
    # Every chart is a named image, followed by its data table.
    charts = page.locator("figure.chart svg[role=img]")
    assert charts.count() >= 3
    assert page.locator("#goal-11 table.data-table").count() == 1
    context.close()


def test_the_published_report_is_accessible(page, live_server, report):
    _setting, published, _draft = report
    page.goto(f"{live_server.url}/o/1961/report/{published.pk}/")
    assert page.get_by_role("img").count() >= 3
    assert_accessible(page)


def test_the_draft_with_its_workflow_panel_is_accessible(page, live_server, report):
    setting, _published, draft = report
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", setting.users["editor"].username)
    page.fill("#id_password", "hallbar-test")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/o/1961/report/{draft.pk}/")
    assert page.locator("section.workflow").is_visible()
    assert_accessible(page)
