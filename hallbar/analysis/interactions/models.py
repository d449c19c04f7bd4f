"""Interaction matrices between targets or between goals (METHODS.md §4).

An organisation keeps versions (`InteractionMatrix`) of a cross-impact matrix over an
ordered list of nodes (`MatrixTarget`); each scored pair is an `InteractionScore`
(−3…+3, with rationale, confidence, who and when). A version's `level`, chosen when it
is created and fixed afterwards, says what its nodes are: Agenda 2030 targets (the
`target` foreign keys are set) or goals 1–17 (the `goal` foreign keys are set); check
constraints keep each row to exactly one kind. A version is internal (a draft) until
it is published; a published version is a record and is never edited again — the next
change is a new version copied from it. The computed metrics of a version are stored in
`MatrixMetrics`, rewritten by the service on every change of a score, so pages read
them instead of recomputing.

A version is a record (`hallbar.core.records`, kind "matrix", registered in
`records.py`): its history includes its scores' versions; a draft that never was
published is removed for good when deleted, a published one is deleted softly (hidden
from every register, page, API and the apps to the right, restorable).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hallbar.core.models import AliveManager, SoftDeletable
from hallbar.lib.interactions import MAX_SCORE, MIN_SCORE
from hallbar.organisation.models import TenantModel, TenantQuerySet


class MatrixStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (internal)")
    PUBLISHED = "published", _("Published")


class MatrixLevel(models.TextChoices):
    """What a version's rows and columns are; fixed when the version is created."""

    TARGETS = "targets", _("Targets")
    GOALS = "goals", _("Goals (1–17)")


class Confidence(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


# The scale of Nilsson, Griggs & Visbeck (2016).
SCORE_LABELS = {
    3: _("indivisible"),
    2: _("reinforcing"),
    1: _("enabling"),
    0: _("consistent"),
    -1: _("constraining"),
    -2: _("counteracting"),
    -3: _("cancelling"),
}


class InteractionMatrixQuerySet(TenantQuerySet):
    def published(self) -> "InteractionMatrixQuerySet":
        return self.filter(status=MatrixStatus.PUBLISHED)

    def visible(self, *, include_drafts: bool) -> "InteractionMatrixQuerySet":
        return self if include_drafts else self.published()

    def latest_first(self) -> "InteractionMatrixQuerySet":
        return self.order_by("-number", "-pk")


class InteractionMatrix(TenantModel, SoftDeletable):
    """One version of an organisation's cross-impact matrix."""

    number = models.PositiveIntegerField(
        _("version number"), help_text=_("1 for the organisation's first version, and so on.")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(
        _("source"),
        blank=True,
        help_text=_("Where the scores come from: a workshop, a published study (cite it)."),
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_versions",
        verbose_name=_("based on"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MatrixStatus.choices, default=MatrixStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    level = models.CharField(
        _("level"),
        max_length=10,
        choices=MatrixLevel.choices,
        default=MatrixLevel.TARGETS,
        help_text=_("Targets or goals; chosen when the version is created, fixed afterwards."),
    )
    targets = models.ManyToManyField(
        "agenda.Target",
        through="MatrixTarget",
        related_name="interaction_matrices",
        verbose_name=_("targets"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Optimistic locking of the title, description and source (not of the cells: each
    # cell has its own version).
    version = models.PositiveIntegerField(_("version"), default=1)

    # Soft-deleted versions are left out everywhere (registers, pages, API, selectors);
    # `_base_manager` still reaches them.
    objects = AliveManager.from_queryset(InteractionMatrixQuerySet)()
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "-number"]
        verbose_name = _("interaction matrix")
        verbose_name_plural = _("interaction matrices")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="interaction_matrix_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def is_published(self) -> bool:
        return self.status == MatrixStatus.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status == MatrixStatus.DRAFT

    @property
    def is_goal_level(self) -> bool:
        return self.level == MatrixLevel.GOALS

    def is_public_record(self) -> bool:
        """Published, now or ever (`published_at` is set when it is published and never
        cleared): deleting it is then only ever soft."""
        return self.status == MatrixStatus.PUBLISHED or self.published_at is not None


def _one_of(first: str, second: str) -> models.Q:
    """Exactly one of two nullable foreign keys is set."""
    return models.Q(**{f"{first}__isnull": False, f"{second}__isnull": True}) | models.Q(
        **{f"{first}__isnull": True, f"{second}__isnull": False}
    )


class MatrixTarget(models.Model):
    """A node the version covers, in the order rows and columns show it: a target, or a
    goal in a goal-level version (exactly one of the two is set)."""

    matrix = models.ForeignKey(
        InteractionMatrix, on_delete=models.CASCADE, related_name="matrix_targets"
    )
    target = models.ForeignKey(
        "agenda.Target", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    goal = models.ForeignKey(
        "agenda.Goal", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["matrix", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "target"], name="matrix_target_once_per_version"
            ),
            models.UniqueConstraint(fields=["matrix", "goal"], name="matrix_goal_once_per_version"),
            models.UniqueConstraint(
                fields=["matrix", "position"], name="matrix_target_position_unique"
            ),
            models.CheckConstraint(
                condition=_one_of("target", "goal"), name="matrix_node_target_or_goal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matrix_id}: {self.node_id}"

    @property
    def node_id(self) -> int:
        return self.target_id if self.target_id is not None else self.goal_id


class InteractionScore(models.Model):
    """a_ij: the influence of progress on `from_target` (i) on `to_target` (j); in a
    goal-level version, of `from_goal` on `to_goal` (the target keys are then empty)."""

    matrix = models.ForeignKey(InteractionMatrix, on_delete=models.CASCADE, related_name="scores")
    from_target = models.ForeignKey(
        "agenda.Target",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from"),
        null=True,
        blank=True,
    )
    to_target = models.ForeignKey(
        "agenda.Target",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to"),
        null=True,
        blank=True,
    )
    from_goal = models.ForeignKey(
        "agenda.Goal",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from goal"),
        null=True,
        blank=True,
    )
    to_goal = models.ForeignKey(
        "agenda.Goal",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to goal"),
        null=True,
        blank=True,
    )
    score = models.SmallIntegerField(_("score"))
    rationale = models.TextField(_("rationale"), blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.MEDIUM
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    assessed_at = models.DateTimeField(_("assessed"))
    # Optimistic locking: a cell form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["matrix", "pk"]
        verbose_name = _("interaction score")
        verbose_name_plural = _("interaction scores")
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "from_target", "to_target"], name="interaction_score_once"
            ),
            models.UniqueConstraint(
                fields=["matrix", "from_goal", "to_goal"], name="interaction_score_once_goals"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=MIN_SCORE, score__lte=MAX_SCORE),
                name="interaction_score_in_scale",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_target=models.F("to_target")),
                name="interaction_score_not_self",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_goal=models.F("to_goal")),
                name="interaction_score_goal_not_self",
            ),
            # A pair of targets or a pair of goals, never a mix or half a pair.
            models.CheckConstraint(
                condition=models.Q(
                    from_target__isnull=False,
                    to_target__isnull=False,
                    from_goal__isnull=True,
                    to_goal__isnull=True,
                )
                | models.Q(
                    from_target__isnull=True,
                    to_target__isnull=True,
                    from_goal__isnull=False,
                    to_goal__isnull=False,
                ),
                name="interaction_score_targets_or_goals",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_id}→{self.to_id}: {self.score:+d}"

    @property
    def from_id(self) -> int:
        """The row's node: the target's id, or the goal's in a goal-level version."""
        return self.from_target_id if self.from_target_id is not None else self.from_goal_id

    @property
    def to_id(self) -> int:
        return self.to_target_id if self.to_target_id is not None else self.to_goal_id

    @property
    def score_label(self) -> str:
        return str(SCORE_LABELS[self.score])


class MatrixMetrics(models.Model):
    """The computed metrics of one version (METHODS.md §4) with what they were computed
    from, rewritten on every change of a score. Not user-edited, so no history: the
    scores' history is the record."""

    matrix = models.OneToOneField(
        InteractionMatrix, on_delete=models.CASCADE, related_name="metrics"
    )
    computed_at = models.DateTimeField(_("computed"))
    scored_pairs = models.PositiveIntegerField(_("scored pairs"))
    # {"level": "targets" | "goals", "targets": [{"code", "goal"}…] (the nodes: goal
    #  codes "1"…"17" in a goal-level version), "per_target": {code: {out, …}},
    #  "goal_view": {"goals", "means", "scored", "cells"}, "trade_offs": [...],
    #  "clusters": [[code…]…]} — see `computation.metrics_data`.
    data = models.JSONField(_("metrics"))

    class Meta:
        verbose_name = _("matrix metrics")
        verbose_name_plural = _("matrix metrics")

    def __str__(self) -> str:
        return f"metrics of {self.matrix_id}"
