"""Reads of the status analysis, for its pages and for the apps that build on it
(interactions, impact, report). The names and signatures of `latest_analysis`,
`analysis_for_year`, `prioritised_targets`, `assessments_by_target` and `goal_summaries`
are a contract with those apps.

Who sees what (`visibility`): a draft only the organisation's own readers
(`include_drafts`, from `Actor.sees_drafts`); a confirmed analysis is published. Each read
runs a fixed number of queries whatever the number of targets.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    FilteredRelation,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext

from hallbar.agenda.models import Goal, Target
from hallbar.agenda.selectors import targets_for_organisation
from hallbar.analysis.status.models import (
    ASSESSMENT_COLOURS,
    ASSESSMENT_ORDER,
    AnalysisState,
    Assessment,
    AssessmentProposal,
    GoalAssessment,
    ProposalStatus,
    Relevance,
    StatusAnalysis,
    TargetAssessment,
)
from hallbar.analysis.status.suggestion import Suggestion, TargetInput, suggest_goal
from hallbar.organisation.models import Organisation

AGENDA_2030 = "agenda2030"
NOT_ASSESSED = ""


def analyses_visible(
    *, organisation: Organisation, include_drafts: bool
) -> QuerySet[StatusAnalysis]:
    analyses = StatusAnalysis.objects.for_organisation(organisation)
    return analyses if include_drafts else analyses.confirmed()


def latest_analysis(
    organisation: Organisation, *, include_drafts: bool = True
) -> StatusAnalysis | None:
    """The organisation's analysis of the latest year (drafts too unless told not to)."""
    return (
        analyses_visible(organisation=organisation, include_drafts=include_drafts)
        .order_by("-year")
        .first()
    )


def analysis_for_year(
    organisation: Organisation, year: int, *, include_drafts: bool = True
) -> StatusAnalysis | None:
    return (
        analyses_visible(organisation=organisation, include_drafts=include_drafts)
        .filter(year=year)
        .first()
    )


def analysis_get(
    *, organisation: Organisation, pk: int, include_drafts: bool
) -> StatusAnalysis | None:
    return (
        analyses_visible(organisation=organisation, include_drafts=include_drafts)
        .filter(pk=pk)
        .first()
    )


def prioritised_targets(
    organisation: Organisation, year: int | None = None, *, include_drafts: bool = True
) -> QuerySet[Target]:
    """The targets prioritised in the year's analysis, in Agenda 2030 order; none when
    there is no such analysis. Without `year`: the priorities in force, the same set the
    steering registers mark (`focus_analysis`: the latest confirmed analysis, else the
    latest draft), which goal-conflict detection and new interaction matrices use too."""
    if year is None:
        focus = focus_analysis(organisation, include_drafts=include_drafts)
        return Target.objects.filter(pk__in=focus.targets if focus else ()).order_by("position")
    analysis = analysis_for_year(organisation, year, include_drafts=include_drafts)
    if analysis is None:
        return Target.objects.none()
    return Target.objects.filter(
        status_assessments__analysis=analysis, status_assessments__is_prioritised=True
    ).order_by("position")


@dataclass(frozen=True)
class AnalysisFocus:
    """The analysis steering's registers mark prioritised targets from, with them."""

    analysis: StatusAnalysis
    targets: dict[int, str]  # target id → code


def focus_analysis(organisation: Organisation, *, include_drafts: bool) -> AnalysisFocus | None:
    """The prioritised targets that steering documents, goals and actions focus on, in
    one query. They come from the organisation's latest *confirmed* analysis, where
    "latest" is the highest year (not the one confirmed most recently); a newer draft
    does not replace it until it is confirmed. When no analysis is confirmed, the latest
    draft's (highest year), only for readers who see drafts (`include_drafts`; the
    caller marks it as a draft). None when there is no such analysis."""
    candidates = analyses_visible(organisation=organisation, include_drafts=include_drafts)
    chosen = candidates.order_by(
        Case(When(state=AnalysisState.CONFIRMED, then=Value(0)), default=Value(1)), "-year"
    ).values("pk")[:1]
    rows = list(
        StatusAnalysis.objects.filter(pk=Subquery(chosen))
        .annotate(
            prioritised=FilteredRelation(
                "assessments", condition=Q(assessments__is_prioritised=True)
            )
        )
        .values_list("pk", "year", "state", "prioritised__target_id", "prioritised__target__code")
        .order_by("prioritised__target__position")
    )
    if not rows:
        return None
    pk, year, state, _target, _code = rows[0]
    analysis = StatusAnalysis(pk=pk, organisation=organisation, year=year, state=state)
    targets = {target: code for *_, target, code in rows if target is not None}
    return AnalysisFocus(analysis=analysis, targets=targets)


def assessments_by_target(analysis: StatusAnalysis) -> dict[int, TargetAssessment]:
    """target id → its assessment in the analysis (one query)."""
    return {row.target_id: row for row in analysis.assessments.all()}


@dataclass(frozen=True)
class GoalSummary:
    """One goal in an analysis: how many of its targets have each assessment, how many
    are prioritised or not relevant, the goal's summary text, its assessment (on
    `goal_assessment`) and the suggestion its targets' assessments make now."""

    goal: Goal
    counts: dict[str, int]  # assessment (or "" = not assessed) → targets
    total: int
    prioritised: int
    not_relevant: int
    text: str
    goal_assessment: GoalAssessment | None = None
    suggestion: Suggestion | None = None  # from the targets as assessed now

    @property
    def assessment(self) -> str:
        """The goal's own assessment ("" until assessed)."""
        return self.goal_assessment.assessment if self.goal_assessment else ""

    @property
    def suggested(self) -> str:
        """The suggestion from the targets as assessed now ("" without one)."""
        return self.suggestion.assessment if self.suggestion else ""

    @property
    def shown(self) -> str:
        """What the overview colours the goal by: its assessment, else the suggestion."""
        return self.assessment or self.suggested

    @property
    def shown_is_suggestion(self) -> bool:
        return not self.assessment and bool(self.suggested)

    @property
    def assessment_label(self) -> str:
        return str(Assessment(self.assessment).label) if self.assessment else ""

    @property
    def suggested_label(self) -> str:
        return str(Assessment(self.suggested).label) if self.suggested else ""

    @property
    def shown_label(self) -> str:
        return str(Assessment(self.shown).label) if self.shown else ""

    @property
    def shown_colour(self) -> str:
        return ASSESSMENT_COLOURS.get(self.shown, "")

    @property
    def suggestion_changed(self) -> bool:
        """The goal was assessed against another suggestion than its targets make now
        (a target was assessed since)."""
        row = self.goal_assessment
        return bool(row and row.assessment and row.suggested_assessment != self.suggested)

    @property
    def not_assessed(self) -> int:
        return self.counts.get(NOT_ASSESSED, 0)

    @property
    def assessed(self) -> int:
        return self.total - self.not_assessed

    @property
    def segments(self) -> list[dict[str, Any]]:
        """Shares for the stacked bar, best first, not-assessed last."""
        keys = [*Assessment.values, NOT_ASSESSED]
        return [
            {
                "key": key or "not_assessed",
                "label": Assessment(key).label if key else _not_assessed_label(),
                "count": self.counts.get(key, 0),
                "percent": round(100 * self.counts.get(key, 0) / self.total, 1)
                if self.total
                else 0,
            }
            for key in keys
            if self.counts.get(key, 0)
        ]


def _not_assessed_label() -> str:
    return gettext("Not assessed")


def target_input(code: str, relevance: str, assessment: str) -> TargetInput:
    """One target as the goal rule (`suggestion.suggest_goal`) reads it, with its labels."""
    return TargetInput(
        code=code,
        relevance=relevance,
        assessment=assessment,
        relevance_label=str(Relevance(relevance).label) if relevance else "",
        assessment_label=str(Assessment(assessment).label) if assessment else "",
    )


def goal_summaries(analysis: StatusAnalysis) -> list[GoalSummary]:
    """Per goal of Agenda 2030, in order, with the suggestion its targets make now
    (three queries)."""
    goals = list(
        Goal.objects.filter(
            goal_set__code=AGENDA_2030, goal_set__organisation__isnull=True
        ).order_by("number")
    )
    texts = {row.goal_id: row for row in analysis.goal_assessments.select_related("assessed_by")}
    counts: dict[int, Counter] = {goal.pk: Counter() for goal in goals}
    prioritised: Counter = Counter()
    not_relevant: Counter = Counter()
    inputs: dict[int, list[TargetInput]] = {goal.pk: [] for goal in goals}
    for goal_id, code, assessment, is_prioritised, relevance in analysis.assessments.order_by(
        "target__position"
    ).values_list("target__goal_id", "target__code", "assessment", "is_prioritised", "relevance"):
        counts.setdefault(goal_id, Counter())[assessment] += 1
        prioritised[goal_id] += bool(is_prioritised)
        not_relevant[goal_id] += relevance == Relevance.NOT_RELEVANT
        inputs.setdefault(goal_id, []).append(target_input(code, relevance, assessment))
    return [
        GoalSummary(
            goal=goal,
            counts=dict(counts[goal.pk]),
            total=sum(counts[goal.pk].values()),
            prioritised=prioritised[goal.pk],
            not_relevant=not_relevant[goal.pk],
            text=texts[goal.pk].text if goal.pk in texts else "",
            goal_assessment=texts.get(goal.pk),
            suggestion=suggest_goal(inputs[goal.pk]),
        )
        for goal in goals
    ]


def goal_suggestion(goal_assessment: GoalAssessment) -> Suggestion:
    """The suggestion the goal's targets make now in its analysis (one query)."""
    rows = (
        TargetAssessment.objects.filter(
            analysis_id=goal_assessment.analysis_id, target__goal_id=goal_assessment.goal_id
        )
        .order_by("target__position")
        .values_list("target__code", "relevance", "assessment")
    )
    return suggest_goal([target_input(*row) for row in rows])


def goal_assessment_get(analysis: StatusAnalysis, number: int) -> GoalAssessment | None:
    """One goal of the analysis, by its number (one query)."""
    return (
        analysis.goal_assessments.select_related("goal", "assessed_by", "updated_by")
        .filter(goal__number=number)
        .first()
    )


def goal_summary(analysis: StatusAnalysis, goal: Goal) -> GoalSummary | None:
    return next((s for s in goal_summaries(analysis) if s.goal.pk == goal.pk), None)


# --- the table of all 169 ------------------------------------------------------------------

SORTS = {
    "target": lambda row: row.target.position,
    "relevance": lambda row: (
        Relevance.values.index(row.relevance) if row.relevance else len(Relevance.values),
        row.target.position,
    ),
    "assessment": lambda row: (
        ASSESSMENT_ORDER.get(row.assessment, len(ASSESSMENT_ORDER)),
        row.target.position,
    ),
    "suggestion": lambda row: (
        ASSESSMENT_ORDER.get(row.suggested_assessment, len(ASSESSMENT_ORDER)),
        row.target.position,
    ),
    "prioritised": lambda row: (not row.is_prioritised, row.target.position),
    "assessed_at": lambda row: (row.assessed_at is None, row.assessed_at or 0),
}


def assessment_rows(
    analysis: StatusAnalysis, *, filters: Mapping[str, Any], sort: str = "target"
) -> list[TargetAssessment]:
    """The analysis's target assessments, with their targets (the organisation's Swedish
    texts) and goals, narrowed by `filters` (`goal` a Goal, `relevance`, `assessment`
    ("not_assessed" for none), `prioritised` ("yes"/"no"), `differs` (True: differs from
    the suggestion)) and sorted by `sort` (a key of SORTS, "-" first for descending).
    Two queries."""
    rows = analysis.assessments.select_related("assessed_by").prefetch_related(
        Prefetch(
            "target",
            queryset=targets_for_organisation(
                analysis.organisation, Target.objects.all()
            ).select_related("goal"),
        )
    )
    if goal := filters.get("goal"):
        rows = rows.filter(target__goal=goal)
    if relevance := filters.get("relevance"):
        rows = rows.filter(relevance="" if relevance == "not_set" else relevance)
    if assessment := filters.get("assessment"):
        rows = rows.filter(assessment="" if assessment == "not_assessed" else assessment)
    if prioritised := filters.get("prioritised"):
        rows = rows.filter(is_prioritised=prioritised == "yes")
    result = list(rows)
    if filters.get("differs"):
        result = [row for row in result if row.differs_from_suggestion]
    descending = sort.startswith("-")
    key = SORTS.get(sort.lstrip("-"), SORTS["target"])
    return sorted(result, key=key, reverse=descending)


def assessment_get(analysis: StatusAnalysis, code: str) -> TargetAssessment | None:
    """One target's assessment, by target code, with the target's texts (one query)."""
    return (
        analysis.assessments.filter(target__code=code, target__goal_set__code=AGENDA_2030)
        .prefetch_related(
            Prefetch(
                "target",
                queryset=targets_for_organisation(
                    analysis.organisation, Target.objects.all()
                ).select_related("goal"),
            )
        )
        .select_related("assessed_by")
        .first()
    )


HISTORY_FIELDS = (
    "relevance",
    "relevance_reason",
    "assessment",
    "override_reason",
    "text",
    "is_prioritised",
    "priority_motivation",
)


@dataclass(frozen=True)
class Version:
    number: int
    when: Any
    user: Any
    changes: list[tuple[str, str, str]]  # label, before, after


def _shown(field, value: Any) -> str:
    if value in (None, ""):
        return "–"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


GOAL_HISTORY_FIELDS = (
    "assessment",
    "suggested_assessment",
    "override_reason",
    "text",
)


def _versions(records: list[Any], model: Any, names: tuple[str, ...]) -> list[Version]:
    """Each history record (oldest first) with the fields among `names` it changed,
    newest first."""
    meta = model._meta
    versions, previous = [], None
    for record in records:
        changes = []
        for name in names:
            field_ = meta.get_field(name)
            now = getattr(record, name)
            before = getattr(previous, name) if previous is not None else None
            if previous is None and now in ("", False, None):
                continue
            if previous is None or before != now:
                changes.append(
                    (str(field_.verbose_name), _shown(field_, before), _shown(field_, now))
                )
        versions.append(Version(record.version, record.history_date, record.history_user, changes))
        previous = record
    return versions[::-1]


def assessment_history(assessment: TargetAssessment) -> list[Version]:
    """The versions of one target's assessment, newest first, each with the fields it
    changed (two queries)."""
    records = list(
        assessment.history.select_related("history_user").order_by("history_date", "history_id")
    )
    return _versions(records, TargetAssessment, HISTORY_FIELDS)


def goal_history(goal_assessment: GoalAssessment) -> list[Version]:
    """The versions of one goal's summary and assessment, newest first, each with the
    fields it changed (one query)."""
    records = list(
        goal_assessment.history.select_related("history_user").order_by(
            "history_date", "history_id"
        )
    )
    return _versions(records, GoalAssessment, GOAL_HISTORY_FIELDS)


def proposals_for(assessment: TargetAssessment) -> list[AssessmentProposal]:
    return list(assessment.proposals.select_related("author", "responded_by"))


def open_proposal_counts(analysis: StatusAnalysis) -> dict[int, int]:
    """target id → number of unanswered proposals (one query)."""
    return dict(
        Counter(
            AssessmentProposal.objects.filter(
                assessment__analysis=analysis, status=ProposalStatus.SUBMITTED
            ).values_list("assessment__target_id", flat=True)
        )
    )


# --- what changed since last year ----------------------------------------------------------


@dataclass(frozen=True)
class TargetChange:
    target: Target
    before: TargetAssessment | None
    now: TargetAssessment
    fields: list[str] = field(default_factory=list)  # relevance / assessment / priority


def previous_analysis(analysis: StatusAnalysis) -> StatusAnalysis | None:
    """The analysis it started as a copy of, else (none, or that one is deleted) the
    latest earlier one."""
    if analysis.based_on_id and analysis.based_on.deleted_at is None:
        return analysis.based_on
    return (
        StatusAnalysis.objects.for_organisation(analysis.organisation_id)
        .filter(year__lt=analysis.year)
        .order_by("-year")
        .first()
    )


def changes_since_last_year(
    analysis: StatusAnalysis,
) -> tuple[StatusAnalysis | None, list[TargetChange]]:
    """The earlier analysis compared with, and per target what changed: relevance,
    assessment, priority. Three queries."""
    before = previous_analysis(analysis)
    if before is None:
        return None, []
    old = assessments_by_target(before)
    changes = []
    for row in assessment_rows(analysis, filters={}):
        prior = old.get(row.target_id)
        fields = [
            name
            for name, attr in (
                ("relevance", "relevance"),
                ("assessment", "assessment"),
                ("priority", "is_prioritised"),
            )
            if getattr(prior, attr, "" if attr != "is_prioritised" else False) != getattr(row, attr)
        ]
        if fields:
            changes.append(TargetChange(target=row.target, before=prior, now=row, fields=fields))
    return before, changes


@dataclass(frozen=True)
class GoalChange:
    goal: Goal
    before: GoalAssessment | None
    now: GoalAssessment
    fields: list[str] = field(default_factory=list)  # assessment / text


def goal_changes_since(analysis: StatusAnalysis, before: StatusAnalysis) -> list[GoalChange]:
    """Per goal, what changed from the earlier analysis `before`: its assessment, its
    summary text. In goal order (two queries)."""
    old = {row.goal_id: row for row in before.goal_assessments.all()}
    changes = []
    for row in analysis.goal_assessments.select_related("goal").order_by("goal__number"):
        prior = old.get(row.goal_id)
        fields = [
            name
            for name in ("assessment", "text")
            if getattr(prior, name, "") != getattr(row, name)
        ]
        if fields:
            changes.append(GoalChange(goal=row.goal, before=prior, now=row, fields=fields))
    return changes


# --- the Agenda pages (sections.py) ----------------------------------------------------------


def latest_assessment_for_target(
    *, organisation: Organisation, target: Target, include_drafts: bool
) -> TargetAssessment | None:
    """The target's assessment in the latest analysis the reader may see (one query)."""
    analyses = analyses_visible(organisation=organisation, include_drafts=include_drafts)
    return (
        TargetAssessment.objects.filter(analysis__in=analyses, target=target)
        .select_related("analysis", "assessed_by")
        .order_by("-analysis__year")
        .first()
    )


__all__ = [
    "AnalysisState",
    "GoalSummary",
    "analysis_for_year",
    "assessments_by_target",
    "goal_summaries",
    "latest_analysis",
    "prioritised_targets",
]
