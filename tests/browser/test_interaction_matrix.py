"""The interaction matrix in Chromium: an analyst scores a cell with the keyboard only
(focus the cell, Enter opens its form, type the score, Enter saves) and the influence
table updates in place; axe finds no WCAG 2.1 AA violation on the grid or the results."""

import pytest

from hallbar.analysis.interactions import services
from hallbar.analysis.interactions.models import InteractionScore
from tests.browser.conftest import PASSWORD, assert_accessible
from tests.factories import BodyFactory, MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def matrix(reference_data):
    organisation = OrganisationFactory()
    analysis = BodyFactory(organisation=organisation, name="Analysgruppen", kind="analysis_group")
    MembershipFactory(user__username="analytiker", body=analysis, role="officer")
    targets = list(services.agenda_targets(["1.3", "1.5", "2.2", "7.2"]).values())
    return services.matrix_create(
        organisation=organisation,
        title="Prioriterade delmål",
        targets=targets,
        cells=[
            services.CellInput("1.3", "1.5", 2, "Skydd ger motståndskraft."),
            services.CellInput("1.5", "2.2", -2, "Konkurrerar om resurser."),
        ],
    )


@pytest.fixture
def analyst_page(page, live_server, matrix):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "analytiker")
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    return page


def _out_of(page, code: str) -> str:
    return page.locator(f'[id="metrics-{code}"] td').first.inner_text()


def test_a_cell_is_scored_with_the_keyboard_and_the_metrics_update(
    analyst_page, live_server, matrix
):
    page = analyst_page
    page.goto(f"{live_server.url}/o/1961/matrices/{matrix.pk}/grid/")
    assert_accessible(page)
    assert _out_of(page, "7.2") == "0"
    t72 = matrix.matrix_targets.get(target__code="7.2").target_id
    t13 = matrix.matrix_targets.get(target__code="1.3").target_id

    page.locator(f"#cell-{t72}-{t13}").focus()
    page.keyboard.press("Enter")
    score = page.locator("#cell-editor #id_score")
    score.wait_for()
    # Focus moves into the form once htmx has settled it (fails by timeout if it never does).
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_score'")
    page.keyboard.type("3")
    page.keyboard.press("Enter")

    page.locator("#cell-editor [role=status]").wait_for()
    assert "7.2 → 1.3" in page.locator("#cell-editor [role=status]").inner_text()
    assert _out_of(page, "7.2") == "3"
    assert "+3" in page.locator(f"#cell-{t72}-{t13}").inner_text()
    saved = InteractionScore.objects.get(matrix=matrix, from_target_id=t72, to_target_id=t13)
    assert saved.score == 3
    assert_accessible(page)


def test_the_results_page_has_no_wcag_violations(analyst_page, live_server, matrix):
    page = analyst_page
    page.goto(f"{live_server.url}/o/1961/matrices/{matrix.pk}/")

    assert page.locator("h1").count() == 1
    network = page.locator("svg#network")
    assert network.get_attribute("role") == "img"
    assert network.locator("circle").count() == 4
    assert_accessible(page)


def test_a_cell_is_scored_without_javascript(browser, live_server, matrix):
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "analytiker")
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server.url}/o/1961/matrices/{matrix.pk}/grid/")
    t22 = matrix.matrix_targets.get(target__code="2.2").target_id
    t15 = matrix.matrix_targets.get(target__code="1.5").target_id

    page.locator(f"#cell-{t22}-{t15}").click()
    page.fill("#id_score", "-1")
    page.locator("main form button[type=submit]").click()

    assert page.url.split("#")[0].endswith("/grid/")
    assert "−1" in page.locator(f"#cell-{t22}-{t15}").inner_text()
    context.close()
