"""The indicator page in Chromium: the chart renders (server-side SVG, no script needed), the
table beside it has the values, the download works, and axe finds no WCAG 2.1 AA violation."""

import csv
import io

import pytest

from tests.browser.conftest import assert_accessible
from tests.followup.test_views_indicators import build_indicator_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def indicators(hallstahammar):
    return build_indicator_world()


def test_the_indicator_page_shows_chart_table_and_downloads(page, live_server, indicators):
    page.goto(f"{live_server.url}/o/1961/indicators/N00945/")

    assert page.locator("h1").inner_text().startswith("N00945")
    # The chart: an image with a name, drawn with lines and the target.
    chart = page.get_by_role("img", name="VAB som tas ut av män, andel (%)")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 150
    assert page.locator('#indicator-chart path[aria-roledescription="line mark"]').count() == 4
    assert page.locator('#indicator-chart [aria-roledescription="rule mark"]').count() == 1
    # The table beside it, with the same values.
    table = page.locator("#data-table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 3  # 2015, 2018, 2020
    row_2020 = table.locator("tbody tr", has=page.locator("th", has_text="2020"))
    assert row_2020.locator("td").first.inner_text() == "25"
    assert page.locator('#indicator-chart [aria-label="Hallstahammar 2020: 25"]').count() == 1
    # Status and relative position, in words (and colour).
    assert page.locator("#progress-T .badge-on_track").is_visible()
    assert page.locator("section[aria-labelledby=position-heading] .badge-yellow").is_visible()
    assert_accessible(page)

    # The download works.
    with page.expect_download() as info:
        page.locator("a[href$='/export/indicator-csv/']").click()
    download = info.value
    assert download.suggested_filename == "1961-N00945.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read()), delimiter=";"))
    own = [(r["Year"], r["Value"]) for r in rows if r["Area"] == "1961"]
    assert own == [("2015", "20.0"), ("2018", "24.0"), ("2020", "25.0")]

    with page.expect_download() as info:
        page.locator("a[href$='/export/indicator-xlsx/']").click()
    assert info.value.suggested_filename == "1961-N00945.xlsx"


def test_the_chart_needs_no_javascript(browser, live_server, indicators):
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/o/1961/indicators/N00945/")
        assert page.locator("#indicator-chart").is_visible()
        assert page.locator("#data-table tbody tr").count() == 3
        # The register's filters are a plain GET form.
        page.goto(f"{live_server.url}/o/1961/indicators/")
        assert page.locator("tbody tr").count() == 1
        page.select_option("#id_source", "own")
        page.locator("form[role=search] button[type=submit]").click()
        page.wait_for_load_state()
        assert "source=own" in page.url
        assert page.locator("tbody tr").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    ["/o/1961/indicators/", "/o/1961/agenda/goals/5/", "/o/1961/agenda/targets/5.4/"],
)
def test_indicator_lists_have_no_wcag_violations(page, live_server, indicators, path):
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert "N00945" in page.content()
    assert_accessible(page)
