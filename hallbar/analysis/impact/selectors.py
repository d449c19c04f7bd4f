"""Reads of the impact app: what a reader may see, suggested targets, the weighing
bodies of a conflict, and the compilation per body and year."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hallbar.agenda.models import Goal, Target
from hallbar.analysis.impact.models import (
    Case,
    CaseStatus,
    ConflictStatus,
    EffectRating,
    GoalConflict,
    is_negative,
    is_positive,
)
from hallbar.organisation.mandates import STEERING_SCOPES
from hallbar.organisation.models import Body, Mandate, MandateArea, MandateKind, Organisation

# --- visibility ----------------------------------------------------------------------------


def cases_visible(*, organisation: Organisation, include_drafts: bool) -> QuerySet[Case]:
    """All cases for the organisation's own readers; decided ones for everyone else."""
    cases = Case.objects.for_organisation(organisation)
    return cases if include_drafts else cases.filter(status=CaseStatus.DECIDED)


def conflicts_visible(
    *, organisation: Organisation, include_drafts: bool
) -> QuerySet[GoalConflict]:
    """All conflicts for the organisation's own readers; decided ones (the precedents)
    for everyone else."""
    conflicts = GoalConflict.objects.for_organisation(organisation)
    return conflicts if include_drafts else conflicts.filter(status=ConflictStatus.DECIDED)


# --- who weighs a conflict -------------------------------------------------------------------


def weighing_bodies(organisation: Organisation, owner_id: int | None) -> QuerySet[Body]:
    """Bodies that may weigh a conflict whose source belongs to `owner_id` (None: an
    organisation-wide conflict): a decide mandate over the steering chain,
    organisation-wide or in the body's own area (as `mandates.body_may_decide` reads
    one scope). One query."""
    reach = Q(area=MandateArea.ORGANISATION)
    if owner_id is not None:
        reach |= Q(body_id=owner_id)
    deciding = Mandate.objects.for_organisation(organisation).filter(
        reach, kind=MandateKind.DECIDE, scope__in=STEERING_SCOPES
    )
    return (
        Body.objects.for_organisation(organisation)
        .filter(is_active=True, pk__in=deciding.values("body_id"))
        .order_by("name")
    )


def deciding_bodies(organisation: Organisation) -> QuerySet[Body]:
    """Bodies that decide anything in the steering chain: the ones a case can go to."""
    deciding = Mandate.objects.for_organisation(organisation).filter(
        kind=MandateKind.DECIDE, scope__in=STEERING_SCOPES
    )
    return (
        Body.objects.for_organisation(organisation)
        .filter(is_active=True, pk__in=deciding.values("body_id"))
        .order_by("name")
    )


def body_may_weigh(body: Body, owner_id: int | None) -> bool:
    return weighing_bodies(body.organisation, owner_id).filter(pk=body.pk).exists()


# --- suggested targets -----------------------------------------------------------------------


@dataclass
class Suggestion:
    target: Target
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


def _add(found: dict[int, Suggestion], target: Target, reason: str) -> None:
    suggestion = found.setdefault(target.pk, Suggestion(target))
    if reason not in suggestion.reasons:
        suggestion.reasons.append(reason)


def suggested_targets(case: Case) -> list[Suggestion]:
    """Targets the case probably affects, each with why: those its linked steering
    documents, local goals and actions are linked to, and, from the organisation's
    current interaction matrix, targets strongly influenced (a_ij ≥ +2) or counteracted
    (a_ij ≤ −2) by those and by the targets already rated. Targets already rated or
    judged not affected are left out. A fixed number of queries."""
    found: dict[int, Suggestion] = {}
    targets = Target.objects.agenda2030().with_texts_for(case.organisation).select_related("goal")
    links = (
        (
            "steering_documents",
            case.steering_documents.all(),
            _("Linked to the steering document “%(title)s”."),
        ),
        ("local_goals", case.local_goals.all(), _("Linked to the local goal “%(title)s”.")),
        ("actions", case.actions.all(), _("Linked to the action “%(title)s”.")),
    )
    for relation, rows, message in links:
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            continue
        for target, title in _linked_targets(targets, relation, ids):
            _add(found, target, message % {"title": title})
    rated = set(case.effects.filter(target__isnull=False).values_list("target_id", flat=True))
    chosen = set(found) | rated
    if chosen:
        _matrix_suggestions(case, found, chosen, targets)
    discarded = set(case.discarded_targets.values_list("pk", flat=True))
    return [
        suggestion for pk, suggestion in found.items() if pk not in rated and pk not in discarded
    ]


def _linked_targets(targets: QuerySet[Target], relation: str, ids: list[int]):
    lookup = {
        "steering_documents": "steering_documents",
        "local_goals": "local_goals",
        "actions": "actions",
    }[relation]
    rows = targets.filter(**{f"{lookup}__in": ids}).values_list("pk", f"{lookup}__title")
    by_pk = {t.pk: t for t in targets.filter(pk__in=[pk for pk, _title in rows])}
    return [(by_pk[pk], title) for pk, title in rows]


def _matrix_suggestions(
    case: Case, found: dict[int, Suggestion], chosen: set[int], targets: QuerySet[Target]
) -> None:
    from hallbar.analysis.interactions.selectors import (
        counteracted_targets,
        current_matrix,
        influenced_targets,
    )

    matrix = current_matrix(case.organisation)
    if matrix is None:
        return
    influenced = influenced_targets(matrix, sorted(chosen), threshold=2)
    counteracted = counteracted_targets(matrix, sorted(chosen), threshold=-2)
    ids = set(influenced) | {j for _i, j, _s, _r in counteracted} | {i for i, *_ in counteracted}
    by_pk = {t.pk: t for t in targets.filter(pk__in=ids)}
    for pk, score in sorted(influenced.items(), key=lambda item: -item[1]):
        if pk in by_pk and pk not in chosen:
            _add(
                found,
                by_pk[pk],
                _(
                    "The interaction matrix: strongly influenced (up to %(score)+d) by the targets chosen."
                )
                % {"score": score},
            )
    for i, j, score, _rationale in counteracted:
        if j in by_pk and j not in chosen and i in by_pk:
            _add(
                found,
                by_pk[j],
                _("The interaction matrix: counteracted (%(score)+d) by %(code)s.")
                % {"score": score, "code": by_pk[i].code},
            )


# --- compiled per body and year ---------------------------------------------------------------


@dataclass
class GoalTally:
    goal: Goal
    supported: int = 0
    worked_against: int = 0
    cases: list[Case] = field(default_factory=list)


@dataclass
class BodyCompilation:
    body: Body
    goals: list[GoalTally]
    case_count: int


def compiled_by_body(organisation: Organisation, year: int) -> list[BodyCompilation]:
    """For each body, the goals its decided cases of `year` supported (a positive rating
    of the goal or one of its targets) or worked against (a negative one). A case that
    rates a goal both ways counts on both sides. Three queries."""
    effects = (
        EffectRating.objects.for_organisation(organisation)
        .filter(
            case__status=CaseStatus.DECIDED,
            case__decision_date__year=year,
            case__deleted_at__isnull=True,
        )
        .select_related("case__deciding_body", "target__goal", "goal")
        .order_by("case__deciding_body__name", "case__decision_date", "case_id")
    )
    by_body: dict[int, dict[int, GoalTally]] = defaultdict(dict)
    bodies: dict[int, Body] = {}
    cases: dict[int, set[int]] = defaultdict(set)
    for effect in effects:
        case = effect.case
        body = case.deciding_body
        bodies[body.pk] = body
        cases[body.pk].add(case.pk)
        goal = effect.goal if effect.goal_id else effect.target.goal
        tally = by_body[body.pk].setdefault(goal.pk, GoalTally(goal))
        if is_positive(effect.rating):
            tally.supported += 1
        if is_negative(effect.rating):
            tally.worked_against += 1
        if case not in tally.cases:
            tally.cases.append(case)
    return [
        BodyCompilation(
            body=bodies[pk],
            goals=sorted(tallies.values(), key=lambda tally: tally.goal.number),
            case_count=len(cases[pk]),
        )
        for pk, tallies in sorted(by_body.items(), key=lambda item: bodies[item[0]].name)
    ]


def decision_years(organisation: Organisation) -> list[int]:
    dates = (
        Case.objects.for_organisation(organisation)
        .filter(status=CaseStatus.DECIDED, decision_date__isnull=False)
        .dates("decision_date", "year", order="DESC")
    )
    return [date.year for date in dates]


def effects_of(case: Case) -> list[EffectRating]:
    """The case's rated effects, targets with the organisation's Swedish texts. Two
    queries."""
    effects = list(case.effects.select_related("goal"))
    ids = [e.target_id for e in effects if e.target_id]
    targets = Target.objects.with_texts_for(case.organisation).select_related("goal").in_bulk(ids)
    for effect in effects:
        if effect.target_id:
            effect.target = targets[effect.target_id]
    return effects


def targets_of(organisation: Organisation, ids: Iterable[int]) -> QuerySet[Target]:
    return (
        Target.objects.with_texts_for(organisation)
        .filter(pk__in=list(ids))
        .select_related("goal")
        .order_by("goal__number", "position")
    )
