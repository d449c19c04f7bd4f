"""The one access rule, asked directly: each persona × each action, from mandates as data."""

import pytest
from django.contrib.auth.models import AnonymousUser

from hallbar.organisation.mandates import body_may_decide
from hallbar.organisation.models import Mandate
from hallbar.organisation.permissions import RULES, Actor, allows
from hallbar.steering.models import LocalGoal, SteeringDocument
from tests.factories import MembershipFactory, UserFactory
from tests.personas import (
    ADMINISTRATORS,
    ANALYST,
    ANONYMOUS,
    COMMITTEE_OFFICER,
    COUNCIL_EXTERNAL,
    COUNCIL_INTERNAL,
    EVERYONE,
    INTERNAL,
    NOBODY,
    ORG_ADMIN,
    ORGANISATION_WIDE_WRITERS,
    OUTSIDER,
    OWN_AREA_WRITERS,
    PERSONAS,
    STRATEG,
    build_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data):
    return build_world()


@pytest.fixture
def other_world(world):
    return build_world("1907", "Surahammar")


def actor(world, other_world, persona):
    if persona == ANONYMOUS:
        user = AnonymousUser()
    elif persona == OUTSIDER:
        user = other_world.users[ANALYST]
    else:
        user = world.users[persona]
    return Actor(user, world.organisation)


# (permission, object key or None, who may). The rule table of the issue, as data.
RULE_TABLE = [
    ("organisation.view", None, EVERYONE),
    ("organisation.view_internal", None, INTERNAL),
    ("organisation.view_records", None, INTERNAL),
    ("organisation.change_mandates", None, ADMINISTRATORS),
    # New objects: the form opens for anyone who writes some of the kind.
    ("steering.add_document", None, OWN_AREA_WRITERS),
    ("steering.add_goal", None, OWN_AREA_WRITERS),
    ("steering.add_action", None, OWN_AREA_WRITERS),
    # The committee's own objects, and another committee's.
    ("steering.change_action", "action_tn", OWN_AREA_WRITERS),
    ("steering.change_action", "action_sn_draft", ORGANISATION_WIDE_WRITERS),
    ("steering.change_goal", "goal_tn_draft", OWN_AREA_WRITERS),
    ("steering.change_goal", "goal_sn", ORGANISATION_WIDE_WRITERS),
    ("steering.change_goal", "council_goal", ORGANISATION_WIDE_WRITERS),
    ("steering.change_document", "plan_tn", OWN_AREA_WRITERS),
    ("steering.change_document", "plan_sn_draft", ORGANISATION_WIDE_WRITERS),
    ("steering.change_document", "strategy", ORGANISATION_WIDE_WRITERS),
    ("steering.change_document", "programme_draft", ORGANISATION_WIDE_WRITERS),
    ("steering.delete_action", "action_tn", OWN_AREA_WRITERS),
    ("steering.delete_action", "action_sn_draft", ORGANISATION_WIDE_WRITERS),
    ("steering.restore_goal", "goal_sn", ORGANISATION_WIDE_WRITERS),
    ("steering.delete_goal", "goal_tn_draft", OWN_AREA_WRITERS),
    ("steering.delete_document", "plan_tn", OWN_AREA_WRITERS),
    ("steering.restore_document", "strategy", ORGANISATION_WIDE_WRITERS),
    ("steering.restore_action", "action_tn", OWN_AREA_WRITERS),
    # Recorded decisions by a body with the mandate: saving them is editing them.
    ("steering.save_document", "strategy", ORGANISATION_WIDE_WRITERS),
    ("steering.save_goal", "goal_sn", ORGANISATION_WIDE_WRITERS),
    ("steering.save_action", "action_tn", OWN_AREA_WRITERS),
    # The organisation's own goal sets and texts; reference sets are read-only.
    ("agenda.change_texts", None, ORGANISATION_WIDE_WRITERS),
    ("agenda.add_goal_set", None, ORGANISATION_WIDE_WRITERS),
    ("agenda.change_goal_set", "goal_set", ORGANISATION_WIDE_WRITERS),
    ("agenda.change_goal_set", "reference_goal_set", NOBODY),
    ("followup.import_observations", None, ORGANISATION_WIDE_WRITERS),
    # Proposals come from bodies that prepare, advise or initiate: the council (external
    # members too), a committee in its own area, KS (the strateg's seat).
    (
        "engagement.submit_proposal",
        None,
        frozenset({COUNCIL_EXTERNAL, COUNCIL_INTERNAL, COMMITTEE_OFFICER, STRATEG}),
    ),
    # Nobody of these sits in ledningsgruppen, which appoints working groups.
    ("steering.appoint_working_group", None, NOBODY),
    # Proposals and comments are internal. A proposal is answered by the receiving
    # body's officers (the strateg for KS) or the writers of its subject (the action's
    # committee officer, the organisation-wide analysts), never by its author (a council
    # member); the answering pages open for officers.
    ("engagement.view_proposals", None, INTERNAL),
    ("engagement.respond_proposal", "proposal", frozenset({COMMITTEE_OFFICER, ANALYST, STRATEG})),
    ("engagement.respond_proposal", None, frozenset({COMMITTEE_OFFICER, ANALYST, STRATEG})),
    ("engagement.comment", None, INTERNAL - {ORG_ADMIN}),
    # The author withdraws a proposal nobody acted on; the administrator deletes any
    # (kept when taken up) and restores.
    ("engagement.delete_proposal", "proposal", frozenset({COUNCIL_INTERNAL, ORG_ADMIN})),
    ("engagement.restore_proposal", "proposal", ADMINISTRATORS),
]
# The apps whose rules this table covers; later apps keep their own tables.
CORE_APPS = ("organisation.", "agenda.", "steering.", "followup.", "engagement.")


@pytest.mark.parametrize(
    ("permission", "key", "allowed"),
    RULE_TABLE,
    ids=[f"{permission}[{key or '-'}]" for permission, key, _ in RULE_TABLE],
)
def test_the_rule_table(world, other_world, permission, key, allowed):
    obj = world.objects[key] if key else None

    answers = {
        persona: allows(actor(world, other_world, persona), permission, obj) for persona in PERSONAS
    }

    assert {persona for persona, yes in answers.items() if yes} == allowed


def test_every_permission_is_in_the_rule_table():
    core = {name for name in RULES if name.startswith(CORE_APPS)}
    assert core - {row[0] for row in RULE_TABLE} == {"organisation.write_anything"}


def test_an_unknown_permission_fails_loudly(world):
    with pytest.raises(LookupError, match="Unknown permission"):
        allows(Actor(AnonymousUser(), world.organisation), "steering.change_everything")


# Decisions


def _decided_as(document: SteeringDocument, body) -> SteeringDocument:
    document.decided_by = body
    document.status = "decided"
    return document


@pytest.mark.parametrize(
    ("document", "body", "may"),
    [
        ("strategy", "kf", True),  # KF decides the strategy
        ("strategy", "ks", False),  # KS prepares it, does not decide it
        ("programme_draft", "ks", True),  # KS decides cross-sectoral programmes
        ("programme_draft", "council", False),  # the council has no decision mandate
        ("programme_draft", "ksau", False),  # KSAU prepares
        ("plan_tn", "tn", True),  # a committee decides its own plan
        ("plan_sn_draft", "tn", False),  # but not another committee's
        ("plan_sn_draft", "sn", True),
    ],
)
def test_a_decision_is_recorded_only_for_a_body_with_the_decide_mandate(
    world, other_world, document, body, may
):
    strateg = actor(world, other_world, STRATEG)
    obj = _decided_as(world.objects[document], world.bodies[body])

    assert strateg.may("steering.save_document", obj) is may
    assert body_may_decide(world.bodies[body], obj.level, owner=obj.responsible_body) is may


def test_mandates_are_data_removing_one_takes_the_right_away(world, other_world):
    officer = actor(world, other_world, COMMITTEE_OFFICER)
    goal = world.objects["goal_tn_draft"]
    goal.status = "decided"
    assert officer.may("steering.save_goal", goal)

    Mandate.objects.filter(body=world.bodies["tn"], kind="decide").delete()

    officer = actor(world, other_world, COMMITTEE_OFFICER)
    assert not officer.may("steering.save_goal", goal)
    # Its implement mandate still covers its own actions, not its goals.
    assert not officer.may("steering.change_goal", goal)
    assert officer.may("steering.change_action", world.objects["action_tn"])


def test_an_officer_may_not_move_an_object_to_a_body_it_does_not_write_for(world, other_world):
    officer = actor(world, other_world, COMMITTEE_OFFICER)
    action = world.objects["action_tn"]
    assert officer.may("steering.save_action", action)

    action.body = world.bodies["sn"]

    assert not officer.may("steering.save_action", action)


def test_council_members_never_write_decide_or_keep_mandates_whatever_their_role(
    world, other_world
):
    for persona in (COUNCIL_EXTERNAL, COUNCIL_INTERNAL):
        member = actor(world, other_world, persona)
        assert member.sees_drafts
        for permission in ("steering.add_document", "steering.add_goal", "steering.add_action"):
            assert not member.may(permission)
        for key in ("strategy", "goal_sn", "action_tn", "goal_set"):
            obj = world.objects[key]
            name = {
                "steeringdocument": "steering.save_document",
                "localgoal": "steering.save_goal",
                "action": "steering.save_action",
                "goalset": "agenda.change_goal_set",
            }[obj._meta.model_name]
            assert not member.may(name, obj)
        assert not member.may("organisation.change_mandates")


def test_an_officer_of_the_council_still_cannot_write_for_lack_of_an_editing_mandate(world):
    # The council prepares and advises: its mandates open no editing to anyone.
    secretary = MembershipFactory(body=world.bodies["council"], role="officer").user
    assert not Actor(secretary, world.organisation).may("steering.add_document")


def test_chairs_and_members_of_a_committee_read_drafts_but_do_not_write(world):
    for role in ("chair", "member"):
        politician = MembershipFactory(body=world.bodies["tn"], role=role).user
        seen = Actor(politician, world.organisation)
        assert seen.sees_drafts
        assert not seen.may("steering.change_action", world.objects["action_tn"])


def test_ledningsgruppen_appoints_working_groups_but_external_members_do_not(world):
    chief = MembershipFactory(body=world.bodies["management"], role="member").user
    external = MembershipFactory(body=world.bodies["management"], role="external").user

    assert Actor(chief, world.organisation).may("steering.appoint_working_group")
    assert not Actor(external, world.organisation).may("steering.appoint_working_group")


def test_an_inactive_user_or_one_of_an_inactive_body_has_no_rights(world):
    analyst = world.users[ANALYST]
    analyst.is_active = False
    assert not Actor(analyst, world.organisation).sees_drafts
    analyst.is_active = True
    world.bodies["analysis"].is_active = False
    world.bodies["analysis"].save()
    assert not Actor(analyst, world.organisation).may("steering.add_goal")


def test_a_superuser_writes_everything_but_decisions_still_need_a_deciding_body(world):
    superuser = Actor(UserFactory(is_superuser=True, is_staff=True), world.organisation)
    strategy = _decided_as(world.objects["strategy"], world.bodies["council"])

    assert superuser.may("steering.change_document", strategy)
    assert not superuser.may("steering.save_document", strategy)


def test_staff_status_alone_gives_nothing_in_an_organisation(world):
    staff = Actor(UserFactory(is_staff=True), world.organisation)
    assert not staff.sees_drafts
    assert not staff.may("steering.add_action")


def test_the_organisation_administrator_keeps_mandates_but_writes_no_records(world):
    admin = Actor(world.users[ORG_ADMIN], world.organisation)
    assert admin.may("organisation.change_mandates")
    assert admin.sees_drafts
    assert not admin.may("steering.add_goal")


def test_an_administrator_of_one_organisation_is_nobody_in_another(world, other_world):
    admin = Actor(world.users[ORG_ADMIN], other_world.organisation)
    assert not admin.may("organisation.change_mandates")
    assert not admin.sees_drafts


def test_mandates_are_read_once_per_actor(world, django_assert_num_queries):
    with django_assert_num_queries(2):  # memberships, administrator role
        strateg = Actor(world.users[STRATEG], world.organisation)
    with django_assert_num_queries(1):  # the organisation's mandates
        for key in ("action_tn", "action_sn_draft"):
            strateg.may("steering.change_action", world.objects[key])
        strateg.may("steering.save_goal", world.objects["goal_sn"])
        strateg.may("agenda.change_texts")


def test_a_goal_level_or_document_level_unknown_to_the_rules_is_refused(world):
    strateg = Actor(world.users[STRATEG], world.organisation)
    goal = LocalGoal(organisation=world.organisation, level="galactic", body=world.bodies["tn"])
    assert not strateg.may("steering.change_goal", goal)
