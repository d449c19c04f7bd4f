"""Forms of the report: a new report, a section text, the decision, a correction."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hallbar.organisation.models import Body, Organisation


class ReportCreateForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, help_text=_("The year the report covers.")
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for “Sustainability report <year>”."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1


class SectionTextForm(forms.Form):
    text = forms.CharField(
        label=_("Text (Swedish)"), widget=forms.Textarea(attrs={"rows": 12}), required=False
    )
    text_en = forms.CharField(
        label=_("Text (English)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("Optional. Without it the English report shows the Swedish text."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class DecisionForm(forms.Form):
    decided_by = forms.ModelChoiceField(
        label=_("Decided by"),
        queryset=Body.objects.none(),
        help_text=_("Only bodies with the mandate to decide the sustainability report."),
    )
    decision_date = forms.DateField(
        label=_("Decision date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    paragraph = forms.CharField(label=_("Paragraph (§)"), max_length=20, required=False)

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Every body of the organisation is offered; the service refuses one without the
        # mandate with a message naming it (a choice the user can understand).
        self.fields["decided_by"].queryset = Body.objects.for_organisation(organisation).filter(
            is_active=True
        )

    def clean_decision_date(self) -> dt.date:
        value = self.cleaned_data["decision_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The decision date cannot be in the future."))
        return value


class CorrectionForm(forms.Form):
    correction_note = forms.CharField(
        label=_("What changes and why"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Shown on the new edition: what it corrects in the published one, and why."),
    )
