"""Deleting: soft where the object was ever a public record, hard only for drafts that
never were, always after a confirmation page; refused while others depend on it; a
soft delete can be undone."""

import datetime as dt

import pytest
from django.urls import reverse

from hallbar.core import records
from hallbar.steering.models import Action, LocalGoal, SteeringDocument
from tests.factories import (
    ActionFactory,
    BodyFactory,
    LocalGoalFactory,
    MembershipFactory,
    OrganisationFactory,
    SteeringDocumentFactory,
    UserFactory,
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
def decided_plan(organisation, committee):
    return SteeringDocumentFactory(
        organisation=organisation,
        title="Handlingsplan för hållbart resande",
        status="decided",
        decided_by=committee,
        decision_date=dt.date(2025, 2, 10),
    )


@pytest.fixture
def draft_plan(organisation):
    return SteeringDocumentFactory(organisation=organisation, title="Utkast till cykelplan")


@pytest.fixture
def editor(client, organisation):
    user = UserFactory(username="anna", first_name="Anna", last_name="Analytiker")
    MembershipFactory(user=user, body=BodyFactory(organisation=organisation, kind="analysis_group"))
    client.force_login(user)
    return user


def url(route, organisation, **kwargs):
    name = route if ":" in route else f"steering:{route}"
    return reverse(name, kwargs={"org_code": organisation.code, **kwargs})


def confirm(client, organisation, kind, obj, **extra):
    return client.post(
        url(f"{kind}_delete", organisation, pk=obj.pk),
        {"version": obj.updated_at.isoformat(), **extra},
    )


def test_the_confirmation_page_says_a_draft_is_removed_for_good_and_deletes_nothing(
    client, organisation, draft_plan, editor
):
    response = client.get(url("document_delete", organisation, pk=draft_plan.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert "removed for good" in page
    assert "Remove for good" in page
    assert SteeringDocument.objects.filter(pk=draft_plan.pk).exists()


def test_a_draft_that_was_never_decided_is_removed_for_good(
    client, organisation, draft_plan, editor
):
    response = confirm(client, organisation, "document", draft_plan)

    assert response.status_code == 302
    assert response["Location"] == url("document_list", organisation)
    assert not SteeringDocument.with_deleted.filter(pk=draft_plan.pk).exists()
    assert draft_plan.history.filter(history_type="-").exists()


def test_a_decided_document_is_deleted_softly(
    client, organisation, committee, decided_plan, editor
):
    page = client.get(url("document_delete", organisation, pk=decided_plan.pk)).content.decode()
    assert "It is a public record" in page

    response = confirm(client, organisation, "document", decided_plan)

    assert response.status_code == 302
    kept = SteeringDocument.with_deleted.get(pk=decided_plan.pk)
    assert kept.deleted_at is not None
    assert kept.deleted_by == editor
    assert not SteeringDocument.objects.filter(pk=decided_plan.pk).exists()
    # Gone from the register, its page and the open API.
    assert decided_plan not in client.get(url("document_list", organisation)).context["documents"]
    assert client.get(url("document_detail", organisation, pk=decided_plan.pk)).status_code == 404
    client.logout()
    assert client.get(url("document_detail", organisation, pk=decided_plan.pk)).status_code == 404


def test_a_draft_that_was_once_decided_is_deleted_softly(
    client, organisation, committee, decided_plan, editor
):
    decided_plan.status = "draft"
    decided_plan.save()

    confirm(client, organisation, "document", decided_plan)

    assert SteeringDocument.with_deleted.filter(pk=decided_plan.pk).exists()


def test_an_action_under_a_decided_plan_is_deleted_softly_and_one_under_a_draft_for_good(
    client, organisation, committee, decided_plan, draft_plan, editor
):
    public = ActionFactory(organisation=organisation, plan=decided_plan, body=committee)
    draft = ActionFactory(organisation=organisation, plan=draft_plan, body=committee)

    confirm(client, organisation, "action", public)
    confirm(client, organisation, "action", draft)

    assert Action.with_deleted.get(pk=public.pk).deleted_at is not None
    assert not Action.with_deleted.filter(pk=draft.pk).exists()
    assert public not in client.get(url("action_list", organisation)).context["actions"]
    api = client.get(f"/api/v1/organisations/{organisation.code}/actions", secure=True).json()
    assert public.title not in {action["title"] for action in api}


def test_a_plan_with_actions_cannot_be_deleted(
    client, organisation, committee, decided_plan, editor
):
    ActionFactory(
        organisation=organisation, plan=decided_plan, body=committee, title="Cykelpassager"
    )

    page = client.get(url("document_delete", organisation, pk=decided_plan.pk)).content.decode()
    response = confirm(client, organisation, "document", decided_plan)

    assert "cannot be deleted while other records depend on it" in page
    assert "Cykelpassager" in page
    assert response.status_code == 200
    assert "Cykelpassager" in response.content.decode()
    assert SteeringDocument.objects.filter(pk=decided_plan.pk).exists()


def test_a_council_goal_served_by_committee_goals_cannot_be_deleted(
    client, organisation, committee, editor
):
    council = BodyFactory(organisation=organisation, kind="council_assembly", name="KF")
    council_goal = LocalGoalFactory(organisation=organisation, level="council", body=council)
    LocalGoalFactory(
        organisation=organisation, body=committee, parent=council_goal, title="Nämndens mål"
    )

    response = confirm(client, organisation, "goal", council_goal)

    assert "Nämndens mål" in response.content.decode()
    assert LocalGoal.objects.filter(pk=council_goal.pk).exists()


def test_a_deleted_action_no_longer_holds_its_plan(
    client, organisation, committee, decided_plan, editor
):
    action = ActionFactory(organisation=organisation, plan=decided_plan, body=committee)
    confirm(client, organisation, "action", action)
    decided_plan.refresh_from_db()

    response = confirm(client, organisation, "document", decided_plan)

    # Soft, though: the deleted action still refers to it.
    assert response.status_code == 302
    assert SteeringDocument.with_deleted.get(pk=decided_plan.pk).deleted_at is not None


def test_a_delete_from_an_outdated_page_is_refused_with_what_changed(
    client, organisation, committee, decided_plan, editor
):
    opened = decided_plan.updated_at
    decided_plan.title = "Omdöpt av en kollega"
    decided_plan.save()

    response = client.post(
        url("document_delete", organisation, pk=decided_plan.pk), {"version": opened.isoformat()}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this after you opened the page" in page
    assert "Omdöpt av en kollega" in page
    assert SteeringDocument.objects.filter(pk=decided_plan.pk).exists()


def test_deleting_needs_an_editor(client, organisation, decided_plan):
    delete_url = url("document_delete", organisation, pk=decided_plan.pk)

    response = client.post(delete_url, {"version": decided_plan.updated_at.isoformat()})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    assert client.post(delete_url, {"version": "x"}).status_code in (403, 404)
    assert SteeringDocument.objects.filter(pk=decided_plan.pk).exists()


def test_another_organisations_object_is_not_found(client, organisation, editor):
    foreign = SteeringDocumentFactory(organisation=OrganisationFactory(code="0180"))

    assert client.get(url("document_delete", organisation, pk=foreign.pk)).status_code == 404
    assert confirm(client, organisation, "document", foreign).status_code == 404
    assert SteeringDocument.objects.filter(pk=foreign.pk).exists()


# Restore


def test_an_editor_restores_a_deleted_document(client, organisation, decided_plan, editor):
    confirm(client, organisation, "document", decided_plan)
    history = client.get(url("document_history", organisation, pk=decided_plan.pk))
    assert "Restore" in history.content.decode()

    response = client.post(url("document_restore", organisation, pk=decided_plan.pk))

    assert response.status_code == 302
    assert client.get(url("document_detail", organisation, pk=decided_plan.pk)).status_code == 200
    kinds = [
        entry.kind
        for entry in records.object_history(
            organisation=organisation, kind="document", pk=decided_plan.pk
        )
    ]
    assert kinds[:2] == ["restored", "deleted"]


def test_an_action_is_restored_only_after_its_plan(
    client, organisation, committee, decided_plan, editor
):
    action = ActionFactory(organisation=organisation, plan=decided_plan, body=committee)
    confirm(client, organisation, "action", action)
    decided_plan.refresh_from_db()
    confirm(client, organisation, "document", decided_plan)

    client.post(url("action_restore", organisation, pk=action.pk))

    assert Action.with_deleted.get(pk=action.pk).deleted_at is not None
    client.post(url("document_restore", organisation, pk=decided_plan.pk))
    client.post(url("action_restore", organisation, pk=action.pk))
    assert Action.objects.filter(pk=action.pk).exists()


def test_the_deleted_records_page_lists_deleted_and_removed_objects(
    client, organisation, decided_plan, draft_plan, editor
):
    confirm(client, organisation, "document", decided_plan)
    confirm(client, organisation, "document", draft_plan)

    page = client.get(url("organisation:deleted_records", organisation)).content.decode()

    assert decided_plan.title in page
    assert draft_plan.title in page


def test_a_deleted_plan_cannot_be_chosen_for_an_action(
    client, organisation, committee, decided_plan, editor
):
    confirm(client, organisation, "document", decided_plan)

    form = client.get(url("action_create", organisation)).context["form"]

    assert decided_plan not in form.fields["plan"].queryset


def test_a_delete_without_the_version_it_was_confirmed_at_is_refused(
    client, organisation, decided_plan, editor
):
    response = client.post(url("document_delete", organisation, pk=decided_plan.pk), {})

    assert response.status_code == 200
    assert "The form is out of date" in response.content.decode()
    assert SteeringDocument.objects.filter(pk=decided_plan.pk).exists()
