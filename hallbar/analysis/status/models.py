"""Status analysis (nulägesanalys): per organisation and year, every Agenda 2030 target's
relevance for the municipality and its assessment (strength … major challenge), with the
evidence-based suggestion it started from, and the prioritised targets.

- `StatusAnalysis`: one per organisation and year; a draft for the organisation's own
  readers until the analysis group confirms it, which publishes it (see `visibility.py`).
- `TargetAssessment`: one per target of the analysis (all 169), with the suggestion as it
  was computed (`suggested_assessment`, `suggestion_reasoning`, `suggestion_inputs`).
- `GoalAssessment`: one goal: its summary text and its assessment, with the suggestion
  computed from its targets' assessments (its counts are computed).
- `AssessmentProposal`: a council member's proposed assessment, answered by the analyst.

Every user-edited row has history and an integer `version`, compared under a row lock on
save (`services.py`), so an edit based on an older version is refused.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hallbar.core.models import AliveManager, SoftDeletable
from hallbar.organisation.models import TenantModel, TenantQuerySet


class AnalysisState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed (published)")


class Relevance(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


class Assessment(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    NEUTRAL = "neutral", _("Neutral")
    CHALLENGE = "challenge", _("Challenge")
    MAJOR_CHALLENGE = "major_challenge", _("Major challenge")


# Order from best to worst, for sorting and colours.
ASSESSMENT_ORDER = {value: index for index, value in enumerate(Assessment.values)}
# Backgrounds for white text (WCAG AA), as the badges and bars show them.
ASSESSMENT_COLOURS = {
    Assessment.STRENGTH: "#1B6E3A",
    Assessment.NEUTRAL: "#56606E",
    Assessment.CHALLENGE: "#9E5400",
    Assessment.MAJOR_CHALLENGE: "#B3261E",
}


class StatusAnalysisQuerySet(TenantQuerySet):
    def confirmed(self) -> "StatusAnalysisQuerySet":
        return self.filter(state=AnalysisState.CONFIRMED)


class StatusAnalysis(SoftDeletable, TenantModel):
    """One organisation's analysis of one year. Deleting one (`hallbar.core.records`) is
    soft for an analysis ever confirmed (published), a removal for a draft that never
    was; `objects` leaves deleted analyses out, `with_deleted` reaches them."""

    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"), max_length=20, choices=AnalysisState.choices, default=AnalysisState.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on"),
        help_text=_("The earlier analysis this one started as a copy of."),
    )
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), db_default=Now())
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = AliveManager.from_queryset(StatusAnalysisQuerySet)()
    with_deleted = StatusAnalysisQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("status analysis")
        verbose_name_plural = _("status analyses")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="status_analysis_one_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="status_analysis_year_range",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=AnalysisState.values),
                name="status_analysis_state_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Status analysis')} {self.year}"

    @property
    def is_confirmed(self) -> bool:
        return self.state == AnalysisState.CONFIRMED

    def is_public_record(self) -> bool:
        """Confirmed (published) now or ever: `confirmed_at` stays when it is reopened."""
        return self.is_confirmed or self.confirmed_at is not None


class TargetAssessment(TenantModel):
    analysis = models.ForeignKey(
        StatusAnalysis,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("status analysis"),
    )
    target = models.ForeignKey(
        "agenda.Target",
        on_delete=models.PROTECT,
        related_name="status_assessments",
        verbose_name=_("target"),
    )
    relevance = models.CharField(
        _("relevance"), max_length=20, choices=Relevance.choices, blank=True
    )
    relevance_reason = models.TextField(
        _("reason for the relevance"),
        blank=True,
        help_text=_("Required when the target is not relevant for the municipality."),
    )
    assessment = models.CharField(
        _("assessment"),
        max_length=20,
        choices=Assessment.choices,
        blank=True,
        help_text=_("Empty: not assessed yet."),
    )
    text = models.TextField(_("analysis text"), blank=True)
    is_prioritised = models.BooleanField(_("prioritised"), default=False)
    priority_motivation = models.TextField(
        _("motivation of the priority"),
        blank=True,
        help_text=_("Required for a prioritised target."),
    )
    suggested_assessment = models.CharField(
        _("suggested assessment"), max_length=20, choices=Assessment.choices, blank=True
    )
    suggestion_reasoning = models.TextField(_("reasoning of the suggestion"), blank=True)
    # The evidence the suggestion was computed from (METHODS: store the inputs).
    suggestion_inputs = models.JSONField(_("evidence of the suggestion"), default=list, blank=True)
    override_reason = models.TextField(
        _("reason for overriding the suggestion"),
        blank=True,
        help_text=_("Required when the assessment differs from the suggestion."),
    )
    is_carried_over = models.BooleanField(
        _("carried over from last year"),
        default=False,
        help_text=_("Copied from last year's analysis and not reviewed this year yet."),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["analysis", "target__position"]
        verbose_name = _("target assessment")
        verbose_name_plural = _("target assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "target"], name="target_assessment_one_per_target"
            ),
            models.CheckConstraint(
                condition=~models.Q(relevance=Relevance.NOT_RELEVANT)
                | ~models.Q(relevance_reason=""),
                name="target_assessment_not_relevant_has_reason",
                violation_error_message=_("Give a reason why the target is not relevant."),
            ),
            models.CheckConstraint(
                condition=models.Q(is_prioritised=False) | ~models.Q(priority_motivation=""),
                name="target_assessment_priority_has_motivation",
                violation_error_message=_("Give a motivation for prioritising the target."),
            ),
            models.CheckConstraint(
                condition=models.Q(assessment="")
                | models.Q(suggested_assessment="")
                | models.Q(assessment=models.F("suggested_assessment"))
                | ~models.Q(override_reason="")
                | models.Q(is_carried_over=True),
                name="target_assessment_override_has_reason",
                violation_error_message=_(
                    "Give a reason for an assessment that differs from the suggestion."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(assessment__in=["", *Assessment.values])
                & models.Q(suggested_assessment__in=["", *Assessment.values])
                & models.Q(relevance__in=["", *Relevance.values]),
                name="target_assessment_choices_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} ({self.analysis.year})"

    @property
    def differs_from_suggestion(self) -> bool:
        return bool(
            self.assessment
            and self.suggested_assessment
            and self.assessment != self.suggested_assessment
        )


class GoalAssessment(TenantModel):
    """One goal in an analysis: its summary text and its assessment, with the suggestion
    (from its targets' assessments, `suggestion.suggest_goal`) as it was when the goal was
    assessed. The counts of its targets are computed (`selectors.goal_summaries`)."""

    analysis = models.ForeignKey(
        StatusAnalysis,
        on_delete=models.CASCADE,
        related_name="goal_assessments",
        verbose_name=_("status analysis"),
    )
    goal = models.ForeignKey(
        "agenda.Goal", on_delete=models.PROTECT, related_name="+", verbose_name=_("goal")
    )
    text = models.TextField(_("summary of the goal"), blank=True)
    assessment = models.CharField(
        _("assessment"),
        max_length=20,
        choices=Assessment.choices,
        blank=True,
        help_text=_("Empty: not assessed yet."),
    )
    suggested_assessment = models.CharField(
        _("suggested assessment"),
        max_length=20,
        choices=Assessment.choices,
        blank=True,
        help_text=_("From the targets' assessments when the goal was assessed."),
    )
    suggestion_reasoning = models.TextField(_("reasoning of the suggestion"), blank=True)
    override_reason = models.TextField(
        _("reason for overriding the suggestion"),
        blank=True,
        help_text=_("Required when the assessment differs from the suggestion."),
    )
    is_carried_over = models.BooleanField(
        _("carried over from last year"),
        default=False,
        help_text=_("Copied from last year's analysis and not reviewed this year yet."),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["analysis", "goal__number"]
        verbose_name = _("goal summary")
        verbose_name_plural = _("goal summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "goal"], name="goal_assessment_one_per_goal"
            ),
            models.CheckConstraint(
                condition=models.Q(assessment="")
                | models.Q(suggested_assessment="")
                | models.Q(assessment=models.F("suggested_assessment"))
                | ~models.Q(override_reason=""),
                name="goal_assessment_override_has_reason",
                violation_error_message=_(
                    "Give a reason for an assessment that differs from the suggestion."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(assessment__in=["", *Assessment.values])
                & models.Q(suggested_assessment__in=["", *Assessment.values]),
                name="goal_assessment_choices_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal} ({self.analysis.year})"

    @property
    def differs_from_suggestion(self) -> bool:
        return bool(
            self.assessment
            and self.suggested_assessment
            and self.assessment != self.suggested_assessment
        )


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ADOPTED = "adopted", _("Adopted")
    DECLINED = "declined", _("Declined")


class AssessmentProposal(TenantModel):
    """A proposed assessment of one target, by a member of a body that proposes (the
    sustainability council, external members too). It changes nothing until the analyst
    adopts it, which records the assessment in the analyst's name."""

    assessment = models.ForeignKey(
        TargetAssessment,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("target assessment"),
    )
    proposed_assessment = models.CharField(
        _("proposed assessment"), max_length=20, choices=Assessment.choices
    )
    reason = models.TextField(_("reason"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    response = models.TextField(_("response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed"), db_default=Now())

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposed assessment")
        verbose_name_plural = _("proposed assessments")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="assessment_proposal_has_reason"
            ),
            models.CheckConstraint(
                condition=models.Q(proposed_assessment__in=Assessment.values)
                & models.Q(status__in=ProposalStatus.values),
                name="assessment_proposal_choices_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment.target}: {self.get_proposed_assessment_display()}"
