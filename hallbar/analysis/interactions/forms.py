"""Forms of the interaction matrix pages. They check input; the services write."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from hallbar.agenda.models import Target
from hallbar.analysis.interactions.models import Confidence, InteractionMatrix
from hallbar.analysis.interactions.services import agenda_targets
from hallbar.lib.interactions import MAX_SCORE, MIN_SCORE

MAX_UPLOAD = 2 * 1024 * 1024


class StartFrom:
    COPY = "copy"
    EXAMPLE = "example"
    PRIORITISED = "prioritised"
    CODES = "codes"


class MatrixCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    source = forms.CharField(
        label=_("Source"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Where the scores come from: a workshop, a published study (cite it)."),
    )
    start = forms.ChoiceField(label=_("Start from"), widget=forms.RadioSelect)
    based_on = forms.ModelChoiceField(
        label=_("Version to copy"),
        queryset=InteractionMatrix.objects.none(),
        required=False,
        help_text=_("For “a copy of a version”: its targets and scores are copied."),
    )
    target_codes = forms.CharField(
        label=_("Targets"),
        required=False,
        help_text=_("For “empty, over these targets”: Agenda 2030 target codes, e.g. 11.2, 3.6."),
    )

    def __init__(self, *args, organisation, has_prioritised: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["based_on"].queryset = InteractionMatrix.objects.for_organisation(
            organisation
        ).latest_first()
        choices = [
            (StartFrom.COPY, _("a copy of a version")),
            (StartFrom.EXAMPLE, _("the published Swedish example matrix (Weitz et al. 2018)")),
        ]
        if has_prioritised:
            choices.append(
                (StartFrom.PRIORITISED, _("empty, over the organisation's prioritised targets"))
            )
        choices.append((StartFrom.CODES, _("empty, over these targets")))
        self.fields["start"].choices = choices
        self.targets: list[Target] = []

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("start")
        if start == StartFrom.COPY and not cleaned.get("based_on"):
            self.add_error("based_on", _("Choose the version to copy."))
        if start == StartFrom.CODES:
            codes = [
                code.strip().rstrip(".").lower()
                for code in re.split(r"[,;\s]+", cleaned.get("target_codes") or "")
                if code.strip()
            ]
            found = agenda_targets(codes)
            unknown = [code for code in codes if code not in found]
            if unknown:
                self.add_error(
                    "target_codes",
                    _("Unknown target codes: %(codes)s.") % {"codes": ", ".join(unknown)},
                )
            elif len(set(codes)) < 2:
                self.add_error("target_codes", _("List at least two targets."))
            self.targets = [found[code] for code in dict.fromkeys(codes) if code in found]
        return cleaned


class MatrixEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    source = forms.CharField(
        label=_("Source"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


class CellForm(forms.Form):
    score = forms.IntegerField(
        label=_("Score (−3 to +3)"),
        min_value=MIN_SCORE,
        max_value=MAX_SCORE,
        help_text=_(
            "+3 indivisible, +2 reinforcing, +1 enabling, 0 consistent, −1 constraining, "
            "−2 counteracting, −3 cancelling."
        ),
        widget=forms.NumberInput(
            attrs={"step": 1, "min": MIN_SCORE, "max": MAX_SCORE, "autofocus": True}
        ),
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why progress on the first target helps or hinders the second."),
    )
    confidence = forms.ChoiceField(
        label=_("Confidence"), choices=Confidence.choices, initial=Confidence.MEDIUM
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def clean_rationale(self) -> str:
        value = self.cleaned_data["rationale"]
        if "\x00" in value:
            raise forms.ValidationError(_("The text contains a NUL character."))
        return value.strip()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, comma-separated, one row per pair: "
            "from_target,to_target,score,rationale,confidence (low, medium or high)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class ImportNewForm(ImportForm):
    title = forms.CharField(label=_("Title of the new version"), max_length=200)
    source = forms.CharField(
        label=_("Source"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    field_order = ["title", "source", "file"]
