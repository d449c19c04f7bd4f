"""How the organisation's steering chain covers Agenda 2030: counts per goal and target,
and what serves one target. Every function runs a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from hallbar.agenda.models import Goal, GoalSet, Target
from hallbar.organisation.models import Organisation
from hallbar.steering.models import GoalLevel
from hallbar.steering.visibility import visible_actions, visible_documents, visible_local_goals


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


def coverage_by_goal(user, organisation: Organisation, goal_set: GoalSet) -> dict[int, Coverage]:
    """Goal id → how many local goals and actions serve any of its targets."""
    goals = _counts(
        visible_local_goals(user, organisation).filter(targets__goal_set=goal_set), "targets__goal"
    )
    actions = _counts(
        visible_actions(user, organisation).filter(targets__goal_set=goal_set), "targets__goal"
    )
    return {
        key: Coverage(goals.get(key, 0), actions.get(key, 0))
        for key in goals.keys() | actions.keys()
    }


def coverage_by_target(user, organisation: Organisation, goal: Goal) -> dict[int, Coverage]:
    """Target id → how many local goals and actions serve it, for one goal's targets."""
    goals = _counts(visible_local_goals(user, organisation).filter(targets__goal=goal), "targets")
    actions = _counts(visible_actions(user, organisation).filter(targets__goal=goal), "targets")
    return {
        key: Coverage(goals.get(key, 0), actions.get(key, 0))
        for key in goals.keys() | actions.keys()
    }


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


def work_for_target(user, organisation: Organisation, target: Target) -> TargetWork:
    goals = list(
        visible_local_goals(user, organisation)
        .filter(targets=target)
        .select_related("body", "document", "parent")
        .order_by("level", "title")
    )
    documents = list(
        visible_documents(user, organisation)
        .filter(Q(targets=target) | Q(local_goals__targets=target) | Q(actions__targets=target))
        .select_related("decided_by", "responsible_body")
        .distinct()
        .order_by("level", "title")
    )
    actions = list(
        visible_actions(user, organisation)
        .filter(targets=target)
        .select_related("body", "plan")
        .order_by("status", "title")
    )
    return TargetWork(
        council_goals=[goal for goal in goals if goal.level == GoalLevel.COUNCIL],
        committee_goals=[goal for goal in goals if goal.level == GoalLevel.COMMITTEE],
        documents=documents,
        actions=actions,
    )
