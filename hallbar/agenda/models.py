"""Reference goal sets: Agenda 2030, national goals, and user-defined sets such as a RUS.

Reference rows (organisation is null) come from shipped fixtures, generated from public
sources by `scripts/build_reference_data.py`; an organisation can add its own goal sets
and correct or add Swedish texts (`TextCorrection`, with history).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hallbar.lib.colour import readable_text_colour


class Dimension(models.TextChoices):
    """The three dimensions of sustainable development (the wedding cake's layers)."""

    ECOLOGICAL = "ecological", _("Ecological")
    SOCIAL = "social", _("Social")
    ECONOMIC = "economic", _("Economic")


@dataclass(frozen=True)
class LocalisedText:
    """A text in the asked-for language, or the English fallback marked as such."""

    text: str
    language: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text


class OrganisationTextsNotLoaded(RuntimeError):
    """`display_*` was read on a row fetched without an organisation's Swedish texts.

    Raised rather than silently showing the shipped text: a page that forgot the
    selector would hide the organisation's corrections. Use
    `hallbar.agenda.selectors.targets_for_organisation` / `indicators_for_organisation`.
    """


# Names of the annotations `with_texts_for()` adds; read by the `display_*` properties.
CORRECTION_ID = "text_correction_id"
CORRECTION_SHORT_TITLE = "text_correction_short_title_sv"
CORRECTION_TEXT = "text_correction_text_sv"


def _correction_value(row: models.Model, name: str) -> str | None:
    try:
        return row.__dict__[name]
    except KeyError:
        raise OrganisationTextsNotLoaded(
            f"{type(row).__name__} {row} was fetched without an organisation's Swedish "
            "texts: use hallbar.agenda.selectors.targets_for_organisation() or "
            "indicators_for_organisation()."
        ) from None


def _with_texts_for(queryset: models.QuerySet, organisation) -> models.QuerySet:
    """Annotate each row with the organisation's TextCorrection (or NULLs), in the same
    query: a LEFT JOIN restricted to the organisation, at most one row per subject
    (unique constraints on TextCorrection), so rows are never repeated."""
    if organisation is None:
        nothing = models.Value(None, output_field=models.TextField())
        return queryset.annotate(
            **{
                CORRECTION_ID: models.Value(None, output_field=models.BigIntegerField()),
                CORRECTION_SHORT_TITLE: nothing,
                CORRECTION_TEXT: nothing,
            }
        )
    return queryset.annotate(
        organisation_correction=models.FilteredRelation(
            "corrections", condition=models.Q(corrections__organisation=organisation)
        ),
        **{
            CORRECTION_ID: models.F("organisation_correction__id"),
            CORRECTION_SHORT_TITLE: models.F("organisation_correction__short_title_sv"),
            CORRECTION_TEXT: models.F("organisation_correction__text_sv"),
        },
    )


def localise(sv: str, en: str, language: str | None = None) -> LocalisedText:
    language = (language or get_language() or "sv")[:2]
    if language == "sv" and sv:
        return LocalisedText(sv, "sv", False)
    if language == "sv":
        return LocalisedText(en, "en", True)
    return LocalisedText(en or sv, "en" if en else "sv", not en)


class GoalSetKind(models.TextChoices):
    AGENDA_2030 = "agenda2030", _("Agenda 2030")
    NATIONAL = "national", _("National goals")
    REGIONAL = "regional", _("Regional goals")
    LOCAL = "local", _("Other goals")


class GoalSetQuerySet(models.QuerySet):
    def visible_to(self, organisation) -> "GoalSetQuerySet":
        """Reference sets plus the organisation's own."""
        return self.filter(
            models.Q(organisation__isnull=True) | models.Q(organisation=organisation)
        )


class GoalSet(models.Model):
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=GoalSetKind.choices)
    # Null for reference sets shipped with Hållbar; set for an organisation's own (e.g. RUS).
    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="goal_sets",
        verbose_name=_("organisation"),
    )
    title_sv = models.CharField(_("title (Swedish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    source = models.TextField(_("source"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = GoalSetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("goal set")
        verbose_name_plural = _("goal sets")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(organisation__isnull=True),
                name="goalset_reference_code_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "code"], name="goalset_code_unique_in_org"
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self) -> LocalisedText:
        return localise(self.title_sv, self.title_en)


class Goal(models.Model):
    """A goal of a goal set: an SDG, a miljökvalitetsmål, a folkhälsa area, a RUS goal."""

    goal_set = models.ForeignKey(
        GoalSet, on_delete=models.CASCADE, related_name="goals", verbose_name=_("goal set")
    )
    code = models.CharField(_("code"), max_length=20)
    number = models.PositiveSmallIntegerField(_("number"))
    title_sv = models.CharField(_("title (Swedish)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    long_title_sv = models.TextField(_("full wording (Swedish)"), blank=True)
    long_title_en = models.TextField(_("full wording (English)"), blank=True)
    colour = models.CharField(_("colour"), max_length=7, blank=True)
    dimension = models.CharField(
        _("dimension"),
        max_length=20,
        choices=Dimension.choices,
        blank=True,
        help_text=_("Empty for goal 17, which spans all three."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["goal_set", "number"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(fields=["goal_set", "code"], name="goal_code_unique_in_set"),
            models.CheckConstraint(
                condition=models.Q(colour="") | models.Q(colour__regex=r"^#[0-9A-Fa-f]{6}$"),
                name="goal_colour_hex",
            ),
            models.CheckConstraint(
                condition=~models.Q(title_sv="", title_en=""), name="goal_has_a_title"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def title(self) -> LocalisedText:
        return localise(self.title_sv, self.title_en)

    @property
    def long_title(self) -> LocalisedText:
        return localise(self.long_title_sv, self.long_title_en)

    @property
    def text_colour(self) -> str:
        """Black or white, whichever is readable on the goal's colour (WCAG AA)."""
        return readable_text_colour(self.colour) if self.colour else ""


class TargetKind(models.TextChoices):
    OUTCOME = "outcome", _("Outcome target")
    MEANS = "means_of_implementation", _("Means of implementation")


class TargetQuerySet(models.QuerySet):
    def agenda2030(self) -> "TargetQuerySet":
        return self.filter(goal_set__code="agenda2030", goal_set__organisation__isnull=True)

    def with_texts_for(self, organisation) -> "TargetQuerySet":
        """Rows carry the organisation's Swedish text, for `display_text` and
        `display_short_title`. Prefer `hallbar.agenda.selectors.targets_for_organisation`."""
        return _with_texts_for(self, organisation)


class Target(models.Model):
    """A target (delmål), e.g. 11.2. Unique by code within its goal set."""

    goal_set = models.ForeignKey(
        GoalSet, on_delete=models.CASCADE, related_name="targets", verbose_name=_("goal set")
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="targets", verbose_name=_("goal")
    )
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=30, choices=TargetKind.choices, default="outcome")
    short_title_sv = models.CharField(_("short title (Swedish)"), max_length=300, blank=True)
    text_sv = models.TextField(_("wording (Swedish)"), blank=True)
    text_en = models.TextField(_("wording (English)"))
    source_sv = models.TextField(_("source of the Swedish text"), blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["goal_set", "position"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["goal_set", "code"], name="target_code_unique_in_set"),
            models.CheckConstraint(condition=~models.Q(text_en=""), name="target_has_english_text"),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.goal_id and self.goal_set_id and self.goal.goal_set_id != self.goal_set_id:
            raise ValidationError({"goal": _("The goal must belong to the target's goal set.")})

    @property
    def text(self) -> LocalisedText:
        return localise(self.text_sv, self.text_en)

    @property
    def has_text_correction(self) -> bool:
        """The organisation fetched with `with_texts_for()` has its own Swedish text."""
        return _correction_value(self, CORRECTION_ID) is not None

    @property
    def display_text(self) -> LocalisedText:
        """Swedish UI: the organisation's text, else the shipped Swedish, else the English
        marked as a fallback. English UI: always the English wording."""
        corrected = _correction_value(self, CORRECTION_TEXT)
        return localise(corrected or self.text_sv, self.text_en)

    @property
    def display_short_title(self) -> LocalisedText:
        """The short name for lists: the organisation's, else the shipped one; without a
        Swedish short name, the full wording as `display_text` gives it."""
        language = (get_language() or "sv")[:2]
        short = _correction_value(self, CORRECTION_SHORT_TITLE) or self.short_title_sv
        if language == "sv" and short:
            return LocalisedText(short, "sv", False)
        return self.display_text


class GlobalIndicatorQuerySet(models.QuerySet):
    def with_texts_for(self, organisation) -> "GlobalIndicatorQuerySet":
        """Rows carry the organisation's Swedish title, for `display_title`. Prefer
        `hallbar.agenda.selectors.indicators_for_organisation`."""
        return _with_texts_for(self, organisation)


class GlobalIndicator(models.Model):
    """A UN global indicator entry (2023 framework). Repeated indicators share `unsd_code`."""

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("target")
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    unsd_code = models.CharField(_("UNSD code"), max_length=20)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_repeated = models.BooleanField(
        _("repeated"),
        default=False,
        help_text=_("The same indicator also stands under other targets."),
    )
    title_sv = models.TextField(_("title (Swedish)"), blank=True)
    title_en = models.TextField(_("title (English)"))
    source_sv = models.TextField(_("source of the Swedish text"), blank=True)

    objects = GlobalIndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["target__goal_set", "target__position", "position"]
        verbose_name = _("global indicator")
        verbose_name_plural = _("global indicators")

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> LocalisedText:
        return localise(self.title_sv, self.title_en)

    @property
    def has_text_correction(self) -> bool:
        """The organisation fetched with `with_texts_for()` has its own Swedish title."""
        return _correction_value(self, CORRECTION_ID) is not None

    @property
    def display_title(self) -> LocalisedText:
        """Swedish UI: the organisation's title, else the shipped Swedish, else the
        English marked as a fallback. English UI: always the English title."""
        corrected = _correction_value(self, CORRECTION_TEXT)
        return localise(corrected or self.title_sv, self.title_en)


class TextCorrection(models.Model):
    """An organisation's own Swedish text for a target or indicator, shown instead of the
    shipped one (or of the English fallback where none was shipped)."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="text_corrections",
        verbose_name=_("organisation"),
    )
    target = models.ForeignKey(
        Target,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("target"),
    )
    indicator = models.ForeignKey(
        GlobalIndicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("indicator"),
    )
    short_title_sv = models.CharField(_("short title (Swedish)"), max_length=300, blank=True)
    text_sv = models.TextField(_("text (Swedish)"))
    note = models.CharField(_("source or reason"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Swedish text")
        verbose_name_plural = _("Swedish texts")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(target__isnull=False, indicator__isnull=True)
                    | models.Q(target__isnull=True, indicator__isnull=False)
                ),
                name="textcorrection_exactly_one_subject",
            ),
            models.UniqueConstraint(
                fields=["organisation", "target"],
                condition=models.Q(target__isnull=False),
                name="textcorrection_one_per_target",
            ),
            models.UniqueConstraint(
                fields=["organisation", "indicator"],
                condition=models.Q(indicator__isnull=False),
                name="textcorrection_one_per_indicator",
            ),
            models.CheckConstraint(condition=~models.Q(text_sv=""), name="textcorrection_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.target or self.indicator}: {self.text_sv[:40]}"
