"""Abstract model parts any app's models may take (core is not an app: only abstract
models here, without tables or migrations of their own)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SoftDeletable(models.Model):
    """Soft deletion (`hallbar.core.records`): who deleted the row and when, both
    recorded in its history. The model says whether it is a public record (decided or
    published, now or ever): then deleting it is only ever soft."""

    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("deleted by"),
    )

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def is_public_record(self) -> bool:
        raise NotImplementedError(f"{type(self).__name__} must say when it is a public record.")


class AliveManager(models.Manager):
    """A default manager without soft-deleted rows. Being the default manager, it also
    filters related managers and prefetches, so a deleted row never shows under what
    it belongs to. With a queryset of the model's own: `AliveManager.from_queryset(QS)()`.
    The base manager (`Model._base_manager`) still reaches every row."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)
