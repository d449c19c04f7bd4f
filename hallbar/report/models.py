"""The sustainability report (hållbarhetsbokslut): one `Report` per organisation and year,
published in numbered `ReportEdition`s.

An edition moves draft → ready for review → reviewed → decided → published
(`EditionStatus`); each step records who and when. Publishing freezes it: the full content
(texts, figures, chart SVGs, data tables, in Swedish and English) is stored in `snapshot`,
with `content_hash`, the SHA-256 of its canonical serialisation (`snapshot.canonical_json`).
A published edition, and the texts under it, never change again: `save()` and `delete()`
refuse (`FrozenEditionError`), and so do the services. A correction is a new edition that
names the one it corrects and what changed and why (`correction_note`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hallbar.core.models import AliveManager, SoftDeletable
from hallbar.organisation.models import TenantModel, TenantQuerySet


class FrozenEditionError(ValidationError):
    """A published edition (its snapshot, hash, decision, texts) cannot change."""


FROZEN_MESSAGE = _(
    "This edition is published and frozen: it cannot change. Make a new edition to correct it."
)


class Report(TenantModel):
    """The organisation's sustainability report for one year."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Empty: “Sustainability report <year>” in the reader's language."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), db_default=Now())

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("sustainability report")
        verbose_name_plural = _("sustainability reports")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="report_one_per_year",
                violation_error_message=_("The organisation already has a report for this year."),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="report_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        from django.utils.translation import gettext

        return self.title or gettext("Sustainability report %(year)s") % {"year": self.year}


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    READY_FOR_REVIEW = "ready_for_review", _("Ready for review")
    REVIEWED = "reviewed", _("Reviewed")
    DECIDED = "decided", _("Decided")
    PUBLISHED = "published", _("Published")


STATUS_ORDER = {status: index for index, status in enumerate(EditionStatus.values)}


class EditionQuerySet(TenantQuerySet):
    def published(self) -> EditionQuerySet:
        return self.filter(status=EditionStatus.PUBLISHED)

    def visible(self, *, include_drafts: bool) -> EditionQuerySet:
        return self if include_drafts else self.published()


class ReportEdition(SoftDeletable, TenantModel):
    """One edition of a report. Edition 1 is the report; each later one corrects the one
    before it and says what changed and why."""

    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="editions", verbose_name=_("report")
    )
    number = models.PositiveSmallIntegerField(_("edition"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    # Each step: who and when.
    ready_at = models.DateTimeField(_("marked ready for review"), null=True, blank=True)
    ready_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by (body)"),
    )
    decided_by = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_reports",
        verbose_name=_("decided by"),
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_paragraph = models.CharField(_("paragraph (§)"), max_length=20, blank=True)
    decision_recorded_at = models.DateTimeField(_("decision recorded"), null=True, blank=True)
    decision_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True, editable=False)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects edition"),
    )
    correction_note = models.TextField(
        _("what changed and why"),
        blank=True,
        help_text=_("Required for a correction: what this edition changes, and why."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), db_default=Now())

    objects = AliveManager.from_queryset(EditionQuerySet)()
    # The snapshot is large and never changes once written: the history leaves it out.
    history = HistoricalRecords(excluded_fields=["snapshot"])

    class Meta:
        ordering = ["report", "number"]
        verbose_name = _("report edition")
        verbose_name_plural = _("report editions")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="edition_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=EditionStatus.values), name="edition_status_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["decided", "published"])
                | models.Q(decided_by__isnull=False, decision_date__isnull=False),
                name="edition_decided_has_decision",
                violation_error_message=_("A decided report needs a body and a decision date."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | (
                    models.Q(snapshot__isnull=False, published_at__isnull=False)
                    & ~models.Q(content_hash="")
                ),
                name="edition_published_is_frozen",
            ),
            models.CheckConstraint(
                condition=models.Q(number=1)
                | (models.Q(corrects__isnull=False) & ~models.Q(correction_note="")),
                name="edition_correction_explained",
                violation_error_message=_(
                    "A new edition names the edition it corrects and what changed and why."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} – {self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == EditionStatus.PUBLISHED

    def is_public_record(self) -> bool:
        """Decided or published, now or ever: then deleting it is only ever soft (and a
        published edition is never deleted at all: see `report.records`)."""
        public = [EditionStatus.DECIDED, EditionStatus.PUBLISHED]
        return self.status in public or self.history.filter(status__in=public).exists()

    @property
    def year(self) -> int:
        return self.report.year

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.number > 1 and not self.correction_note.strip():
            errors["correction_note"] = [_("Say what this edition changes, and why.")]
        if self.decided_by_id and self.organisation_id:
            from hallbar.organisation.mandates import body_may_decide
            from hallbar.organisation.models import MandateScope

            if self.decided_by.organisation_id != self.organisation_id:
                errors["decided_by"] = [_("Choose one of your organisation's own bodies.")]
            elif not body_may_decide(self.decided_by, MandateScope.REPORT):
                errors["decided_by"] = [
                    ValidationError(
                        _(
                            "%(body)s has no mandate to decide the sustainability report. "
                            "Record the body that did."
                        ),
                        code="no_decide_mandate",
                        params={"body": self.decided_by},
                    )
                ]
        if errors:
            raise ValidationError(errors)
        self._refuse_if_frozen()

    def _refuse_if_frozen(self) -> None:
        """A published edition in the database is never written again."""
        if self.pk is None:
            return
        stored = (
            ReportEdition.objects.filter(pk=self.pk)
            .values("status", "content_hash", "published_at")
            .first()
        )
        if stored and stored["status"] == EditionStatus.PUBLISHED:
            raise FrozenEditionError(FROZEN_MESSAGE, code="frozen")

    def save(self, *args, **kwargs) -> None:
        # The one guard every writer passes (services, admin, shell): see the module doc.
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)


class SectionText(TenantModel):
    """An editor's narrative text for one section of one edition (Swedish; English
    optional: the English report shows the Swedish text marked as such without it)."""

    edition = models.ForeignKey(
        ReportEdition, on_delete=models.CASCADE, related_name="texts", verbose_name=_("edition")
    )
    section = models.CharField(_("section"), max_length=40)
    text = models.TextField(_("text (Swedish)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "section"]
        verbose_name = _("section text")
        verbose_name_plural = _("section texts")
        constraints = [
            models.UniqueConstraint(fields=["edition", "section"], name="section_text_once"),
        ]

    def __str__(self) -> str:
        return f"{self.edition}: {self.section}"

    def _refuse_if_frozen(self) -> None:
        if ReportEdition.objects.filter(
            pk=self.edition_id, status=EditionStatus.PUBLISHED
        ).exists():
            raise FrozenEditionError(FROZEN_MESSAGE, code="frozen")

    def clean(self) -> None:
        self._refuse_if_frozen()

    def save(self, *args, **kwargs) -> None:
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)


class SectionComment(TenantModel):
    """A comment on one section of an edition, by any member (council members too)."""

    edition = models.ForeignKey(
        ReportEdition, on_delete=models.CASCADE, related_name="comments", verbose_name=_("edition")
    )
    section = models.CharField(_("section"), max_length=40)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"))
    resolved = models.BooleanField(_("resolved"), default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), db_default=Now())

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("section comment")
        verbose_name_plural = _("section comments")

    def __str__(self) -> str:
        return f"{self.edition}: {self.section} ({self.author})"
