"""No lost updates: two people edit the same action from the same version; the second
save is refused with what the first changed, the first's data stays, and the second
keeps what they typed. In the forms and in the API."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from hallbar.agenda.models import Target
from hallbar.core.versions import EditConflict
from hallbar.steering import services
from hallbar.steering.models import Action
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
def action(organisation, committee, plan):
    action = ActionFactory(
        organisation=organisation,
        plan=plan,
        body=committee,
        title="Cykelväg till Kolbäck",
        owner="Gatuchef",
        status="not_started",
    )
    action.targets.set(Target.objects.agenda2030().filter(code="3.6"))
    return action


def editor_client(organisation, name: str) -> Client:
    user = UserFactory(username=name.lower(), first_name=name)
    MembershipFactory(user=user, body=BodyFactory(organisation=organisation, kind="analysis_group"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def edit_url(action):
    return reverse(
        "steering:action_edit", kwargs={"org_code": action.organisation.code, "pk": action.pk}
    )


def form_data(client, action, **changes):
    """What the edit form holds when the page is opened, with the user's changes."""
    form = client.get(edit_url(action)).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["local_goals"] = [str(pk) for pk in data.get("local_goals", [])]
    return data | changes


# Forms


def test_the_second_of_two_edits_from_the_same_version_is_refused(organisation, action):
    first, second = editor_client(organisation, "Anna"), editor_client(organisation, "Bo")
    anna = form_data(first, action, title="Cykelväg till Kolbäck och Strömsholm")
    bo = form_data(second, action, title="Gångväg till Kolbäck", status="started")

    assert first.post(edit_url(action), anna).status_code == 302
    response = second.post(edit_url(action), bo)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this after you opened it" in page
    # What changed meanwhile: the field, their value, and Bo's (still in the form).
    conflict = response.context["form"].edit_conflict
    assert [(c.field, c.before, c.theirs, c.yours) for c in conflict.changes] == [
        (
            "title",
            "Cykelväg till Kolbäck",
            "Cykelväg till Kolbäck och Strömsholm",
            "Gångväg till Kolbäck",
        )
    ]
    assert "Cykelväg till Kolbäck och Strömsholm" in page
    assert 'value="Gångväg till Kolbäck"' in page
    action.refresh_from_db()
    assert (action.title, action.status) == ("Cykelväg till Kolbäck och Strömsholm", "not_started")


def test_saving_again_after_seeing_the_conflict_replaces_the_other_changes(organisation, action):
    first, second = editor_client(organisation, "Anna"), editor_client(organisation, "Bo")
    anna = form_data(first, action, title="Annas titel")
    bo = form_data(second, action, title="Bos titel")
    first.post(edit_url(action), anna)

    refused = second.post(edit_url(action), bo)
    again = dict(refused.context["form"].data.lists())
    response = second.post(edit_url(action), again)

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Bos titel"


def test_changed_links_are_named_in_the_conflict(organisation, action):
    first, second = editor_client(organisation, "Anna"), editor_client(organisation, "Bo")
    anna = form_data(first, action, target_codes="3.6, 11.2")
    bo = form_data(second, action, target_codes="13.2")
    first.post(edit_url(action), anna)

    conflict = second.post(edit_url(action), bo).context["form"].edit_conflict

    assert [(c.field, c.before, c.theirs, c.yours) for c in conflict.changes] == [
        ("targets", "3.6", "3.6, 11.2", "13.2")
    ]


def test_the_service_refuses_an_outdated_version_and_names_the_changes(organisation, action):
    opened = action.updated_at
    services.action_update(
        action=Action.objects.get(pk=action.pk),
        fields={"title": "Först"},
        targets=action.targets.all(),
        expected_version=opened,
    )

    with pytest.raises(EditConflict) as refused:
        services.action_update(
            action=Action.objects.get(pk=action.pk),
            fields={"title": "Sedan", "owner": "Gatuchef"},
            targets=action.targets.all(),
            expected_version=opened,
        )

    assert [(c.field, c.theirs, c.yours) for c in refused.value.changes] == [
        ("title", "Först", "Sedan")
    ]
    assert Action.objects.get(pk=action.pk).title == "Först"


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_cannot_both_pass(reference_data):
    """The row lock: the second save waits for the first to commit, then sees its
    version and is refused."""
    organisation = OrganisationFactory()
    committee = BodyFactory(organisation=organisation)
    action = ActionFactory(organisation=organisation, body=committee, title="Före")
    opened = action.updated_at
    first_saved, outcome = threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                services.action_update(
                    action=Action.objects.get(pk=action.pk),
                    fields={"title": "Först"},
                    expected_version=opened,
                )
                first_saved.set()
                # Hold the lock while the second save tries.
                threading.Event().wait(0.5)
        finally:
            connection.close()

    def second():
        first_saved.wait(5)
        try:
            services.action_update(
                action=Action.objects.get(pk=action.pk),
                fields={"title": "Sedan"},
                expected_version=opened,
            )
            outcome["second"] = "saved"
        except EditConflict:
            outcome["second"] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert outcome == {"second": "refused"}
    assert Action.objects.get(pk=action.pk).title == "Först"


# API


def api_url(action):
    return f"/api/v1/organisations/{action.organisation.code}/actions/{action.pk}"


def patch(client, action, body, **headers):
    return client.patch(
        api_url(action), body, content_type="application/json", secure=True, headers=headers
    )


def test_the_api_gives_the_version_to_base_an_edit_on(organisation, action):
    client = editor_client(organisation, "Anna")

    response = client.get(api_url(action), secure=True)

    assert response.status_code == 200
    assert response.json()["version"] == action.updated_at.isoformat()
    assert response["ETag"] == f'"{action.updated_at.isoformat()}"'


def test_the_second_of_two_api_edits_from_the_same_version_is_refused(organisation, action):
    first, second = editor_client(organisation, "Anna"), editor_client(organisation, "Bo")
    version = first.get(api_url(action), secure=True).json()["version"]

    saved = patch(first, action, {"version": version, "title": "Annas titel"})
    refused = patch(second, action, {"version": version, "title": "Bos titel", "owner": "Bo"})

    assert saved.status_code == 200
    assert saved.json()["title"] == "Annas titel"
    assert saved.json()["version"] != version
    assert refused.status_code == 409
    body = refused.json()
    assert body["current_version"] == saved.json()["version"]
    assert body["changes"] == [
        {
            "field": "title",
            "label": "title",
            "before": "Cykelväg till Kolbäck",
            "theirs": "Annas titel",
            "yours": "Bos titel",
        }
    ]
    action.refresh_from_db()
    assert (action.title, action.owner) == ("Annas titel", "Gatuchef")


def test_an_api_edit_may_name_its_version_in_if_match(organisation, action):
    client = editor_client(organisation, "Anna")
    etag = client.get(api_url(action), secure=True)["ETag"]

    saved = patch(client, action, {"status": "started"}, if_match=etag)
    again = patch(client, action, {"status": "done"}, if_match=etag)

    assert saved.status_code == 200
    assert again.status_code == 409
    assert Action.objects.get(pk=action.pk).status == "started"


def test_an_api_edit_without_a_version_is_refused(organisation, action):
    client = editor_client(organisation, "Anna")

    response = patch(client, action, {"title": "Utan version"})

    assert response.status_code == 428
    assert Action.objects.get(pk=action.pk).title == "Cykelväg till Kolbäck"


def test_an_api_edit_changes_only_the_fields_it_sends(organisation, action):
    client = editor_client(organisation, "Anna")
    goal = LocalGoalFactory(organisation=organisation)
    version = action.updated_at.isoformat()

    response = patch(
        client,
        action,
        {"version": version, "planned_cost": 120000, "targets": ["11.2"], "local_goals": [goal.pk]},
    )

    assert response.status_code == 200, response.content
    action.refresh_from_db()
    assert action.planned_cost == 120000
    assert action.title == "Cykelväg till Kolbäck"
    assert [t.code for t in action.targets.all()] == ["11.2"]
    assert list(action.local_goals.all()) == [goal]
    assert action.history.latest().history_user.username == "anna"


def test_an_api_edit_with_another_organisations_plan_is_refused(organisation, action):
    client = editor_client(organisation, "Anna")
    foreign_plan = SteeringDocumentFactory(organisation=OrganisationFactory(code="0180"))

    response = patch(
        client, action, {"version": action.updated_at.isoformat(), "plan": foreign_plan.pk}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "plan"
    assert Action.objects.get(pk=action.pk).plan_id == action.plan_id


def test_an_api_edit_with_an_unknown_target_is_refused_by_name(organisation, action):
    client = editor_client(organisation, "Anna")

    response = patch(
        client, action, {"version": action.updated_at.isoformat(), "targets": ["18.1"]}
    )

    assert response.status_code == 422
    assert "18.1" in response.json()["detail"][0]["msg"]


def test_an_api_edit_needs_a_signed_in_editor(organisation, action):
    version = action.updated_at.isoformat()

    anonymous = patch(Client(), action, {"version": version, "title": "X"})
    reader = Client()
    reader.force_login(UserFactory())
    stranger = patch(reader, action, {"version": version, "title": "X"})

    assert anonymous.status_code == 401
    assert stranger.status_code in (403, 404)
    assert Action.objects.get(pk=action.pk).title == "Cykelväg till Kolbäck"


def test_an_api_edit_needs_the_csrf_token(organisation, action):
    user = UserFactory()
    MembershipFactory(user=user, body=BodyFactory(organisation=organisation, kind="analysis_group"))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = patch(client, action, {"version": action.updated_at.isoformat(), "title": "X"})

    assert response.status_code == 403
    assert Action.objects.get(pk=action.pk).title == "Cykelväg till Kolbäck"


def test_the_public_does_not_read_a_draft_action_by_id(organisation, committee):
    draft = ActionFactory(
        organisation=organisation,
        body=committee,
        plan=SteeringDocumentFactory(organisation=organisation),
    )

    assert Client().get(api_url(draft), secure=True).status_code == 404
