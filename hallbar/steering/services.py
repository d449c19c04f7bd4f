"""Writes of the steering chain: create and update documents, local goals and actions.

Each function is one transaction: the row and its links (targets, bodies, goals) are
saved together or not at all, and recorded in the history as one version. They check
on their own that everything linked belongs to the same organisation and is not deleted,
so a caller other than a form (an import, the API) cannot cross tenants either.

Updates take the version the edit started from (`expected_version`, the row's
`updated_at`). The row is locked and compared: an edit from an older version is refused
with `EditConflict`, which lists what changed meanwhile, so nothing anyone saved is
silently overwritten.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from hallbar.agenda.models import Dimension, Goal, GoalSet, Target
from hallbar.core.versions import EditConflict as EditConflict  # raised by updates
from hallbar.core.versions import check_version, one_version
from hallbar.organisation.models import Body, Organisation
from hallbar.steering.models import Action, LocalGoal, SoftDeleteModel, SteeringDocument

DOCUMENT_FIELDS = (
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
)
GOAL_FIELDS = (
    "level",
    "title",
    "description",
    "body",
    "document",
    "parent",
    "status",
    "decision_date",
    "decision_paragraph",
)
ACTION_FIELDS = (
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
)
# Foreign keys to tenant-owned rows: each must belong to the row's own organisation.
_TENANT_REFERENCES = {
    SteeringDocument: ("parent", "decided_by", "responsible_body"),
    LocalGoal: ("body", "document", "parent"),
    Action: ("plan", "body"),
}

M = TypeVar("M", SteeringDocument, LocalGoal, Action)


def _assign(instance: M, fields: Mapping[str, Any], names: Sequence[str]) -> None:
    unknown = set(fields) - set(names)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _check_same_organisation(
    organisation: Organisation, instance: models.Model, **related: Iterable[Any]
) -> None:
    errors: dict[str, str] = {}
    for name in _TENANT_REFERENCES[type(instance)]:
        value = getattr(instance, name)
        if value is not None and value.organisation_id != organisation.pk:
            errors[name] = _("Choose one of the organisation's own.")
        elif _is_deleted(value):
            errors[name] = _("“%(name)s” has been deleted.") % {"name": value}
    for name, values in related.items():
        if any(value.organisation_id != organisation.pk for value in values):
            errors[name] = _("Choose one of the organisation's own.")
        elif deleted := [value for value in values if _is_deleted(value)]:
            errors[name] = _("“%(name)s” has been deleted.") % {"name": deleted[0]}
    if errors:
        raise ValidationError(errors)


def _is_deleted(value: Any) -> bool:
    return isinstance(value, SoftDeleteModel) and value.deleted_at is not None


def _check_version(
    instance: models.Model, expected: dt.datetime | None, yours: Mapping[str, Any]
) -> None:
    """Lock the row and refuse the save if it changed since `expected` (records.py)."""
    if instance.pk is None:
        return
    check_version(instance, expected, yours)


def _check_other_goals(organisation: Organisation, goals: Sequence[Goal]) -> None:
    visible = set(
        Goal.objects.filter(
            pk__in=[goal.pk for goal in goals],
            goal_set__in=GoalSet.objects.visible_to(organisation),
        ).values_list("pk", flat=True)
    )
    if any(goal.pk not in visible for goal in goals):
        raise ValidationError({"other_goals": _("Choose goals of the listed goal sets.")})


# Steering documents


@transaction.atomic
def document_create(
    *,
    organisation: Organisation,
    fields: Mapping[str, Any],
    dimensions: Sequence[str],
    applies_to: Iterable[Body] = (),
    targets: Iterable[Target] = (),
) -> SteeringDocument:
    document = SteeringDocument(organisation=organisation)
    return _document_save(document, fields, dimensions, list(applies_to), list(targets))


@transaction.atomic
def document_update(
    *,
    document: SteeringDocument,
    fields: Mapping[str, Any],
    dimensions: Sequence[str],
    applies_to: Iterable[Body] = (),
    targets: Iterable[Target] = (),
    expected_version: dt.datetime | None = None,
) -> SteeringDocument:
    applies_to, targets = list(applies_to), list(targets)
    _check_version(
        document,
        expected_version,
        {
            **fields,
            **{f"is_{code}": code in dimensions for code in Dimension.values},
            "applies_to": applies_to,
            "targets": targets,
        },
    )
    return _document_save(document, fields, dimensions, applies_to, targets)


def _document_save(
    document: SteeringDocument,
    fields: Mapping[str, Any],
    dimensions: Sequence[str],
    applies_to: list[Body],
    targets: list[Target],
) -> SteeringDocument:
    _assign(document, fields, DOCUMENT_FIELDS)
    try:
        document.dimensions = list(dimensions)
    except ValueError as error:
        raise ValidationError({"dimensions": str(error)}) from error
    _check_same_organisation(document.organisation, document, applies_to=applies_to)
    document.full_clean()
    with one_version(document, created=document.pk is None):
        document.save()
        document.applies_to.set(applies_to)
        document.targets.set(targets)
    return document


# Local goals


@transaction.atomic
def goal_create(
    *,
    organisation: Organisation,
    fields: Mapping[str, Any],
    targets: Iterable[Target] = (),
    other_goals: Iterable[Goal] = (),
) -> LocalGoal:
    goal = LocalGoal(organisation=organisation)
    return _goal_save(goal, fields, list(targets), list(other_goals))


@transaction.atomic
def goal_update(
    *,
    goal: LocalGoal,
    fields: Mapping[str, Any],
    targets: Iterable[Target] = (),
    other_goals: Iterable[Goal] = (),
    expected_version: dt.datetime | None = None,
) -> LocalGoal:
    targets, other_goals = list(targets), list(other_goals)
    _check_version(
        goal, expected_version, {**fields, "targets": targets, "other_goals": other_goals}
    )
    return _goal_save(goal, fields, targets, other_goals)


def _goal_save(
    goal: LocalGoal, fields: Mapping[str, Any], targets: list[Target], other_goals: list[Goal]
) -> LocalGoal:
    _assign(goal, fields, GOAL_FIELDS)
    _check_same_organisation(goal.organisation, goal)
    _check_other_goals(goal.organisation, other_goals)
    goal.full_clean()
    with one_version(goal, created=goal.pk is None):
        goal.save()
        goal.targets.set(targets)
        goal.other_goals.set(other_goals)
    return goal


# Actions


@transaction.atomic
def action_create(
    *,
    organisation: Organisation,
    created_by: AbstractBaseUser | None,
    fields: Mapping[str, Any],
    targets: Iterable[Target] = (),
    local_goals: Iterable[LocalGoal] = (),
) -> Action:
    action = Action(organisation=organisation, created_by=created_by)
    return _action_save(action, fields, list(targets), list(local_goals))


@transaction.atomic
def action_update(
    *,
    action: Action,
    fields: Mapping[str, Any],
    targets: Iterable[Target] = (),
    local_goals: Iterable[LocalGoal] = (),
    expected_version: dt.datetime | None = None,
) -> Action:
    targets, local_goals = list(targets), list(local_goals)
    _check_version(
        action, expected_version, {**fields, "targets": targets, "local_goals": local_goals}
    )
    return _action_save(action, fields, targets, local_goals)


def _action_save(
    action: Action, fields: Mapping[str, Any], targets: list[Target], local_goals: list[LocalGoal]
) -> Action:
    _assign(action, fields, ACTION_FIELDS)
    _check_same_organisation(action.organisation, action, local_goals=local_goals)
    action.full_clean()
    with one_version(action, created=action.pk is None):
        action.save()
        action.targets.set(targets)
        action.local_goals.set(local_goals)
    return action
