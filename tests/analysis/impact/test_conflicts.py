"""Raising goal conflicts automatically (METHODS.md §5), both rules, idempotently."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import translation

from hallbar.analysis.impact import conflicts as detection
from hallbar.analysis.impact import services
from hallbar.analysis.impact.models import ConflictOrigin, ConflictStatus, GoalConflict
from hallbar.analysis.interactions import services as interaction_services
from hallbar.steering import services as steering_services
from tests.analysis.impact.conftest import assess, make_case, matrix, prioritise, targets
from tests.factories import ActionFactory
from tests.personas import COMMITTEE_OFFICER

pytestmark = pytest.mark.django_db


def _codes(conflict: GoalConflict) -> set[str]:
    return set(conflict.targets.values_list("code", flat=True))


def test_a_case_with_positive_and_negative_effects_raises_a_conflict(world):
    case = make_case(world)
    result = assess(case, ("11.1", "2"), ("2.4", "-2"), ("15.5", "-1"))

    [conflict] = result.created
    assert conflict.origin == ConflictOrigin.MIXED_EFFECTS
    assert conflict.case == case
    assert _codes(conflict) == {"11.1", "2.4", "15.5"}
    assert "Motivering 2.4" in conflict.evidence
    # KS decides the case and holds an organisation-wide decide mandate: it weighs it.
    assert conflict.weighing_body == world.bodies["ks"]
    assert conflict.status == ConflictStatus.OPEN


def test_a_single_effect_rated_both_ways_is_a_conflict(world):
    result = assess(make_case(world), ("7.2", "both"))
    assert [c.origin for c in result.created] == [ConflictOrigin.MIXED_EFFECTS]


def test_mixed_dimensions_alone_raise_a_conflict(world):
    case = make_case(world)
    result = assess(
        case,
        ("2.2", "2"),
        dimensions={"social": ("2", "Bättre mat."), "economic": ("-1", "Dyrare.")},
    )
    [conflict] = result.created
    assert "economic" in conflict.title.lower() or "ekonomisk" in conflict.title.lower()


def test_only_positive_effects_raise_nothing(world):
    result = assess(make_case(world), ("11.1", "2"), ("11.2", "positive"), ("3.4", "0"))
    assert result.created == []
    assert not GoalConflict.objects.filter(
        origin=ConflictOrigin.MIXED_EFFECTS, case__diary_number="KS 2026/1"
    ).exists()


def test_a_case_supporting_a_target_that_counteracts_a_prioritised_target(world):
    matrix(world, [("13.2", "2.2", -2, "Klimatkrav kan fördyra maten."), ("13.2", "7.2", 2, "")])
    prioritise(world, "2.2")
    result = assess(make_case(world), ("13.2", "2"))

    [conflict] = result.created
    assert conflict.origin == ConflictOrigin.COUNTERACTS_PRIORITY
    assert _codes(conflict) == {"13.2", "2.2"}
    assert "−2" in conflict.evidence or "-2" in conflict.evidence
    assert "Klimatkrav kan fördyra maten." in conflict.evidence
    assert "2.2" in conflict.title


def test_rule_b_needs_the_counteracted_target_to_be_prioritised(world):
    matrix(world, [("13.2", "2.2", -2, "")])
    prioritise(world, "11.1")
    assert assess(make_case(world), ("13.2", "3")).created == []


def test_rule_b_needs_a_strong_counteraction(world):
    matrix(world, [("13.2", "2.2", -1, "")])
    prioritise(world, "2.2")
    assert assess(make_case(world), ("13.2", "3")).created == []


def test_a_negative_rating_does_not_count_as_support(world):
    matrix(world, [("13.2", "2.2", -3, "")])
    prioritise(world, "2.2")
    assert assess(make_case(world), ("13.2", "-2")).created == []


def test_an_action_linked_to_a_target_counteracting_a_prioritised_target(world):
    matrix(world, [("7.2", "6.6", -2, "Vattenkraft påverkar vattenmiljön.")])
    prioritise(world, "6.6")
    action = ActionFactory(
        organisation=world.organisation,
        title="Ny turbin i vattenkraftverket",
        body=world.bodies["tn"],
        plan=world.objects["plan_tn"],
    )
    action.targets.set(targets("7.2"))

    [conflict] = detection.detect_for_action(action).created
    assert conflict.action == action
    assert conflict.origin == ConflictOrigin.COUNTERACTS_PRIORITY
    assert _codes(conflict) == {"7.2", "6.6"}
    # Tekniska nämnden decides its own actions: it weighs the conflict.
    assert conflict.weighing_body == world.bodies["tn"]


def test_detection_again_raises_nothing_twice(world):
    matrix(world, [("13.2", "2.2", -2, "")])
    prioritise(world, "2.2")
    case = make_case(world)
    first = assess(case, ("13.2", "2"), ("2.2", "-1"))
    assert len(first.created) == 2  # rule (a) and rule (b)

    again = detection.detect_for_case(case)
    everything = detection.detect_conflicts(world.organisation)
    assert again.created == [] and everything.created == []
    assert GoalConflict.objects.filter(case=case).count() == 2


def test_a_decided_conflict_stays_as_decided_when_the_facts_change(world):
    case = make_case(world)
    [conflict] = assess(case, ("11.1", "2"), ("2.4", "-2")).created
    services.conflict_decide(
        conflict=conflict,
        body=world.bodies["ks"],
        date=dt.date(2026, 4, 1),
        paragraph="42",
        trade_off="Bostäderna byggs.",
        reasoning="Bostadsbristen väger tyngst.",
    )
    evidence = GoalConflict.objects.get(pk=conflict.pk).evidence

    result = assess(case, ("11.1", "3"), ("2.4", "-3"))
    assert result.created == [] and result.updated == []
    kept = GoalConflict.objects.get(pk=conflict.pk)
    assert (kept.status, kept.decision_paragraph, kept.evidence) == ("decided", "42", evidence)


def test_an_open_conflict_follows_the_changed_assessment(world):
    case = make_case(world)
    [conflict] = assess(case, ("11.1", "2"), ("2.4", "-2")).created
    result = assess(case, ("11.1", "2"), ("15.5", "-2"))
    assert [c.pk for c in result.updated] == [conflict.pk]
    assert _codes(GoalConflict.objects.get(pk=conflict.pk)) == {"11.1", "15.5"}


def test_the_command_detects_for_actions_and_is_idempotent(world, capsys):
    matrix(world, [("7.2", "6.6", -2, "")])
    prioritise(world, "6.6")
    action = world.objects["action_tn"]
    action.targets.set(targets("7.2"))

    with translation.override("en"):
        call_command("detect_conflicts", organisation="1961")
        assert "1 conflicts raised" in capsys.readouterr().out
        call_command("detect_conflicts", organisation="1961")
        assert "0 conflicts raised" in capsys.readouterr().out
    assert GoalConflict.objects.filter(action=action).count() == 1


def test_the_command_refuses_an_unknown_organisation(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="9999"):
        call_command("detect_conflicts", organisation="9999")


def test_saving_an_action_through_steering_raises_the_conflict(
    world, django_capture_on_commit_callbacks
):
    matrix(world, [("7.2", "6.6", -2, "Vattenkraft påverkar vattenmiljön.")])
    prioritise(world, "6.6")

    with django_capture_on_commit_callbacks(execute=True):
        action = steering_services.action_create(
            organisation=world.organisation,
            created_by=world.users[COMMITTEE_OFFICER],
            fields={
                "title": "Ny turbin i vattenkraftverket",
                "body": world.bodies["tn"],
                "plan": world.objects["plan_tn"],
                "owner": "Teknisk chef",
            },
            targets=targets("7.2"),
        )

    [conflict] = GoalConflict.objects.filter(action=action)
    assert _codes(conflict) == {"7.2", "6.6"}
    # Saving again changes nothing: the conflict is not raised twice.
    with django_capture_on_commit_callbacks(execute=True):
        steering_services.action_update(
            action=action, fields={"title": action.title}, targets=targets("7.2")
        )
    assert GoalConflict.objects.filter(action=action).count() == 1


def test_a_draft_matrix_raises_no_conflict_until_it_is_published(world):
    draft = matrix(world, [("13.2", "2.2", -3, "Utkast, ej publicerat.")], publish=False)
    prioritise(world, "2.2")
    case = make_case(world)
    assert assess(case, ("13.2", "2")).created == []

    interaction_services.matrix_publish(matrix=draft)
    [conflict] = detection.detect_for_case(case).created
    assert _codes(conflict) == {"13.2", "2.2"}
