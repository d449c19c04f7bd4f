"""Impact assessment in Chromium: an officer opens a case linked to an action, finds the
action's targets suggested, rates them (one up, one down), saves, and sees the goal
conflict raised; axe finds no WCAG 2.1 AA violation on the pages on the way."""

import datetime as dt

import pytest

from hallbar.agenda.models import Target
from hallbar.analysis.impact import services
from hallbar.analysis.impact.models import GoalConflict
from tests.browser.conftest import assert_accessible
from tests.factories import ActionFactory, SteeringDocumentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case(hallstahammar):
    organisation, committee = hallstahammar["organisation"], hallstahammar["committee"]
    plan = SteeringDocumentFactory(
        organisation=organisation, title="Bostadsförsörjningsprogram", responsible_body=committee
    )
    action = ActionFactory(
        organisation=organisation, title="Nya bostäder vid Sörgärdet", plan=plan, body=committee
    )
    action.targets.set(Target.objects.agenda2030().filter(code__in=["11.1", "2.4"]))
    case = services.case_save(
        organisation=organisation,
        fields={
            "title": "Detaljplan för bostäder på åkermark",
            "diary_number": "TN 2026/41",
            "deciding_body": committee,
            "preparing_body": committee,
            "preparing_officer": hallstahammar["user"],
            "date": dt.date(2026, 3, 2),
        },
        links={"actions": [action]},
    )
    return case


def test_an_officer_assesses_a_case_and_sees_the_conflict_raised(logged_in_page, live_server, case):
    page = logged_in_page
    page.goto(f"{live_server.url}/o/1961/impact/cases/{case.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Bedöm ärendet").click()
    page.wait_for_load_state()

    # The form starts from the targets of the linked action, each with why.
    assert page.locator("#row-t11_1").is_visible()
    assert "Nya bostäder vid Sörgärdet" in page.locator("#row-t2_4").inner_text()
    assert_accessible(page)

    page.select_option("#id_social_rating", "2")
    page.fill("#id_social_motivation", "Fler bostäder för unga.")
    page.select_option("#id_decision_t11_1", "include")
    page.select_option("#id_rating_t11_1", "2")
    page.fill("#id_motivation_t11_1", "180 nya bostäder nära stationen.")
    page.select_option("#id_decision_t2_4", "include")
    page.select_option("#id_rating_t2_4", "-2")
    page.fill("#id_motivation_t2_4", "Nio hektar åkermark försvinner.")
    page.select_option("#id_whole_picture", "partly")
    page.fill("#id_whole_picture_comment", "Andra lägen utreddes kort.")
    page.get_by_role("button", name="Spara bedömningen").click()
    page.wait_for_load_state()

    conflict = GoalConflict.objects.get(case=case)
    assert page.url.endswith(f"/impact/cases/{case.pk}/")
    assert "ledde till 1 målkonflikt som ska avvägas" in page.locator(".messages").inner_text()
    assert conflict.title in page.locator("#case-conflicts").inner_text()
    assert "Nio hektar åkermark försvinner." in page.locator("#effects").inner_text()
    assert_accessible(page)  # with the messages shown

    page.get_by_role("link", name=conflict.title).click()
    page.wait_for_load_state()
    assert "Nio hektar åkermark försvinner." in page.locator("#evidence").inner_text()
    assert page.locator("#conflict-status").inner_text() == "Öppen"
    assert_accessible(page)


def test_a_bad_rating_keeps_the_input_and_names_the_field(logged_in_page, live_server, case):
    page = logged_in_page
    page.goto(f"{live_server.url}/o/1961/impact/cases/{case.pk}/assessment/")
    page.select_option("#id_decision_t11_1", "include")
    page.fill("#id_motivation_t11_1", "Motivering utan betyg.")
    page.get_by_role("button", name="Spara bedömningen").click()
    page.wait_for_load_state()
    assert "Bedöm effekten på 11.1" in page.locator("[role=alert]").inner_text()
    assert page.input_value("#id_motivation_t11_1") == "Motivering utan betyg."
    assert_accessible(page)
    assert not case.effects.exists()
