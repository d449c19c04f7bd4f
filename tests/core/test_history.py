"""hallbar.core.history: any versioned model's history read as entries of who changed
which field from what to what, links included, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from hallbar.agenda.models import Target
from hallbar.core import history
from hallbar.core.versions import one_version
from hallbar.organisation import services
from hallbar.organisation.models import Mandate
from hallbar.steering.models import Action
from tests.factories import ActionFactory, BodyFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def committee(organisation):
    return BodyFactory(
        organisation=organisation, name="Tekniska nämnden", short_name="TN", mandates=False
    )


def new_mandate(organisation, body, **fields):
    values = {"body": body, "kind": "decide", "scope": "committee_goal", "area": "own"}
    return services.mandate_create(organisation=organisation, fields={**values, **fields})


def test_an_edit_reads_as_the_changed_field_with_old_and_new_value(organisation, committee):
    mandate = new_mandate(organisation, committee)
    services.mandate_update(
        mandate=mandate, fields={"note": "KS 2026-01-12 § 4"}, expected_version=mandate.updated_at
    )

    changed, created = history.history_of(Mandate, "mandate", id=mandate.pk)

    assert changed.kind == "changed"
    with translation.override("en"):
        assert changed.kind_label == "Changed"
    assert [(c.field, c.old, c.new) for c in changed.changes] == [("note", "", "KS 2026-01-12 § 4")]
    assert created.kind == "created"
    # A linked row by its registered label: the body's full name, not its short name.
    assert ("body", "", "Tekniska nämnden") in [(c.field, c.old, c.new) for c in created.changes]
    assert (changed.object_type, changed.object_id) == ("mandate", mandate.pk)


def test_links_are_named_and_ordered_as_people_know_them(reference_data, organisation):
    action = ActionFactory(organisation=organisation)
    targets = list(Target.objects.filter(code__in=["11.2", "3.6"]))

    with one_version(action, created=False):
        action.title = "Cykelväg till Kolbäck"
        action.save()
        action.targets.set(targets)

    # One save with its links is one version, not a version per change.
    assert action.history.count() == 2
    latest = history.history_of(Action, "action", id=action.pk)[0]
    changes = {c.field: (c.old, c.new) for c in latest.changes}
    assert changes["targets"] == ("", "3.6, 11.2")
    assert changes["title"][1] == "Cykelväg till Kolbäck"


def test_a_save_that_changes_nothing_shown_is_left_out(organisation, committee):
    mandate = new_mandate(organisation, committee)
    mandate.save()  # a version, but the same values

    assert [entry.kind for entry in history.history_of(Mandate, "mandate", id=mandate.pk)] == [
        "created"
    ]


def test_the_queries_do_not_grow_with_the_history(organisation, committee):
    def queries_for_history(mandate):
        with CaptureQueriesContext(connection) as captured:
            history.history_of(Mandate, "mandate", id=mandate.pk)
        return len(captured.captured_queries)

    short = new_mandate(organisation, committee)
    long = new_mandate(organisation, committee, scope="action")
    for number in range(8):
        long = services.mandate_update(
            mandate=long, fields={"note": f"§ {number}"}, expected_version=long.updated_at
        )

    assert queries_for_history(short) == queries_for_history(long)


def test_user_label_is_the_full_name_else_the_user_name():
    assert history.user_label(UserFactory(first_name="Ada", last_name="Lind")) == "Ada Lind"
    assert history.user_label(UserFactory(username="anna", first_name="", last_name="")) == "anna"
    assert history.user_label(None) == ""
