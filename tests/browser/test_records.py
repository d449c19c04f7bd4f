"""The record in Chromium: a council member withdraws their own proposal after the
confirmation page, finds it under "Borttagna poster" and reads its history (Historik),
each page checked with axe-core."""

import pytest

from hallbar.engagement.models import Proposal
from tests.browser.conftest import assert_accessible
from tests.browser.test_proposals import council_page  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_council_member_withdraws_a_proposal_and_reads_its_history(
    council_page,  # noqa: F811
    live_server,
):
    page, action = council_page
    base = f"{live_server.url}/o/1961"
    page.goto(f"{base}/proposals/new/?subject=action:{action.pk}")
    page.fill("#id_title", "Cykelställ vid simhallen")
    page.fill("#id_text", "Sätt upp fler cykelställ.")
    page.select_option("#id_to_body", label="Kommunstyrelsen")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    proposal = Proposal.objects.get()

    page.get_by_role("link", name="Ta bort").click()
    page.wait_for_load_state()
    assert "tas därför bort permanent" in page.locator("main").inner_text()
    assert_accessible(page)
    page.fill("#id_reason", "Skickat av misstag")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    assert "Cykelställ vid simhallen" in page.locator(".messages").inner_text()
    assert_accessible(page)  # the register, with the message shown
    assert not Proposal._base_manager.filter(pk=proposal.pk).exists()

    page.goto(f"{base}/records/deleted/")
    assert_accessible(page)
    page.get_by_role("link", name="Cykelställ vid simhallen").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Historik" in page.locator("h1").inner_text()
    assert "Skickat av misstag" in main
    assert_accessible(page)
