"""Interaction matrices between targets (METHODS.md §4).

An organisation keeps versions (`InteractionMatrix`) of a cross-impact matrix over an
ordered list of targets (`MatrixTarget`); each scored pair is an `InteractionScore`
(−3…+3, with rationale, confidence, who and when). A version is internal (a draft) until
it is published; a published version is a record and is never edited again — the next
change is a new version copied from it. The computed metrics of a version are stored in
`MatrixMetrics`, rewritten by the service on every change of a score, so pages read
them instead of recomputing.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hallbar.lib.interactions import MAX_SCORE, MIN_SCORE
from hallbar.organisation.models import TenantModel, TenantQuerySet


class MatrixStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (internal)")
    PUBLISHED = "published", _("Published")


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


class InteractionMatrix(TenantModel):
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

    objects = InteractionMatrixQuerySet.as_manager()
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


class MatrixTarget(models.Model):
    """A target the version covers, in the order rows and columns show it."""

    matrix = models.ForeignKey(
        InteractionMatrix, on_delete=models.CASCADE, related_name="matrix_targets"
    )
    target = models.ForeignKey("agenda.Target", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["matrix", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "target"], name="matrix_target_once_per_version"
            ),
            models.UniqueConstraint(
                fields=["matrix", "position"], name="matrix_target_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matrix_id}: {self.target_id}"


class InteractionScore(models.Model):
    """a_ij: the influence of progress on `from_target` (i) on `to_target` (j)."""

    matrix = models.ForeignKey(InteractionMatrix, on_delete=models.CASCADE, related_name="scores")
    from_target = models.ForeignKey(
        "agenda.Target", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_target = models.ForeignKey(
        "agenda.Target", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
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
            models.CheckConstraint(
                condition=models.Q(score__gte=MIN_SCORE, score__lte=MAX_SCORE),
                name="interaction_score_in_scale",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_target=models.F("to_target")),
                name="interaction_score_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_target_id}→{self.to_target_id}: {self.score:+d}"

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
    # {"targets": [code…], "goals": [number…], "per_target": {code: {out, …}},
    #  "goal_view": {...}, "trade_offs": [...], "clusters": [[code…]…]}
    data = models.JSONField(_("metrics"))

    class Meta:
        verbose_name = _("matrix metrics")
        verbose_name_plural = _("matrix metrics")

    def __str__(self) -> str:
        return f"metrics of {self.matrix_id}"
