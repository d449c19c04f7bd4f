"""Agenda 2030 seen through the organisation's steering chain: the wedding cake,
a goal with its targets, and a target with everything the municipality does for it.

Later apps (follow-up's indicators, the status analysis) add sections to the goal and
target pages through `sections.py`, registered in their AppConfig.ready(): steering
imports none of them."""

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from hallbar.agenda.models import Dimension, GlobalIndicator, GoalSet, Target
from hallbar.agenda.selectors import indicators_for_organisation, targets_for_organisation
from hallbar.organisation import access
from hallbar.steering import sections
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
            "sections": sections.render_sections(
                sections.GOAL,
                request,
                sections.SectionRequest(
                    organisation=organisation,
                    sees_drafts=granted.actor.sees_drafts,
                    goal=goal,
                    targets=goal.targets.all(),
                    actor=granted.actor,
                ),
            ),
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
            "sections": sections.render_sections(
                sections.TARGET,
                request,
                sections.SectionRequest(
                    organisation=organisation,
                    sees_drafts=include_drafts,
                    goal=target.goal,
                    targets=Target.objects.filter(pk=target.pk),
                    target=target,
                    actor=granted.actor,
                ),
            ),
        },
    )
