"""Reads of the agenda app: targets and indicators with an organisation's Swedish texts,
goal sets, and the history of a Swedish text.

Every page that shows targets or indicators for an organisation fetches them through
`targets_for_organisation` / `indicators_for_organisation`, so the organisation's own
Swedish wording (a `TextCorrection`) is shown without one query per row. Each selector
runs a fixed number of queries however many rows there are; tests pin the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from hallbar.agenda.models import (
    CORRECTION_TEXT,
    GlobalIndicator,
    Goal,
    GoalSet,
    Target,
    TextCorrection,
)

if TYPE_CHECKING:
    from hallbar.organisation.models import Organisation

# Fields of a TextCorrection a person writes; the history shows changes to these.
TEXT_FIELDS = ("short_title_sv", "text_sv", "note")


def targets_for_organisation(
    organisation: Organisation | None, queryset: QuerySet[Target] | None = None
) -> QuerySet[Target]:
    """Agenda 2030 targets (or `queryset`) with the organisation's Swedish texts joined in.

    Each row answers `display_text` and `display_short_title` (LocalisedText: in Swedish
    the organisation's correction, else the shipped Swedish, else the English wording
    marked `is_fallback`; in English always the English wording) and
    `has_text_correction`, all without further queries: the correction comes in the same
    SQL query, as a LEFT JOIN.

    `queryset` narrows or orders the rows first, e.g. `goal.targets.all()` or
    `Target.objects.filter(code__in=codes)`; pass it to `Prefetch("targets",
    queryset=targets_for_organisation(org, Target.objects.all()))` to use it in a prefetch.
    `organisation=None` (public pages without a tenant) gives the shipped texts.
    """
    if queryset is None:
        queryset = Target.objects.agenda2030()
    return queryset.with_texts_for(organisation)


def indicators_for_organisation(
    organisation: Organisation | None, queryset: QuerySet[GlobalIndicator] | None = None
) -> QuerySet[GlobalIndicator]:
    """Global indicators (or `queryset`) with the organisation's Swedish titles joined in.

    Each row answers `display_title` (LocalisedText, the same rule as targets) and
    `has_text_correction` without further queries. For a target's indicators pass
    `target.indicators.all()`, or use it as the queryset of a `Prefetch("indicators")`.
    """
    if queryset is None:
        queryset = GlobalIndicator.objects.all()
    return queryset.with_texts_for(organisation)


def target_get(*, organisation: Organisation, code: str) -> Target | None:
    """One Agenda 2030 target by code, with its goal and the organisation's text."""
    return targets_for_organisation(organisation).select_related("goal").filter(code=code).first()


def indicator_get(*, organisation: Organisation, code: str) -> GlobalIndicator | None:
    """One global indicator by code, with its target and the organisation's title."""
    return (
        indicators_for_organisation(organisation)
        .select_related("target__goal")
        .filter(code=code)
        .first()
    )


def text_correction_get(
    *,
    organisation: Organisation,
    target: Target | None = None,
    indicator: GlobalIndicator | None = None,
) -> TextCorrection | None:
    """The organisation's Swedish text for one target or indicator, if it has one."""
    return TextCorrection.objects.filter(
        organisation=organisation, target=target, indicator=indicator
    ).first()


def targets_missing_swedish(organisation: Organisation) -> QuerySet[Target]:
    """Agenda 2030 targets with neither a shipped nor an organisation's Swedish text."""
    return targets_for_organisation(organisation).filter(
        text_sv="", **{f"{CORRECTION_TEXT}__isnull": True}
    )


def indicators_missing_swedish(organisation: Organisation) -> QuerySet[GlobalIndicator]:
    """Global indicators with neither a shipped nor an organisation's Swedish title."""
    return indicators_for_organisation(organisation).filter(
        title_sv="", **{f"{CORRECTION_TEXT}__isnull": True}
    )


@dataclass(frozen=True)
class SwedishCoverage:
    """How many targets and indicators the organisation sees in Swedish."""

    targets: int
    targets_shipped: int
    targets_own: int
    indicators: int
    indicators_shipped: int
    indicators_own: int

    @property
    def targets_missing(self) -> int:
        return self.targets - self.targets_shipped - self.targets_own

    @property
    def indicators_missing(self) -> int:
        return self.indicators - self.indicators_shipped - self.indicators_own


def swedish_coverage(organisation: Organisation) -> SwedishCoverage:
    """Counts for the Swedish texts page (two queries). `*_own` counts only corrections
    that fill a gap, so that shipped + own + missing adds up to the total."""
    no_shipped_text = Q(text_sv="")
    own = Q(**{f"{CORRECTION_TEXT}__isnull": False})
    targets = targets_for_organisation(organisation).aggregate(
        total=Count("pk"),
        shipped=Count("pk", filter=~no_shipped_text),
        own=Count("pk", filter=no_shipped_text & own),
    )
    no_shipped_title = Q(title_sv="")
    indicators = indicators_for_organisation(organisation).aggregate(
        total=Count("pk"),
        shipped=Count("pk", filter=~no_shipped_title),
        own=Count("pk", filter=no_shipped_title & own),
    )
    return SwedishCoverage(
        targets=targets["total"],
        targets_shipped=targets["shipped"],
        targets_own=targets["own"],
        indicators=indicators["total"],
        indicators_shipped=indicators["shipped"],
        indicators_own=indicators["own"],
    )


def text_corrections_of(organisation: Organisation) -> QuerySet[TextCorrection]:
    """The organisation's own Swedish texts in the framework's order, each indicator
    right after its target."""
    return (
        TextCorrection.objects.filter(organisation=organisation)
        .select_related("target", "indicator__target")
        .order_by(
            Coalesce("target__position", "indicator__target__position"),
            F("indicator__position").asc(nulls_first=True),
        )
    )


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class TextHistoryEntry:
    """One saved version of an organisation's Swedish text: who, when, what."""

    date: datetime
    user: str
    kind: str  # "+" created, "~" changed, "-" removed (simple_history's history_type)
    reason: str
    short_title_sv: str
    text_sv: str
    note: str
    changes: tuple[FieldChange, ...]


def text_history(
    *,
    organisation: Organisation,
    target: Target | None = None,
    indicator: GlobalIndicator | None = None,
    limit: int = 50,
) -> list[TextHistoryEntry]:
    """Saved versions of the organisation's text for one target or indicator, newest
    first, each with the fields it changed. One query; versions survive the removal of
    the text, so a removed text's earlier wording can still be read and restored."""
    records = list(
        TextCorrection.history.filter(organisation=organisation, target=target, indicator=indicator)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    labels = {name: str(TextCorrection._meta.get_field(name).verbose_name) for name in TEXT_FIELDS}
    entries = []
    for index, record in enumerate(records[:limit]):
        # The query fetched one record more than shown, so the oldest shown version can
        # still say what it changed. A text written again after a removal starts afresh.
        older = records[index + 1] if index + 1 < len(records) else None
        if older is not None and older.history_type == "-":
            older = None
        changes: tuple[FieldChange, ...] = ()
        if record.history_type != "-":
            changes = tuple(
                FieldChange(
                    field=name,
                    label=labels[name],
                    old=getattr(older, name) if older else "",
                    new=getattr(record, name),
                )
                for name in TEXT_FIELDS
                if (getattr(older, name) if older else "") != getattr(record, name)
            )
        user = record.history_user
        entries.append(
            TextHistoryEntry(
                date=record.history_date,
                user=(user.get_full_name() or user.get_username()) if user else "",
                kind=record.history_type,
                reason=record.history_change_reason or "",
                short_title_sv=record.short_title_sv,
                text_sv=record.text_sv,
                note=record.note,
                changes=changes,
            )
        )
    return entries


def goal_sets_for_organisation(organisation: Organisation) -> list[GoalSet]:
    """Reference goal sets, then the organisation's own, each with `goal_count`."""
    return list(
        GoalSet.objects.visible_to(organisation)
        .annotate(goal_count=Count("goals"))
        .order_by(F("organisation_id").asc(nulls_first=True), "position", "title_sv")
    )


def goal_set_goals(goal_set: GoalSet) -> QuerySet[Goal]:
    return goal_set.goals.order_by("number", "code")
