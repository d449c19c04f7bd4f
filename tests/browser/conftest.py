import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import BodyFactory, MembershipFactory, OrganisationFactory

PASSWORD = "hallbar-test"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def hallstahammar(reference_data):
    organisation = OrganisationFactory()
    council = BodyFactory(
        organisation=organisation,
        name="Kommunfullmäktige",
        short_name="KF",
        kind="council_assembly",
    )
    committee = BodyFactory(organisation=organisation, name="Tekniska nämnden", kind="committee")
    strateg = MembershipFactory(user__username="strateg", body=committee, role="officer").user
    return {
        "organisation": organisation,
        "council": council,
        "committee": committee,
        "user": strateg,
    }


@pytest.fixture
def logged_in_page(page, live_server, hallstahammar):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "strateg")
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    return page


def assert_accessible(page) -> None:
    """axe-core over the whole page: no WCAG 2.1 A or AA violation."""
    results = Axe().run(page, options=WCAG_21_AA)
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results.response["violations"]
    ]
    assert violations == [], f"{page.url}: {json.dumps(violations, ensure_ascii=False, indent=1)}"
