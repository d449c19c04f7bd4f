"""Forms of proposals and comments. Choices are limited to the organisation's own bodies
and objects, so a forged id of another organisation's is refused as an invalid choice
(and logged by `access.write_allowed`). Writes happen in `services`."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hallbar.engagement import services, subjects
from hallbar.engagement.services import RESPONSE_STATUSES
from hallbar.organisation.models import Body, Organisation
from hallbar.steering.forms import TargetCodesField


def _body_label(body: Body) -> str:
    return f"{body.name} ({body.short_name})" if body.short_name else body.name


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(
        label=_("Proposal"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you propose, and why."),
    )
    from_body = forms.ModelChoiceField(
        label=_("From"), queryset=Body.objects.none(), empty_label=None
    )
    to_body = forms.ModelChoiceField(
        label=_("To"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=_("No body named: the officers concerned answer"),
        help_text=_("The body that would consider the proposal."),
    )
    target_codes = TargetCodesField()
    # Filled from the object's page ("propose a change"): carried, not typed.
    subject = forms.CharField(widget=forms.HiddenInput, required=False)
    proposed_values = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisation: Organisation, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        from_body = self.fields["from_body"]
        bodies = services.proposing_bodies(user, organisation)
        if not bodies.exists():
            # Platform staff without a seat: any of the organisation's bodies.
            bodies = Body.objects.for_organisation(organisation).order_by("name")
        from_body.queryset = bodies
        from_body.label_from_instance = _body_label
        if len(from_body.queryset) == 1:
            from_body.widget = forms.HiddenInput()
            self.initial.setdefault("from_body", from_body.queryset[0].pk)
        to_body = self.fields["to_body"]
        to_body.queryset = services.receiving_bodies(organisation)
        to_body.label_from_instance = _body_label

    def clean_subject(self):
        value = self.cleaned_data.get("subject")
        if not value:
            return None
        found = subjects.parse(self.organisation, value)
        if found is None:
            # Only ever filled in by the page itself: a value it did not offer is forged.
            raise forms.ValidationError(
                _("The object the proposal is about was not found."), code="invalid_choice"
            )
        return found

    def clean_proposed_values(self) -> dict | None:
        value = self.cleaned_data.get("proposed_values")
        if not value:
            return None
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or not all(
            isinstance(v, str | int | float | bool) for v in parsed.values()
        ):
            raise forms.ValidationError(
                _("The proposed values could not be read."), code="invalid_choice"
            )
        return parsed


class RespondForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[(status.value, status.label) for status in RESPONSE_STATUSES],
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required when declining: the council reads why."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("status") == "declined" and not (cleaned.get("response") or "").strip():
            self.add_error("response", _("Say why the proposal is declined."))
        return cleaned


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
