"""Follow-up (uppföljning): measured series, their values, and the organisation's indicators.

Three layers, so that public Kolada figures are stored once for all 290 municipalities:
- `Kpi`: the definition of a measured series (a Kolada KPI, or an organisation's own).
- `Observation`: one value of a Kpi for an `Area` (municipality, region, country or a
  comparison group), year and gender. Shared by every organisation that follows the Kpi.
- `Indicator`: an organisation's follow-up of a Kpi: direction, its own ambition (base
  year, target value and year), linked targets and local goals, responsible body.
Progress toward the target (METHODS.md §1) is stored per indicator in `ProgressRecord`
with every input used, so each status can be explained.
"""

import gzip
import json
from typing import Any

from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hallbar.organisation.models import TenantModel, TenantQuerySet


class AreaKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")
    COUNTRY = "country", _("Country")
    GROUP = "group", _("Group of municipalities")


class Area(models.Model):
    """Where a value was measured: Kolada's municipality ids (1961), regions (0019), the
    country (0000) and municipality groups (G92792, unweighted means)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AreaKind.choices)
    title = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="groups",
        verbose_name=_("members"),
        help_text=_("For a group: the municipalities it averages."),
    )

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.title


class KpiSource(models.TextChoices):
    KOLADA = "kolada", _("Kolada")
    OWN = "own", _("Own measurement")
    OTHER = "other", _("Other source")


class Kpi(models.Model):
    """The definition of a measured series. Kolada KPIs are shared reference rows
    (organisation null); an organisation's own or other-source series belong to it."""

    source = models.CharField(_("source"), max_length=20, choices=KpiSource.choices)
    code = models.CharField(_("code"), max_length=40, help_text=_("E.g. Kolada N00945."))
    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kpis",
        verbose_name=_("organisation"),
    )
    title_sv = models.CharField(_("title (Swedish)"), max_length=400)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    is_divided_by_gender = models.BooleanField(_("by gender"), default=False)
    operating_area = models.CharField(_("operating area"), max_length=200, blank=True)
    publication_period = models.CharField(_("latest period published"), max_length=20, blank=True)
    source_name = models.CharField(
        _("source name"), max_length=200, blank=True, help_text=_("For other sources: who.")
    )
    removed_at_source = models.DateTimeField(
        _("removed at the source"),
        null=True,
        blank=True,
        help_text=_("The source no longer publishes it. Kept, never deleted."),
    )

    class Meta:
        ordering = ["source", "code"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "code"],
                condition=models.Q(organisation__isnull=True),
                name="kpi_shared_code_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "source", "code"], name="kpi_code_unique_in_org"
            ),
            models.CheckConstraint(
                condition=~models.Q(source="kolada") | models.Q(organisation__isnull=True),
                name="kpi_kolada_is_shared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_sv}"


class Gender(models.TextChoices):
    TOTAL = "T", _("Total")
    WOMEN = "K", _("Women")
    MEN = "M", _("Men")


class MissingReason(models.TextChoices):
    MISSING = "missing", _("Missing")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    CONFIDENTIAL = "confidential", _("Confidential")


class Observation(models.Model):
    """One value of a KPI for an area, year and gender. A changed value on re-import
    moves the previous one to `ObservationRevision` (Kolada revises figures silently)."""

    # The references to the KPI and the area are checked by the database once per
    # statement, not once per row (`db_constraint=False` and the triggers of migration
    # 0005, `references.py`): a bulk import writes hundreds of thousands of rows, and
    # PostgreSQL's row-by-row foreign-key checks took more time than the COPY itself.
    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="observations", db_constraint=False
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="observations", db_constraint=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default="T")
    value = models.FloatField(_("value"), null=True, blank=True)
    missing_reason = models.CharField(
        _("reason for no value"), max_length=20, choices=MissingReason.choices, blank=True
    )
    count = models.PositiveIntegerField(
        _("count"), null=True, blank=True, help_text=_("Members with a value, for group means.")
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    fetched_at = models.DateTimeField(_("fetched or imported at"), db_default=Now())

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "area", "year", "gender"], name="observation_unique_series_point"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=1900, year__lte=2100), name="observation_year_range"
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=False, missing_reason="")
                | models.Q(value__isnull=True),
                name="observation_reason_only_without_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.area.code} {self.year} {self.gender}: {self.value}"


class ObservationRevision(models.Model):
    """A value an observation had before a re-import changed it."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="revisions")
    value = models.FloatField(null=True, blank=True)
    missing_reason = models.CharField(max_length=20, blank=True)
    fetched_at = models.DateTimeField()
    replaced_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-replaced_at"]

    def __str__(self) -> str:
        return f"{self.observation_id}: {self.value} (until {self.replaced_at:%Y-%m-%d})"


class RawResponse(models.Model):
    """What a source said, when: every figure can be traced to it.

    The body is kept exactly as received, gzip-compressed (`body` gives the bytes back,
    `json()` parses them): a Kolada page of 15,000 values is some 1.5 MB of JSON and about a
    twentieth of that compressed. `sha256` is the digest of the body as received, so a
    repeat of the latest response for a URL is recognised without reading either back.
    """

    source = models.CharField(max_length=20, choices=KpiSource.choices)
    url = models.TextField()
    fetched_at = models.DateTimeField()
    body_gzip = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-fetched_at"]
        indexes = [
            # The latest response for a URL, compared by digest before a new one is stored.
            models.Index(fields=["source", "url", "-fetched_at"], name="rawresponse_latest_idx"),
            models.Index(fields=["sha256"], name="rawresponse_sha256_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.url} ({self.fetched_at:%Y-%m-%d %H:%M})"

    @property
    def body(self) -> bytes:
        """The body exactly as received."""
        return gzip.decompress(self.body_gzip)

    def json(self) -> Any:
        return json.loads(self.body)


class Direction(models.TextChoices):
    POSITIVE = "positive", _("Higher is better")
    NEGATIVE = "negative", _("Lower is better")


class IndicatorQuerySet(TenantQuerySet):
    def public(self) -> "IndicatorQuerySet":
        return self.filter(is_public=True)


class Indicator(TenantModel):
    """An organisation's indicator (nyckeltal): a KPI it follows, with its own ambition."""

    kpi = models.ForeignKey(
        Kpi, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("KPI")
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.POSITIVE
    )
    targets = models.ManyToManyField(
        "agenda.Target", blank=True, related_name="indicators_followed", verbose_name=_("targets")
    )
    local_goals = models.ManyToManyField(
        "steering.LocalGoal", blank=True, related_name="indicators", verbose_name=_("local goals")
    )
    responsible_body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("responsible body"),
    )
    base_year = models.PositiveSmallIntegerField(_("base year"), default=2015)
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), default=2030)
    # Dashboard thresholds (optional): the organisation's own colour limits.
    optimum = models.FloatField(_("optimum"), null=True, blank=True)
    green_limit = models.FloatField(_("green from"), null=True, blank=True)
    red_limit = models.FloatField(_("red from"), null=True, blank=True)
    lower_bound = models.FloatField(_("lower bound"), null=True, blank=True)
    threshold_justification = models.TextField(_("justification of the limits"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[targets, local_goals])

    class Meta:
        ordering = ["kpi__code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kpi"], name="indicator_one_per_kpi_in_org"
            ),
            models.CheckConstraint(
                condition=models.Q(target_year__gt=models.F("base_year")),
                name="indicator_target_after_base_year",
                violation_error_message=_("The target year must come after the base year."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.kpi)


class ProgressRecord(models.Model):
    """Progress of one indicator's series toward its target, as computed (METHODS.md §1),
    with every input used (`inputs`)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="progress_records"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    gender = models.CharField(max_length=1, choices=Gender.choices, default="T")
    status = models.CharField(max_length=40)
    value = models.FloatField(null=True, blank=True)
    current_year = models.PositiveSmallIntegerField(null=True, blank=True)
    inputs = models.JSONField(default=dict)
    computed_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "gender"], name="progress_one_per_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.gender}: {self.status}"
