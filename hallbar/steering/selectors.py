"""Reads of the steering chain for the register and detail pages.

Every read is scoped to one organisation and runs a fixed number of queries however
many rows there are (tests pin the counts). Drafts are left out unless the reader may
edit the organisation: the public sees what is decided.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Case, IntegerField, Model, Prefetch, Q, QuerySet, Value, When

from hallbar.agenda.models import Goal, Target
from hallbar.agenda.selectors import targets_for_organisation
from hallbar.organisation.models import Organisation
from hallbar.steering.models import (
    Action,
    DocumentLevel,
    GoalLevel,
    LocalGoal,
    SteeringDocument,
)
from hallbar.steering.visibility import (
    actions_visible,
    decided_unless,
    documents_visible,
    goals_visible,
)

HISTORY_LIMIT = 20

# The chain from the top down, not the alphabetical order of the stored codes.
DOCUMENT_LEVEL_ORDER = Case(
    *(When(level=level, then=Value(rank)) for rank, level in enumerate(DocumentLevel.values)),
    output_field=IntegerField(),
)
GOAL_LEVEL_ORDER = Case(
    *(When(level=level, then=Value(rank)) for rank, level in enumerate(GoalLevel.values)),
    output_field=IntegerField(),
)


def _target_codes() -> Prefetch:
    # List pages show codes only; the long wordings stay in the database.
    return Prefetch("targets", queryset=Target.objects.only("id", "code", "position", "goal_set"))


def _targets_with_texts(organisation: Organisation, lookup: str = "targets") -> Prefetch:
    """Targets with the organisation's own Swedish texts joined in (`display_text`)."""
    return Prefetch(lookup, queryset=targets_for_organisation(organisation, Target.objects.all()))


def history_of(obj: Model, limit: int = HISTORY_LIMIT) -> list[Any]:
    """The latest recorded changes of an object, newest first, with who made them."""
    return list(obj.history.select_related("history_user").order_by("-history_date")[:limit])


def _search(queryset: QuerySet, text: str | None, *fields: str) -> QuerySet:
    if not text:
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": text})
    return queryset.filter(condition)


# Steering documents


def document_list(
    *,
    organisation: Organisation,
    include_drafts: bool,
    filters: Mapping[str, Any],
    today: dt.date | None = None,
) -> list[SteeringDocument]:
    """The register of steering documents, top of the chain first.

    Filters: q (title or summary), level, dimension, body (decided by, responsible
    for or applies to) and warnings (only documents whose review is due or whose
    validity ends within the warning horizon).
    """
    documents = documents_visible(organisation=organisation, include_drafts=include_drafts)
    documents = _search(documents, filters.get("q"), "title", "summary")
    if level := filters.get("level"):
        documents = documents.filter(level=level)
    if dimension := filters.get("dimension"):
        documents = documents.filter(**{f"is_{dimension}": True})
    if body := filters.get("body"):
        # Joining applies_to can repeat a document; distinct keeps one row each.
        documents = documents.filter(
            Q(decided_by=body) | Q(responsible_body=body) | Q(applies_to=body)
        ).distinct()
    documents = documents.select_related("decided_by", "responsible_body").order_by(
        DOCUMENT_LEVEL_ORDER, "title", "pk"
    )
    rows = list(documents)
    if filters.get("warnings"):
        # The review rule follows terms of office (hallbar.lib.terms): computed in
        # Python on the fetched rows, no query per row.
        rows = [document for document in rows if document.warnings(today)]
    return rows


def document_get(
    *, organisation: Organisation, pk: int, include_drafts: bool
) -> SteeringDocument | None:
    """One document with everything its page shows, or None if the reader may not see it."""
    children = decided_unless(
        SteeringDocument.objects.select_related("decided_by"), include_drafts
    ).order_by(DOCUMENT_LEVEL_ORDER, "title")
    local_goals = decided_unless(LocalGoal.objects.select_related("body"), include_drafts).order_by(
        GOAL_LEVEL_ORDER, "title"
    )
    return (
        documents_visible(organisation=organisation, include_drafts=include_drafts)
        .select_related("decided_by", "responsible_body", "parent")
        .prefetch_related(
            "applies_to",
            _targets_with_texts(organisation),
            Prefetch("children", queryset=children),
            Prefetch("local_goals", queryset=local_goals),
            Prefetch("actions", queryset=Action.objects.select_related("body").order_by("title")),
        )
        .filter(pk=pk)
        .first()
    )


# Local goals (council and committee goals)


def goal_list(
    *, organisation: Organisation, include_drafts: bool, filters: Mapping[str, Any]
) -> QuerySet[LocalGoal]:
    """Council goals before committee goals. Filters: q, level, body, status, target,
    among_targets (ids: only goals serving one of these targets, e.g. the prioritised
    ones of `focus.py`)."""
    goals = goals_visible(organisation=organisation, include_drafts=include_drafts)
    goals = _search(goals, filters.get("q"), "title", "description")
    for name in ("level", "body", "status"):
        if value := filters.get(name):
            goals = goals.filter(**{name: value})
    if target := filters.get("target"):
        goals = goals.filter(targets=target)
    if (among := filters.get("among_targets")) is not None:
        goals = goals.filter(pk__in=LocalGoal.objects.filter(targets__in=list(among)).values("pk"))
    return (
        goals.select_related("body", "document")
        .prefetch_related(_target_codes())
        .order_by(GOAL_LEVEL_ORDER, "title", "pk")
    )


def goal_get(*, organisation: Organisation, pk: int, include_drafts: bool) -> LocalGoal | None:
    children = decided_unless(LocalGoal.objects.select_related("body"), include_drafts).order_by(
        "title"
    )
    return (
        goals_visible(organisation=organisation, include_drafts=include_drafts)
        .select_related("body", "document", "parent")
        .prefetch_related(
            _targets_with_texts(organisation),
            Prefetch(
                "other_goals",
                queryset=Goal.objects.select_related("goal_set").order_by(
                    "goal_set__position", "goal_set__code", "number"
                ),
            ),
            Prefetch("children", queryset=children),
            Prefetch(
                "actions",
                queryset=actions_visible(
                    organisation=organisation, include_drafts=include_drafts
                ).select_related("body"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


# Actions


def action_list(
    *, organisation: Organisation, include_drafts: bool, filters: Mapping[str, Any]
) -> QuerySet[Action]:
    """Filters: q, status, body, plan, target, among_targets (ids: only actions serving
    one of these targets)."""
    actions = actions_visible(organisation=organisation, include_drafts=include_drafts)
    actions = _search(actions, filters.get("q"), "title", "description", "owner")
    for name in ("status", "body", "plan"):
        if value := filters.get(name):
            actions = actions.filter(**{name: value})
    if target := filters.get("target"):
        actions = actions.filter(targets=target)
    if (among := filters.get("among_targets")) is not None:
        actions = actions.filter(pk__in=Action.objects.filter(targets__in=list(among)).values("pk"))
    return (
        actions.select_related("plan", "body")
        .prefetch_related(_target_codes())
        .order_by("title", "pk")
    )


def action_get(*, organisation: Organisation, pk: int, include_drafts: bool) -> Action | None:
    local_goals = decided_unless(LocalGoal.objects.all(), include_drafts).order_by(
        GOAL_LEVEL_ORDER, "title"
    )
    return (
        actions_visible(organisation=organisation, include_drafts=include_drafts)
        .select_related("plan", "body", "created_by")
        .prefetch_related(
            _targets_with_texts(organisation), Prefetch("local_goals", queryset=local_goals)
        )
        .filter(pk=pk)
        .first()
    )
