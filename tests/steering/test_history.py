"""The "History" (Historik) page and its export: who changed what, when, field by field,
for creating, editing and deleting; only for the organisation's own readers."""

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from hallbar.core import records
from hallbar.steering.models import Action, SteeringDocument
from tests.factories import (
    ActionFactory,
    BodyFactory,
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
def plan(organisation, committee):
    return SteeringDocumentFactory(
        organisation=organisation,
        title="Handlingsplan för hållbart resande",
        status="decided",
        decided_by=committee,
        decision_date=dt.date(2025, 2, 10),
    )


@pytest.fixture
def analyst(organisation):
    """An officer of the analysis group: writes across the organisation."""
    user = UserFactory(username="anna", first_name="Anna", last_name="Analytiker")
    analysis_group = BodyFactory(organisation=organisation, kind="analysis_group")
    MembershipFactory(user=user, body=analysis_group)
    return user


@pytest.fixture
def editor(client, analyst):
    client.force_login(analyst)
    return analyst


def url(route, organisation, **kwargs):
    name = route if ":" in route else f"steering:{route}"
    return reverse(name, kwargs={"org_code": organisation.code, **kwargs})


def action_data(plan, body, **overrides):
    data = {
        "title": "Bygg cykelväg till Kolbäck",
        "description": "",
        "plan": plan.pk,
        "body": body.pk,
        "owner": "Gatuchef",
        "start": "2026-01-01",
        "end": "2027-12-31",
        "planned_cost": "4500000",
        "status": "not_started",
        "target_codes": "3.6",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def create_action(client, organisation, plan, body, **overrides) -> Action:
    response = client.post(url("action_create", organisation), action_data(plan, body, **overrides))
    assert response.status_code == 302, response.content.decode()
    return Action.objects.latest("pk")


def edit_action(client, organisation, action, plan, body, **overrides):
    action.refresh_from_db()
    data = action_data(plan, body, version=action.updated_at.isoformat()) | overrides
    response = client.post(url("action_edit", organisation, pk=action.pk), data)
    assert response.status_code == 302, response.content.decode()


def history_page(client, organisation, kind, pk) -> str:
    response = client.get(url(f"{kind}_history", organisation, pk=pk))
    assert response.status_code == 200
    return response.content.decode()


def test_the_history_names_who_created_an_action_and_what_they_filled_in(
    client, organisation, committee, plan, editor
):
    action = create_action(client, organisation, plan, committee)

    entries = records.object_history(organisation=organisation, kind="action", pk=action.pk)
    page = history_page(client, organisation, "action", action.pk)

    assert [entry.kind for entry in entries] == ["created"]
    assert entries[0].user == "Anna Analytiker"
    changes = {change.label: (change.old, change.new) for change in entries[0].changes}
    assert changes["title"] == ("", "Bygg cykelväg till Kolbäck")
    assert changes["planned cost (SEK)"] == ("", "4500000")
    assert changes["targets"] == ("", "3.6")
    assert "Created" in page
    assert "Anna Analytiker" in page
    assert "Bygg cykelväg till Kolbäck" in page


def test_an_edit_shows_each_changed_field_with_its_old_and_new_value(
    client, organisation, committee, plan, editor
):
    action = create_action(client, organisation, plan, committee)

    edit_action(
        client,
        organisation,
        action,
        plan,
        committee,
        title="Bygg cykelväg till Kolbäck och Strömsholm",
        status="started",
        target_codes="11.2, 3.6",
    )

    latest = records.object_history(organisation=organisation, kind="action", pk=action.pk)[0]
    changes = {change.field: (change.old, change.new) for change in latest.changes}
    assert latest.kind == "changed"
    assert latest.user == "Anna Analytiker"
    assert changes == {
        "title": ("Bygg cykelväg till Kolbäck", "Bygg cykelväg till Kolbäck och Strömsholm"),
        "status": ("Not started", "Started"),
        # Linked targets in the framework's order, not the order typed.
        "targets": ("3.6", "3.6, 11.2"),
    }
    page = history_page(client, organisation, "action", action.pk)
    assert "Bygg cykelväg till Kolbäck och Strömsholm" in page
    assert "3.6, 11.2" in page


def test_one_save_is_one_version_with_its_links(client, organisation, committee, plan, editor):
    action = create_action(client, organisation, plan, committee)

    edit_action(client, organisation, action, plan, committee, title="Ny", target_codes="11.2")

    versions = list(action.history.order_by("history_date"))
    assert [version.history_type for version in versions] == ["+", "~"]
    assert [t.target.code for t in versions[-1].targets.all()] == ["11.2"]


def test_a_linked_body_shows_by_name_even_after_it_changed(
    client, organisation, committee, plan, editor
):
    action = create_action(client, organisation, plan, committee)
    other = BodyFactory(organisation=organisation, name="Kultur- och fritidsnämnden")

    edit_action(client, organisation, action, plan, other)

    latest = records.object_history(organisation=organisation, kind="action", pk=action.pk)[0]
    assert {c.field: (c.old, c.new) for c in latest.changes}["body"] == (
        "Tekniska nämnden",
        "Kultur- och fritidsnämnden",
    )


def test_a_soft_delete_shows_who_deleted_it_and_why(client, organisation, committee, editor):
    document = SteeringDocumentFactory(
        organisation=organisation,
        title="Klimatprogram",
        status="decided",
        decided_by=committee,
        decision_date=dt.date(2024, 5, 2),
    )

    response = client.post(
        url("document_delete", organisation, pk=document.pk),
        {"version": document.updated_at.isoformat(), "reason": "Ersatt av ett nytt program"},
    )

    assert response.status_code == 302
    page = history_page(client, organisation, "document", document.pk)
    assert "Deleted" in page
    assert "Anna Analytiker" in page
    assert "Ersatt av ett nytt program" in page
    latest = records.object_history(organisation=organisation, kind="document", pk=document.pk)[0]
    assert (latest.kind, latest.user, latest.reason) == (
        "deleted",
        "Anna Analytiker",
        "Ersatt av ett nytt program",
    )


def test_a_removed_draft_keeps_its_history(client, organisation, committee, editor):
    draft_plan = SteeringDocumentFactory(organisation=organisation, title="Utkast")
    action = create_action(client, organisation, draft_plan, committee)

    client.post(
        url("action_delete", organisation, pk=action.pk),
        {"version": action.updated_at.isoformat()},
    )

    assert not Action.with_deleted.filter(pk=action.pk).exists()
    page = history_page(client, organisation, "action", action.pk)
    assert "Removed for good" in page
    assert "Bygg cykelväg till Kolbäck" in page


def test_the_detail_page_links_to_the_history(client, organisation, committee, plan, editor):
    action = create_action(client, organisation, plan, committee)

    page = client.get(url("action_detail", organisation, pk=action.pk)).content.decode()

    assert url("action_history", organisation, pk=action.pk) in page


@pytest.mark.parametrize("kind", ["document", "goal", "action"])
def test_a_visitor_is_asked_to_log_in_and_sees_no_history(client, organisation, plan, kind):
    obj = {"document": plan, "action": ActionFactory(organisation=organisation, plan=plan)}.get(
        kind
    )
    if obj is None:
        from tests.factories import LocalGoalFactory

        obj = LocalGoalFactory(organisation=organisation)

    response = client.get(url(f"{kind}_history", organisation, pk=obj.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_user_of_another_organisation_gets_not_found(client, organisation, plan):
    stranger = MembershipFactory(
        body=BodyFactory(organisation=OrganisationFactory(code="0180", name="Stockholm"))
    ).user
    client.force_login(stranger)

    assert client.get(url("document_history", organisation, pk=plan.pk)).status_code == 404
    export = url("organisation:export", organisation, name="history-csv")
    assert client.get(export, {"kind": "document", "pk": plan.pk}).status_code == 404


def test_another_organisations_object_has_no_history_here(client, organisation, editor):
    foreign = SteeringDocumentFactory(organisation=OrganisationFactory(code="0180"))

    assert client.get(url("document_history", organisation, pk=foreign.pk)).status_code == 404
    export = url("organisation:export", organisation, name="history-json")
    assert client.get(export, {"kind": "document", "pk": foreign.pk}).status_code == 404


def test_the_history_page_runs_the_same_queries_for_a_short_and_a_long_history(
    client, organisation, committee, plan, editor, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    action = create_action(client, organisation, plan, committee)
    with CaptureQueriesContext(connection) as short:
        history_page(client, organisation, "action", action.pk)
    for number in range(5):
        edit_action(client, organisation, action, plan, committee, title=f"Version {number}")

    with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as long:
        page = history_page(client, organisation, "action", action.pk)

    assert "Version 4" in page
    assert len(long) == len(short)


# Export


def test_the_history_exports_as_csv_one_row_per_changed_field(
    client, organisation, committee, plan, editor
):
    action = create_action(client, organisation, plan, committee)
    edit_action(client, organisation, action, plan, committee, title="Ny titel")

    response = client.get(
        url("organisation:export", organisation, name="history-csv"),
        {"kind": "action", "pk": action.pk},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="history-1961-action-{action.pk}.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    title_change = next(row for row in rows if row["change"] == "changed")
    assert title_change["username"] == "anna"
    assert title_change["user"] == "Anna Analytiker"
    assert (title_change["field"], title_change["old"], title_change["new"]) == (
        "title",
        "Bygg cykelväg till Kolbäck",
        "Ny titel",
    )
    assert {row["change"] for row in rows} == {"created", "changed"}


def test_the_history_exports_as_json(client, organisation, committee, plan, editor):
    action = create_action(client, organisation, plan, committee)

    response = client.get(
        url("organisation:export", organisation, name="history-json"),
        {"kind": "action", "pk": action.pk},
    )

    document = json.loads(response.content)
    assert response["Content-Type"] == "application/json"
    assert document["organisation"] == "1961"
    [version] = document["versions"]
    assert (version["change"], version["username"]) == ("created", "anna")
    assert {"field": "targets", "label": "targets", "old": "", "new": "3.6"} in version["changes"]


def test_the_whole_record_of_the_organisation_exports_without_another_organisations(
    client, organisation, committee, plan, editor
):
    create_action(client, organisation, plan, committee)
    foreign = OrganisationFactory(code="0180", name="Stockholm")
    foreign_plan = SteeringDocumentFactory(organisation=foreign, title="Stockholms plan")
    foreign_plan.save()  # a version of its own

    response = client.get(
        url("organisation:export", organisation, name="history-csv"), {"organisation": foreign.pk}
    )

    content = response.content.decode("utf-8-sig")
    assert "Bygg cykelväg till Kolbäck" in content
    assert "Stockholms plan" not in content


def test_a_formula_typed_into_a_field_is_not_run_by_a_spreadsheet(
    client, organisation, committee, plan, editor
):
    create_action(client, organisation, plan, committee, title="=HYPERLINK(1)")

    response = client.get(
        url("organisation:export", organisation, name="history-csv"), {"kind": "action"}
    )

    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_an_unknown_export_is_not_found(client, organisation, editor):
    assert (
        client.get(url("organisation:export", organisation, name="everything")).status_code == 404
    )


def test_a_document_with_no_history_is_still_shown(client, organisation, editor):
    document = SteeringDocumentFactory(organisation=organisation)
    SteeringDocument.history.filter(id=document.pk).delete()

    page = history_page(client, organisation, "document", document.pk)

    assert "No recorded changes." in page
