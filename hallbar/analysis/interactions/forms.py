"""Forms of the interaction matrix pages. They check input; the services write."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from hallbar.agenda.models import Goal, Target
from hallbar.analysis.interactions.models import Confidence, InteractionMatrix, MatrixLevel
from hallbar.analysis.interactions.services import agenda_goals, agenda_targets
from hallbar.lib.interactions import MAX_SCORE, MIN_SCORE

MAX_UPLOAD = 2 * 1024 * 1024


class StartFrom:
    COPY = "copy"
    EXAMPLE = "example"
    PRIORITISED = "prioritised"
    CODES = "codes"


class LevelField(forms.ChoiceField):
    """Targets or goals; targets when the form leaves it out."""

    def clean(self, value):
        return super().clean(value) or MatrixLevel.TARGETS


def _level_field() -> forms.ChoiceField:
    return LevelField(
        label=_("Rows and columns"),
        required=False,
        choices=[
            (MatrixLevel.TARGETS, _("targets (e.g. 11.2)")),
            (MatrixLevel.GOALS, _("goals 1–17")),
        ],
        initial=MatrixLevel.TARGETS,
        widget=forms.RadioSelect,
        help_text=_(
            "Chosen once: a version's level is fixed when it is created. A copy keeps "
            "the level of the version it copies."
        ),
    )


def _split_codes(text: str) -> list[str]:
    return [code.strip().rstrip(".").lower() for code in re.split(r"[,;\s]+", text) if code.strip()]


class MatrixCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    source = forms.CharField(
        label=_("Source"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Where the scores come from: a workshop, a published study (cite it)."),
    )
    level = _level_field()
    start = forms.ChoiceField(label=_("Start from"), widget=forms.RadioSelect)
    based_on = forms.ModelChoiceField(
        label=_("Version to copy"),
        queryset=InteractionMatrix.objects.none(),
        required=False,
        help_text=_("For “a copy of a version”: its targets and scores are copied."),
    )
    target_codes = forms.CharField(
        label=_("Targets or goals"),
        required=False,
        help_text=_(
            "For “empty, over these targets or goals”: Agenda 2030 target codes, e.g. "
            "11.2, 3.6; for a version over goals, goal numbers, e.g. 3, 11, 13."
        ),
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
                (
                    StartFrom.PRIORITISED,
                    _(
                        "empty, over the organisation's prioritised targets (for goals: "
                        "the goals of those targets)"
                    ),
                )
            )
        choices.append((StartFrom.CODES, _("empty, over these targets or goals")))
        self.fields["start"].choices = choices
        self.nodes: list[Target] | list[Goal] = []

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("start")
        goal_level = cleaned.get("level") == MatrixLevel.GOALS
        if start == StartFrom.COPY and not cleaned.get("based_on"):
            self.add_error("based_on", _("Choose the version to copy."))
        if start == StartFrom.EXAMPLE and goal_level:
            self.add_error("level", _("The example matrix is over targets: choose targets for it."))
        if start == StartFrom.CODES:
            codes = _split_codes(cleaned.get("target_codes") or "")
            if goal_level:
                codes = [code.lstrip("0") or code for code in codes]
            found = agenda_goals(codes) if goal_level else agenda_targets(codes)
            unknown = [code for code in codes if code not in found]
            if unknown:
                self.add_error(
                    "target_codes",
                    (
                        _(
                            "Unknown goals: %(codes)s (a version over goals lists goal numbers 1–17)."
                        )
                        if goal_level
                        else _("Unknown target codes: %(codes)s.")
                    )
                    % {"codes": ", ".join(unknown)},
                )
            elif len(set(codes)) < 2:
                self.add_error(
                    "target_codes",
                    _("List at least two goals.")
                    if goal_level
                    else _("List at least two targets."),
                )
            self.nodes = [found[code] for code in dict.fromkeys(codes) if code in found]
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
            "from_target,to_target,score,rationale,confidence (low, medium or high). "
            "For a version over goals, from_target and to_target hold goal numbers "
            "1–17; target codes are refused there, and goal numbers in a version over "
            "targets."
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
    level = _level_field()

    field_order = ["title", "source", "level", "file"]
