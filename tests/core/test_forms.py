"""hallbar.core.forms.VersionedFormMixin: an edit carries its version; a stale one is
refused with what changed, the input kept and stamped with the current version."""

import pytest
from django import forms

from hallbar.core.forms import EDIT_CONFLICT_MESSAGE, VersionedFormMixin, show_edit_conflict
from hallbar.core.versions import EditConflict, version_token
from hallbar.organisation import services
from hallbar.organisation.models import Mandate
from tests.factories import BodyFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


class NoteForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Mandate
        fields = ["note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_version()


@pytest.fixture
def mandate():
    body = BodyFactory(organisation=OrganisationFactory(), mandates=False)
    return services.mandate_create(
        organisation=body.organisation,
        fields={"body": body, "kind": "decide", "scope": "committee_goal", "area": "own"},
    )


def test_the_form_carries_the_version_it_was_opened_at(mandate):
    assert NoteForm(instance=mandate)["version"].value() == version_token(mandate.updated_at)


def test_an_edit_from_the_current_version_is_valid(mandate):
    form = NoteForm({"note": "Min", "version": version_token(mandate.updated_at)}, instance=mandate)
    assert form.is_valid(), form.errors
    assert form.edit_conflict is None


def test_a_stale_edit_is_refused_with_what_changed_and_the_input_kept(mandate):
    opened = version_token(mandate.updated_at)
    saved = services.mandate_update(
        mandate=mandate, fields={"note": "Deras"}, expected_version=mandate.updated_at
    )

    form = NoteForm({"note": "Min", "version": opened}, instance=Mandate.objects.get(pk=saved.pk))

    assert not form.is_valid()
    assert str(EDIT_CONFLICT_MESSAGE) in form.non_field_errors()
    assert [(c.field, c.theirs, c.yours) for c in form.edit_conflict.changes] == [
        ("note", "Deras", "Min")
    ]
    # Saving again is a deliberate choice: the form now carries the current version.
    assert form.data["version"] == version_token(saved.updated_at)
    assert form.data["note"] == "Min"


def test_an_edit_without_a_version_is_refused(mandate):
    form = NoteForm({"note": "Min"}, instance=mandate)
    assert not form.is_valid()
    assert [code for _label, _message, code in form.error_links()] == ["id_version"]
    assert form.errors.as_data()["version"][0].code == "missing_version"


def test_a_garbled_version_is_refused_for_the_form(mandate):
    form = NoteForm({"note": "Min", "version": "yesterday"}, instance=mandate)
    assert not form.is_valid()
    assert [error.code for error in form.non_field_errors().as_data()] == ["bad_version"]


def test_a_new_object_needs_no_version():
    form = NoteForm({"note": "Ny"})
    assert form.is_valid(), form.errors


class CounterForm(forms.Form):
    """A plain form over a row with an integer `version` counter."""

    text = forms.CharField()
    version = forms.IntegerField(widget=forms.HiddenInput)


def test_any_form_shows_a_conflict_stamped_with_the_current_counter():
    form = CounterForm({"text": "Min", "version": "1"})
    assert form.is_valid()

    show_edit_conflict(form, EditConflict(3), message="Sparat av någon annan.")

    assert form.non_field_errors() == ["Sparat av någon annan."]
    assert form.edit_conflict.current_version == 3
    assert (form.data["version"], form.data["text"]) == ("3", "Min")
