"""Forms of the steering chain: filters for the registers and the create/edit forms.

Every choice of a related object is limited to the organisation, so a forged id of
another organisation's body, document or goal is refused as an invalid choice.
Writes do not happen here: views hand `cleaned_data` to `services`.
"""

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hallbar.agenda.models import Dimension, Goal, GoalSet, GoalSetKind, LocalisedText, Target
from hallbar.core.forms import VersionedFormMixin
from hallbar.organisation.models import Body, BodyKind, Organisation
from hallbar.steering.focus import Focus
from hallbar.steering.models import (
    Action,
    ActionStatus,
    DecisionStatus,
    DocumentLevel,
    GoalLevel,
    LocalGoal,
    SteeringDocument,
    WorkingGroup,
    WorkingGroupRole,
)
from hallbar.steering.selectors import DOCUMENT_LEVEL_ORDER, GOAL_LEVEL_ORDER

# Commas, semicolons and any whitespace separate codes: "11.2, 3.6", "11.2;3.6", "11.2 3.6".
_CODE_SEPARATORS = re.compile(r"[,;\s]+")


def parse_target_codes(text: str) -> list[str]:
    """Target codes typed by a user, normalised, in the order given, without duplicates.

    "11.A" and "11.a." both mean target 11.a: codes are lower-cased and a trailing
    full stop (as in a sentence) is dropped.
    """
    codes: list[str] = []
    for raw in _CODE_SEPARATORS.split(text or ""):
        code = raw.strip().rstrip(".").lower()
        if code and code not in codes:
            codes.append(code)
    return codes


def format_target_codes(targets: Iterable[Target]) -> str:
    return ", ".join(target.code for target in targets)


class TargetCodesField(forms.CharField):
    """Agenda 2030 target codes as text; cleans to the list of `Target` rows.

    Unknown codes are refused by name so the user sees exactly which one to fix.
    """

    default_error_messages = {"unknown": _("Unknown target: %(code)s")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("label", _("Agenda 2030 targets"))
        kwargs.setdefault("help_text", _("Target codes separated by commas, e.g. 11.2, 3.6."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[Target]:  # type: ignore[override]
        text = super().clean(value)
        codes = parse_target_codes(text)
        if not codes:
            return []
        found = {t.code: t for t in Target.objects.agenda2030().filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(
                [
                    forms.ValidationError(
                        self.error_messages["unknown"], code="unknown", params={"code": code}
                    )
                    for code in unknown
                ]
            )
        return [found[code] for code in codes]


class ChoicesWithoutBlanks(forms.MultipleChoiceField):
    """A checkbox group where an empty value (a crafted `dimensions=`) means "none
    chosen", so the user reads the field's own "required" message."""

    def to_python(self, value: Any) -> list[str]:
        return [item for item in super().to_python(value) if item]


class DateInput(forms.DateInput):
    """The browser's date picker; ISO dates are what users in Sweden type anyway."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# Checkboxes in one fieldset per group (goal set), each with its own legend. Set on a
# plain CheckboxSelectMultiple, not a subclass, so the field still counts as a checkbox
# group (`widget_type`) and includes/form_fields.html wraps it in its own fieldset.
GROUPED_CHECKBOXES_TEMPLATE = "steering/widgets/grouped_checkboxes.html"


def limit_to_bodies(field: forms.Field, organisation: Organisation) -> None:
    """Offer only the organisation's bodies, by full name: "KF" alone is not for everyone."""
    field.queryset = Body.objects.for_organisation(organisation).order_by("name")
    field.label_from_instance = _body_label


def _body_label(body: Body) -> str:
    return f"{body.name} ({body.short_name})" if body.short_name else body.name


def _describe_checkbox_group_errors(form: forms.BaseForm) -> None:
    """Point each checkbox of an invalid group at the group's error message.

    Django links errors to single inputs itself, but not to inputs rendered in a
    fieldset; the ids match those written by includes/form_fields.html.
    """
    for name in form.errors:
        if name not in form.fields or not form[name].use_fieldset:
            continue
        bound = form[name]
        ids = [f"{bound.auto_id}_error"]
        if form.fields[name].help_text:
            ids.append(f"{bound.auto_id}_helptext")
        form.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)


class SteeringFormMixin(VersionedFormMixin):
    """Shared by the edit forms: organisation scope, version stamp (`VersionedFormMixin`),
    error links, targets and dimensions compared under their model names."""

    organisation: Organisation

    def submitted_values(self) -> dict[str, Any]:
        """The user's input by model field name, for comparing with what is saved."""
        values: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == "version":
                continue
            if name == "target_codes":
                values["targets"] = value
            elif name == "dimensions":
                values.update({f"is_{code}": code in value for code in Dimension.values})
            else:
                values[name] = value
        return values

    def full_clean(self) -> None:
        super().full_clean()
        _describe_checkbox_group_errors(self)


class SteeringDocumentForm(SteeringFormMixin, forms.ModelForm):
    dimensions = ChoicesWithoutBlanks(
        label=_("Dimensions"),
        choices=Dimension.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one dimension.")},
    )
    target_codes = TargetCodesField()

    class Meta:
        model = SteeringDocument
        fields = [
            "title",
            "level",
            "status",
            "summary",
            "parent",
            "decided_by",
            "decision_date",
            "decision_paragraph",
            "valid_until",
            "review_rule",
            "last_reviewed",
            "owner",
            "responsible_body",
            "applies_to",
        ]
        widgets = {
            "decision_date": DateInput,
            "valid_until": DateInput,
            "last_reviewed": DateInput,
            "applies_to": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # The model's own rules (clean()) compare related rows with it.
        self.instance.organisation = organisation
        for name in ("decided_by", "responsible_body", "applies_to"):
            limit_to_bodies(self.fields[name], organisation)
        parents = SteeringDocument.objects.for_organisation(organisation).order_by(
            DOCUMENT_LEVEL_ORDER, "title"
        )
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            self.initial.setdefault("dimensions", self.instance.dimensions)
            self.initial.setdefault(
                "target_codes", format_target_codes(self.instance.targets.all())
            )
        self.fields["parent"].queryset = parents
        self.fields["responsible_body"].empty_label = _("Municipality-wide")
        self._init_version()

    def clean_parent(self) -> SteeringDocument | None:
        parent = self.cleaned_data.get("parent")
        # Walk up from the chosen parent: meeting this document means a loop in the
        # chain. The chain is at most four levels deep, so this is a few queries.
        ancestor, seen = parent, set()
        while ancestor is not None and self.instance.pk and ancestor.pk not in seen:
            if ancestor.pk == self.instance.pk:
                raise forms.ValidationError(
                    _("A document cannot be placed under itself or one of its own sub-documents."),
                    code="cycle",
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        return parent

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        decision_date = cleaned.get("decision_date")
        valid_until = cleaned.get("valid_until")
        last_reviewed = cleaned.get("last_reviewed")
        if decision_date and valid_until and valid_until < decision_date:
            self.add_error("valid_until", _("Valid until cannot be before the decision date."))
        if decision_date and last_reviewed and last_reviewed < decision_date:
            self.add_error(
                "last_reviewed", _("The last review cannot be before the decision date.")
            )
        if cleaned.get("status") == DecisionStatus.DECIDED:
            if not decision_date and "decision_date" not in self.errors:
                self.add_error("decision_date", _("A decided document needs a decision date."))
            if not cleaned.get("decided_by") and "decided_by" not in self.errors:
                self.add_error(
                    "decided_by", _("A decided document needs the body that decided it.")
                )
        return cleaned


class LocalGoalForm(SteeringFormMixin, forms.ModelForm):
    target_codes = TargetCodesField()

    class Meta:
        model = LocalGoal
        fields = [
            "level",
            "title",
            "description",
            "body",
            "document",
            "parent",
            "status",
            "decision_date",
            "decision_paragraph",
            "other_goals",
        ]
        widgets = {
            "decision_date": DateInput,
            "description": forms.Textarea(attrs={"rows": 4}),
            "other_goals": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # The model's own rules (clean()) compare related rows with it.
        self.instance.organisation = organisation
        limit_to_bodies(self.fields["body"], organisation)
        self.fields["document"].queryset = SteeringDocument.objects.for_organisation(
            organisation
        ).order_by(DOCUMENT_LEVEL_ORDER, "title")
        council_goals = LocalGoal.objects.for_organisation(organisation).filter(
            level=GoalLevel.COUNCIL
        )
        if self.instance.pk:
            council_goals = council_goals.exclude(pk=self.instance.pk)
            self.initial.setdefault(
                "target_codes", format_target_codes(self.instance.targets.all())
            )
        self.fields["parent"].queryset = council_goals.order_by("title")
        other_goals = self.fields["other_goals"]
        other_goals.widget.template_name = GROUPED_CHECKBOXES_TEMPLATE
        other_goals.queryset = (
            Goal.objects.filter(goal_set__in=GoalSet.objects.visible_to(organisation))
            .exclude(goal_set__kind=GoalSetKind.AGENDA_2030)
            .select_related("goal_set")
            .order_by("goal_set__position", "goal_set__code", "number")
        )
        other_goals.choices = _grouped_goal_choices(other_goals.queryset)
        other_goals.help_text = _("National and regional goals the local goal contributes to.")
        self._init_version()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("level") == GoalLevel.COUNCIL and cleaned.get("parent"):
            self.add_error("parent", _("Only a committee goal can serve a council goal."))
        if (
            cleaned.get("status") == DecisionStatus.DECIDED
            and not cleaned.get("decision_date")
            and "decision_date" not in self.errors
        ):
            self.add_error("decision_date", _("A decided goal needs a decision date."))
        return cleaned


def _grouped_goal_choices(goals: QuerySet[Goal]) -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for goal in goals:
        _label, options = groups.setdefault(goal.goal_set_id, (str(goal.goal_set.title), []))
        options.append((goal.pk, format_html("{}. {}", goal.code, _localised_html(goal.title))))
    return list(groups.values())


def _localised_html(text: LocalisedText) -> str:
    # National goals exist in Swedish only: in English their language is marked, so
    # that screen readers pronounce them as Swedish.
    if text.is_fallback:
        return format_html('<span lang="{}" class="untranslated">{}</span>', text.language, text)
    return str(text)


class ActionForm(SteeringFormMixin, forms.ModelForm):
    target_codes = TargetCodesField()

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "plan",
            "body",
            "owner",
            "start",
            "end",
            "planned_cost",
            "status",
            "result",
            "local_goals",
        ]
        widgets = {
            "start": DateInput,
            "end": DateInput,
            "description": forms.Textarea(attrs={"rows": 4}),
            "result": forms.Textarea(attrs={"rows": 4}),
            "local_goals": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # The model's own rules (clean()) compare related rows with it.
        self.instance.organisation = organisation
        # Actions belong under action plans; an action already filed under another
        # level (e.g. by an import) keeps its plan selectable so it can still be edited.
        plans = Q(level=DocumentLevel.ACTION_PLAN)
        if self.instance.pk:
            plans |= Q(pk=self.instance.plan_id)
            self.initial.setdefault(
                "target_codes", format_target_codes(self.instance.targets.all())
            )
        self.fields["plan"].queryset = (
            SteeringDocument.objects.for_organisation(organisation).filter(plans).order_by("title")
        )
        self.fields["plan"].help_text = _("The action plan the action belongs to.")
        limit_to_bodies(self.fields["body"], organisation)
        self.fields["local_goals"].queryset = LocalGoal.objects.for_organisation(
            organisation
        ).order_by(GOAL_LEVEL_ORDER, "title")
        cost = self.fields["planned_cost"]
        cost.validators.append(_not_negative)
        cost.widget.attrs["min"] = 0
        self._init_version()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        return cleaned


def _not_negative(value: Any) -> None:
    if value is not None and value < 0:
        raise forms.ValidationError(_("The planned cost cannot be negative."), code="negative")


# Filters of the registers. Each is optional; an invalid value is reported on its
# field and that filter is left out, so the page still shows a list.


def _all(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """A choice list led by "All": the empty filter."""
    return [("", _("All")), *choices]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def add_focus_filter(self, focus: Focus | None) -> None:
        """Add the filter "only prioritised targets" when a later app says which targets
        are prioritised (`hallbar.steering.focus`); without one there is no such filter."""
        if focus is None:
            return
        source = focus.source
        if focus.is_draft:
            source = _("%(source)s (draft)") % {"source": source}
        self.fields["prioritised"] = forms.BooleanField(
            label=_("Only prioritised targets"),
            required=False,
            help_text=_("Prioritised in %(source)s.") % {"source": source},
        )

    def filters(self) -> dict[str, Any]:
        """The valid, non-empty filter values (an unbound form filters nothing)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "", [], False)
        }


class DocumentFilterForm(FilterForm):
    level = forms.ChoiceField(label=_("Level"), required=False, choices=_all(DocumentLevel.choices))
    dimension = forms.ChoiceField(
        label=_("Dimension"), required=False, choices=_all(Dimension.choices)
    )
    body = forms.ModelChoiceField(
        label=_("Body"),
        required=False,
        queryset=Body.objects.none(),
        empty_label=_("All"),
        help_text=_("Decided by, responsible for or applies to."),
    )
    warnings = forms.BooleanField(label=_("Only review due or expiring"), required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_bodies(self.fields["body"], organisation)


class TargetFilterField(forms.CharField):
    """One target code; unknown codes are named, like in the edit forms."""

    def clean(self, value: Any) -> Target | None:  # type: ignore[override]
        codes = parse_target_codes(super().clean(value))
        if not codes:
            return None
        if len(codes) > 1:
            raise forms.ValidationError(_("Enter one target code."), code="one_code")
        target = Target.objects.agenda2030().filter(code=codes[0]).first()
        if target is None:
            raise forms.ValidationError(
                _("Unknown target: %(code)s"), code="unknown", params={"code": codes[0]}
            )
        return target


class GoalFilterForm(FilterForm):
    """The register of local goals; `focus` adds "only prioritised targets"."""

    level = forms.ChoiceField(label=_("Level"), required=False, choices=_all(GoalLevel.choices))
    body = forms.ModelChoiceField(
        label=_("Body"), required=False, queryset=Body.objects.none(), empty_label=_("All")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_all(DecisionStatus.choices)
    )
    target = TargetFilterField(
        label=_("Target"), required=False, max_length=20, help_text=_("E.g. 11.2.")
    )

    def __init__(
        self, *args: Any, organisation: Organisation, focus: Focus | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        limit_to_bodies(self.fields["body"], organisation)
        self.add_focus_filter(focus)


class ActionFilterForm(FilterForm):
    """The register of actions; `focus` adds "only prioritised targets"."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_all(ActionStatus.choices)
    )
    body = forms.ModelChoiceField(
        label=_("Body"), required=False, queryset=Body.objects.none(), empty_label=_("All")
    )
    plan = forms.ModelChoiceField(
        label=_("Plan"),
        required=False,
        queryset=SteeringDocument.objects.none(),
        empty_label=_("All"),
    )
    target = TargetFilterField(
        label=_("Target"), required=False, max_length=20, help_text=_("E.g. 11.2.")
    )

    def __init__(
        self, *args: Any, organisation: Organisation, focus: Focus | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        limit_to_bodies(self.fields["body"], organisation)
        self.add_focus_filter(focus)
        self.fields["plan"].queryset = (
            SteeringDocument.objects.for_organisation(organisation)
            .filter(Q(level=DocumentLevel.ACTION_PLAN) | Q(actions__isnull=False))
            .distinct()
            .order_by("title")
        )


# Delete confirmation


# Working groups


class WorkingGroupForm(SteeringFormMixin, forms.ModelForm):
    target_codes = TargetCodesField()

    class Meta:
        model = WorkingGroup
        fields = [
            "name",
            "focus_area",
            "mandate_text",
            "expected_effect",
            "appointed_by",
            "start_date",
            "end_date",
        ]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "mandate_text": forms.Textarea(attrs={"rows": 6}),
            "expected_effect": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # The model's own rules (clean()) compare related rows with it.
        self.instance.organisation = organisation
        appointed_by = self.fields["appointed_by"]
        limit_to_bodies(appointed_by, organisation)
        appointed_by.queryset = appointed_by.queryset.filter(kind=BodyKind.MANAGEMENT_GROUP)
        appointed_by.help_text = _("Working groups are appointed by the management group.")
        if appointed_by.queryset.count() == 1:
            self.initial.setdefault("appointed_by", appointed_by.queryset.get().pk)
        if self.instance.pk:
            self.initial.setdefault(
                "target_codes", format_target_codes(self.instance.targets.all())
            )
        self._init_version()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot be before the start."))
        return cleaned


def _user_label(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class WorkingGroupMemberForm(forms.Form):
    """One member: one of the organisation's users, or an external person."""

    user = forms.ModelChoiceField(
        label=_("Internal member"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=_("None (external member)"),
    )
    external_name = forms.CharField(label=_("External member's name"), required=False)
    external_organisation = forms.CharField(
        label=_("External member's organisation"), required=False
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=WorkingGroupRole.choices, initial=WorkingGroupRole.MEMBER
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(memberships__body__organisation=organisation, is_active=True)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        self.fields["user"].label_from_instance = _user_label
        for name in ("external_name", "external_organisation"):
            self.fields[name].max_length = 200
            self.fields[name].widget.attrs["maxlength"] = 200

    def has_changed(self) -> bool:
        # A row with only the preset role is an empty row, not a member.
        return any(self[name].value() for name in ("user", "external_name"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user, name = cleaned.get("user"), cleaned.get("external_name", "").strip()
        if user and name:
            self.add_error("external_name", _("Choose a user or write an external name, not both."))
        elif not user and not name and cleaned.get("external_organisation"):
            self.add_error("external_name", _("Write the external member's name."))
        return cleaned


class BaseMemberFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        self.organisation = organisation
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "organisation": self.organisation}

    def clean(self) -> None:
        seen: set[Any] = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            user = form.cleaned_data.get("user")
            if user is not None and user.pk in seen:
                raise forms.ValidationError(
                    _("%(name)s is listed twice.") % {"name": _user_label(user)}
                )
            if user is not None:
                seen.add(user.pk)

    def members(self) -> list[dict[str, Any]]:
        """The members as the service takes them, leaving out empty and removed rows."""
        return [
            {
                "user": form.cleaned_data.get("user"),
                "external_name": form.cleaned_data.get("external_name", "").strip(),
                "external_organisation": form.cleaned_data.get("external_organisation", "").strip(),
                "role": form.cleaned_data["role"],
            }
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ]


MemberFormSet = forms.formset_factory(
    WorkingGroupMemberForm,
    formset=BaseMemberFormSet,
    extra=3,
    can_delete=True,
    can_delete_extra=False,
    max_num=100,
    validate_max=True,
)
