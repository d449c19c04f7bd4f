"""Engagement: what the sustainability council (and any body that prepares, advises or
initiates) brings to the bodies that decide - proposals and comments.

A proposal never changes a record. It names what it is about (`subject`: any object,
a local goal, an action, a steering document, an assessment of the status analysis...),
optionally the targets it concerns and the values it proposes (`proposed_values`, e.g.
`{"assessment": "challenge"}`), and the body that would consider it. Those who write the
subject's kind, or the receiving body's officers, answer it: adopted or declined, with
a reason. A comment is a remark of a council member on an internal draft.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from hallbar.core.models import AliveManager, SoftDeletable
from hallbar.organisation.models import TenantModel, TenantQuerySet
from hallbar.steering.models import RecordedHistory


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
    ADOPTED = "adopted", _("Adopted")
    DECLINED = "declined", _("Declined")


# A proposal with one of these statuses has been answered.
ANSWERED = frozenset({ProposalStatus.ADOPTED, ProposalStatus.DECLINED})


class Proposal(SoftDeletable, TenantModel):
    """A proposal of a member of a body (typically the sustainability council) to the
    body that would consider it."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("author"),
    )
    from_body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        related_name="proposals_made",
        verbose_name=_("from"),
        help_text=_("The body the author proposes from."),
    )
    to_body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals_received",
        verbose_name=_("to"),
        help_text=_("The body that would consider the proposal."),
    )
    subject_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kind of subject"),
    )
    subject_id = models.PositiveBigIntegerField(_("subject"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    targets = models.ManyToManyField(
        "agenda.Target", blank=True, related_name="proposals", verbose_name=_("targets")
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("proposal"))
    proposed_values = models.JSONField(
        _("proposed values"),
        null=True,
        blank=True,
        help_text=_('Values the proposal would set, e.g. {"assessment": "challenge"}.'),
    )
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
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
    created_at = models.DateTimeField(_("submitted"), db_default=Now())
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = AliveManager.from_queryset(TenantQuerySet)()
    history = RecordedHistory(m2m_fields=[targets])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProposalStatus.values),
                name="proposal_status_known",
            ),
            models.CheckConstraint(
                condition=(models.Q(subject_type__isnull=True) & models.Q(subject_id__isnull=True))
                | (models.Q(subject_type__isnull=False) & models.Q(subject_id__isnull=False)),
                name="proposal_subject_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_answered(self) -> bool:
        return self.status in ANSWERED

    def is_public_record(self) -> bool:
        """Taken up by the receiving body (under consideration, adopted or declined),
        now or ever: the answer is a record, so deleting it is only ever soft. A
        proposal nobody has acted on can be withdrawn for good."""
        if self.status != ProposalStatus.SUBMITTED:
            return True
        return self.history.exclude(status=ProposalStatus.SUBMITTED).exists()

    def clean(self) -> None:
        errors = {}
        for name in ("from_body", "to_body"):
            body = getattr(self, name) if getattr(self, f"{name}_id") else None
            if body is not None and body.organisation_id != self.organisation_id:
                errors[name] = _("Choose one of your organisation's own bodies.")
        subject = self.subject if self.subject_id is not None else None
        if subject is not None and getattr(subject, "organisation_id", None) not in (
            self.organisation_id,
            None,
        ):
            errors["subject"] = _("The proposal can only concern your organisation's own objects.")
        if errors:
            raise ValidationError(errors)


class Comment(TenantModel):
    """A remark on an object (an internal draft), by a member of the organisation."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=_("author"),
    )
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of subject")
    )
    subject_id = models.PositiveBigIntegerField(_("subject"))
    subject = GenericForeignKey("subject_type", "subject_id")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), db_default=Now())

    history = RecordedHistory()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return self.text[:60]
