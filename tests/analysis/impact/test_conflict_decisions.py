"""The goal-conflict register: who may record a decision (an officer of a body with the
decide mandate), that council members propose but never decide, that only a body with
the mandate can be named, and that decided conflicts stay visible as precedent."""

import logging

import pytest
from django.urls import reverse

from hallbar.analysis.impact.models import ConflictStatus, GoalConflict, Remark
from tests.analysis.impact.conftest import assess, make_case
from tests.personas import (
    ANALYST,
    COMMITTEE_OFFICER,
    COUNCIL_EXTERNAL,
    COUNCIL_INTERNAL,
    STRATEG,
)

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"impact:{name}", kwargs={"org_code": "1961", **kwargs})


@pytest.fixture
def conflict(world) -> GoalConflict:
    """An open conflict from a case Tekniska nämnden prepares and decides."""
    case = make_case(world, "TN 2026/5", deciding_body=world.bodies["tn"])
    [conflict] = assess(case, ("11.1", "2"), ("2.4", "-2")).created
    return conflict


def decision(conflict: GoalConflict, body, **values) -> dict[str, str]:
    return {
        "version": conflict.updated_at.isoformat(),
        "decision_body": body.pk,
        "decision_date": "2026-06-10",
        "decision_paragraph": "77",
        "trade_off": "Bostäderna byggs, planen krymps.",
        "reasoning": "Bostadsbristen väger tyngst.",
        **values,
    }


@pytest.mark.parametrize("persona", [COUNCIL_EXTERNAL, COUNCIL_INTERNAL])
def test_a_council_member_proposes_but_never_records_a_decision(
    world, conflict, client_for, persona
):
    client = client_for(world.users[persona])
    proposed = client.post(
        url("conflict_remark", pk=conflict.pk),
        {"kind": "weighing", "text": "Spara den bästa åkermarken."},
    )
    assert proposed.status_code == 302
    assert Remark.objects.get(conflict=conflict).text == "Spara den bästa åkermarken."
    case_remark = client.post(
        url("case_remark", pk=conflict.case_id),
        {"kind": "assessment", "text": "Jag föreslår −3 för 2.4."},
    )
    assert case_remark.status_code == 302
    assert Remark.objects.filter(case=conflict.case).count() == 1

    assert client.get(url("conflict_decide", pk=conflict.pk)).status_code == 403
    refused = client.post(
        url("conflict_decide", pk=conflict.pk), decision(conflict, world.bodies["ks"])
    )
    assert refused.status_code == 403
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.OPEN and conflict.decision_body is None
    assert conflict.history.count() == 1
    # Nor do they change the assessment.
    assert client.get(url("case_assess", pk=conflict.case_id)).status_code == 403


def test_the_committee_officer_records_her_committees_decision(world, conflict, client_for):
    client = client_for(world.users[COMMITTEE_OFFICER])
    response = client.post(
        url("conflict_decide", pk=conflict.pk), decision(conflict, world.bodies["tn"])
    )
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.DECIDED
    assert (conflict.decision_body, conflict.decision_paragraph) == (world.bodies["tn"], "77")


def test_an_officer_may_not_record_for_a_body_she_does_not_serve(
    world, conflict, client_for, caplog
):
    # The committee officer sits in Tekniska nämnden, not in KS, though KS may decide.
    client = client_for(world.users[COMMITTEE_OFFICER])
    with caplog.at_level(logging.WARNING, logger="hallbar.security"):
        response = client.post(
            url("conflict_decide", pk=conflict.pk), decision(conflict, world.bodies["ks"])
        )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.OPEN
    assert any("write refused" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("body_key", ["council", "ksau", "analysis", "sn"])
def test_a_body_without_the_decide_mandate_cannot_be_named(
    world, conflict, client_for, caplog, body_key
):
    # The strateg records for KS; the bodies named here may not decide this conflict
    # (Socialnämnden decides only its own matters; this is Tekniska nämndens).
    client = client_for(world.users[STRATEG])
    with caplog.at_level(logging.WARNING, logger="hallbar.security"):
        response = client.post(
            url("conflict_decide", pk=conflict.pk), decision(conflict, world.bodies[body_key])
        )
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["decision_body"])
    assert "has no mandate to decide this" in message
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.OPEN
    assert any("decision_body" in r.getMessage() for r in caplog.records)


def test_another_organisations_body_is_refused(world, other_world, conflict, client_for, caplog):
    client = client_for(world.users[STRATEG])
    with caplog.at_level(logging.WARNING, logger="hallbar.security"):
        response = client.post(
            url("conflict_decide", pk=conflict.pk), decision(conflict, other_world.bodies["ks"])
        )
    assert response.status_code == 200
    assert "decision_body" in response.context["form"].errors
    assert GoalConflict.objects.get(pk=conflict.pk).status == ConflictStatus.OPEN
    assert any("forged field refused" in r.getMessage() for r in caplog.records)


def test_the_analysis_group_prepares_but_does_not_record(world, conflict, client_for):
    client = client_for(world.users[ANALYST])
    assert client.get(url("conflict_edit", pk=conflict.pk)).status_code == 200
    assert client.get(url("conflict_decide", pk=conflict.pk)).status_code == 403


def test_a_weighing_body_without_the_mandate_is_refused_when_editing(world, conflict, client_for):
    client = client_for(world.users[ANALYST])
    response = client.post(
        url("conflict_edit", pk=conflict.pk),
        {
            "version": conflict.updated_at.isoformat(),
            "title": conflict.title,
            "case": conflict.case_id,
            "evidence": conflict.evidence,
            "weighing_body": world.bodies["council"].pk,
            "status": "preparing",
            "target_codes": "11.1, 2.4",
        },
    )
    assert response.status_code == 200
    assert "has no mandate to decide this" in " ".join(
        response.context["form"].errors["weighing_body"]
    )


def test_a_conflict_raised_by_hand(world, client_for):
    client = client_for(world.users[STRATEG])
    response = client.post(
        url("conflict_create"),
        {
            "title": "Tillväxt mot utsläpp",
            "evidence": "Ett nytt logistikområde ger jobb men mer tung trafik.",
            "weighing_body": world.bodies["kf"].pk,
            "status": "open",
            "target_codes": "8.2, 13.2",
        },
    )
    assert response.status_code == 302
    conflict = GoalConflict.objects.get(title="Tillväxt mot utsläpp")
    assert conflict.origin == "manual" and conflict.raised_by == world.users[STRATEG]
    assert set(conflict.targets.values_list("code", flat=True)) == {"8.2", "13.2"}


def test_decided_conflicts_stay_visible_as_precedent_and_filter(world, conflict, client_for):
    GoalConflict.objects.filter(pk=conflict.pk).update(status="preparing")
    public = client_for().get(url("conflict_list"))
    titles = [c.title for c in public.context["conflicts"]]
    # The world's decided conflict (KS) is public; the open one is not.
    assert world.objects["ia_conflict"].title in titles
    assert conflict.title not in titles

    client = client_for(world.users[COUNCIL_INTERNAL])
    decided = client.get(url("conflict_list"), {"status": "decided"}).context["conflicts"]
    assert [c.pk for c in decided] == [world.objects["ia_conflict"].pk]
    by_target = client.get(url("conflict_list"), {"target": "2.4"}).context["conflicts"]
    assert {c.pk for c in by_target} == {
        conflict.pk,
        world.objects["ia_conflict"].pk,
        world.objects["ia_conflict_open"].pk,
    }
    by_body = client.get(url("conflict_list"), {"body": world.bodies["tn"].pk}).context["conflicts"]
    assert {c.pk for c in by_body} == {conflict.pk, world.objects["ia_conflict_open"].pk}
    detail = client_for().get(url("conflict_detail", pk=world.objects["ia_conflict"].pk))
    assert "§" in detail.content.decode() and "13" in detail.content.decode()


def test_the_register_reads_with_a_fixed_number_of_queries(world, client_for):
    client = client_for(world.users[STRATEG])

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("conflict_list")).status_code == 200
        return len(captured.captured_queries)

    before = count()
    for number in range(3):
        case = make_case(world, f"KS 2026/{100 + number}")
        assess(case, ("11.1", "2"), ("2.4", "-2"))
    assert count() == before
