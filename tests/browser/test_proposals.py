"""A co-opted external member of the sustainability council, in Chromium: proposes a
change to a committee's action, comments on it, and can answer nothing."""

import pytest

from hallbar.engagement.models import Comment, Proposal
from tests.browser.conftest import PASSWORD, assert_accessible
from tests.factories import (
    ActionFactory,
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def council_page(page, live_server, reference_data):
    organisation = OrganisationFactory()
    council = BodyFactory(
        organisation=organisation, name="Hållbarhetsrådet", kind="sustainability_council"
    )
    BodyFactory(organisation=organisation, name="Kommunstyrelsen", kind="executive_board")
    committee = BodyFactory(organisation=organisation, name="Tekniska nämnden")
    action = ActionFactory(organisation=organisation, title="Trygga skolvägar", body=committee)
    MembershipFactory(user__username="radsledamot", body=council, role="external")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "radsledamot")
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    return page, action


def test_an_external_council_member_submits_a_proposal_and_comments(council_page, live_server):
    page, action = council_page
    base = f"{live_server.url}/o/1961"

    page.goto(f"{base}/proposals/new/?subject=action:{action.pk}")
    assert "Trygga skolvägar" in page.locator("main").inner_text()
    assert_accessible(page)
    page.fill("#id_title", "Låt eleverna kartlägga skolvägarna")
    page.fill("#id_text", "Bjud in elevråden till kartläggningen.")
    page.select_option("#id_to_body", label="Kommunstyrelsen")
    page.fill("#id_target_codes", "11.2, 3.6")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    assert "Låt eleverna kartlägga skolvägarna" in page.locator("h1").inner_text()
    assert_accessible(page)  # with the "submitted" message shown
    proposal = Proposal.objects.get()
    assert proposal.author.username == "radsledamot"
    assert proposal.subject == action
    assert proposal.status == "submitted"
    # Proposing is not deciding: no way to answer it from here.
    assert page.locator(f"a[href$='/proposals/{proposal.pk}/answer/']").count() == 0
    response = page.request.get(f"{base}/proposals/{proposal.pk}/answer/")
    assert response.status == 403

    page.goto(f"{base}/proposals/")
    assert "Låt eleverna kartlägga skolvägarna" in page.locator("main table").inner_text()
    assert_accessible(page)

    page.goto(f"{base}/comments/action/{action.pk}/")
    page.fill("#id_text", "Tänk på vinterväghållningen.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Tänk på vinterväghållningen." in page.locator("main").inner_text()
    assert_accessible(page)
    assert Comment.objects.get().author.username == "radsledamot"


def test_a_proposal_without_text_keeps_the_input_and_names_the_field(council_page, live_server):
    page, _action = council_page
    page.goto(f"{live_server.url}/o/1961/proposals/new/")
    page.fill("#id_title", "Bara en rubrik")
    page.locator("#id_text").evaluate("el => el.removeAttribute('required')")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator(".errorlist").count() > 0
    assert page.input_value("#id_title") == "Bara en rubrik"
    assert_accessible(page)
    assert not Proposal.objects.exists()
