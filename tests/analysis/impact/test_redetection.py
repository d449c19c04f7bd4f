"""Detection again when its inputs change (METHODS.md §5): the prioritised targets
(`priorities_changed`), a published matrix (`matrix_published`), an action deleted.
A conflict whose condition no longer holds is withdrawn with the date and why; it
reopens, the same conflict, when the condition returns. Decided conflicts and those
raised by hand are never touched. One pass over the organisation, in a number of
queries that does not grow with its cases."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from hallbar.analysis.impact import conflicts as detection
from hallbar.analysis.impact import services
from hallbar.analysis.impact.models import ConflictOrigin, ConflictStatus, GoalConflict
from hallbar.analysis.interactions.signals import matrix_published
from hallbar.analysis.status.models import TargetAssessment
from hallbar.analysis.status.signals import priorities_changed
from hallbar.core import records
from tests.analysis.impact.conftest import assess, make_case, matrix, prioritise, targets
from tests.factories import ActionFactory
from tests.personas import COMMITTEE_OFFICER, STRATEG

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Reasons and evidence are stored in the language detection runs in: English here,
    whatever the catalogue holds."""
    with translation.override("en"):
        yield


def url(name: str, **kwargs) -> str:
    return reverse(f"impact:{name}", kwargs={"org_code": "1961", **kwargs})


def _codes(conflict: GoalConflict) -> set[str]:
    return set(conflict.targets.values_list("code", flat=True))


@pytest.fixture
def send(world, django_capture_on_commit_callbacks):
    """Send a signal as its app does, and run what waits for the commit."""

    def send_signal(signal, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            signal.send(sender=None, organisation=world.organisation, **kwargs)

    return send_signal


def _unprioritise(world, *codes: str) -> None:
    TargetAssessment.objects.filter(
        analysis__organisation=world.organisation, target__code__in=codes
    ).update(is_prioritised=False)


@pytest.fixture
def setting(world):
    """A published matrix where 13.2 counteracts 2.2 and 7.2 counteracts 6.6, a case
    that supports 13.2 and an action linked to 7.2; nothing prioritised yet."""
    matrix(
        world,
        [
            ("13.2", "2.2", -2, "Klimatkrav kan fördyra maten."),
            ("7.2", "6.6", -3, "Vattenkraft påverkar vattenmiljön."),
        ],
    )
    case = make_case(world, "KS 2026/9")
    assess(case, ("13.2", "2"))
    action = ActionFactory(
        organisation=world.organisation,
        title="Ny turbin i vattenkraftverket",
        body=world.bodies["tn"],
        plan=world.objects["plan_tn"],
    )
    action.targets.set(targets("7.2"))
    assert not GoalConflict.objects.filter(case=case).exists()
    assert not GoalConflict.objects.filter(action=action).exists()
    return case, action


def test_a_new_priority_raises_conflicts_for_existing_cases_and_actions(world, setting, send):
    case, action = setting
    analysis = prioritise(world, "2.2", "6.6")

    send(priorities_changed, analysis=analysis)

    [of_case] = GoalConflict.objects.filter(case=case)
    [of_action] = GoalConflict.objects.filter(action=action)
    assert _codes(of_case) == {"13.2", "2.2"} and _codes(of_action) == {"7.2", "6.6"}
    assert of_case.origin == ConflictOrigin.COUNTERACTS_PRIORITY
    assert of_case.status == of_action.status == ConflictStatus.OPEN
    assert "Klimatkrav kan fördyra maten." in of_case.evidence
    # Weighed by the body that decides the source and may: KS the case, TN its action.
    assert (of_case.weighing_body, of_action.weighing_body) == (
        world.bodies["ks"],
        world.bodies["tn"],
    )
    # Raised by Hållbar, not by whoever changed the priorities.
    assert of_case.history.get().history_user is None


def test_a_priority_removed_withdraws_the_open_conflicts_with_why(world, setting, send, client_for):
    case, action = setting
    analysis = prioritise(world, "2.2", "6.6")
    send(priorities_changed, analysis=analysis)
    of_case = GoalConflict.objects.get(case=case)
    of_action = GoalConflict.objects.get(action=action)
    # Under preparation is still waiting for a weighing: withdrawn too.
    services.conflict_save(
        organisation=world.organisation,
        conflict=of_action,
        fields={"status": ConflictStatus.PREPARING},
        targets=list(of_action.targets.all()),
        expected_version=of_action.updated_at,
    )

    _unprioritise(world, "2.2", "6.6")
    send(priorities_changed, analysis=analysis)

    of_case.refresh_from_db()
    of_action.refresh_from_db()
    assert of_case.status == of_action.status == ConflictStatus.WITHDRAWN
    assert of_case.withdrawn_reason == "Target 2.2 is no longer prioritised by the municipality."
    assert of_action.withdrawn_reason == "Target 6.6 is no longer prioritised by the municipality."
    assert of_case.withdrawn_at is not None
    latest = of_case.history.latest("history_date")
    assert latest.history_user is None and latest.status == "withdrawn"
    assert "no longer holds" in latest.history_change_reason

    # Still in the register, filterable, but not counted as open.
    client = client_for(world.users[STRATEG])
    register = client.get(url("conflict_list"), {"status": "withdrawn"})
    assert {c.pk for c in register.context["conflicts"]} == {of_case.pk, of_action.pk}
    everything = client.get(url("conflict_list"))
    assert of_case in everything.context["conflicts"]
    counts = {value: count for value, _label, count in everything.context["status_counts"]}
    assert counts["withdrawn"] == 2
    assert counts.get("open", 0) == (
        GoalConflict.objects.for_organisation(world.organisation).filter(status="open").count()
    )
    assert GoalConflict.objects.active().filter(pk__in=[of_case.pk, of_action.pk]).count() == 0

    page = client.get(url("conflict_detail", pk=of_case.pk)).content.decode()
    assert "Withdrawn" in page and "Target 2.2 is no longer prioritised" in page
    assert "Record the decision" not in page
    history = client.get(url("conflict_history", pk=of_case.pk)).content.decode()
    assert "Target 2.2 is no longer prioritised by the municipality." in history


def test_the_condition_returns_and_the_same_conflict_reopens(world, setting, send, client_for):
    case, _action = setting
    analysis = prioritise(world, "2.2")
    send(priorities_changed, analysis=analysis)
    conflict = GoalConflict.objects.get(case=case)
    _unprioritise(world, "2.2")
    send(priorities_changed, analysis=analysis)

    TargetAssessment.objects.filter(analysis=analysis, target__code="2.2").update(
        is_prioritised=True
    )
    send(priorities_changed, analysis=analysis)

    [again] = GoalConflict.objects.filter(case=case)
    assert again.pk == conflict.pk
    assert again.status == ConflictStatus.OPEN
    assert (again.withdrawn_at, again.withdrawn_reason) == (None, "")
    assert [v.status for v in again.history.order_by("history_date", "history_id")] == [
        "open",
        "withdrawn",
        "open",
    ]
    assert _codes(again) == {"13.2", "2.2"}
    history = client_for(world.users[STRATEG]).get(url("conflict_history", pk=conflict.pk))
    assert "Reopened automatically" in history.content.decode()


def test_a_decided_conflict_is_never_changed_by_detection(world, setting, send):
    case, _action = setting
    analysis = prioritise(world, "2.2")
    send(priorities_changed, analysis=analysis)
    conflict = services.conflict_decide(
        conflict=GoalConflict.objects.get(case=case),
        body=world.bodies["ks"],
        date=dt.date(2026, 4, 1),
        paragraph="42",
        trade_off="Klimatkraven gäller.",
        reasoning="Klimatmålet väger tyngst.",
    )
    versions = conflict.history.count()

    _unprioritise(world, "2.2")
    send(priorities_changed, analysis=analysis)
    result = detection.detect_for_case(case)

    kept = GoalConflict.objects.get(pk=conflict.pk)
    assert (kept.status, kept.decision_paragraph, kept.withdrawn_at) == ("decided", "42", None)
    assert kept.history.count() == versions
    assert result.withdrawn == []


def test_a_conflict_raised_by_hand_is_never_withdrawn(world, setting, send):
    case, _action = setting
    analysis = prioritise(world, "2.2")
    by_hand = services.conflict_save(
        organisation=world.organisation,
        fields={
            "title": "Klimatkrav mot livsmedelskostnad",
            "case": case,
            "evidence": "Noterat av strategen.",
            "status": ConflictStatus.OPEN,
        },
        targets=targets("13.2", "2.2"),
    )
    send(priorities_changed, analysis=analysis)
    _unprioritise(world, "2.2")

    send(priorities_changed, analysis=analysis)
    detection.detect_conflicts(world.organisation)

    by_hand.refresh_from_db()
    assert by_hand.status == ConflictStatus.OPEN and by_hand.history.count() == 1
    assert GoalConflict.objects.get(
        case=case, origin=ConflictOrigin.COUNTERACTS_PRIORITY
    ).status == (ConflictStatus.WITHDRAWN)


def test_a_published_matrix_with_changed_scores_withdraws_and_raises(world, setting, send):
    case, action = setting
    analysis = prioritise(world, "2.2", "6.6", "11.1")
    send(priorities_changed, analysis=analysis)
    of_case = GoalConflict.objects.get(case=case)
    of_action = GoalConflict.objects.get(action=action)

    # The new version: 13.2 now only mildly counteracts 2.2, 7.2 no longer touches 6.6
    # at all, but 13.2 strongly counteracts the prioritised 11.1.
    version = matrix(
        world,
        [
            ("13.2", "2.2", -1, "Mindre påverkan än vi trodde."),
            ("7.2", "11.1", 1, ""),
            ("13.2", "11.1", -2, "Dyrare byggande."),
        ],
    )
    send(matrix_published, matrix=version)

    of_case.refresh_from_db()
    of_action.refresh_from_db()
    assert of_case.status == of_action.status == ConflictStatus.WITHDRAWN
    assert "scores the influence of 13.2 on 2.2 as -1" in of_case.withdrawn_reason
    assert "no longer counteracting" in of_case.withdrawn_reason
    assert "has no score for the influence of 7.2 on 6.6" in of_action.withdrawn_reason
    raised = GoalConflict.objects.get(case=case, status=ConflictStatus.OPEN)
    assert _codes(raised) == {"13.2", "11.1"} and "Dyrare byggande." in raised.evidence

    # And back: a version scoring 13.2 → 2.2 at −3 reopens the case's first conflict.
    version = matrix(world, [("13.2", "2.2", -3, "Ny bedömning."), ("7.2", "6.6", 0, "")])
    send(matrix_published, matrix=version)
    of_case.refresh_from_db()
    assert of_case.status == ConflictStatus.OPEN and of_case.withdrawn_reason == ""
    assert "-3" in of_case.evidence and "Ny bedömning." in of_case.evidence
    assert GoalConflict.objects.get(pk=raised.pk).status == ConflictStatus.WITHDRAWN
    assert GoalConflict.objects.get(pk=of_action.pk).status == ConflictStatus.WITHDRAWN
    assert GoalConflict.objects.filter(case=case).count() == 2


def test_the_changed_assessment_withdraws_its_mixed_effects_conflict(world):
    case = make_case(world)
    [conflict] = assess(case, ("11.1", "2"), ("2.4", "-2")).created

    result = assess(case, ("11.1", "2"), ("2.4", "1"))

    assert [c.pk for c in result.withdrawn] == [conflict.pk]
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.WITHDRAWN
    assert conflict.withdrawn_reason == (
        "The assessment of the case no longer has both positive and negative effects."
    )
    # Rated both ways again: the same conflict reopens.
    result = assess(case, ("11.1", "2"), ("2.4", "-3"))
    assert [c.pk for c in result.reopened] == [conflict.pk] and result.created == []


def test_an_action_no_longer_linked_or_deleted_withdraws_its_conflict(
    world, django_capture_on_commit_callbacks
):
    matrix(world, [("7.2", "6.6", -2, ""), ("7.3", "6.6", -2, "")])
    prioritise(world, "6.6")
    action = world.objects["action_tn"]
    with django_capture_on_commit_callbacks(execute=True):
        action.targets.set(targets("7.2", "7.3"))
    first, second = GoalConflict.objects.filter(action=action).order_by("rule_key")
    assert (_codes(first), _codes(second)) == ({"7.2", "6.6"}, {"7.3", "6.6"})

    with django_capture_on_commit_callbacks(execute=True):
        action.targets.set(targets("7.3"))
    first.refresh_from_db()
    assert first.status == ConflictStatus.WITHDRAWN
    assert first.withdrawn_reason == "The action is no longer linked to target 7.2."

    with django_capture_on_commit_callbacks(execute=True):
        outcome = records.record_delete(
            obj=action, user=world.users[COMMITTEE_OFFICER], expected_version=action.updated_at
        )
    assert outcome == "soft"
    second.refresh_from_db()
    assert (second.status, second.withdrawn_reason) == ("withdrawn", "The action was deleted.")


def test_a_rolled_back_save_leaves_no_detection_queued(world, django_capture_on_commit_callbacks):
    matrix(world, [("7.2", "6.6", -2, "")])
    prioritise(world, "6.6")
    action = world.objects["action_tn"]

    class Undo(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as ran,
        pytest.raises(Undo),
        transaction.atomic(),
    ):
        action.targets.set(targets("7.2"))
        raise Undo
    assert ran == [] and not GoalConflict.objects.filter(action=action).exists()

    # The next committed change is checked: nothing stale keeps it from being queued.
    with django_capture_on_commit_callbacks(execute=True):
        action.targets.set(targets("7.2"))
    assert GoalConflict.objects.filter(action=action).count() == 1


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as queries:
        run()
    return len(queries)


def _passes(w, cases: int) -> tuple[list[int], list[detection.Detection]]:
    """The same three passes in an organisation with `cases` cases and three actions:
    raising (each case and action counteracts two prioritised targets), then raising for
    one new action while withdrawing a priority's conflicts, then nothing to do."""
    matrix(w, [("13.2", "2.2", -2, ""), ("13.2", "11.1", -3, "")])
    for number in range(3):
        ActionFactory(
            organisation=w.organisation,
            title=f"Åtgärd {number}",
            body=w.bodies["tn"],
            plan=w.objects["plan_tn"],
        ).targets.set(targets("13.2"))
    for number in range(cases):
        assess(make_case(w, f"KS 2026/{100 + number}"), ("13.2", "2"), ("15.5", "-1"))
    analysis = prioritise(w, "2.2", "11.1")
    counts, results = [], []

    def run() -> None:
        results.append(detection.detect_conflicts(w.organisation))

    counts.append(_queries(run))
    # Saved but not committed yet: its own detection waits, the pass finds it.
    ActionFactory(
        organisation=w.organisation, title="Ny", body=w.bodies["tn"], plan=w.objects["plan_tn"]
    ).targets.set(targets("13.2"))
    TargetAssessment.objects.filter(analysis=analysis, target__code="11.1").update(
        is_prioritised=False
    )
    counts.append(_queries(run))
    counts.append(_queries(run))
    return counts, results


def test_one_pass_runs_a_fixed_number_of_queries_however_many_cases(world, other_world):
    few, few_results = _passes(world, cases=2)
    many, many_results = _passes(other_world, cases=12)

    raised, changed, unchanged = many_results
    assert len(raised.created) == (12 + 3) * 2
    # The new action's one pair (11.1 is no longer prioritised); 11.1's conflicts withdrawn.
    assert (len(changed.created), len(changed.withdrawn)) == (1, 12 + 3)
    assert unchanged.created == unchanged.withdrawn == unchanged.updated == []
    assert len(few_results[1].withdrawn) == 2 + 3
    # The same queries for 2 cases as for 12, written in bulk, and a handful only.
    assert many == few, (few, many)
    assert max(many) <= 30


def test_the_command_reports_withdrawn_conflicts(world, setting, capsys):
    from django.core.management import call_command

    case, _action = setting
    analysis = prioritise(world, "2.2", "6.6")
    detection.detect_conflicts(world.organisation)
    TargetAssessment.objects.filter(analysis=analysis).update(is_prioritised=False)

    with translation.override("en"):
        call_command("detect_conflicts", organisation="1961")
    assert "0 conflicts raised, 0 updated, 0 reopened, 2 withdrawn" in capsys.readouterr().out
    assert (
        GoalConflict.objects.filter(
            status=ConflictStatus.WITHDRAWN, origin=ConflictOrigin.COUNTERACTS_PRIORITY
        )
        .filter(case=case)
        .exists()
    )
    with translation.override("en"):
        call_command("detect_conflicts", organisation="1961")
    out = capsys.readouterr().out
    assert "0 withdrawn" in out and "0 conflicts raised" in out


# --- through the real senders ----------------------------------------------------------------


def test_confirming_an_analysis_with_a_priority_raises_the_conflict_and_reopening_withdraws(
    world, setting, django_capture_on_commit_callbacks
):
    """The priorities in force are the latest confirmed analysis's: prioritising in a
    draft changes nothing until it is confirmed; reopening it takes them back."""
    from hallbar.analysis.status import services as status_services

    case, _action = setting
    analysis = status_services.analysis_create(organisation=world.organisation, year=2026)
    row = analysis.assessments.get(target__code="2.2", target__goal_set__code="agenda2030")
    with django_capture_on_commit_callbacks(execute=True):
        status_services.assessment_update(
            target_assessment=row,
            expected_version=row.version,
            user=None,
            is_prioritised=True,
            priority_motivation="KF-mål om skolmåltider.",
        )
    assert not GoalConflict.objects.filter(case=case).exists()  # a draft: not in force

    analysis.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        analysis = status_services.analysis_confirm(
            analysis=analysis, expected_version=analysis.version, user=None
        )
    [conflict] = GoalConflict.objects.filter(case=case)
    assert _codes(conflict) == {"13.2", "2.2"}

    with django_capture_on_commit_callbacks(execute=True):
        status_services.analysis_reopen(
            analysis=analysis, expected_version=analysis.version, user=None
        )
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.WITHDRAWN


def test_publishing_a_matrix_version_raises_and_withdraws(
    world, setting, django_capture_on_commit_callbacks
):
    from hallbar.analysis.interactions import services as interaction_services

    case, _action = setting
    prioritise(world, "2.2")  # not through the status analysis: no check yet
    assert not GoalConflict.objects.filter(case=case).exists()

    stronger = matrix(world, [("13.2", "2.2", -3, "Starkare motverkan.")], publish=False)
    with django_capture_on_commit_callbacks(execute=True):
        interaction_services.matrix_publish(matrix=stronger)
    [conflict] = GoalConflict.objects.filter(case=case)
    assert "Starkare motverkan." in conflict.evidence

    weaker = matrix(world, [("13.2", "2.2", -1, "")], publish=False)
    with django_capture_on_commit_callbacks(execute=True):
        interaction_services.matrix_publish(matrix=weaker)
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.WITHDRAWN
    assert "as -1: no longer counteracting" in conflict.withdrawn_reason


# --- by hand: a withdrawn conflict is neither decided nor reopened ---------------------------


@pytest.fixture
def withdrawn(world) -> GoalConflict:
    case = make_case(world, "TN 2026/8", deciding_body=world.bodies["tn"])
    [conflict] = assess(case, ("11.1", "2"), ("2.4", "-2")).created
    assess(case, ("11.1", "2"))
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.WITHDRAWN
    return conflict


def test_a_withdrawn_conflict_is_not_decided(world, withdrawn, client_for):
    client = client_for(world.users[COMMITTEE_OFFICER])
    response = client.get(url("conflict_decide", pk=withdrawn.pk))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "The conflict is withdrawn" in page
    posted = client.post(
        url("conflict_decide", pk=withdrawn.pk),
        {
            "version": withdrawn.updated_at.isoformat(),
            "decision_body": world.bodies["tn"].pk,
            "decision_date": "2026-06-10",
            "decision_paragraph": "77",
            "trade_off": "Bostäderna byggs.",
            "reasoning": "Bostadsbristen.",
        },
    )
    assert posted.status_code == 302
    withdrawn.refresh_from_db()
    assert withdrawn.status == ConflictStatus.WITHDRAWN and withdrawn.decision_body is None

    with pytest.raises(ValidationError, match="withdrawn"):
        services.conflict_decide(
            conflict=withdrawn,
            body=world.bodies["tn"],
            date=dt.date(2026, 6, 10),
            paragraph="77",
            trade_off="x",
            reasoning="y",
        )


def test_status_withdrawn_is_set_and_undone_by_detection_only(world, withdrawn, client_for):
    with pytest.raises(ValidationError, match="reopens by itself"):
        services.conflict_save(
            organisation=world.organisation,
            conflict=withdrawn,
            fields={"status": ConflictStatus.OPEN},
            targets=list(withdrawn.targets.all()),
            expected_version=withdrawn.updated_at,
        )
    by_hand = services.conflict_save(
        organisation=world.organisation,
        fields={"title": "Handrest", "evidence": "Noterat.", "status": ConflictStatus.OPEN},
        targets=targets("11.1", "2.4"),
    )
    with pytest.raises(ValidationError, match="Only Hållbar withdraws"):
        services.conflict_save(
            organisation=world.organisation,
            conflict=by_hand,
            fields={"status": ConflictStatus.WITHDRAWN},
            targets=targets("11.1", "2.4"),
            expected_version=by_hand.updated_at,
        )

    # The edit form keeps a withdrawn conflict withdrawn; other fields stay editable.
    client = client_for(world.users[STRATEG])
    form = client.get(url("conflict_edit", pk=withdrawn.pk)).context["form"]
    assert [value for value, _label in form.fields["status"].choices] == ["withdrawn"]
    fresh = client.get(url("conflict_edit", pk=by_hand.pk))
    assert "withdrawn" not in [v for v, _label in fresh.context["form"].fields["status"].choices]
