"""The register, detail page and forms of actions under action plans."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hallbar.agenda.models import Target
from hallbar.steering.models import Action
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
def committee(organisation):
    return BodyFactory(organisation=organisation, name="Tekniska nämnden")


@pytest.fixture
def plan(organisation, committee):
    return SteeringDocumentFactory(
        organisation=organisation,
        title="Handlingsplan för hållbart resande",
        status="decided",
        decided_by=committee,
        decision_date=dt.date(2025, 2, 10),
    )


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


def form_data(plan, body, **overrides):
    data = {
        "title": "Bygg gång- och cykelväg till Kolbäck",
        "description": "",
        "plan": plan.pk,
        "body": body.pk,
        "owner": "Gatu- och parkchef",
        "start": "2026-01-01",
        "end": "2027-12-31",
        "planned_cost": "4500000",
        "status": "started",
        "target_codes": "11.2, 3.6",
    }
    return data | overrides


# The register


def test_the_register_shows_plan_body_owner_period_status_and_targets(
    client, organisation, committee, plan
):
    action = ActionFactory(
        organisation=organisation,
        title="Cykelparkering vid stationen",
        plan=plan,
        body=committee,
        owner="Trafikplanerare",
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 9, 30),
        status="delayed",
    )
    action.targets.set(targets("11.2"))

    page = client.get(url("action_list", organisation)).content.decode()

    for text in [
        "Cykelparkering vid stationen",
        "Handlingsplan för hållbart resande",
        "Tekniska nämnden",
        "Trafikplanerare",
        "2026-03-01 – 2026-09-30",
        "Delayed",
        ">11.2</a>",
    ]:
        assert text in page


@pytest.mark.parametrize(
    ("filter_name", "shown", "hidden"),
    [
        ("status", "Klar åtgärd", "Påbörjad åtgärd"),
        ("body", "Klar åtgärd", "Påbörjad åtgärd"),
        ("plan", "Klar åtgärd", "Påbörjad åtgärd"),
        ("target", "Klar åtgärd", "Påbörjad åtgärd"),
    ],
)
def test_filters_narrow_the_list(client, organisation, committee, plan, filter_name, shown, hidden):
    other_body = BodyFactory(organisation=organisation, name="Kultur- och fritidsnämnden")
    other_plan = SteeringDocumentFactory(
        organisation=organisation,
        status="decided",
        decided_by=other_body,
        decision_date=dt.date(2025, 1, 1),
    )
    done = ActionFactory(
        organisation=organisation, title="Klar åtgärd", plan=plan, body=committee, status="done"
    )
    done.targets.set(targets("11.2"))
    ActionFactory(
        organisation=organisation,
        title="Påbörjad åtgärd",
        plan=other_plan,
        body=other_body,
        status="started",
    )
    value = {"status": "done", "body": committee.pk, "plan": plan.pk, "target": "11.2"}[filter_name]

    page = client.get(url("action_list", organisation), {filter_name: value}).content.decode()

    assert shown in page
    assert hidden not in page


def test_actions_under_a_draft_plan_are_hidden_from_the_public(client, organisation, committee):
    draft_plan = SteeringDocumentFactory(organisation=organisation, status="draft")
    ActionFactory(organisation=organisation, title="Planerad åtgärd", plan=draft_plan)

    assert "Planerad åtgärd" not in client.get(url("action_list", organisation)).content.decode()
    client.force_login(MembershipFactory(body=committee).user)
    assert "Planerad åtgärd" in client.get(url("action_list", organisation)).content.decode()


def test_the_register_runs_the_same_number_of_queries_for_few_and_many_actions(
    client, organisation, committee, plan, django_assert_max_num_queries
):
    def add_actions(count):
        for _ in range(count):
            action = ActionFactory(organisation=organisation, plan=plan, body=committee)
            action.targets.set(targets("11.2", "3.6"))

    add_actions(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url("action_list", organisation))
    add_actions(20)
    with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as many:
        client.get(url("action_list", organisation))

    assert len(many) == len(few)


# The detail page


def test_the_detail_page_shows_cost_period_targets_and_goals(client, organisation, committee, plan):
    goal = LocalGoalFactory(organisation=organisation, title="Fler cyklar", body=committee)
    action = ActionFactory(
        organisation=organisation,
        plan=plan,
        body=committee,
        planned_cost=4500000,
        start=dt.date(2026, 1, 1),
        end=dt.date(2027, 12, 31),
    )
    action.targets.set(targets("11.2"))
    action.local_goals.add(goal)

    page = client.get(url("action_detail", organisation, pk=action.pk)).content.decode()

    assert "4,500,000 SEK" in page
    assert "2026-01-01 – 2027-12-31" in page
    assert "Handlingsplan för hållbart resande" in page
    assert reverse("steering:target", kwargs={"org_code": "1961", "code": "11.2"}) in page
    assert "Fler cyklar" in page


def test_another_organisations_action_is_not_found(client, organisation, other_organisation):
    foreign = ActionFactory(organisation=other_organisation)

    assert client.get(url("action_detail", organisation, pk=foreign.pk)).status_code == 404


def test_the_detail_page_runs_a_bounded_number_of_queries(
    client, organisation, committee, plan, editor, django_assert_max_num_queries
):
    action = ActionFactory(organisation=organisation, plan=plan, body=committee)
    action.targets.set(Target.objects.agenda2030()[:10])
    action.local_goals.set([LocalGoalFactory(organisation=organisation) for _ in range(5)])

    with django_assert_max_num_queries(14):  # 3 of them: comments and proposals
        response = client.get(url("action_detail", organisation, pk=action.pk))

    assert response.status_code == 200


# Creating and editing


def test_an_anonymous_visitor_is_sent_to_log_in(client, organisation, committee, plan):
    response = client.post(url("action_create", organisation), form_data(plan, committee))

    assert response["Location"].startswith("/accounts/login/")
    assert not Action.objects.exists()


def test_a_user_of_another_organisation_is_refused(
    client, organisation, committee, plan, other_organisation
):
    client.force_login(MembershipFactory(body=BodyFactory(organisation=other_organisation)).user)

    assert client.get(url("action_create", organisation)).status_code == 403
    assert (
        client.post(url("action_create", organisation), form_data(plan, committee)).status_code
        == 403
    )
    assert not Action.objects.exists()


def test_a_member_registers_an_action_under_a_plan(client, organisation, committee, plan, editor):
    response = client.post(
        url("action_create", organisation), form_data(plan, committee), follow=True
    )

    action = Action.objects.get()
    assert response.redirect_chain[-1][0] == url("action_detail", organisation, pk=action.pk)
    assert "The action was saved." in response.content.decode()
    assert action.created_by == editor
    assert action.planned_cost == 4500000
    assert sorted(action.targets.values_list("code", flat=True)) == ["11.2", "3.6"]
    page = client.get(url("action_list", organisation)).content.decode()
    assert "Bygg gång- och cykelväg till Kolbäck" in page


def test_only_action_plans_are_offered_as_plans(client, organisation, committee, plan, editor):
    SteeringDocumentFactory(organisation=organisation, title="Miljöprogrammet", level="programme")

    page = client.get(url("action_create", organisation)).content.decode()

    assert "Handlingsplan för hållbart resande" in page
    assert "Miljöprogrammet" not in page


def test_a_forged_plan_of_another_organisation_is_refused(
    client, organisation, committee, editor, other_organisation
):
    foreign_plan = SteeringDocumentFactory(organisation=other_organisation)

    response = client.post(url("action_create", organisation), form_data(foreign_plan, committee))

    assert "Plan: Select a valid choice." in response.content.decode()
    assert not Action.objects.exists()


def test_a_forged_local_goal_of_another_organisation_is_refused(
    client, organisation, committee, plan, editor, other_organisation
):
    foreign_goal = LocalGoalFactory(organisation=other_organisation)

    response = client.post(
        url("action_create", organisation),
        form_data(plan, committee, local_goals=[foreign_goal.pk]),
    )

    assert "local_goals" in response.context["form"].errors
    assert not Action.objects.exists()


def test_an_end_before_the_start_is_an_error_on_the_end(
    client, organisation, committee, plan, editor
):
    response = client.post(
        url("action_create", organisation), form_data(plan, committee, end="2025-12-31")
    )

    assert "End: The end cannot be before the start." in response.content.decode()
    assert not Action.objects.exists()


def test_a_negative_cost_is_an_error_on_the_cost(client, organisation, committee, plan, editor):
    response = client.post(
        url("action_create", organisation), form_data(plan, committee, planned_cost="-1")
    )

    page = response.content.decode()
    assert "Planned cost (SEK): The planned cost cannot be negative." in page
    assert not Action.objects.exists()


def test_a_cost_too_large_to_store_is_an_error_not_a_crash(
    client, organisation, committee, plan, editor
):
    response = client.post(
        url("action_create", organisation), form_data(plan, committee, planned_cost="1" * 20)
    )

    assert response.status_code == 200
    assert "planned_cost" in response.context["form"].errors
    assert not Action.objects.exists()


def test_an_unknown_target_code_is_refused_by_name(client, organisation, committee, plan, editor):
    response = client.post(
        url("action_create", organisation), form_data(plan, committee, target_codes="3.6, 18.1")
    )

    assert "Agenda 2030 targets: Unknown target: 18.1" in response.content.decode()
    assert not Action.objects.exists()


def test_a_link_from_a_plan_page_preselects_the_plan(client, organisation, committee, plan, editor):
    form = client.get(url("action_create", organisation), {"plan": plan.pk}).context["form"]

    assert str(form["plan"].value()) == str(plan.pk)


def test_a_member_edits_an_action(client, organisation, committee, plan, editor):
    action = ActionFactory(organisation=organisation, plan=plan, body=committee)

    response = client.post(
        url("action_edit", organisation, pk=action.pk),
        form_data(plan, committee, status="done", version=action.updated_at.isoformat()),
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"


def test_an_action_filed_under_another_level_can_still_be_edited(
    client, organisation, committee, editor
):
    programme = SteeringDocumentFactory(organisation=organisation, level="programme")
    action = ActionFactory(organisation=organisation, plan=programme, body=committee)

    response = client.post(
        url("action_edit", organisation, pk=action.pk),
        form_data(programme, committee) | {"version": action.updated_at.isoformat()},
    )

    assert response.status_code == 302


def test_an_edit_without_the_version_it_started_from_is_refused(
    client, organisation, committee, plan, editor
):
    action = ActionFactory(organisation=organisation, plan=plan, body=committee, title="Före")

    response = client.post(
        url("action_edit", organisation, pk=action.pk),
        form_data(plan, committee) | {"title": "Efter"},
    )

    assert response.status_code == 200
    assert "The form is out of date" in response.content.decode()
    action.refresh_from_db()
    assert action.title == "Före"


def test_editing_another_organisations_action_is_not_found(
    client, organisation, committee, plan, editor, other_organisation
):
    foreign = ActionFactory(organisation=other_organisation)

    assert client.get(url("action_edit", organisation, pk=foreign.pk)).status_code == 404


def test_the_result_of_an_action_is_recorded_and_shown(
    client, organisation, committee, plan, editor
):
    result = "1,2 km cykelväg byggd; 300 fler cykelresor per dag enligt mätningen."
    client.post(url("action_create", organisation), form_data(plan, committee, result=result))

    action = Action.objects.get()
    assert action.result == result
    assert result in client.get(url("action_detail", organisation, pk=action.pk)).content.decode()
