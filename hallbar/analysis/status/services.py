"""Writes of the status analysis. Each is a keyword-only function inside one transaction:
a refusal (`ValidationError` naming the field, or `hallbar.core.versions.EditConflict`)
writes nothing.

- `analysis_create`: the year's analysis with all 169 targets, suggestions filled from the
  evidence; a copy of the latest earlier analysis (relevance, assessments, texts,
  priorities, goal texts and goal assessments) when there is one, marked "carried over"
  until reviewed.
- `assessment_update` and its named forms `suggestion_confirm`, `assessment_override`;
  `goal_assessment_update` (a goal's assessment against the suggestion its targets make,
  and its summary text) and its named form `goal_text_update`.
- `analysis_confirm` (publishes the analysis) and `analysis_reopen`.
- `proposal_submit` (a council member's proposed assessment; changes no assessment) and
  `proposal_answer` (the analyst adopts or declines it).
- `suggestions_refresh`: new suggestions for the targets not assessed this year.

Priorities: whenever a target's prioritisation changes or an analysis is confirmed (or,
through `records.py`, deleted softly or restored), the signal `signals.priorities_changed`
is sent after the transaction commits, once per transaction and analysis however many
targets it changed (nothing when it rolls back): `send_priorities_changed`.

Optimistic locking: every edit names the `version` it started from; the row is locked and
compared (`hallbar.core.versions.check_version` on the integer `version`), and an older
version raises `EditConflict` with what changed meanwhile: before, theirs and yours.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from hallbar.agenda.models import Goal, Target
from hallbar.analysis.status import selectors
from hallbar.analysis.status.evidence import evidence_by_target
from hallbar.analysis.status.models import (
    AnalysisState,
    Assessment,
    AssessmentProposal,
    GoalAssessment,
    ProposalStatus,
    Relevance,
    StatusAnalysis,
    TargetAssessment,
)
from hallbar.analysis.status.signals import priorities_changed
from hallbar.analysis.status.suggestion import suggest
from hallbar.core.commit import on_commit_once
from hallbar.core.forms import OUT_OF_DATE_MESSAGE
from hallbar.core.versions import check_version
from hallbar.organisation.models import Organisation

AGENDA_2030 = "agenda2030"
MIN_YEAR, MAX_YEAR = 2000, 2100

# The fields an analyst edits on one target, and those copied to next year's analysis.
EDITABLE_FIELDS = (
    "relevance",
    "relevance_reason",
    "assessment",
    "text",
    "is_prioritised",
    "priority_motivation",
    "override_reason",
)
COPIED_FIELDS = (*EDITABLE_FIELDS, "assessed_by_id", "assessed_at")

# The fields an analyst edits on one goal; copied to next year's analysis with the
# suggestion the assessment was made against and who made it.
GOAL_FIELDS = ("assessment", "override_reason", "text")
COPIED_GOAL_FIELDS = (
    *GOAL_FIELDS,
    "suggested_assessment",
    "suggestion_reasoning",
    "assessed_by_id",
    "assessed_at",
)

# Every edited row of the analysis counts its saves in `version` (optimistic locking).
VERSION = "version"


def _lock(row: Any, expected_version: int | None, names: tuple[str, ...], yours=None) -> Any:
    """`row`, locked, if it is still at `expected_version`; else
    `hallbar.core.versions.EditConflict` with the fields among `names` changed meanwhile
    (before, theirs and `yours`)."""
    if expected_version is None:
        raise ValidationError({"version": OUT_OF_DATE_MESSAGE})
    return check_version(row, expected_version, yours, field=VERSION, names=names)


def _priorities_changed(analysis_id: int) -> None:
    # Deleted ones too: deleting a confirmed analysis changes the priorities.
    analysis = (
        StatusAnalysis.with_deleted.select_related("organisation").filter(pk=analysis_id).first()
    )
    if analysis is not None:
        priorities_changed.send(
            sender=StatusAnalysis, organisation=analysis.organisation, analysis=analysis
        )


def send_priorities_changed(analysis_id: int) -> None:
    """Send `priorities_changed` for the analysis once the transaction commits: once per
    transaction, however many changes it makes; never when it rolls back
    (`core.commit.on_commit_once`)."""
    on_commit_once(
        ("status_analysis.priorities_changed", analysis_id),
        lambda: _priorities_changed(analysis_id),
    )


def send_priorities_removed(analysis: StatusAnalysis) -> None:
    """Send `priorities_changed` with `analysis=None` once the transaction that removes
    the analysis for good commits."""
    organisation = analysis.organisation
    on_commit_once(
        ("status_analysis.priorities_changed", analysis.pk),
        lambda: priorities_changed.send(
            sender=StatusAnalysis, organisation=organisation, analysis=None
        ),
    )


# --- creating a year's analysis ----------------------------------------------------------


def agenda_targets():
    return Target.objects.agenda2030().select_related("goal").order_by("position")


def _suggestions(organisation: Organisation, target_ids: list[int]):
    evidence = evidence_by_target(
        organisation=organisation, include_private=True, target_ids=target_ids
    )
    return {target_id: suggest(evidence.get(target_id, [])) for target_id in target_ids}


@transaction.atomic
def analysis_create(
    *, organisation: Organisation, year: int, created_by: Any = None
) -> StatusAnalysis:
    """The year's analysis: all 169 targets with suggestions from their evidence, started
    as a copy of the latest earlier analysis when there is one."""
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            {
                "year": _("Give a year between %(min)s and %(max)s.")
                % {"min": MIN_YEAR, "max": MAX_YEAR}
            }
        )
    analyses = StatusAnalysis.objects.for_organisation(organisation)
    if analyses.filter(year=year).exists():
        raise ValidationError(
            {"year": _("There is already a status analysis for %(year)s.") % {"year": year}}
        )
    if StatusAnalysis.with_deleted.for_organisation(organisation).filter(year=year).exists():
        raise ValidationError(
            {
                "year": _(
                    "The status analysis for %(year)s is deleted: restore it from the "
                    "deleted records instead."
                )
                % {"year": year}
            }
        )
    targets = list(agenda_targets())
    if len(targets) == 0:
        raise ValidationError(
            _("The Agenda 2030 reference data is not loaded: run manage.py load_reference_data.")
        )
    previous = analyses.filter(year__lt=year).order_by("-year").first()
    analysis = StatusAnalysis.objects.create(
        organisation=organisation, year=year, based_on=previous, created_by=created_by
    )
    copied: dict[int, TargetAssessment] = {}
    copied_goals: dict[int, GoalAssessment] = {}
    if previous is not None:
        copied = {row.target_id: row for row in previous.assessments.all()}
        copied_goals = {row.goal_id: row for row in previous.goal_assessments.all()}
    suggestions = _suggestions(organisation, [target.pk for target in targets])
    rows = []
    for target in targets:
        suggestion = suggestions[target.pk]
        row = TargetAssessment(
            organisation=organisation,
            analysis=analysis,
            target=target,
            suggested_assessment=suggestion.assessment,
            suggestion_reasoning=suggestion.reasoning,
            suggestion_inputs=suggestion.inputs,
        )
        if old := copied.get(target.pk):
            for name in COPIED_FIELDS:
                setattr(row, name, getattr(old, name))
            row.is_carried_over = bool(old.assessment or old.relevance or old.is_prioritised)
        rows.append(row)
    bulk_create_with_history(rows, TargetAssessment, default_user=created_by)
    goals = Goal.objects.filter(goal_set__code=AGENDA_2030, goal_set__organisation__isnull=True)
    goal_rows = []
    for goal in goals:
        goal_row = GoalAssessment(organisation=organisation, analysis=analysis, goal=goal)
        if old_goal := copied_goals.get(goal.pk):
            for name in COPIED_GOAL_FIELDS:
                setattr(goal_row, name, getattr(old_goal, name))
            goal_row.is_carried_over = bool(old_goal.assessment)
        goal_rows.append(goal_row)
    bulk_create_with_history(goal_rows, GoalAssessment, default_user=created_by)
    return analysis


@transaction.atomic
def suggestions_refresh(*, analysis: StatusAnalysis) -> int:
    """New suggestions from today's evidence for the targets without an assessment made
    this year (the suggestion an assessment was confirmed against stays with it).
    Returns how many suggestions changed."""
    unassessed = Q(assessment="") | Q(is_carried_over=True)
    rows = list(analysis.assessments.select_for_update().filter(unassessed))
    suggestions = _suggestions(analysis.organisation, [row.target_id for row in rows])
    changed = 0
    for row in rows:
        suggestion = suggestions[row.target_id]
        if (row.suggested_assessment, row.suggestion_reasoning) == (
            suggestion.assessment,
            suggestion.reasoning,
        ):
            continue
        row.suggested_assessment = suggestion.assessment
        row.suggestion_reasoning = suggestion.reasoning
        row.suggestion_inputs = suggestion.inputs
        row.version += 1
        row.save()
        changed += 1
    return changed


# --- one target ----------------------------------------------------------------------------


def validate_assessment(values: Mapping[str, Any]) -> dict[str, str]:
    """Field → message for what is refused in these (complete) values of one target."""
    errors: dict[str, str] = {}
    if values["relevance"] not in ("", *Relevance.values):
        errors["relevance"] = _("Choose one of the listed relevance levels.")
    if values["assessment"] not in ("", *Assessment.values):
        errors["assessment"] = _("Choose one of the listed assessments.")
    if values["relevance"] == Relevance.NOT_RELEVANT and not values["relevance_reason"].strip():
        errors["relevance_reason"] = _(
            "Give a reason why the target is not relevant for the municipality."
        )
    if values["is_prioritised"] and not values["priority_motivation"].strip():
        errors["priority_motivation"] = _("Give a motivation for prioritising the target.")
    if values["is_prioritised"] and values["relevance"] == Relevance.NOT_RELEVANT:
        errors["is_prioritised"] = _("A target that is not relevant cannot be prioritised.")
    suggested = values.get("suggested_assessment", "")
    if (
        values["assessment"]
        and suggested
        and values["assessment"] != suggested
        and not values["override_reason"].strip()
    ):
        errors["override_reason"] = _(
            "The assessment differs from the suggestion (%(suggested)s): give a reason."
        ) % {"suggested": Assessment(suggested).label}
    return errors


@transaction.atomic
def assessment_update(
    *,
    target_assessment: TargetAssessment,
    expected_version: int | None,
    user: Any,
    **values: Any,
) -> TargetAssessment:
    """Change any of `EDITABLE_FIELDS` of one target; the others stay. Records who
    assessed it and when, and that it was reviewed this year."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    current = _lock(target_assessment, expected_version, EDITABLE_FIELDS, values)
    merged = {name: getattr(current, name) for name in EDITABLE_FIELDS}
    merged.update({name: value if value is not None else "" for name, value in values.items()})
    merged["is_prioritised"] = bool(merged["is_prioritised"])
    merged["suggested_assessment"] = current.suggested_assessment
    errors = validate_assessment(merged)
    if errors:
        raise ValidationError(errors)
    if not merged["assessment"] or merged["assessment"] == current.suggested_assessment:
        merged["override_reason"] = ""  # nothing is overridden
    if not merged["is_prioritised"]:
        merged["priority_motivation"] = ""
    if merged["is_prioritised"] != current.is_prioritised:
        send_priorities_changed(current.analysis_id)
    for name in EDITABLE_FIELDS:
        value = merged[name]
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.is_carried_over = False
    current.assessed_by = user
    current.assessed_at = timezone.now()
    current.version += 1
    current._history_user = user
    current.save()
    return current


def suggestion_confirm(
    *, target_assessment: TargetAssessment, expected_version: int | None, user: Any
) -> TargetAssessment:
    if not target_assessment.suggested_assessment:
        raise ValidationError(
            {"assessment": _("There is no suggestion to confirm: assess the target yourself.")}
        )
    return assessment_update(
        target_assessment=target_assessment,
        expected_version=expected_version,
        user=user,
        assessment=target_assessment.suggested_assessment,
    )


def assessment_override(
    *,
    target_assessment: TargetAssessment,
    expected_version: int | None,
    user: Any,
    value: str,
    reason: str,
) -> TargetAssessment:
    return assessment_update(
        target_assessment=target_assessment,
        expected_version=expected_version,
        user=user,
        assessment=value,
        override_reason=reason,
    )


def validate_goal_assessment(values: Mapping[str, Any], suggested: str) -> dict[str, str]:
    """Field → message for what is refused in these values of one goal, against the
    suggestion its targets make (`suggested`, "" for none)."""
    errors: dict[str, str] = {}
    assessment = values.get("assessment") or ""
    if assessment not in ("", *Assessment.values):
        errors["assessment"] = _("Choose one of the listed assessments.")
    elif (
        assessment
        and suggested
        and assessment != suggested
        and not (values.get("override_reason") or "").strip()
    ):
        errors["override_reason"] = _(
            "The assessment differs from the suggestion (%(suggested)s): give a reason."
        ) % {"suggested": Assessment(suggested).label}
    return errors


@transaction.atomic
def goal_assessment_update(
    *,
    goal_assessment: GoalAssessment,
    expected_version: int | None,
    user: Any,
    **values: Any,
) -> GoalAssessment:
    """Change any of `GOAL_FIELDS` of one goal; the others stay.

    The assessment is checked against the suggestion the goal's targets make now
    (`selectors.goal_suggestion`, the rule in `suggestion.suggest_goal`): one that differs
    needs a reason. When the assessment or its reason changes, or a carried-over
    assessment is saved (reviewed), the goal counts as assessed: the suggestion with its
    reasoning is stored with it, and who assessed it and when. A change of the summary
    text alone keeps the assessment as it was made."""
    unknown = set(values) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    current = _lock(goal_assessment, expected_version, GOAL_FIELDS, values)
    merged = {name: getattr(current, name) for name in GOAL_FIELDS}
    merged.update({name: value if value is not None else "" for name, value in values.items()})
    merged = {name: value.strip() for name, value in merged.items()}
    reassessed = any(
        merged[name] != getattr(current, name) for name in ("assessment", "override_reason")
    ) or (current.is_carried_over and "assessment" in values)
    if reassessed:
        suggestion = selectors.goal_suggestion(current)
        errors = validate_goal_assessment(merged, suggestion.assessment)
        if errors:
            raise ValidationError(errors)
        if not merged["assessment"] or merged["assessment"] == suggestion.assessment:
            merged["override_reason"] = ""  # nothing is overridden
        if merged["assessment"]:
            current.suggested_assessment = suggestion.assessment
            current.suggestion_reasoning = suggestion.reasoning
            current.assessed_by = user
            current.assessed_at = timezone.now()
        else:  # not assessed (any more)
            current.suggested_assessment = ""
            current.suggestion_reasoning = ""
            current.assessed_by = None
            current.assessed_at = None
        current.is_carried_over = False
    for name in GOAL_FIELDS:
        setattr(current, name, merged[name])
    current.updated_by = user
    current.version += 1
    current._history_user = user
    current.save()
    return current


def goal_text_update(
    *, goal_assessment: GoalAssessment, expected_version: int | None, user: Any, text: str
) -> GoalAssessment:
    return goal_assessment_update(
        goal_assessment=goal_assessment, expected_version=expected_version, user=user, text=text
    )


# --- the analysis as a whole -----------------------------------------------------------------


@transaction.atomic
def analysis_confirm(
    *, analysis: StatusAnalysis, expected_version: int | None, user: Any, summary: str | None = None
) -> StatusAnalysis:
    """Confirm the analysis: from now on it is published (the public sees it)."""
    yours = {"state": AnalysisState.CONFIRMED}
    if summary is not None:
        yours["summary"] = summary
    current = _lock(analysis, expected_version, ("state", "summary"), yours)
    if summary is not None:
        current.summary = summary.strip()
    if current.state != AnalysisState.CONFIRMED:
        send_priorities_changed(current.pk)
    current.state = AnalysisState.CONFIRMED
    current.confirmed_by = user
    current.confirmed_at = timezone.now()
    current.version += 1
    current._history_user = user
    current.save()
    return current


@transaction.atomic
def analysis_reopen(
    *, analysis: StatusAnalysis, expected_version: int | None, user: Any
) -> StatusAnalysis:
    """Back to draft: the public no longer sees it until it is confirmed again, and its
    priorities are no longer in force (an earlier confirmed analysis's are)."""
    yours = {"state": AnalysisState.DRAFT}
    current = _lock(analysis, expected_version, ("state", "summary"), yours)
    if current.state != AnalysisState.DRAFT:
        send_priorities_changed(current.pk)
    current.state = AnalysisState.DRAFT
    current.version += 1
    current._history_user = user
    current.save()
    return current


# --- proposals ---------------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(
    *, target_assessment: TargetAssessment, author: Any, proposed_assessment: str, reason: str
) -> AssessmentProposal:
    """A proposed assessment: stored for the analyst; the target's assessment is unchanged."""
    errors = {}
    if proposed_assessment not in Assessment.values:
        errors["proposed_assessment"] = _("Choose one of the listed assessments.")
    if not (reason or "").strip():
        errors["reason"] = _("Give a reason for the proposed assessment.")
    if errors:
        raise ValidationError(errors)
    proposal = AssessmentProposal(
        organisation_id=target_assessment.organisation_id,
        assessment=target_assessment,
        proposed_assessment=proposed_assessment,
        reason=reason.strip(),
        author=author,
    )
    proposal._history_user = author
    proposal.save()
    return proposal


@transaction.atomic
def proposal_answer(
    *,
    proposal: AssessmentProposal,
    user: Any,
    adopt: bool,
    response: str,
    expected_version: int | None,
) -> AssessmentProposal:
    """Adopt (the proposed value becomes the target's assessment, recorded in the
    analyst's name; the response is the reason when it differs from the suggestion) or
    decline (with a response). `expected_version` is the target assessment's."""
    proposal = AssessmentProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.SUBMITTED:
        raise ValidationError({"response": _("This proposal has already been answered.")})
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("Give a response to the proposal.")})
    if adopt:
        target_assessment = proposal.assessment
        values: dict[str, Any] = {"assessment": proposal.proposed_assessment}
        if proposal.proposed_assessment != target_assessment.suggested_assessment:
            values["override_reason"] = response
        assessment_update(
            target_assessment=target_assessment,
            expected_version=expected_version,
            user=user,
            **values,
        )
    proposal.status = ProposalStatus.ADOPTED if adopt else ProposalStatus.DECLINED
    proposal.response = response
    proposal.responded_by = user
    proposal.responded_at = timezone.now()
    proposal._history_user = user
    proposal.save()
    return proposal
