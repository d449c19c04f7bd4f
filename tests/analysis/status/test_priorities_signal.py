"""`priorities_changed` (hallbar/analysis/status/signals.py): sent after the transaction
commits, once per transaction, when a target's prioritisation changes or an analysis is
confirmed; never for other edits, never when the transaction rolls back."""

import pytest
from django.db import transaction

from hallbar.analysis.status import selectors, services
from hallbar.analysis.status.signals import priorities_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    priorities_changed.connect(receiver, dispatch_uid="test_priorities_signal")
    yield calls
    priorities_changed.disconnect(dispatch_uid="test_priorities_signal")


@pytest.fixture
def analysis(analysis_world):
    return services.analysis_create(organisation=analysis_world.organisation, year=2025)


def row(analysis, code: str):
    return analysis.assessments.get(target__code=code, target__goal_set__code="agenda2030")


def prioritise(analysis, code: str, on: bool = True):
    target = row(analysis, code)
    values = {"is_prioritised": on, "priority_motivation": "KF-mål." if on else ""}
    return services.assessment_update(
        target_assessment=target, expected_version=target.version, user=None, **values
    )


@pytest.mark.django_db(transaction=True)
def test_sent_once_after_commit_with_the_organisation(analysis_world, received):
    """Real commits: the test's database work is not wrapped in a transaction."""
    analysis = services.analysis_create(organisation=analysis_world.organisation, year=2025)

    with transaction.atomic():
        prioritise(analysis, "4.1")
        prioritise(analysis, "11.2")
        prioritise(analysis, "4.1", on=False)
        assert received == []  # not before the commit

    assert len(received) == 1
    assert received[0]["organisation"] == analysis_world.organisation
    assert received[0]["analysis"] == analysis
    assert [t.code for t in selectors.prioritised_targets(analysis_world.organisation)] == [
        "11.2"
    ]  # a listener reads the committed priorities

    with transaction.atomic():
        services.analysis_confirm(analysis=analysis, expected_version=1, user=None)

    assert len(received) == 2 and received[1]["analysis"].is_confirmed


def test_each_committed_change_sends_it(analysis, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        prioritise(analysis, "4.1")
    with django_capture_on_commit_callbacks(execute=True):
        prioritise(analysis, "4.1", on=False)

    assert len(received) == 2


def test_not_sent_for_edits_that_leave_the_priorities(
    analysis, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        target = row(analysis, "4.1")
        services.assessment_update(
            target_assessment=target, expected_version=1, user=None, text="Ny text."
        )
        services.goal_text_update(
            goal_assessment=analysis.goal_assessments.get(goal__number=4),
            expected_version=1,
            user=None,
            text="Skolan.",
        )

    assert received == []


def test_not_sent_when_the_transaction_rolls_back(
    analysis, received, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        prioritise(analysis, "4.1")
        raise RuntimeError("rolled back")

    assert received == []
    assert not row(analysis, "4.1").is_prioritised


def test_sent_when_an_analysis_is_confirmed(
    analysis_world, analysis, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        prioritise(analysis, "13.2")
        services.analysis_confirm(analysis=analysis, expected_version=1, user=None)

    assert [call["analysis"].state for call in received] == ["confirmed"]
    assert received[0]["organisation"] == analysis_world.organisation


def test_sent_when_a_confirmed_analysis_is_deleted_or_restored(
    analysis_world, analysis, received, django_capture_on_commit_callbacks
):
    from hallbar.core import records

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.analysis_confirm(analysis=analysis, expected_version=1, user=None)
    received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        records.record_delete(obj=confirmed, user=None, expected_version=confirmed.version)
    with django_capture_on_commit_callbacks(execute=True):
        records.record_restore(obj=confirmed, user=None)

    assert [call["analysis"].deleted_at is not None for call in received] == [True, False]
    assert {call["organisation"] for call in received} == {analysis_world.organisation}


def test_removing_a_draft_with_priorities_for_good_tells_the_listeners(
    analysis_world, analysis, received, django_capture_on_commit_callbacks
):
    from hallbar.core import records

    with django_capture_on_commit_callbacks(execute=True):
        prioritise(analysis, "4.1")
    received.clear()
    analysis.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        outcome = records.record_delete(obj=analysis, user=None, expected_version=analysis.version)

    assert outcome == "hard"
    [call] = received
    assert call["organisation"] == analysis_world.organisation and call["analysis"] is None
