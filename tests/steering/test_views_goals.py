"""The register, detail page and forms of council and committee goals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hallbar.agenda.models import Goal, GoalSet, Target
from hallbar.steering.models import LocalGoal
from tests.factories import (
    ActionFactory,
    BodyFactory,
    LocalGoalFactory,
    MembershipFactory,
    OrganisationFactory,
    SteeringDocumentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def organisation(reference_data):
    return OrganisationFactory()


@pytest.fixture
def council(organisation):
    return BodyFactory(
        organisation=organisation,
        name="Kommunfullmäktige",
        short_name="KF",
        kind="council_assembly",
    )


@pytest.fixture
def committee(organisation):
    return BodyFactory(organisation=organisation, name="Tekniska nämnden")


@pytest.fixture
def editor(client, committee):
    user = MembershipFactory(body=committee).user
    client.force_login(user)
    return user


@pytest.fixture
def other_organisation():
    return OrganisationFactory(code="0180", name="Stockholm")


def url(name, organisation, **kwargs):
    return reverse(f"steering:{name}", kwargs={"org_code": organisation.code, **kwargs})


def targets(*codes):
    return list(Target.objects.agenda2030().filter(code__in=codes))


def form_data(body, **overrides):
    data = {
        "level": "committee",
        "title": "Fler resor till fots och med cykel",
        "description": "",
        "body": body.pk,
        "document": "",
        "parent": "",
        "status": "decided",
        "decision_date": "2026-11-20",
        "decision_paragraph": "87",
        "target_codes": "11.2, 3.6",
    }
    return data | overrides


# The register


def test_the_register_shows_body_status_and_target_codes(client, organisation, committee):
    goal = LocalGoalFactory(organisation=organisation, title="Säkrare skolvägar", body=committee)
    goal.targets.set(targets("11.2", "3.6"))

    page = client.get(url("goal_list", organisation)).content.decode()

    assert "Säkrare skolvägar" in page
    assert "Tekniska nämnden" in page
    assert "Decided" in page
    assert ">11.2</a>" in page
    assert ">3.6</a>" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"level": "council"}, "Fullmäktiges mål", "Nämndens mål"),
        ({"status": "draft"}, "Nämndens utkast", "Nämndens mål"),
        ({"target": "11.2"}, "Nämndens mål", "Fullmäktiges mål"),
        ({"q": "utkast"}, "Nämndens utkast", "Nämndens mål"),
    ],
)
def test_filters_narrow_the_list(
    client, organisation, council, committee, editor, query, shown, hidden
):
    LocalGoalFactory(
        organisation=organisation, level="council", title="Fullmäktiges mål", body=council
    )
    LocalGoalFactory(organisation=organisation, title="Nämndens mål", body=committee).targets.set(
        targets("11.2")
    )
    LocalGoalFactory(
        organisation=organisation, title="Nämndens utkast", body=committee, status="draft"
    )

    page = client.get(url("goal_list", organisation), query).content.decode()

    assert shown in page
    assert hidden not in page


def test_the_body_filter_narrows_the_list(client, organisation, council, committee):
    LocalGoalFactory(
        organisation=organisation, level="council", title="Fullmäktiges mål", body=council
    )
    LocalGoalFactory(organisation=organisation, title="Nämndens mål", body=committee)

    page = client.get(url("goal_list", organisation), {"body": committee.pk}).content.decode()

    assert "Nämndens mål" in page
    assert "Fullmäktiges mål" not in page


def test_an_unknown_target_in_the_filter_is_named_and_left_out(client, organisation, committee):
    LocalGoalFactory(organisation=organisation, title="Nämndens mål", body=committee)

    page = client.get(url("goal_list", organisation), {"target": "11.99"}).content.decode()

    assert "Target: Unknown target: 11.99" in page
    assert "Nämndens mål" in page


def test_draft_goals_are_hidden_from_the_public(client, organisation, committee):
    LocalGoalFactory(
        organisation=organisation, title="Nämndens utkast", body=committee, status="draft"
    )

    assert "Nämndens utkast" not in client.get(url("goal_list", organisation)).content.decode()


def test_the_register_runs_the_same_number_of_queries_for_few_and_many_goals(
    client, organisation, committee, editor, django_assert_max_num_queries
):
    document = SteeringDocumentFactory(organisation=organisation)

    def add_goals(count):
        for _ in range(count):
            goal = LocalGoalFactory(organisation=organisation, body=committee, document=document)
            goal.targets.set(targets("11.2", "3.6", "13.2"))

    add_goals(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url("goal_list", organisation))
    add_goals(20)
    with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as many:
        client.get(url("goal_list", organisation))

    assert len(many) == len(few)


# The detail page


def test_the_detail_page_shows_targets_national_goals_and_actions(
    client, organisation, council, committee
):
    council_goal = LocalGoalFactory(
        organisation=organisation, level="council", title="Hållbara resor", body=council
    )
    goal = LocalGoalFactory(
        organisation=organisation,
        title="Fler resor med cykel",
        body=committee,
        parent=council_goal,
        decision_paragraph="87",
    )
    goal.targets.set(targets("11.2"))
    climate = Goal.objects.get(goal_set__code="miljokvalitetsmal", number=1)
    goal.other_goals.add(climate)
    action = ActionFactory(organisation=organisation, title="Bygg cykelbanor")
    action.plan.status = "decided"
    action.plan.decided_by = council
    action.plan.decision_date = goal.decision_date
    action.plan.save()
    action.local_goals.add(goal)

    page = client.get(url("goal_detail", organisation, pk=goal.pk)).content.decode()

    assert "Committee goal" in page
    assert "§ 87" in page
    assert "Hållbara resor" in page
    assert reverse("steering:target", kwargs={"org_code": "1961", "code": "11.2"}) in page
    assert climate.title_en in page or climate.title_sv in page
    assert "Bygg cykelbanor" in page


def test_a_council_goal_lists_the_committee_goals_serving_it(
    client, organisation, council, committee
):
    council_goal = LocalGoalFactory(organisation=organisation, level="council", body=council)
    LocalGoalFactory(
        organisation=organisation, title="Nämndens bidrag", body=committee, parent=council_goal
    )

    page = client.get(url("goal_detail", organisation, pk=council_goal.pk)).content.decode()

    assert "Nämndens bidrag" in page


def test_another_organisations_goal_is_not_found(client, organisation, other_organisation):
    foreign = LocalGoalFactory(organisation=other_organisation)

    assert client.get(url("goal_detail", organisation, pk=foreign.pk)).status_code == 404


def test_the_detail_page_runs_a_bounded_number_of_queries(
    client, organisation, council, committee, editor, django_assert_max_num_queries
):
    goal = LocalGoalFactory(organisation=organisation, level="council", body=council)
    goal.targets.set(Target.objects.agenda2030()[:10])
    goal.other_goals.set(Goal.objects.filter(goal_set__code="miljokvalitetsmal")[:5])
    for _ in range(5):
        LocalGoalFactory(organisation=organisation, body=committee, parent=goal)
        ActionFactory(organisation=organisation).local_goals.add(goal)

    with django_assert_max_num_queries(17):  # 3 of them: comments and proposals
        response = client.get(url("goal_detail", organisation, pk=goal.pk))

    assert response.status_code == 200


# Creating and editing


def test_an_anonymous_visitor_is_sent_to_log_in(client, organisation, committee):
    response = client.post(url("goal_create", organisation), form_data(committee))

    assert response["Location"].startswith("/accounts/login/")
    assert not LocalGoal.objects.exists()


def test_a_user_of_another_organisation_is_refused(
    client, organisation, committee, other_organisation
):
    client.force_login(MembershipFactory(body=BodyFactory(organisation=other_organisation)).user)

    response = client.post(url("goal_create", organisation), form_data(committee))

    assert response.status_code == 403
    assert not LocalGoal.objects.exists()


def test_a_member_registers_a_committee_goal_linked_to_two_targets(
    client, organisation, committee, editor
):
    response = client.post(url("goal_create", organisation), form_data(committee), follow=True)

    goal = LocalGoal.objects.get()
    assert response.redirect_chain[-1][0] == url("goal_detail", organisation, pk=goal.pk)
    assert "The goal was saved." in response.content.decode()
    assert sorted(goal.targets.values_list("code", flat=True)) == ["11.2", "3.6"]
    assert goal.organisation == organisation
    page = client.get(url("goal_list", organisation), {"target": "3.6"}).content.decode()
    assert "Fler resor till fots och med cykel" in page


def test_national_goals_are_offered_as_checkboxes_grouped_by_goal_set(
    client, organisation, committee, editor
):
    page = client.get(url("goal_create", organisation)).content.decode()

    assert "<legend>National and regional goals</legend>" in page
    assert "<legend>Sweden&#x27;s environmental quality objectives</legend>" in page
    assert "<legend>Public-health policy target areas</legend>" in page
    assert 'type="checkbox" name="other_goals"' in page


def test_a_member_links_a_national_goal(client, organisation, committee, editor):
    climate = Goal.objects.get(goal_set__code="miljokvalitetsmal", number=1)

    client.post(url("goal_create", organisation), form_data(committee, other_goals=[climate.pk]))

    assert list(LocalGoal.objects.get().other_goals.all()) == [climate]


def test_a_goal_of_another_organisations_own_goal_set_is_refused(
    client, organisation, committee, editor, other_organisation
):
    rus = GoalSet.objects.create(
        code="rus", kind="regional", organisation=other_organisation, title_sv="Stockholms RUS"
    )
    foreign_goal = Goal.objects.create(goal_set=rus, code="1", number=1, title_sv="Växande region")

    response = client.post(
        url("goal_create", organisation), form_data(committee, other_goals=[foreign_goal.pk])
    )

    assert "other_goals" in response.context["form"].errors
    assert not LocalGoal.objects.exists()


def test_the_organisations_own_regional_goals_are_offered(client, organisation, committee, editor):
    rus = GoalSet.objects.create(
        code="rus", kind="regional", organisation=organisation, title_sv="Västmanlands RUS"
    )
    Goal.objects.create(goal_set=rus, code="1", number=1, title_sv="Attraktiva livsmiljöer")

    page = client.get(url("goal_create", organisation)).content.decode()

    assert "Attraktiva livsmiljöer" in page


def test_agenda_2030_goals_are_not_offered_as_national_goals(
    client, organisation, committee, editor
):
    form = client.get(url("goal_create", organisation)).context["form"]

    assert not form.fields["other_goals"].queryset.filter(goal_set__code="agenda2030").exists()


def test_a_forged_body_of_another_organisation_is_refused(
    client, organisation, committee, editor, other_organisation
):
    foreign = BodyFactory(organisation=other_organisation)

    response = client.post(url("goal_create", organisation), form_data(foreign))

    assert "Body: Select a valid choice." in response.content.decode()
    assert not LocalGoal.objects.exists()


def test_a_forged_council_goal_of_another_organisation_is_refused(
    client, organisation, committee, editor, other_organisation
):
    foreign = LocalGoalFactory(organisation=other_organisation, level="council")

    response = client.post(
        url("goal_create", organisation), form_data(committee, parent=foreign.pk)
    )

    assert "parent" in response.context["form"].errors
    assert LocalGoal.objects.filter(organisation=organisation).count() == 0


def test_an_unknown_target_code_is_refused_by_name(client, organisation, committee, editor):
    response = client.post(
        url("goal_create", organisation), form_data(committee, target_codes="11.2, 11.99")
    )

    assert "Agenda 2030 targets: Unknown target: 11.99" in response.content.decode()
    assert not LocalGoal.objects.exists()


def test_a_decided_goal_needs_a_decision_date(client, organisation, committee, editor):
    response = client.post(url("goal_create", organisation), form_data(committee, decision_date=""))

    assert "Decision date: A decided goal needs a decision date." in response.content.decode()
    assert not LocalGoal.objects.exists()


def test_a_council_goal_cannot_serve_another_council_goal(
    client, organisation, council, committee, editor
):
    council_goal = LocalGoalFactory(organisation=organisation, level="council", body=council)

    response = client.post(
        url("goal_create", organisation),
        form_data(council, level="council", parent=council_goal.pk),
    )

    assert "Only a committee goal can serve a council goal." in response.content.decode()
    assert LocalGoal.objects.count() == 1


def test_a_link_from_a_target_page_prefills_the_target(client, organisation, committee, editor):
    form = client.get(url("goal_create", organisation), {"targets": "11.2"}).context["form"]

    assert form["target_codes"].value() == "11.2"


def test_a_member_edits_a_goal(client, organisation, committee, editor):
    goal = LocalGoalFactory(organisation=organisation, body=committee, title="Gammalt mål")

    response = client.post(
        url("goal_edit", organisation, pk=goal.pk),
        form_data(committee, title="Nytt mål", version=goal.updated_at.isoformat()),
    )

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Nytt mål"


def test_editing_another_organisations_goal_is_not_found(
    client, organisation, committee, editor, other_organisation
):
    foreign = LocalGoalFactory(organisation=other_organisation)

    assert client.get(url("goal_edit", organisation, pk=foreign.pk)).status_code == 404
