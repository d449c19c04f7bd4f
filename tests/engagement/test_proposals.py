"""Proposals: the council's members (external ones too) submit them; the receiving body's
officers or the writers of the subject answer them; council members never decide."""

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hallbar.agenda.models import Target
from hallbar.core import records
from hallbar.engagement import selectors, services
from hallbar.engagement.models import Proposal
from hallbar.organisation.permissions import RULES, Actor, allows
from tests.personas import (
    ANALYST,
    COMMITTEE_OFFICER,
    COUNCIL_EXTERNAL,
    COUNCIL_INTERNAL,
    ORG_ADMIN,
    STRATEG,
)

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(f"engagement:{name}", kwargs={"org_code": world.code, **kwargs})


def submit(world, persona=COUNCIL_INTERNAL, **kwargs):
    options = {
        "title": "Cykelparkering vid skolorna",
        "text": "Rådet föreslår säkra cykelparkeringar vid alla skolor.",
        "to_body": world.bodies["ks"],
    }
    options.update(kwargs)
    return services.proposal_submit(world.users[persona], world.organisation, **options)


def test_an_external_council_member_submits_a_proposal_through_the_form(world, login):
    client = login(world, COUNCIL_EXTERNAL)
    action = world.objects["action_tn"]

    form_page = client.get(url(world, "proposal_create"), {"subject": f"action:{action.pk}"})
    assert form_page.status_code == 200
    assert action.title in form_page.content.decode()
    response = client.post(
        url(world, "proposal_create"),
        {
            "title": "Gång- och cykelväg till Kolbäck",
            "text": "Bygg ut åtgärden med en gång- och cykelväg.",
            "from_body": world.bodies["council"].pk,
            "to_body": world.bodies["ks"].pk,
            "target_codes": "11.2, 3.6",
            "subject": f"action:{action.pk}",
            "proposed_values": '{"status": "ongoing"}',
        },
        follow=True,
    )

    assert "Your proposal was submitted." in response.content.decode()
    proposal = Proposal.objects.get(title="Gång- och cykelväg till Kolbäck")
    assert proposal.author == world.users[COUNCIL_EXTERNAL]
    assert proposal.from_body == world.bodies["council"]
    assert proposal.to_body == world.bodies["ks"]
    assert proposal.subject == action
    assert proposal.proposed_values == {"status": "ongoing"}
    assert sorted(t.code for t in proposal.targets.all()) == ["11.2", "3.6"]
    assert proposal.status == "submitted"
    assert list(selectors.proposals_for(action)) == [world.objects["proposal"], proposal][::-1]
    listing = client.get(url(world, "proposal_list")).content.decode()
    assert "Gång- och cykelväg till Kolbäck" in listing


def test_an_internal_council_member_submits_with_targets_and_proposed_values(world):
    goal = world.objects["goal_tn_draft"]
    proposal = submit(
        world,
        subject=goal,
        targets=Target.objects.agenda2030().filter(code="13.2"),
        proposed_values={"assessment": "challenge"},
    )

    proposal.refresh_from_db()
    assert proposal.subject == goal
    assert proposal.from_body == world.bodies["council"]
    assert [t.code for t in proposal.targets.all()] == ["13.2"]
    assert proposal.proposed_values == {"assessment": "challenge"}
    assert proposal.history.count() == 1  # one version with its targets


def test_someone_without_a_proposing_seat_cannot_submit(world, login):
    with pytest.raises(PermissionDenied):
        submit(world, persona=ANALYST)
    assert login(world, ANALYST).get(url(world, "proposal_create")).status_code == 403
    assert login(world, ORG_ADMIN).get(url(world, "proposal_create")).status_code == 403


@pytest.mark.parametrize("persona", [COUNCIL_INTERNAL, COUNCIL_EXTERNAL])
def test_council_members_cannot_answer_a_proposal(world, login, persona):
    proposal = world.objects["proposal"]
    client = login(world, persona)

    assert client.get(url(world, "proposal_respond", pk=proposal.pk)).status_code == 403
    response = client.post(
        url(world, "proposal_respond", pk=proposal.pk),
        {"status": "adopted", "response": "Bra.", "version": proposal.version},
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.proposal_respond(world.users[persona], proposal, "adopted", "Bra.")
    proposal.refresh_from_db()
    assert proposal.status == "submitted" and proposal.responded_by is None
    page = client.get(url(world, "proposal_detail", pk=proposal.pk)).content.decode()
    assert "Answer the proposal" not in page


def test_the_author_cannot_answer_their_own_proposal_even_as_an_officer(world):
    # The strateg is an officer of the executive board the proposal goes to.
    proposal = submit(world, persona=STRATEG)
    with pytest.raises(PermissionDenied):
        services.proposal_respond(world.users[STRATEG], proposal, "adopted", "")


# Permissions that never let a council member change a record, decide or publish.
READING_OR_PROPOSING = {
    "organisation.view",
    "organisation.view_internal",
    "organisation.view_records",
    "engagement.view_proposals",
    "engagement.submit_proposal",
    "engagement.comment",
    # Withdrawing one's own proposal while nobody has acted on it (test_records.py).
    "engagement.delete_proposal",
}
CORE_APPS = ("organisation.", "agenda.", "steering.", "followup.", "engagement.")


@pytest.mark.parametrize("persona", [COUNCIL_INTERNAL, COUNCIL_EXTERNAL])
def test_council_members_can_never_decide_approve_or_publish(world, persona):
    actor = Actor(world.users[persona], world.organisation)
    writes = sorted(
        name for name in RULES if name.startswith(CORE_APPS) and name not in READING_OR_PROPOSING
    )
    objects = [
        None,
        *(
            world.objects[key]
            for key in (
                "strategy",
                "programme_draft",
                "plan_tn",
                "council_goal",
                "goal_tn_draft",
                "action_tn",
                "action_sn_draft",
                "proposal",
            )
        ),
    ]
    allowed = [
        (name, repr(obj))
        for name in writes
        for obj in objects
        if _applies(name, obj) and allows(actor, name, obj)
    ]
    assert writes and allowed == []


def _applies(permission, obj) -> bool:
    """A permission about one kind of object is asked with that kind (or none)."""
    if obj is None:
        return True
    label = obj._meta.label_lower
    if permission.startswith("engagement."):
        return label == "engagement.proposal"
    return label.startswith("steering.") and permission.startswith("steering.")


def test_the_receiving_bodys_officer_adopts_and_the_history_shows_the_answer(world, login):
    proposal = world.objects["proposal"]
    client = login(world, STRATEG)

    response = client.post(
        url(world, "proposal_respond", pk=proposal.pk),
        {"status": "adopted", "response": "Tas med i nästa plan.", "version": proposal.version},
        follow=True,
    )

    page = response.content.decode()
    assert "The answer was saved." in page
    proposal.refresh_from_db()
    assert proposal.status == "adopted"
    assert proposal.responded_by == world.users[STRATEG]
    assert proposal.responded_at is not None
    assert proposal.version == 2
    # The history, field by field: status submitted → adopted, by the strateg.
    [answered, created] = records.object_history(
        organisation=world.organisation, kind="proposal", pk=proposal.pk
    )
    assert answered.username == world.users[STRATEG].username
    changes = {change.field: (change.old, change.new) for change in answered.changes}
    assert changes["status"] == ("Submitted", "Adopted")
    assert changes["response"] == ("", "Tas med i nästa plan.")
    assert "version" not in changes
    assert created.kind == "created"
    assert "Submitted → Adopted" in page


def test_the_writer_of_the_subject_may_decline_with_a_reason(world, login):
    proposal = world.objects["proposal"]
    client = login(world, COMMITTEE_OFFICER)  # the action belongs to their committee

    refused = client.post(
        url(world, "proposal_respond", pk=proposal.pk),
        {"status": "declined", "response": "", "version": proposal.version},
    )
    assert refused.status_code == 200
    assert "Say why the proposal is declined." in refused.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"

    services.proposal_respond(
        world.users[COMMITTEE_OFFICER], proposal, "declined", "Ryms inte i budgeten."
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.response) == ("declined", "Ryms inte i budgeten.")


def test_a_stale_answer_is_refused_with_the_answer_given_meanwhile_and_the_input_kept(world, login):
    proposal = world.objects["proposal"]
    opened_at = proposal.version
    services.proposal_respond(
        world.users[ANALYST], proposal, "adopted", "Analysgruppen tar fram underlag."
    )

    response = login(world, STRATEG).post(
        url(world, "proposal_respond", pk=proposal.pk),
        {"status": "declined", "response": "Inte nu.", "version": opened_at},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else answered this proposal after you opened it." in page
    assert "Analysgruppen tar fram underlag." in page  # theirs
    assert "Inte nu." in page  # yours, kept
    proposal.refresh_from_db()
    assert (proposal.status, proposal.response) == ("adopted", "Analysgruppen tar fram underlag.")
    with pytest.raises(services.StaleProposal):
        services.proposal_respond(
            world.users[STRATEG], proposal, "declined", "Inte nu.", version=opened_at
        )


def test_a_forged_to_body_of_another_organisation_is_refused_and_logged(
    world, other_world, login, caplog
):
    client = login(world, COUNCIL_INTERNAL)
    before = Proposal.objects.count()

    with caplog.at_level(logging.WARNING, logger="hallbar.security"):
        response = client.post(
            url(world, "proposal_create"),
            {
                "title": "Förfalskat",
                "text": "Till en annan kommuns kommunstyrelse.",
                "from_body": world.bodies["council"].pk,
                "to_body": other_world.bodies["ks"].pk,
            },
        )

    assert response.status_code == 200
    assert Proposal.objects.count() == before
    assert "Select a valid choice" in response.content.decode()
    assert any(
        getattr(r, "field", None) == "to_body" and r.organisation_code == world.code
        for r in caplog.records
    )
    # The service refuses it too, whoever calls it.
    with (
        caplog.at_level(logging.WARNING, logger="hallbar.security"),
        pytest.raises(ValidationError) as refused,
    ):
        submit(world, to_body=other_world.bodies["ks"])
    assert "to_body" in refused.value.message_dict
    assert Proposal.objects.count() == before


def test_a_forged_subject_or_body_the_user_is_not_in_is_refused_and_logged(
    world, other_world, login, caplog
):
    client = login(world, COUNCIL_INTERNAL)
    before = Proposal.objects.count()
    foreign_action = other_world.objects["action_tn"]

    with caplog.at_level(logging.WARNING, logger="hallbar.security"):
        response = client.post(
            url(world, "proposal_create"),
            {
                "title": "Förfalskat",
                "text": "Om en annan kommuns åtgärd, från en nämnd jag inte sitter i.",
                "from_body": world.bodies["tn"].pk,
                "subject": f"action:{foreign_action.pk}",
            },
        )

    assert response.status_code == 200
    assert Proposal.objects.count() == before
    assert foreign_action.title not in response.content.decode()
    logged = {getattr(r, "field", None) for r in caplog.records}
    assert {"subject", "from_body"} <= logged


def test_another_organisations_proposal_is_not_found(world, other_world, login):
    foreign = other_world.objects["proposal"]
    client = login(world, STRATEG)
    for name in ("proposal_detail", "proposal_respond"):
        assert client.get(url(world, name, pk=foreign.pk)).status_code == 404
    assert foreign.title not in client.get(url(world, "proposal_list")).content.decode()


def test_the_list_filters_by_status_in_a_fixed_number_of_queries(
    world, login, django_assert_max_num_queries
):
    for n in range(5):
        submit(world, title=f"Förslag {n}", subject=world.objects["action_tn"])
    services.proposal_respond(world.users[STRATEG], world.objects["proposal"], "adopted", "Ja.")
    client = login(world, COUNCIL_EXTERNAL)

    with django_assert_max_num_queries(12):
        page = client.get(url(world, "proposal_list")).content.decode()
    assert "Förslag 4" in page

    adopted = client.get(url(world, "proposal_list"), {"status": "adopted"}).content.decode()
    assert world.objects["proposal"].title in adopted and "Förslag 4" not in adopted
