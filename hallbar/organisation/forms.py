"""Forms of the organisation app: a body's mandate, as its administrator edits it.

Choices are limited to the organisation's own bodies, so a forged id of another
organisation's body is refused as an invalid choice. An edit carries the version it
started from (`updated_at`): saved meanwhile by someone else, it is refused with what
changed, the input kept (`hallbar.core.forms.VersionedFormMixin`).
"""

from typing import Any

from django import forms

from hallbar.core.forms import VersionedFormMixin
from hallbar.organisation.models import Body, Mandate, Organisation


class MandateForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Mandate
        fields = ["body", "kind", "scope", "area", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # The model's own rules (clean(), the unique constraint) compare with it.
        self.instance.organisation = organisation
        body = self.fields["body"]
        body.queryset = Body.objects.for_organisation(organisation).order_by("name")
        body.label_from_instance = _body_label
        self.init_version()


def _body_label(body: Body) -> str:
    return f"{body.name} ({body.short_name})" if body.short_name else body.name
