"""The form side of the edit-conflict check, for any model form of a versioned model.

`VersionedFormMixin` carries the version (`updated_at`) an edit started from in a
hidden field. If the object was saved meanwhile, the form is refused with what
changed (`edit_conflict`, shown by `includes/conflict.html`) and the input kept,
stamped with the current version: saving again replaces the other changes on purpose.
The service checks again under a row lock (`hallbar.core.versions.check_version`).
"""

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hallbar.core.versions import EditConflict, changes_since, version_token

EDIT_CONFLICT_MESSAGE = _(
    "Someone else saved this after you opened it. Your changes are not saved yet. "
    "Compare them with what was saved meanwhile, then save again to replace it with "
    "yours, or cancel."
)
OUT_OF_DATE_MESSAGE = _("The form is out of date. Reload the page and enter your changes again.")


def submitted(request: HttpRequest) -> Any:
    """A form's data: the POST when there is one, even empty (then every required
    field is named as missing), else None for a blank form."""
    return request.POST if request.method == "POST" else None


def show_edit_conflict(
    form: forms.Form, conflict: EditConflict, *, message: Any = EDIT_CONFLICT_MESSAGE
) -> None:
    """Refuse `form`'s edit with what changed meanwhile (`form.edit_conflict`, shown by
    `includes/conflict.html`). The input stays, its hidden `version` stamped with the
    current version (timestamp or counter): saving again is a deliberate choice to
    replace the other person's changes. For any form with a `version` field."""
    data = form.data.copy()
    data["version"] = version_token(conflict.current_version)
    form.data = data
    form.edit_conflict = conflict  # type: ignore[attr-defined]
    form.add_error(None, forms.ValidationError(message, code="edit_conflict"))


class VersionedFormMixin(forms.Form):
    """For a ModelForm whose model has `updated_at`: version stamp, conflict, error links.

    Call `init_version()` at the end of `__init__`."""

    # The `updated_at` the user's edit started from; a save compares it so that an
    # edit made in the meantime by someone else is never silently overwritten.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    # Set when the object changed after the edit started (`show_edit_conflict`).
    edit_conflict: EditConflict | None = None

    def init_version(self) -> None:
        instance = self.instance  # type: ignore[attr-defined]
        if instance.pk and instance.updated_at:
            self.initial.setdefault("version", version_token(instance.updated_at))

    # The name the steering forms used first.
    _init_version = init_version

    def clean_version(self) -> dt.datetime | None:
        value = self.cleaned_data.get("version")
        if not value and self.instance.pk:  # type: ignore[attr-defined]
            # An edit without the version it started from could overwrite unseen changes.
            raise forms.ValidationError(OUT_OF_DATE_MESSAGE, code="missing_version")
        if not value:
            return None
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            # A hidden field has no place to show an error: report it for the form.
            self.add_error(None, forms.ValidationError(OUT_OF_DATE_MESSAGE, code="bad_version"))
            return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # The object as loaded for this request is what is saved now: if its version
        # is not the one the edit started from, someone saved in between. Told here,
        # with what they changed; the service checks again under a row lock.
        instance = self.instance  # type: ignore[attr-defined]
        version = cleaned.get("version")
        if instance.pk and version is not None and version != instance.updated_at:
            changes = changes_since(instance, version, self.submitted_values())
            self.show_edit_conflict(EditConflict(instance.updated_at, changes))
        return cleaned

    def submitted_values(self) -> dict[str, Any]:
        """The user's input by model field name, for comparing with what is saved.
        A form whose fields are not named as the model's overrides this."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def show_edit_conflict(self, conflict: EditConflict) -> None:
        """Refuse the edit, listing what changed meanwhile. The input stays, stamped
        with the current version: saving again is then a deliberate choice to
        replace the other person's changes."""
        show_edit_conflict(self, conflict)

    def error_links(self) -> list[tuple[str, str, str]]:
        """(label, message, id of the input to jump to) for the error summary."""
        links = []
        for name in self.fields:
            if name not in self.errors:
                continue
            bound = self[name]
            # A checkbox group has no single input: jump to its first box.
            subwidgets = bound.subwidgets if bound.use_fieldset else []
            anchor = subwidgets[0].id_for_label if subwidgets else bound.id_for_label
            links.extend((str(bound.label), str(error), anchor) for error in self.errors[name])
        return links


class DeleteConfirmForm(forms.Form):
    """A delete's confirmation: the version shown (a timestamp, or a counter for
    `version_field="version"`), and an optional reason for the history (as long as
    the history keeps it)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=100,
        help_text=_("Recorded in the history, e.g. “Registered twice”."),
    )

    def __init__(self, *args: Any, version_field: str = "updated_at", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version_field = version_field

    def clean_version(self) -> dt.datetime | int | None:
        value = self.cleaned_data["version"]
        try:
            if self.version_field == "updated_at":
                return dt.datetime.fromisoformat(value)
            return int(value)
        except ValueError:
            # A hidden field has no place to show an error: report it for the form.
            self.add_error(
                None,
                forms.ValidationError(
                    _("The form is out of date. Reload the page and try again."),
                    code="bad_version",
                ),
            )
            return None
