"""Forms of the status analysis pages. The rules live in `services` (`validate_assessment`);
the forms call them so a user sees each refusal on its field before anything is written."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hallbar.agenda.models import Goal
from hallbar.analysis.status import services
from hallbar.analysis.status.models import (
    Assessment,
    GoalAssessment,
    Relevance,
    TargetAssessment,
)
from hallbar.core.forms import OUT_OF_DATE_MESSAGE
from hallbar.core.versions import EditConflict


def _with_empty(choices, label) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class ErrorLinksForm(forms.Form):
    """A form whose errors are listed, with links to their inputs, above it."""

    def error_links(self) -> list[tuple[str, str, str]]:
        """(label, message, id of the input to jump to) for the error summary."""
        links = []
        for name in self.fields:
            if name in self.errors and not self.fields[name].widget.is_hidden:
                bound = self[name]
                links.extend(
                    (str(bound.label), str(e), bound.id_for_label) for e in self.errors[name]
                )
        return links


class VersionedForm(ErrorLinksForm):
    """The version (the row's integer counter) the edit started from, hidden, compared
    on save; a stale one is shown by `hallbar.core.forms.show_edit_conflict`."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    # Set when the row was saved meanwhile: before / theirs / yours for the page.
    edit_conflict: EditConflict | None = None

    def clean_version(self) -> int | None:
        version = self.cleaned_data.get("version")
        if version is None:
            raise forms.ValidationError(OUT_OF_DATE_MESSAGE, code="missing_version")
        return version


class AnalysisCreateForm(ErrorLinksForm):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=services.MIN_YEAR,
        max_value=services.MAX_YEAR,
        help_text=_(
            "The year the analysis describes. It starts as a copy of the latest earlier "
            "analysis, with suggestions from the indicators."
        ),
    )


class AssessmentForm(VersionedForm):
    relevance = forms.ChoiceField(
        label=_("Relevance for the municipality"),
        choices=_with_empty(Relevance.choices, _("Not set")),
        required=False,
    )
    relevance_reason = forms.CharField(
        label=_("Reason for the relevance"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
        help_text=_("Required when the target is not relevant."),
    )
    assessment = forms.ChoiceField(
        label=_("Assessment"),
        choices=_with_empty(Assessment.choices, _("Not assessed")),
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Reason for differing from the suggestion"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
        help_text=_("Required when the assessment differs from the suggestion."),
    )
    text = forms.CharField(
        label=_("Analysis text"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20000,
    )
    is_prioritised = forms.BooleanField(label=_("Prioritised target"), required=False)
    priority_motivation = forms.CharField(
        label=_("Motivation of the priority"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
        help_text=_("Required for a prioritised target."),
    )

    def __init__(self, *args: Any, instance: TargetAssessment, **kwargs: Any) -> None:
        self.instance = instance
        initial = {name: getattr(instance, name) for name in services.EDITABLE_FIELDS}
        initial["version"] = instance.version
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if any(name in self.errors for name in ("relevance", "assessment")):
            return cleaned
        values = {name: cleaned.get(name) or "" for name in services.EDITABLE_FIELDS}
        values["is_prioritised"] = bool(cleaned.get("is_prioritised"))
        values["suggested_assessment"] = self.instance.suggested_assessment
        for name, message in services.validate_assessment(values).items():
            self.add_error(name, message)
        return cleaned

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.EDITABLE_FIELDS}


class ProposalForm(ErrorLinksForm):
    proposed_assessment = forms.ChoiceField(
        label=_("Proposed assessment"), choices=_with_empty(Assessment.choices, "---------")
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("Why the target should be assessed so: what you know or have seen."),
    )


class ProposalAnswerForm(VersionedForm):
    proposal = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[("adopt", _("Adopt the proposed assessment")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label=_("Response"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        help_text=_(
            "Sent back to the proposer; the reason when the assessment differs from the suggestion."
        ),
    )


class GoalAssessmentForm(VersionedForm):
    """A goal's assessment and summary text. The assessment is checked against the
    suggestion its targets make now (given as `suggested`), as the service checks it."""

    assessment = forms.ChoiceField(
        label=_("Assessment of the goal"),
        choices=_with_empty(Assessment.choices, _("Not assessed")),
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Reason for differing from the suggestion"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
        help_text=_("Required when the assessment differs from the suggestion."),
    )
    text = forms.CharField(
        label=_("Summary of the goal"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20000,
    )

    def __init__(self, *args: Any, instance: GoalAssessment, suggested: str, **kwargs: Any) -> None:
        self.instance = instance
        self.suggested = suggested
        initial = {name: getattr(instance, name) for name in services.GOAL_FIELDS}
        initial["version"] = instance.version
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "assessment" in self.errors:
            return cleaned
        values = {name: cleaned.get(name) or "" for name in services.GOAL_FIELDS}
        changed = any(
            values[name].strip() != getattr(self.instance, name)
            for name in ("assessment", "override_reason")
        ) or (self.instance.is_carried_over and values["assessment"])
        if changed:
            for name, message in services.validate_goal_assessment(values, self.suggested).items():
                self.add_error(name, message)
        return cleaned

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.GOAL_FIELDS}


class AnalysisStateForm(VersionedForm):
    summary = forms.CharField(
        label=_("Summary of the analysis"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
    )


NOT_SET = "not_set"
NOT_ASSESSED = "not_assessed"
SORT_CHOICES = [
    ("target", _("Target")),
    ("relevance", _("Relevance")),
    ("assessment", _("Assessment")),
    ("-assessment", _("Assessment, worst first")),
    ("suggestion", _("Suggestion")),
    ("prioritised", _("Prioritised first")),
    ("-assessed_at", _("Latest assessed first")),
]


class AssessmentFilterForm(forms.Form):
    goal = forms.ModelChoiceField(
        label=_("Goal"), queryset=Goal.objects.none(), required=False, empty_label=_("All goals")
    )
    relevance = forms.ChoiceField(
        label=_("Relevance"),
        choices=[("", _("All")), *Relevance.choices, (NOT_SET, _("Not set"))],
        required=False,
    )
    assessment = forms.ChoiceField(
        label=_("Assessment"),
        choices=[("", _("All")), *Assessment.choices, (NOT_ASSESSED, _("Not assessed"))],
        required=False,
    )
    prioritised = forms.ChoiceField(
        label=_("Prioritised"),
        choices=[("", _("All")), ("yes", _("Prioritised")), ("no", _("Not prioritised"))],
        required=False,
    )
    differs = forms.BooleanField(label=_("Differs from the suggestion"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(
            goal_set__code=services.AGENDA_2030, goal_set__organisation__isnull=True
        ).order_by("number")
        self.fields["goal"].label_from_instance = lambda goal: f"{goal.number}. {goal.title}"

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is left out (and shown as an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name != "sort"}

    def ordering(self) -> str:
        if not self.is_bound:
            return "target"
        self.is_valid()
        return self.cleaned_data.get("sort") or "target"


def default_year() -> int:
    return dt.date.today().year - 1
