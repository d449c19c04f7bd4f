"""`matrix_published`: sent once, after the publishing transaction commits, with the
organisation and the version; never for a rollback or a version already published."""

import pytest
from django.db import transaction

from hallbar.analysis.interactions import services
from hallbar.analysis.interactions.models import InteractionMatrix
from hallbar.analysis.interactions.signals import matrix_published
from hallbar.core import records

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, **kwargs})

    matrix_published.connect(receiver, dispatch_uid="test.matrix_published")
    yield calls
    matrix_published.disconnect(dispatch_uid="test.matrix_published")


def test_publishing_sends_the_signal_once_after_the_commit(
    draft, setting, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.matrix_publish(matrix=draft, expected_version=draft.version)
        assert received == []  # not before the commit

    [call] = received
    assert call["sender"] is InteractionMatrix
    assert call["organisation"] == setting.organisation
    assert call["matrix"] == draft and call["matrix"].is_published


def test_publishing_twice_in_one_transaction_sends_once(
    draft, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.matrix_publish(matrix=draft)
        services.matrix_publish(matrix=draft)

    assert len(received) == 1


def test_a_version_already_published_sends_nothing(
    draft, received, django_capture_on_commit_callbacks
):
    services.matrix_publish(matrix=draft)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.matrix_publish(matrix=draft)

    assert callbacks == [] and received == []


def test_a_rolled_back_publication_sends_nothing(
    draft, received, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.matrix_publish(matrix=draft)
        raise RuntimeError("rolled back")

    assert received == []
    assert not InteractionMatrix.objects.get(pk=draft.pk).is_published


def test_the_publish_page_sends_the_signal(
    draft, setting, client_for, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(setting.analyst).post(
            f"/o/1961/matrices/{draft.pk}/publish/", {"version": draft.version}
        )

    assert response.status_code == 302
    assert [call["matrix"].pk for call in received] == [draft.pk]


def test_deleting_and_restoring_a_published_version_tell_the_listeners(
    draft, setting, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.matrix_publish(matrix=draft)
    draft.refresh_from_db()
    received.clear()

    with django_capture_on_commit_callbacks(execute=True):
        records.record_delete(obj=draft, user=setting.analyst, expected_version=draft.version)
    draft = InteractionMatrix._base_manager.get(pk=draft.pk)
    with django_capture_on_commit_callbacks(execute=True):
        records.record_restore(obj=draft, user=setting.analyst)

    assert [call["matrix"].pk for call in received] == [draft.pk, draft.pk]
    assert all(call["organisation"] == setting.organisation for call in received)
