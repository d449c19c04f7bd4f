"""Forged form fields are refused, logged on `hallbar.security` (user, organisation,
field) and nothing is written: another organisation's id, a body the user does not
write for, a decision recorded for a body without the mandate, a choice never offered."""

import logging

import pytest
from django.urls import reverse

from hallbar.organisation.models import Mandate
from hallbar.steering.models import Action, LocalGoal, SteeringDocument
from tests.personas import ANALYST, COMMITTEE_OFFICER, COUNCIL_EXTERNAL, ORG_ADMIN, STRATEG

SECURITY = "hallbar.security"


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.WARNING, logger=SECURITY)
    return caplog


def logged(caplog, field: str) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == SECURITY and getattr(record, "field", None) == field
    ]


def counts() -> dict[str, int]:
    models = (SteeringDocument, LocalGoal, Action, Mandate)
    return {
        **{model.__name__: model._base_manager.count() for model in models},
        **{f"history {model.__name__}": model.history.count() for model in models},
    }


def url(world, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_code": world.code, **kwargs})


def action_data(world, **overrides):
    o, b = world.objects, world.bodies
    return {
        "title": "Förfalskad åtgärd",
        "description": "",
        "plan": o["plan_tn"].pk,
        "body": b["tn"].pk,
        "owner": "Någon",
        "start": "",
        "end": "",
        "planned_cost": "",
        "status": "started",
        "target_codes": "11.2",
        **overrides,
    }


def goal_data(world, **overrides):
    return {
        "level": "committee",
        "title": "Förfalskat mål",
        "description": "",
        "body": world.bodies["tn"].pk,
        "document": "",
        "parent": "",
        "status": "draft",
        "decision_date": "",
        "decision_paragraph": "",
        "target_codes": "11.2",
        **overrides,
    }


def document_data(world, **overrides):
    return {
        "title": "Förfalskad strategi",
        "level": "action_plan",
        "status": "draft",
        "summary": "",
        "parent": "",
        "decided_by": "",
        "decision_date": "",
        "decision_paragraph": "",
        "valid_until": "",
        "review_rule": "as_needed",
        "last_reviewed": "",
        "owner": "Kommunstrateg",
        "responsible_body": world.bodies["tn"].pk,
        "dimensions": ["social"],
        "target_codes": "",
        **overrides,
    }


def assert_refused_and_logged(response, security_log, before, field, user, world):
    assert response.status_code == 200  # the form again, with the error
    assert field in response.context["form"].errors or response.context["form"].non_field_errors()
    assert counts() == before, "nothing may be written"
    [record] = logged(security_log, field)
    assert record.user_id == user.pk
    assert record.organisation_code == world.code
    assert user.username in record.getMessage()


def test_an_officer_cannot_file_an_action_under_a_body_it_does_not_write_for(
    clients, world, security_log
):
    before = counts()
    response = clients[COMMITTEE_OFFICER].post(
        url(world, "steering:action_create"), action_data(world, body=world.bodies["sn"].pk)
    )
    assert_refused_and_logged(
        response, security_log, before, "body", world.users[COMMITTEE_OFFICER], world
    )


def test_an_officer_cannot_file_an_action_under_another_organisations_body(
    clients, world, other_world, security_log
):
    before = counts()
    response = clients[COMMITTEE_OFFICER].post(
        url(world, "steering:action_create"),
        action_data(world, body=other_world.bodies["tn"].pk),
    )
    assert_refused_and_logged(
        response, security_log, before, "body", world.users[COMMITTEE_OFFICER], world
    )


def test_an_officer_cannot_move_its_own_action_to_another_body(clients, world, security_log):
    action = world.objects["action_tn"]
    edit = url(world, "steering:action_edit", pk=action.pk)
    version = clients[COMMITTEE_OFFICER].get(edit).context["form"]["version"].value()
    before = counts()

    response = clients[COMMITTEE_OFFICER].post(
        edit,
        action_data(world, title="Ny titel", body=world.bodies["sn"].pk, version=version),
    )

    assert_refused_and_logged(
        response, security_log, before, "body", world.users[COMMITTEE_OFFICER], world
    )
    action.refresh_from_db()
    assert (action.title, action.body_id) != ("Ny titel", world.bodies["sn"].pk)


def test_an_officer_cannot_register_a_goal_for_another_committee(clients, world, security_log):
    before = counts()
    response = clients[COMMITTEE_OFFICER].post(
        url(world, "steering:goal_create"), goal_data(world, body=world.bodies["sn"].pk)
    )
    assert_refused_and_logged(
        response, security_log, before, "body", world.users[COMMITTEE_OFFICER], world
    )


def test_an_officer_cannot_make_a_plan_municipality_wide(clients, world, security_log):
    before = counts()
    response = clients[COMMITTEE_OFFICER].post(
        url(world, "steering:document_create"), document_data(world, responsible_body="")
    )
    assert_refused_and_logged(
        response, security_log, before, "responsible_body", world.users[COMMITTEE_OFFICER], world
    )


def test_an_analyst_cannot_link_a_goal_to_another_organisations_document(
    clients, world, other_world, security_log
):
    before = counts()
    response = clients[ANALYST].post(
        url(world, "steering:goal_create"),
        goal_data(world, document=other_world.objects["strategy"].pk),
    )
    assert_refused_and_logged(
        response, security_log, before, "document", world.users[ANALYST], world
    )


def test_a_choice_never_offered_is_refused_and_logged(clients, world, security_log):
    before = counts()
    response = clients[ANALYST].post(
        url(world, "steering:goal_create"), goal_data(world, status="published")
    )
    assert_refused_and_logged(response, security_log, before, "status", world.users[ANALYST], world)


def test_a_decision_is_not_recorded_for_a_body_without_the_decide_mandate(
    clients, world, security_log
):
    """Kommunstyrelsen prepares the strategy; only the council (KF) decides it."""
    before = counts()
    response = clients[STRATEG].post(
        url(world, "steering:document_create"),
        document_data(
            world,
            level="strategy",
            status="decided",
            decided_by=world.bodies["ks"].pk,
            decision_date="2025-03-10",
            responsible_body="",
        ),
    )
    assert_refused_and_logged(
        response, security_log, before, "decided_by", world.users[STRATEG], world
    )
    assert "no mandate to decide" in response.content.decode()


def test_the_same_decision_recorded_for_the_council_is_saved(clients, world):
    response = clients[STRATEG].post(
        url(world, "steering:document_create"),
        document_data(
            world,
            level="strategy",
            status="decided",
            decided_by=world.bodies["kf"].pk,
            decision_date="2025-03-10",
            responsible_body="",
        ),
    )
    assert response.status_code == 302
    assert SteeringDocument.objects.filter(title="Förfalskad strategi", status="decided").exists()


def test_an_administrator_cannot_give_another_organisations_body_a_mandate(
    clients, world, other_world, security_log
):
    before = counts()
    response = clients[ORG_ADMIN].post(
        url(world, "organisation:mandate_create"),
        {
            "body": other_world.bodies["council"].pk,
            "kind": "decide",
            "scope": "strategy",
            "area": "organisation",
            "note": "",
        },
    )
    assert_refused_and_logged(response, security_log, before, "body", world.users[ORG_ADMIN], world)


def test_a_council_member_posting_a_complete_form_is_refused_and_nothing_written(clients, world):
    before = counts()
    for name, data in (
        ("steering:action_create", action_data(world)),
        ("steering:goal_create", goal_data(world)),
        ("steering:document_create", document_data(world)),
    ):
        assert clients[COUNCIL_EXTERNAL].post(url(world, name), data).status_code == 403
    assert counts() == before
