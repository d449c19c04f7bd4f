"""hallbar.core.versions: a stale edit is refused with what changed meanwhile."""

import pytest
from django.utils import timezone

from hallbar.agenda.models import Target
from hallbar.core.versions import (
    EditConflict,
    changes_since,
    changes_since_created,
    check_version,
    one_version,
    version_token,
)
from hallbar.organisation import services
from hallbar.organisation.models import Mandate
from tests.factories import ActionFactory, BodyFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mandate():
    body = BodyFactory(organisation=OrganisationFactory(), mandates=False)
    return services.mandate_create(
        organisation=body.organisation,
        fields={"body": body, "kind": "decide", "scope": "committee_goal", "area": "own"},
    )


def test_the_version_the_edit_started_from_passes(mandate):
    check_version(mandate, mandate.updated_at, {"note": "Min"})
    check_version(mandate, None)  # no version: nothing to compare


def test_a_stale_version_is_refused_with_before_theirs_and_yours(mandate):
    opened = mandate.updated_at
    services.mandate_update(mandate=mandate, fields={"note": "Deras"}, expected_version=opened)
    stale = Mandate.objects.get(pk=mandate.pk)

    with pytest.raises(EditConflict) as conflict:
        check_version(stale, opened, {"note": "Min"})

    assert conflict.value.current_version == stale.updated_at
    assert not conflict.value.deleted
    assert [(c.field, c.before, c.theirs, c.yours) for c in conflict.value.changes] == [
        ("note", "", "Deras", "Min")
    ]


def test_a_field_not_in_the_edit_is_named_with_no_value_of_yours(mandate):
    opened = mandate.updated_at
    services.mandate_update(mandate=mandate, fields={"note": "Deras"}, expected_version=opened)

    changes = changes_since(Mandate.objects.get(pk=mandate.pk), opened, {"area": "own"})

    assert [(c.field, c.yours) for c in changes] == [("note", None)]


def test_changed_links_are_named(reference_data):
    action = ActionFactory()
    opened = action.updated_at
    with one_version(action, created=False):
        action.save()
        action.targets.set(Target.objects.filter(code="11.2"))

    changes = changes_since(action, opened, {"targets": list(Target.objects.filter(code="3.6"))})

    assert [(c.field, c.before, c.theirs, c.yours) for c in changes] == [
        ("targets", "", "11.2", "3.6")
    ]


def test_an_object_deleted_meanwhile_is_a_conflict_of_its_own(reference_data):
    action = ActionFactory()
    opened = action.updated_at
    action.deleted_at = timezone.now()
    action.save()

    with pytest.raises(EditConflict) as conflict:
        check_version(action, opened)

    assert conflict.value.deleted


def test_a_version_the_history_does_not_know_names_no_changes(mandate):
    assert changes_since(mandate, timezone.now()) == []
    assert version_token(mandate.updated_at) == mandate.updated_at.isoformat()


# --- an integer `version` counter instead of `updated_at` ----------------------------------


@pytest.fixture
def matrix(reference_data):
    from hallbar.analysis.interactions import services as interactions

    return interactions.matrix_create(
        organisation=OrganisationFactory(),
        title="Utkast",
        targets=list(interactions.agenda_targets(["1.3", "1.5"]).values()),
    )


def test_a_stale_counter_is_refused_with_before_theirs_and_yours(matrix):
    from hallbar.analysis.interactions import services as interactions

    interactions.matrix_update(
        matrix=matrix, expected_version=1, title="Deras", description="", source=""
    )

    with pytest.raises(EditConflict) as conflict:
        check_version(matrix, 1, {"title": "Min"}, field="version", names=("title", "source"))

    assert conflict.value.current_version == 2
    assert [(c.field, c.before, c.theirs, c.yours) for c in conflict.value.changes] == [
        ("title", "Utkast", "Deras", "Min")
    ]
    assert check_version(matrix, 2, field="version").title == "Deras"  # the locked row
    assert version_token(2) == "2"


def test_the_counter_itself_is_never_listed_as_a_change(matrix):
    from hallbar.analysis.interactions import services as interactions

    interactions.matrix_update(
        matrix=matrix, expected_version=1, title="Deras", description="", source=""
    )
    current = type(matrix).objects.get(pk=matrix.pk)

    assert [c.field for c in changes_since(current, 1, field="version")] == ["title"]


def test_a_row_created_meanwhile_lists_every_value_it_was_given(matrix):
    changes = changes_since_created(matrix, {"title": "Min"}, field="version", names=("title",))

    assert [(c.field, c.before, c.theirs, c.yours) for c in changes] == [
        ("title", "", "Utkast", "Min")
    ]
