import pytest
from django.urls import reverse
from django.utils import translation

from hallbar.agenda.models import Target
from tests.factories import (
    ActionFactory,
    BodyFactory,
    LocalGoalFactory,
    MembershipFactory,
    OrganisationFactory,
    SteeringDocumentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(reference_data):
    return OrganisationFactory()


def target(code: str) -> Target:
    return Target.objects.agenda2030().get(code=code)


def get(client, name, language="sv", **kwargs):
    client.cookies["django_language"] = language
    return client.get(reverse(name, kwargs=kwargs))


def test_overview_shows_the_17_goals_in_the_cake_layers(client, organisation):
    response = get(client, "steering:overview", org_code="1961")
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Biosfär", "Samhälle", "Ekonomi"):
        assert label in html
    assert html.count('class="goal-tile"') == 17
    assert "Hållbara städer och samhällen" in html


def test_overview_counts_local_goals_and_actions_per_goal(client, organisation):
    goal = LocalGoalFactory(organisation=organisation)
    goal.targets.set([target("11.2"), target("11.6"), target("3.6")])
    action = ActionFactory(
        organisation=organisation,
        plan__status="decided",
        plan__decided_by=goal.body,
        plan__decision_date="2025-01-01",
    )
    action.targets.set([target("11.2")])
    client.cookies["django_language"] = "en"
    response = client.get(reverse("steering:overview", kwargs={"org_code": "1961"}))
    tiles = {
        tile.split('"num">')[1].split("<")[0]: tile
        for tile in response.content.decode().split('class="goal-tile"')[1:]
    }
    assert "1 local goal," in tiles["11"] and "1 action" in tiles["11"]
    assert "1 local goal," in tiles["3"] and "0 actions" in tiles["3"]
    assert "0 local goals" in tiles["4"]


def test_goal_page_lists_its_targets_in_swedish_with_english_fallback_marked(client, organisation):
    html = get(client, "steering:goal", org_code="1961", number=11).content.decode()
    assert html.count('class="target-code"') == 10
    assert "Senast 2030 tillhandahålla tillgång till säkra" in html  # 11.2 has a Swedish text
    # 11.c has no Swedish text: English is shown and marked.
    assert '<span lang="en" class="untranslated">Support least developed countries' in html
    assert "ej översatt" in html or "not translated" in html


def test_goal_page_in_english_shows_english_texts(client, organisation):
    html = get(client, "steering:goal", "en", org_code="1961", number=11).content.decode()
    assert (
        "By 2030, provide access to safe, affordable, accessible and sustainable transport" in html
    )
    assert "untranslated" not in html.split("<main")[1]


def test_target_page_shows_what_the_municipality_does_for_it(client, organisation):
    council = BodyFactory(
        organisation=organisation, name="Kommunfullmäktige", kind="council_assembly"
    )
    council_goal = LocalGoalFactory(
        organisation=organisation, level="council", body=council, title="Trygga och hållbara resor"
    )
    committee_goal = LocalGoalFactory(organisation=organisation, title="Fler väljer cykeln")
    plan = SteeringDocumentFactory(
        organisation=organisation,
        title="Handlingsplan för hållbart resande",
        status="decided",
        decided_by=council,
        decision_date="2024-03-01",
    )
    action = ActionFactory(
        organisation=organisation, plan=plan, title="Bygg cykelbana längs Eriksbergsleden"
    )
    for item in (council_goal, committee_goal, action):
        item.targets.set([target("11.2")])
    other = LocalGoalFactory(organisation=organisation, title="Inte kopplat")
    other.targets.set([target("4.1")])

    html = get(client, "steering:target", org_code="1961", code="11.2").content.decode()
    assert "Trygga och hållbara resor" in html
    assert "Fler väljer cykeln" in html
    assert "Handlingsplan för hållbart resande" in html  # via the action under it
    assert "Bygg cykelbana längs Eriksbergsleden" in html
    assert "Inte kopplat" not in html
    assert "11.2.1" in html  # the global indicator


def test_the_public_sees_only_decided_goals_but_members_see_drafts(client, organisation):
    draft = LocalGoalFactory(
        organisation=organisation, title="Utkast till mål", status="draft", decision_date=None
    )
    draft.targets.set([target("11.2")])
    assert (
        "Utkast till mål"
        not in get(client, "steering:target", org_code="1961", code="11.2").content.decode()
    )
    member = MembershipFactory(body__organisation=organisation).user
    client.force_login(member)
    assert (
        "Utkast till mål"
        in get(client, "steering:target", org_code="1961", code="11.2").content.decode()
    )


def test_another_organisations_goals_never_show(client, organisation):
    other = OrganisationFactory(code="1980", name="Västerås")
    goal = LocalGoalFactory(organisation=other, title="Västerås mål")
    goal.targets.set([target("11.2")])
    html = get(client, "steering:target", org_code="1961", code="11.2").content.decode()
    assert "Västerås mål" not in html


def test_unknown_target_goal_or_organisation_is_404(client, organisation):
    assert get(client, "steering:target", org_code="1961", code="11.99").status_code == 404
    assert get(client, "steering:goal", org_code="1961", number=18).status_code == 404
    assert get(client, "steering:overview", org_code="0000").status_code == 404


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("steering:overview", {}),
        ("steering:goal", {"number": 11}),
        ("steering:target", {"code": "11.2"}),
    ],
)
def test_pages_run_a_fixed_number_of_queries(
    client, organisation, django_assert_max_num_queries, name, kwargs
):
    for n in range(5):
        goal = LocalGoalFactory(organisation=organisation)
        goal.targets.set([target("11.2"), target(f"{n + 1}.1")])
        ActionFactory(organisation=organisation).targets.set([target("11.2")])
    with django_assert_max_num_queries(12):
        response = get(client, name, org_code="1961", **kwargs)
    assert response.status_code == 200


def test_english_switch_keeps_the_page(client, organisation):
    url = reverse("steering:target", kwargs={"org_code": "1961", "code": "11.2"})
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    with translation.override("en"):
        html = client.get(url).content.decode()
    assert "What Hallstahammar does for this target" in html


def test_a_draft_goal_does_not_reveal_its_decided_document_to_the_public(client, organisation):
    council = BodyFactory(
        organisation=organisation, name="Kommunfullmäktige", kind="council_assembly"
    )
    programme = SteeringDocumentFactory(
        organisation=organisation,
        title="Näringslivsprogram",
        level="programme",
        status="decided",
        decided_by=council,
        decision_date="2024-03-01",
    )
    draft = LocalGoalFactory(
        organisation=organisation, document=programme, status="draft", decision_date=None
    )
    draft.targets.set([target("14.1")])
    html = get(client, "steering:target", org_code="1961", code="14.1").content.decode()
    assert "Näringslivsprogram" not in html
    member = MembershipFactory(body__organisation=organisation).user
    client.force_login(member)
    html = get(client, "steering:target", org_code="1961", code="14.1").content.decode()
    assert "Näringslivsprogram" in html


@pytest.mark.parametrize(
    "path",
    [
        "/o/%00/",
        "/o/%00/documents/",
        "/o/1961/agenda/targets/%00/",
        "/o/1961/agenda/targets/11.2%00/",
        "/o/1961/agenda/targets/%00/swedish-text/",
        "/o/1961/agenda/indicators/%00/swedish-text/",
        "/o/19610/",
    ],
)
def test_malformed_codes_in_the_address_are_404_not_a_server_error(client, organisation, path):
    assert client.get(path).status_code == 404
