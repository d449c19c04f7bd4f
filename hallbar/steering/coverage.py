"""How the organisation's steering chain covers Agenda 2030: counts per goal and target,
and what serves one target. Every function runs a fixed number of queries and shows only
what the reader may see (`visibility.py`)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from hallbar.agenda.models import Goal, GoalSet, Target
from hallbar.organisation.models import Organisation
from hallbar.steering.models import GoalLevel
from hallbar.steering.visibility import actions_visible, documents_visible, goals_visible


@dataclass(frozen=True)
class Coverage:
    local_goals: int = 0
    actions: int = 0


def _counts(queryset: QuerySet, key: str) -> dict[int, int]:
    rows = (
        queryset.filter(**{f"{key}__isnull": False})
        .values(key)
        .annotate(n=Count("pk", distinct=True))
    )
    return {row[key]: row["n"] for row in rows}


def _coverage(
    organisation: Organisation, include_drafts: bool, link: Q, key: str
) -> dict[int, Coverage]:
    scope = {"organisation": organisation, "include_drafts": include_drafts}
    goals = _counts(goals_visible(**scope).filter(link), key)
    actions = _counts(actions_visible(**scope).filter(link), key)
    return {
        pk: Coverage(goals.get(pk, 0), actions.get(pk, 0)) for pk in goals.keys() | actions.keys()
    }


def coverage_by_goal(
    *, organisation: Organisation, include_drafts: bool, goal_set: GoalSet
) -> dict[int, Coverage]:
    """Goal id → how many local goals and actions serve any of its targets."""
    return _coverage(organisation, include_drafts, Q(targets__goal_set=goal_set), "targets__goal")


def coverage_by_target(
    *, organisation: Organisation, include_drafts: bool, goal: Goal
) -> dict[int, Coverage]:
    """Target id → how many local goals and actions serve it, for one goal's targets."""
    return _coverage(organisation, include_drafts, Q(targets__goal=goal), "targets")


@dataclass
class TargetWork:
    """What the organisation does for one target."""

    council_goals: list
    committee_goals: list
    documents: list
    actions: list

    @property
    def is_empty(self) -> bool:
        return not (self.council_goals or self.committee_goals or self.documents or self.actions)


def work_for_target(
    *, organisation: Organisation, include_drafts: bool, target: Target
) -> TargetWork:
    scope = {"organisation": organisation, "include_drafts": include_drafts}
    serving_goals = goals_visible(**scope).filter(targets=target)
    serving_actions = actions_visible(**scope).filter(targets=target)
    goals = list(
        serving_goals.select_related("body", "document", "parent").order_by("level", "title")
    )
    # A document serves the target directly, or through a goal or action the reader may
    # see: a draft goal under a decided programme must not reveal itself through it.
    documents = list(
        documents_visible(**scope)
        .filter(
            Q(targets=target)
            | Q(local_goals__in=serving_goals.values("pk"))
            | Q(actions__in=serving_actions.values("pk"))
        )
        .select_related("decided_by", "responsible_body")
        .distinct()
        .order_by("level", "title")
    )
    actions = list(serving_actions.select_related("body", "plan").order_by("title"))
    return TargetWork(
        council_goals=[goal for goal in goals if goal.level == GoalLevel.COUNCIL],
        committee_goals=[goal for goal in goals if goal.level == GoalLevel.COMMITTEE],
        documents=documents,
        actions=actions,
    )
