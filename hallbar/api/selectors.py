"""Reads behind the API, each a fixed number of queries however much data there is.

The API is public: it shows what `steering.visibility` shows a reader without drafts
(decided local goals, actions under decided plans).
"""

from django.db.models import Prefetch, QuerySet

from hallbar.agenda.models import GlobalIndicator, Goal, Target
from hallbar.organisation.models import Organisation
from hallbar.steering.models import Action, LocalGoal
from hallbar.steering.visibility import actions_visible, goals_visible

AGENDA_2030 = "agenda2030"


def _agenda_targets() -> QuerySet[Target]:
    """Linked targets as the API shows them: Agenda 2030 only, in the official order."""
    return Target.objects.agenda2030().only("id", "code", "position").order_by("position")


def agenda_goals() -> QuerySet[Goal]:
    """The 17 goals of the reference Agenda 2030 set with targets and indicators (3 queries)."""
    indicators = GlobalIndicator.objects.order_by("position")
    targets = Target.objects.order_by("position").prefetch_related(
        Prefetch("indicators", queryset=indicators)
    )
    return (
        Goal.objects.filter(goal_set__code=AGENDA_2030, goal_set__organisation__isnull=True)
        .order_by("number")
        .prefetch_related(Prefetch("targets", queryset=targets))
    )


def agenda_target(code: str) -> Target | None:
    """The reference Agenda 2030 target with this code, or None."""
    # PostgreSQL refuses NUL in text: such a code cannot exist, so don't ask.
    if "\x00" in code:
        return None
    return Target.objects.agenda2030().filter(code=code).first()


def decided_local_goals(
    organisation: Organisation, *, target: Target | None = None
) -> QuerySet[LocalGoal]:
    """The organisation's decided council and committee goals (3 queries)."""
    goals = (
        goals_visible(organisation=organisation, include_drafts=False)
        .select_related("body")
        .prefetch_related(
            Prefetch("targets", queryset=_agenda_targets()),
            Prefetch("other_goals", queryset=Goal.objects.select_related("goal_set")),
        )
        .order_by("level", "title", "id")
    )
    if target is not None:
        goals = goals.filter(targets=target)
    return goals


def actions_in_decided_plans(
    organisation: Organisation, *, target: Target | None = None
) -> QuerySet[Action]:
    """The organisation's actions whose plan is decided (2 queries)."""
    actions = (
        actions_visible(organisation=organisation, include_drafts=False)
        .select_related("body", "plan")
        .prefetch_related(Prefetch("targets", queryset=_agenda_targets()))
        .order_by("title", "id")
    )
    if target is not None:
        actions = actions.filter(targets=target)
    return actions
