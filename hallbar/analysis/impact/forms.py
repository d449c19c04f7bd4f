"""Forms of the impact app. Choices of related rows are limited to the organisation, so
another organisation's id is an invalid choice (logged by access). Writes happen in
`services`."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hallbar.agenda.models import Goal, Target
from hallbar.analysis.impact.models import (
    DIMENSIONS,
    Case,
    CaseStatus,
    ConflictStatus,
    EffectOrigin,
    GoalConflict,
    Principle,
    PrincipleAnswer,
    Rating,
    RemarkKind,
)
from hallbar.analysis.impact.selectors import (
    Suggestion,
    body_may_weigh,
    deciding_bodies,
    effects_of,
    suggested_targets,
)
from hallbar.analysis.impact.services import EffectInput
from hallbar.organisation.models import Body, Organisation
from hallbar.steering.forms import (
    DateInput,
    SteeringFormMixin,
    TargetCodesField,
    format_target_codes,
    limit_to_bodies,
    parse_target_codes,
)
from hallbar.steering.models import NO_DECIDE_MANDATE, Action, LocalGoal, SteeringDocument


class CaseForm(SteeringFormMixin, forms.ModelForm):
    class Meta:
        model = Case
        fields = [
            "title",
            "diary_number",
            "deciding_body",
            "preparing_body",
            "preparing_officer",
            "date",
            "description",
            "steering_documents",
            "local_goals",
            "actions",
            "status",
            "decision_date",
            "decision_paragraph",
        ]
        widgets = {
            "date": DateInput,
            "decision_date": DateInput,
            "description": forms.Textarea(attrs={"rows": 4}),
            "steering_documents": forms.CheckboxSelectMultiple,
            "local_goals": forms.CheckboxSelectMultiple,
            "actions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        limit_to_bodies(self.fields["preparing_body"], organisation)
        limit_to_bodies(self.fields["deciding_body"], organisation)
        self.fields["deciding_body"].queryset = deciding_bodies(organisation)
        self.fields["deciding_body"].help_text = _("Only bodies with a decide mandate are listed.")
        users = (
            get_user_model().objects.filter(memberships__body__organisation=organisation).distinct()
        )
        self.fields["preparing_officer"].queryset = users.order_by("username")
        self.fields["steering_documents"].queryset = SteeringDocument.objects.for_organisation(
            organisation
        ).order_by("title")
        self.fields["local_goals"].queryset = LocalGoal.objects.for_organisation(
            organisation
        ).order_by("title")
        self.fields["actions"].queryset = Action.objects.for_organisation(organisation).order_by(
            "title"
        )
        self._init_version()

    def clean_diary_number(self) -> str:
        value = (self.cleaned_data.get("diary_number") or "").strip()
        if not value:
            raise forms.ValidationError(_("Enter the diary number."), code="required")
        taken = Case.objects.for_organisation(self.organisation).filter(diary_number=value)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Another case already has this diary number."), code="unique"
            )
        return value


# --- the assessment ----------------------------------------------------------------------


def row_key(code: str) -> str:
    """A form-field-safe key of a target code ("11.a" → "t11_a") or goal ("g11")."""
    return code.replace(".", "_")


class EffectRow:
    """One goal or target in the assessment form: rated already, suggested, or added."""

    def __init__(
        self,
        *,
        target: Target | None = None,
        goal: Goal | None = None,
        rating: str = "",
        motivation: str = "",
        suggestion: Suggestion | None = None,
        included: bool = False,
    ) -> None:
        self.target, self.goal = target, goal
        self.rating, self.motivation = rating, motivation
        self.suggestion = suggestion
        self.included = included
        self.key = f"t{row_key(target.code)}" if target else f"g{goal.number}"
        self.code = target.code if target else str(goal.number)

    @property
    def label(self) -> str:
        if self.target:
            return f"{self.target.code} {self.target.display_short_title}"
        return f"{_('Goal')} {self.goal.number}: {self.goal.title}"

    def bound(self, form: forms.Form) -> dict[str, Any]:
        return {
            "row": self,
            "decision": form[f"decision_{self.key}"],
            "rating": form[f"rating_{self.key}"],
            "motivation": form[f"motivation_{self.key}"],
        }


DECISION_CHOICES = [
    ("", _("Not yet decided")),
    ("include", _("Affected: rate it")),
    ("discard", _("Not affected")),
]
RATING_CHOICES = [("", _("Not rated")), *Rating.choices]
ANSWER_CHOICES = [("", _("Not answered")), *PrincipleAnswer.choices]


def _parse_subject_codes(
    text: str, organisation: Organisation
) -> tuple[list[Target], list[Goal], list[str]]:
    """Target codes ("11.2") and goal numbers ("11") typed by the officer: the rows
    found, and the codes that are not Agenda 2030 targets or goals."""
    codes = parse_target_codes(text)
    target_codes = [c for c in codes if "." in c]
    goal_numbers = [c for c in codes if "." not in c]
    found = Target.objects.agenda2030().with_texts_for(organisation).select_related("goal")
    targets = {t.code: t for t in found.filter(code__in=target_codes)}
    goals = {
        str(g.number): g
        for g in Goal.objects.filter(
            goal_set__code="agenda2030",
            goal_set__organisation__isnull=True,
            number__in=[int(n) for n in goal_numbers if n.isdigit() and len(n) < 4],
        )
    }
    unknown = [c for c in codes if c not in targets and c not in goals]
    return (
        [targets[c] for c in target_codes if c in targets],
        [goals[c] for c in goal_numbers if c in goals],
        unknown,
    )


class AssessmentForm(SteeringFormMixin, forms.Form):
    """The whole assessment of a case in one form. The effect rows start from what is
    rated and what Hållbar suggests; the officer includes (and rates) or discards each
    suggestion, and may add other targets or goals by code."""

    add_codes = forms.CharField(
        label=_("Add other targets or goals"),
        required=False,
        max_length=500,
        help_text=_("Target codes or goal numbers separated by commas, e.g. 15.1, 11."),
    )
    extra_rows = forms.CharField(widget=forms.HiddenInput, required=False)
    has_knowledge_gaps = forms.BooleanField(label=_("There are knowledge gaps"), required=False)
    knowledge_gaps = forms.CharField(
        label=_("What is not known"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance = case
        self.organisation = case.organisation
        self.added_rows: list[EffectRow] = []
        for code, label, rating, motivation in case.dimension_rows():
            self.fields[f"{code}_rating"] = forms.CharField(
                label=_("Effect: %(dimension)s") % {"dimension": label.lower()},
                required=False,
                widget=forms.Select(choices=RATING_CHOICES),
                initial=rating,
            )
            self.fields[f"{code}_motivation"] = forms.CharField(
                label=_("Motivation: %(dimension)s") % {"dimension": label.lower()},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=motivation,
            )
        for code, label, answer, comment in case.principle_rows():
            self.fields[code] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Select(choices=ANSWER_CHOICES),
                initial=answer,
            )
            self.fields[f"{code}_comment"] = forms.CharField(
                label=_("Comment: %(principle)s") % {"principle": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=comment,
            )
        self.initial.setdefault("has_knowledge_gaps", case.has_knowledge_gaps)
        self.initial.setdefault("knowledge_gaps", case.knowledge_gaps)
        self.rows = self._rows(case)
        for row in self.rows:
            self._add_row_fields(row)
        self._init_version()

    def _rows(self, case: Case) -> list[EffectRow]:
        rows = [
            EffectRow(
                target=e.target,
                goal=e.goal,
                rating=e.rating,
                motivation=e.motivation,
                included=True,
            )
            for e in effects_of(case)
        ]
        rows += [EffectRow(target=s.target, suggestion=s) for s in suggested_targets(case)]
        # Rows added by code in an earlier submit of this form (kept in a hidden field).
        extra = self.data.get("extra_rows", "") if self.is_bound else ""
        targets, goals, _unknown = _parse_subject_codes(extra, case.organisation)
        known = {row.key for row in rows}
        for target in targets:
            if f"t{row_key(target.code)}" not in known:
                rows.append(EffectRow(target=target, included=True))
        for goal in goals:
            if f"g{goal.number}" not in known:
                rows.append(EffectRow(goal=goal, included=True))
        return rows

    def _add_row_fields(self, row: EffectRow) -> None:
        self.fields[f"decision_{row.key}"] = forms.ChoiceField(
            label=_("%(code)s: affected?") % {"code": row.code},
            choices=DECISION_CHOICES,
            required=False,
            initial="include" if row.included else "",
        )
        self.fields[f"rating_{row.key}"] = forms.CharField(
            label=_("%(code)s: rating") % {"code": row.code},
            required=False,
            widget=forms.Select(choices=RATING_CHOICES),
            initial=row.rating,
        )
        self.fields[f"motivation_{row.key}"] = forms.CharField(
            label=_("%(code)s: motivation") % {"code": row.code},
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            initial=row.motivation,
        )

    def bound_rows(self) -> list[dict[str, Any]]:
        return [row.bound(self) for row in self.rows]

    def principle_fields(self) -> list[tuple[Any, Any]]:
        return [(self[code], self[f"{code}_comment"]) for code in Principle.values]

    def dimension_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"{code}_rating"], self[f"{code}_motivation"]) for code in DIMENSIONS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for code in DIMENSIONS:
            rating = cleaned.get(f"{code}_rating", "")
            if rating and rating not in Rating.values:
                self.add_error(
                    f"{code}_rating",
                    forms.ValidationError(
                        _(
                            "“%(rating)s” is not on the scale: use −3…+3, or positive, negative, both or unknown."
                        ),
                        code="off_scale",
                        params={"rating": rating},
                    ),
                )
            elif rating and not cleaned.get(f"{code}_motivation", "").strip():
                self.add_error(f"{code}_motivation", _("Give a motivation for the rating."))
        for code in Principle.values:
            answer = cleaned.get(code, "")
            if answer and answer not in PrincipleAnswer.values:
                self.add_error(code, _("Answer yes, partly or no."))
            elif answer in ("no", "partly") and not cleaned.get(f"{code}_comment", "").strip():
                self.add_error(
                    f"{code}_comment",
                    _("Explain why the case does not fully follow the principle."),
                )
        if cleaned.get("has_knowledge_gaps") and not cleaned.get("knowledge_gaps", "").strip():
            self.add_error("knowledge_gaps", _("Describe what is not known."))
        for row in self.rows:
            if cleaned.get(f"decision_{row.key}") != "include":
                continue
            rating = cleaned.get(f"rating_{row.key}", "")
            if not rating:
                self.add_error(
                    f"rating_{row.key}",
                    _("Rate the effect on %(code)s, or mark it as not affected.")
                    % {"code": row.code},
                )
            elif rating not in Rating.values:
                self.add_error(
                    f"rating_{row.key}",
                    forms.ValidationError(
                        _(
                            "“%(rating)s” is not on the scale: use −3…+3, or positive, negative, both or unknown."
                        ),
                        code="off_scale",
                        params={"rating": rating},
                    ),
                )
            if not cleaned.get(f"motivation_{row.key}", "").strip():
                self.add_error(
                    f"motivation_{row.key}",
                    _("Give a motivation for the effect on %(code)s.") % {"code": row.code},
                )
        targets, goals, unknown = _parse_subject_codes(
            cleaned.get("add_codes", ""), self.organisation
        )
        if unknown:
            self.add_error(
                "add_codes",
                [
                    forms.ValidationError(
                        _("Unknown target or goal: %(code)s"), code="unknown", params={"code": c}
                    )
                    for c in unknown
                ],
            )
        known = {row.key for row in self.rows}
        if unknown:
            return cleaned
        self.added_rows = [
            EffectRow(target=t, included=True)
            for t in targets
            if f"t{row_key(t.code)}" not in known
        ] + [EffectRow(goal=g, included=True) for g in goals if f"g{g.number}" not in known]
        if self.added_rows:
            self.add_error(
                "add_codes",
                forms.ValidationError(
                    _("Added %(codes)s below: rate them, then save."),
                    code="rows_added",
                    params={"codes": ", ".join(row.code for row in self.added_rows)},
                ),
            )
        return cleaned

    def only_rows_added(self) -> bool:
        """Whether the one thing keeping the form from saving is rows added by code."""
        errors = self.errors.as_data()
        return (
            bool(self.added_rows)
            and set(errors) == {"add_codes"}
            and all(error.code == "rows_added" for error in errors["add_codes"])
        )

    def with_added_rows(self) -> "AssessmentForm":
        """The same input with the added rows in the form, to rate before saving."""
        data = self.data.copy()
        extra = parse_target_codes(data.get("extra_rows", ""))
        data["extra_rows"] = ", ".join([*extra, *(row.code for row in self.added_rows)])
        data["add_codes"] = ""
        for row in self.added_rows:
            data[f"decision_{row.key}"] = "include"
        return AssessmentForm(data, case=self.instance)

    # The service's inputs
    def dimensions(self) -> dict[str, tuple[str, str]]:
        c = self.cleaned_data
        return {d: (c[f"{d}_rating"], c[f"{d}_motivation"]) for d in DIMENSIONS}

    def principles(self) -> dict[str, tuple[str, str]]:
        c = self.cleaned_data
        return {p: (c[p], c[f"{p}_comment"]) for p in Principle.values}

    def effects(self) -> list[EffectInput]:
        c = self.cleaned_data
        return [
            EffectInput(
                target=row.target,
                goal=row.goal,
                rating=c[f"rating_{row.key}"],
                motivation=c[f"motivation_{row.key}"],
                origin=EffectOrigin.SUGGESTED if row.suggestion else EffectOrigin.MANUAL,
                reason=row.suggestion.reason if row.suggestion else "",
            )
            for row in self.rows
            if c.get(f"decision_{row.key}") == "include"
        ]

    def discarded(self) -> list[Target]:
        c = self.cleaned_data
        return [
            row.target
            for row in self.rows
            if row.target is not None and c.get(f"decision_{row.key}") == "discard"
        ]

    def knowledge_gap_input(self) -> tuple[bool, str]:
        return bool(self.cleaned_data["has_knowledge_gaps"]), self.cleaned_data["knowledge_gaps"]


# --- conflicts ----------------------------------------------------------------------------


class ConflictForm(SteeringFormMixin, forms.ModelForm):
    """Raise a conflict by hand, or edit one (not its decision)."""

    target_codes = TargetCodesField(
        label=_("Targets in conflict"), required=True, help_text=_("E.g. 8.2, 13.2.")
    )

    class Meta:
        model = GoalConflict
        fields = ["title", "case", "action", "evidence", "weighing_body", "status"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        limit_to_bodies(self.fields["weighing_body"], organisation)
        self.fields["case"].queryset = Case.objects.for_organisation(organisation)
        self.fields["action"].queryset = Action.objects.for_organisation(organisation).order_by(
            "title"
        )
        # Decided on the decision page; withdrawn (and reopened) by detection only.
        self.fields["status"].choices = [
            (value, label)
            for value, label in ConflictStatus.choices
            if value not in (ConflictStatus.DECIDED, ConflictStatus.WITHDRAWN)
        ]
        if self.instance.pk:
            self.initial.setdefault(
                "target_codes", format_target_codes(self.instance.targets.all())
            )
            if self.instance.is_decided:
                # A decided conflict is a precedent: its decision is corrected on the
                # decision page, never undone here.
                self.fields["status"].choices = [
                    (ConflictStatus.DECIDED.value, ConflictStatus.DECIDED.label)
                ]
            elif self.instance.is_withdrawn:
                # Withdrawn by detection: it reopens by itself if its condition returns.
                self.fields["status"].choices = [
                    (ConflictStatus.WITHDRAWN.value, ConflictStatus.WITHDRAWN.label)
                ]
        self._init_version()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("case") and cleaned.get("action"):
            self.add_error("action", _("Name either a case or an action as the source."))
        targets = cleaned.get("target_codes") or []
        if "target_codes" not in self.errors and len(targets) < 2:
            self.add_error("target_codes", _("Name at least two targets in conflict."))
        body = cleaned.get("weighing_body")
        if body is not None:
            self.instance.case = cleaned.get("case")
            self.instance.action = cleaned.get("action")
            if not body_may_weigh(body, self.instance.owner_id):
                self.add_error(
                    "weighing_body",
                    forms.ValidationError(
                        _(
                            "%(body)s has no mandate to decide this, so it cannot weigh the conflict."
                        ),
                        code=NO_DECIDE_MANDATE,
                        params={"body": body},
                    ),
                )
        return cleaned


class DecisionForm(SteeringFormMixin, forms.ModelForm):
    """How the body weighed the conflict."""

    class Meta:
        model = GoalConflict
        fields = ["decision_body", "decision_date", "decision_paragraph", "trade_off", "reasoning"]
        widgets = {
            "decision_date": DateInput,
            "trade_off": forms.Textarea(attrs={"rows": 3}),
            "reasoning": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        limit_to_bodies(self.fields["decision_body"], organisation)
        for name in self.Meta.fields:
            self.fields[name].required = True
        self._init_version()

    def clean_decision_body(self) -> Body:
        body = self.cleaned_data["decision_body"]
        if not body_may_weigh(body, self.instance.owner_id):
            raise forms.ValidationError(
                _("%(body)s has no mandate to decide this. Record the body that decided."),
                code=NO_DECIDE_MANDATE,
                params={"body": body},
            )
        return body


class RemarkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RemarkKind.choices)
    text = forms.CharField(label=_("Your remark"), widget=forms.Textarea(attrs={"rows": 3}))


class ConflictFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ConflictStatus.choices]
    )
    target = forms.CharField(label=_("Target"), required=False, max_length=20)
    body = forms.ModelChoiceField(label=_("Body"), required=False, queryset=Body.objects.none())

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_bodies(self.fields["body"], organisation)
        self.fields["body"].empty_label = _("All")


CASE_STATUS_CHOICES = CaseStatus.choices
