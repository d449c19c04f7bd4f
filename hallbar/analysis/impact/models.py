"""Impact assessments of cases (hållbarhetsbedömning) and the goal-conflict register.

A `Case` (ärende) is a proposal on its way to a deciding body. Its preparing officer
rates its effect on the three dimensions and on each affected goal or target
(`EffectRating`), answers the strategy's five principles and marks knowledge gaps; the
assessment lives on the case itself, so one version of the case is one version of its
assessment. A `GoalConflict` is raised from an assessment or an action by the rules of
METHODS.md §5 (`conflicts.py`) or by hand, and is weighed and decided by a body with a
decide mandate; an automatic one whose condition no longer holds is withdrawn
("avskriven") by detection, and reopens if the condition returns. Cases and conflicts
raised by hand can be deleted (`records.py`): softly when they are a record to keep.

Versions: like the steering chain, the version of a row is its `updated_at`
(`steering.records.check_version`), carried by forms in a hidden field.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hallbar.core.models import AliveManager, SoftDeletable
from hallbar.organisation.models import TenantModel, TenantQuerySet
from hallbar.steering.models import RecordedHistory

# --- the rating scale -------------------------------------------------------------------


class Rating(models.TextChoices):
    """The 7-point scale of METHODS.md §4–5, or a rating without a number."""

    PLUS_3 = "3", _("+3 strongly positive")
    PLUS_2 = "2", _("+2 positive")
    PLUS_1 = "1", _("+1 somewhat positive")
    ZERO = "0", _("0 no effect")
    MINUS_1 = "-1", _("−1 somewhat negative")
    MINUS_2 = "-2", _("−2 negative")
    MINUS_3 = "-3", _("−3 strongly negative")
    POSITIVE = "positive", _("Positive (not graded)")
    NEGATIVE = "negative", _("Negative (not graded)")
    BOTH = "both", _("Both positive and negative")
    UNKNOWN = "unknown", _("Unknown")


POSITIVE_RATINGS = frozenset({"1", "2", "3", "positive", "both"})
NEGATIVE_RATINGS = frozenset({"-1", "-2", "-3", "negative", "both"})


def is_positive(rating: str) -> bool:
    return rating in POSITIVE_RATINGS


def is_negative(rating: str) -> bool:
    return rating in NEGATIVE_RATINGS


def rating_label(rating: str) -> str:
    return str(Rating(rating).label) if rating in Rating.values else ""


class Principle(models.TextChoices):
    """The five principles of the strategy ("Våra förhållningssätt")."""

    WHOLE_PICTURE = "whole_picture", _("We focus on the whole picture")
    COLLABORATION = "collaboration", _("We collaborate for greater effect")
    SYSTEMATIC = "systematic", _("We are systematic and build knowledge and competence")
    PRIORITISATION = "prioritisation", _("We dare to prioritise")
    COMMUNICATION = "communication", _("We communicate")


class PrincipleAnswer(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    READY = "ready", _("Ready for decision")
    DECIDED = "decided", _("Decided")


DIMENSIONS = ("social", "ecological", "economic")


def _rating_field(label):
    return models.CharField(label, max_length=10, choices=Rating.choices, blank=True)


def _answer_field(label):
    return models.CharField(label, max_length=10, choices=PrincipleAnswer.choices, blank=True)


class CaseQuerySet(TenantQuerySet):
    def decided(self):
        return self.filter(status=CaseStatus.DECIDED)


class Case(SoftDeletable, TenantModel):
    """A case (ärende) and its sustainability impact assessment."""

    title = models.CharField(_("title"), max_length=300)
    diary_number = models.CharField(
        _("diary number"), max_length=60, help_text=_("As in the registry, e.g. KS 2026/123.")
    )
    deciding_body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        related_name="cases_to_decide",
        verbose_name=_("deciding body"),
    )
    preparing_body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        related_name="cases_prepared",
        verbose_name=_("preparing body"),
        help_text=_("The committee or board whose administration prepares the case."),
    )
    preparing_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preparing officer"),
    )
    date = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)
    steering_documents = models.ManyToManyField(
        "steering.SteeringDocument",
        blank=True,
        related_name="+",
        verbose_name=_("steering documents"),
    )
    local_goals = models.ManyToManyField(
        "steering.LocalGoal", blank=True, related_name="+", verbose_name=_("local goals")
    )
    actions = models.ManyToManyField(
        "steering.Action", blank=True, related_name="+", verbose_name=_("actions")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_paragraph = models.CharField(_("paragraph (§)"), max_length=20, blank=True)

    # The assessment
    social_rating = _rating_field(_("social effect"))
    social_motivation = models.TextField(_("motivation (social)"), blank=True)
    ecological_rating = _rating_field(_("ecological effect"))
    ecological_motivation = models.TextField(_("motivation (ecological)"), blank=True)
    economic_rating = _rating_field(_("economic effect"))
    economic_motivation = models.TextField(_("motivation (economic)"), blank=True)
    whole_picture = _answer_field(Principle.WHOLE_PICTURE.label)
    whole_picture_comment = models.TextField(_("comment (whole picture)"), blank=True)
    collaboration = _answer_field(Principle.COLLABORATION.label)
    collaboration_comment = models.TextField(_("comment (collaboration)"), blank=True)
    systematic = _answer_field(Principle.SYSTEMATIC.label)
    systematic_comment = models.TextField(_("comment (systematic)"), blank=True)
    prioritisation = _answer_field(Principle.PRIORITISATION.label)
    prioritisation_comment = models.TextField(_("comment (prioritisation)"), blank=True)
    communication = _answer_field(Principle.COMMUNICATION.label)
    communication_comment = models.TextField(_("comment (communication)"), blank=True)
    has_knowledge_gaps = models.BooleanField(_("knowledge gaps"), default=False)
    knowledge_gaps = models.TextField(_("what is not known"), blank=True)
    discarded_targets = models.ManyToManyField(
        "agenda.Target",
        blank=True,
        related_name="+",
        verbose_name=_("suggested targets judged not affected"),
    )
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Deleted cases are left out everywhere (hallbar.core.records); `with_deleted` too.
    objects = AliveManager.from_queryset(CaseQuerySet)()
    with_deleted = CaseQuerySet.as_manager()
    history = RecordedHistory(
        m2m_fields=[steering_documents, local_goals, actions, discarded_targets]
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "diary_number"],
                name="case_diary_number_unique_in_org",
                violation_error_message=_("Another case already has this diary number."),
            ),
            models.CheckConstraint(
                condition=~Q(diary_number=""), name="case_diary_number_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="case_status_known"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{dimension}_rating__in": ["", *Rating.values]}),
                    name=f"case_{dimension}_rating_on_scale",
                )
                for dimension in DIMENSIONS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.diary_number} {self.title}"

    def clean(self) -> None:
        if self.diary_number is not None and not self.diary_number.strip():
            raise ValidationError({"diary_number": _("Enter the diary number.")})
        errors = {}
        for name in ("deciding_body", "preparing_body"):
            body = getattr(self, name, None) if getattr(self, f"{name}_id") else None
            if body is not None and body.organisation_id != self.organisation_id:
                errors[name] = _("Choose one of your organisation's own bodies.")
        if self.status == CaseStatus.DECIDED and not self.decision_date:
            errors["decision_date"] = _("Enter the date the case was decided.")
        # The unique constraint is checked against live cases only (the default manager);
        # a deleted case keeps its diary number, as the registry does.
        if (
            self.diary_number
            and Case.with_deleted.filter(
                organisation_id=self.organisation_id,
                diary_number=self.diary_number.strip(),
                deleted_at__isnull=False,
            )
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["diary_number"] = _(
                "A deleted case has this diary number. Restore it under “Deleted records” instead."
            )
        if errors:
            raise ValidationError(errors)

    def dimension_rows(self) -> list[tuple[str, str, str, str]]:
        """(code, label, rating, motivation) of the three dimensions."""
        labels = {
            "social": _("Social"),
            "ecological": _("Ecological"),
            "economic": _("Economic"),
        }
        return [
            (
                code,
                str(labels[code]),
                getattr(self, f"{code}_rating"),
                getattr(self, f"{code}_motivation"),
            )
            for code in DIMENSIONS
        ]

    def principle_rows(self) -> list[tuple[str, str, str, str]]:
        """(code, label, answer, comment) of the five principles."""
        return [
            (
                code,
                str(label),
                getattr(self, code),
                getattr(self, f"{code}_comment"),
            )
            for code, label in Principle.choices
        ]

    @property
    def is_assessed(self) -> bool:
        return self.assessed_at is not None

    def is_public_record(self) -> bool:
        """Deleting keeps the case (softly) when it is, or ever was, decided, or when a
        conflict that stays on record refers to it: a decided one (precedent) or one
        raised by hand. A draft that never was is removed, its automatic conflicts
        with it (hallbar/analysis/impact/records.py)."""
        if self.status == CaseStatus.DECIDED:
            return True
        if self.history.filter(status=CaseStatus.DECIDED).exists():
            return True
        return (
            GoalConflict.with_deleted.filter(case=self)
            .filter(Q(status=ConflictStatus.DECIDED) | Q(rule_key="") | Q(origin="manual"))
            .exists()
        )


class EffectOrigin(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested by Hållbar")
    MANUAL = "manual", _("Added by the officer")


class EffectRating(TenantModel):
    """The case's effect on one goal or one target, with a motivation."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="effects", verbose_name=_("case")
    )
    target = models.ForeignKey(
        "agenda.Target",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target"),
    )
    goal = models.ForeignKey(
        "agenda.Goal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goal"),
    )
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices)
    motivation = models.TextField(_("motivation"))
    origin = models.CharField(
        _("origin"), max_length=10, choices=EffectOrigin.choices, default=EffectOrigin.MANUAL
    )
    reason = models.TextField(_("why suggested"), blank=True)

    history = RecordedHistory()

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("effect rating")
        verbose_name_plural = _("effect ratings")
        constraints = [
            models.CheckConstraint(
                condition=(Q(target__isnull=False) & Q(goal__isnull=True))
                | (Q(target__isnull=True) & Q(goal__isnull=False)),
                name="effect_rates_a_target_or_a_goal",
            ),
            models.CheckConstraint(
                condition=Q(rating__in=Rating.values), name="effect_rating_on_scale"
            ),
            models.UniqueConstraint(
                fields=["case", "target"],
                condition=Q(target__isnull=False),
                name="effect_one_per_case_target",
            ),
            models.UniqueConstraint(
                fields=["case", "goal"],
                condition=Q(goal__isnull=False),
                name="effect_one_per_case_goal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_code}: {self.get_rating_display()}"

    @property
    def subject_code(self) -> str:
        return self.target.code if self.target_id else str(self.goal.number)

    @property
    def is_positive(self) -> bool:
        return is_positive(self.rating)

    @property
    def is_negative(self) -> bool:
        return is_negative(self.rating)


# --- the goal-conflict register -----------------------------------------------------------


class ConflictOrigin(models.TextChoices):
    MIXED_EFFECTS = "mixed_effects", _("Automatic: the case has positive and negative effects")
    COUNTERACTS_PRIORITY = (
        "counteracts_priority",
        _("Automatic: supports a target that counteracts a prioritised target"),
    )
    MANUAL = "manual", _("Raised by hand")


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PREPARING = "preparing", _("Under preparation")
    DECIDED = "decided", _("Decided")
    # Closed without a decision ("avskriven"): detection found that the condition which
    # raised an automatic conflict no longer holds. It reopens if the condition returns.
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Awaiting a weighing: what "open conflicts" counts (not decided, not withdrawn).
ACTIVE_STATUSES = (ConflictStatus.OPEN, ConflictStatus.PREPARING)


class GoalConflictQuerySet(TenantQuerySet):
    def decided(self):
        return self.filter(status=ConflictStatus.DECIDED)

    def active(self):
        """Open or under preparation: still to be weighed."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def automatic(self):
        """Raised by detection (METHODS §5), not by hand."""
        return self.exclude(rule_key="").exclude(origin=ConflictOrigin.MANUAL)


class GoalConflict(SoftDeletable, TenantModel):
    """A goal conflict that needs a political trade-off, and how it was decided."""

    title = models.CharField(_("title"), max_length=300)
    targets = models.ManyToManyField(
        "agenda.Target", blank=True, related_name="+", verbose_name=_("targets involved")
    )
    goals = models.ManyToManyField(
        "agenda.Goal", blank=True, related_name="+", verbose_name=_("goals involved")
    )
    origin = models.CharField(_("origin"), max_length=30, choices=ConflictOrigin.choices)
    # Which rule and source raised it (empty for those raised by hand): the key that keeps
    # detection from raising the same conflict twice.
    rule_key = models.CharField(_("rule key"), max_length=120, blank=True, editable=False)
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conflicts",
        verbose_name=_("case"),
    )
    action = models.ForeignKey(
        "steering.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("action"),
    )
    evidence = models.TextField(_("evidence"))
    weighing_body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("body that must weigh it"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    decision_body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_paragraph = models.CharField(_("paragraph (§)"), max_length=20, blank=True)
    trade_off = models.TextField(_("trade-off chosen"), blank=True)
    reasoning = models.TextField(_("reasoning"), blank=True)
    # Set by detection only (conflicts.py): when and why an automatic conflict was
    # withdrawn; cleared when it reopens (the history keeps them).
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawn_reason = models.TextField(_("why withdrawn"), blank=True, editable=False)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Only conflicts raised by hand are ever deleted (records.py); `with_deleted` too.
    objects = AliveManager.from_queryset(GoalConflictQuerySet)()
    with_deleted = GoalConflictQuerySet.as_manager()
    history = RecordedHistory(m2m_fields=[targets, goals])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("goal conflict")
        verbose_name_plural = _("goal conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "rule_key"],
                condition=~Q(rule_key=""),
                name="conflict_raised_once_per_rule",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ConflictStatus.values), name="conflict_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="decided")
                | (
                    Q(decision_body__isnull=False)
                    & Q(decision_date__isnull=False)
                    & ~Q(decision_paragraph="")
                ),
                name="conflict_decision_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawn_reason="")),
                name="conflict_withdrawal_has_date_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_id(self) -> int | None:
        """The body the conflict's source belongs to (None: organisation-wide)."""
        if self.case_id:
            return self.case.preparing_body_id
        if self.action_id:
            return self.action.body_id
        return None

    @property
    def is_decided(self) -> bool:
        return self.status == ConflictStatus.DECIDED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == ConflictStatus.WITHDRAWN

    @property
    def is_automatic(self) -> bool:
        return bool(self.rule_key) and self.origin != ConflictOrigin.MANUAL

    def is_public_record(self) -> bool:
        """Decided now or ever: a precedent, so deleting it is only ever soft."""
        if self.status == ConflictStatus.DECIDED:
            return True
        return self.history.filter(status=ConflictStatus.DECIDED).exists()


class RemarkKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    PROPOSED_ASSESSMENT = "assessment", _("Proposed assessment")
    PROPOSED_WEIGHING = "weighing", _("Proposed weighing")


class Remark(TenantModel):
    """A comment or proposal on a case or a conflict, by anyone who may propose
    (sustainability council members too). A remark changes no record."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="remarks"
    )
    conflict = models.ForeignKey(
        GoalConflict, on_delete=models.CASCADE, null=True, blank=True, related_name="remarks"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RemarkKind.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    history = RecordedHistory()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("remark")
        verbose_name_plural = _("remarks")
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(conflict__isnull=False),
                name="remark_on_case_or_conflict",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]
