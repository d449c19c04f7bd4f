"""Agenda 2030 seen through the organisation's steering chain: the wedding cake,
a goal with its targets, and a target with everything the municipality does for it."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from hallbar.agenda.models import Dimension, GlobalIndicator, GoalSet, Target
from hallbar.agenda.selectors import indicators_for_organisation, targets_for_organisation
from hallbar.organisation import access
from hallbar.steering.coverage import (
    Coverage,
    coverage_by_goal,
    coverage_by_target,
    work_for_target,
)

# Top to bottom, as the cake is drawn: goal 17 on top, the biosphere at the base.
CAKE_LAYERS = [
    ("", _("Partnerships for the goals")),
    (Dimension.ECONOMIC, _("Economy")),
    (Dimension.SOCIAL, _("Society")),
    (Dimension.ECOLOGICAL, _("Biosphere")),
]


def _agenda2030() -> GoalSet:
    try:
        return GoalSet.objects.get(code="agenda2030", organisation__isnull=True)
    except GoalSet.DoesNotExist:
        raise Http404("Reference data is not loaded: run manage.py load_reference_data") from None


def overview(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    agenda = _agenda2030()
    goals = list(agenda.goals.all())
    coverage = coverage_by_goal(
        organisation=organisation,
        include_drafts=granted.actor.sees_drafts,
        goal_set=agenda,
    )
    for goal in goals:
        goal.coverage = coverage.get(goal.pk, Coverage())
    layers = [
        {"dimension": code, "label": label, "goals": [g for g in goals if g.dimension == code]}
        for code, label in CAKE_LAYERS
    ]
    return render(
        request,
        "steering/agenda_overview.html",
        {"organisation": organisation, "goal_set": agenda, "layers": layers},
    )


def goal_detail(request: HttpRequest, org_code: str, number: int) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    agenda = _agenda2030()
    goal = get_object_or_404(agenda.goals, number=number)
    targets = list(
        targets_for_organisation(organisation, goal.targets.all()).prefetch_related("indicators")
    )
    coverage = coverage_by_target(
        organisation=organisation, include_drafts=granted.actor.sees_drafts, goal=goal
    )
    for target in targets:
        target.coverage = coverage.get(target.pk, Coverage())
    return render(
        request,
        "steering/agenda_goal.html",
        {
            "organisation": organisation,
            "goal": goal,
            "targets": targets,
            **_indicators_context(granted, goal.targets.all()),
        },
    )


def target_detail(request: HttpRequest, org_code: str, code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    indicators = indicators_for_organisation(organisation, GlobalIndicator.objects.all())
    target = get_object_or_404(
        targets_for_organisation(organisation, Target.objects.agenda2030())
        .select_related("goal")
        .prefetch_related(Prefetch("indicators", queryset=indicators)),
        code=code,
    )
    include_drafts = granted.actor.sees_drafts
    return render(
        request,
        "steering/agenda_target.html",
        {
            "organisation": organisation,
            "target": target,
            "goal": target.goal,
            "work": work_for_target(
                organisation=organisation, include_drafts=include_drafts, target=target
            ),
            "can_edit": granted.may("steering.add_goal") or granted.may("steering.add_action"),
            "can_edit_texts": granted.may("agenda.change_texts"),
            **_indicators_context(granted, Target.objects.filter(pk=target.pk)),
        },
    )


# --- Indicators section (followup) ----------------------------------------------------------


def _indicators_context(granted: access.Granted, targets: QuerySet[Target]) -> dict[str, Any]:
    """The "Indicators" section of the goal and target pages: the organisation's indicators
    linked to `targets`, their statuses and relative positions, and the stacked bar.

    `followup` sits to the right of `steering` in the dependency order (it links
    indicators to local goals): it is imported here, when a page is drawn, not by the
    module, and this is the only place steering reaches into it."""
    from hallbar.followup.views import indicator_section

    return indicator_section(
        organisation=granted.organisation,
        include_private=granted.actor.sees_drafts,
        targets=targets,
    )
