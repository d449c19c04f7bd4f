"""Writes of the agenda app: loading the shipped reference goal sets; an organisation's
Swedish texts (one at a time or from a translation CSV) and its own goal sets."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from hallbar.agenda.models import (
    GlobalIndicator,
    Goal,
    GoalSet,
    GoalSetKind,
    Target,
    TextCorrection,
)
from hallbar.agenda.selectors import TEXT_FIELDS
from hallbar.agenda.translation_csv import clean_text, read_translation_csv

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from hallbar.organisation.models import Organisation

REFERENCE_DATA = Path(__file__).resolve().parent / "data" / "goal_sets.json"


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        totals = ", ".join(f"{count} {name}" for name, count in self.counts.items())
        return (
            f"Reference data: {totals}. "
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged."
        )


def _upsert(
    summary: LoadSummary,
    existing: dict,
    key,
    model: type[models.Model],
    values: dict,
    to_create: list,
    to_update: list,
):
    row = existing.get(key)
    if row is None:
        row = model(**values)
        to_create.append(row)
        summary.created += 1
        return row
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        to_update.append(row)
        summary.updated += 1
    else:
        summary.unchanged += 1
    return row


def _save(model: type[models.Model], to_create: list, to_update: list, fields: list[str]) -> None:
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, fields)


@transaction.atomic
def reference_data_load(*, path: Path = REFERENCE_DATA) -> LoadSummary:
    """Create or update the reference goal sets from the shipped JSON; idempotent.

    Rows are matched on their codes and never deleted: local goals link to them.
    """
    payload = json.loads(path.read_text(encoding="utf-8"))
    summary = LoadSummary()
    sets = {s.code: s for s in GoalSet.objects.filter(organisation__isnull=True)}
    create: list = []
    update: list = []
    set_fields = ["kind", "title_sv", "title_en", "source", "position"]
    for item in payload["goal_sets"]:
        values = {"code": item["code"], **{name: item[name] for name in set_fields}}
        sets[item["code"]] = _upsert(summary, sets, item["code"], GoalSet, values, create, update)
    _save(GoalSet, create, update, set_fields)

    goals = {(g.goal_set_id, g.code): g for g in Goal.objects.filter(goal_set__in=sets.values())}
    create, update = [], []
    goal_fields = [
        "number",
        "title_sv",
        "title_en",
        "long_title_sv",
        "long_title_en",
        "colour",
        "dimension",
    ]
    for item in payload["goal_sets"]:
        goal_set = sets[item["code"]]
        for goal in item["goals"]:
            values = {"goal_set": goal_set, "code": goal["code"]}
            values |= {name: goal.get(name, "") for name in goal_fields if name != "number"}
            values["number"] = goal["number"]
            key = (goal_set.pk, goal["code"])
            goals[key] = _upsert(summary, goals, key, Goal, values, create, update)
    _save(Goal, create, update, goal_fields)

    targets = {
        (t.goal_set_id, t.code): t for t in Target.objects.filter(goal_set__in=sets.values())
    }
    create, update = [], []
    target_fields = [
        "goal",
        "position",
        "kind",
        "short_title_sv",
        "text_sv",
        "text_en",
        "source_sv",
    ]
    for item in payload["goal_sets"]:
        goal_set = sets[item["code"]]
        position = 0
        for goal in item["goals"]:
            for target in goal.get("targets", []):
                position += 1
                values = {
                    "goal_set": goal_set,
                    "code": target["code"],
                    "goal": goals[(goal_set.pk, goal["code"])],
                    "position": position,
                    **{name: target[name] for name in target_fields[2:]},
                }
                key = (goal_set.pk, target["code"])
                targets[key] = _upsert(summary, targets, key, Target, values, create, update)
    _save(Target, create, update, target_fields)

    indicators = {i.code: i for i in GlobalIndicator.objects.all()}
    create, update = [], []
    indicator_fields = [
        "target",
        "unsd_code",
        "position",
        "is_repeated",
        "title_sv",
        "title_en",
        "source_sv",
    ]
    for item in payload["goal_sets"]:
        goal_set = sets[item["code"]]
        for goal in item["goals"]:
            for target in goal.get("targets", []):
                for position, indicator in enumerate(target["indicators"], start=1):
                    values = {
                        "code": indicator["code"],
                        "target": targets[(goal_set.pk, target["code"])],
                        "position": position,
                        **{
                            name: indicator[name]
                            for name in (
                                "unsd_code",
                                "is_repeated",
                                "title_sv",
                                "title_en",
                                "source_sv",
                            )
                        },
                    }
                    _upsert(
                        summary,
                        indicators,
                        indicator["code"],
                        GlobalIndicator,
                        values,
                        create,
                        update,
                    )
    _save(GlobalIndicator, create, update, indicator_fields)

    summary.counts = {
        "goal sets": GoalSet.objects.filter(organisation__isnull=True).count(),
        "goals": Goal.objects.filter(goal_set__organisation__isnull=True).count(),
        "targets": Target.objects.filter(goal_set__organisation__isnull=True).count(),
        "indicators": GlobalIndicator.objects.count(),
    }
    return summary


# An organisation's Swedish texts and goal sets.


class EditConflict(Exception):
    """Someone else saved the same object after this edit began: nothing was written."""


def edit_fingerprint(obj: models.Model | None, fields: Sequence[str]) -> str:
    """A short digest of the fields a form edits, sent with the form and compared on
    save, so that two people editing the same object cannot silently overwrite each
    other (optimistic locking without a version column). "new" for no object yet."""
    if obj is None:
        return "new"
    values = json.dumps([str(getattr(obj, name)) for name in fields], ensure_ascii=False)
    return hashlib.sha256(values.encode("utf-8")).hexdigest()[:20]


def _lock_texts_of(organisation: Organisation) -> None:
    # One writer of an organisation's Swedish texts at a time, so a form save and an
    # import cannot interleave. FOR NO KEY UPDATE does not block inserts elsewhere
    # that reference the organisation (they take KEY SHARE).
    list(type(organisation).objects.select_for_update(no_key=True).filter(pk=organisation.pk))


def _subject(target: Target | None, indicator: GlobalIndicator | None) -> dict[str, Any]:
    if (target is None) == (indicator is None):
        raise ValueError("Give exactly one of target and indicator.")
    return {"target": target, "indicator": indicator}


@dataclass(frozen=True)
class TextSaveResult:
    correction: TextCorrection | None
    changed: bool


@transaction.atomic
def text_correction_save(
    *,
    organisation: Organisation,
    target: Target | None = None,
    indicator: GlobalIndicator | None = None,
    text_sv: str,
    short_title_sv: str = "",
    note: str = "",
    user: AbstractBaseUser | None = None,
    expected_fingerprint: str | None = None,
) -> TextSaveResult:
    """Create or update the organisation's Swedish text for one target or indicator.

    Values are stored as `clean_text` spells them; saving what is already stored changes
    nothing and records no history. With `expected_fingerprint` (from the form), raises
    EditConflict if the text changed since the form was shown.
    """
    subject = _subject(target, indicator)
    _lock_texts_of(organisation)
    correction = TextCorrection.objects.filter(organisation=organisation, **subject).first()
    if (
        expected_fingerprint is not None
        and edit_fingerprint(correction, TEXT_FIELDS) != expected_fingerprint
    ):
        raise EditConflict
    values = {
        "text_sv": clean_text(text_sv),
        "short_title_sv": clean_text(short_title_sv) if target is not None else "",
        "note": clean_text(note),
    }
    if correction is None:
        correction = TextCorrection(organisation=organisation, **subject)
    elif all(getattr(correction, name) == value for name, value in values.items()):
        return TextSaveResult(correction, changed=False)
    for name, value in values.items():
        setattr(correction, name, value)
    correction.full_clean()
    correction._history_user = user  # simple_history: who, also outside a request
    correction.save()
    return TextSaveResult(correction, changed=True)


@transaction.atomic
def text_correction_remove(
    *,
    organisation: Organisation,
    target: Target | None = None,
    indicator: GlobalIndicator | None = None,
    user: AbstractBaseUser | None = None,
    expected_fingerprint: str | None = None,
) -> bool:
    """Remove the organisation's own text, so the shipped one (or the English fallback)
    shows again. The history keeps every earlier wording. False if there was none."""
    subject = _subject(target, indicator)
    _lock_texts_of(organisation)
    correction = TextCorrection.objects.filter(organisation=organisation, **subject).first()
    if (
        expected_fingerprint is not None
        and edit_fingerprint(correction, TEXT_FIELDS) != expected_fingerprint
    ):
        raise EditConflict
    if correction is None:
        return False
    correction._history_user = user
    correction.delete()
    return True


@dataclass
class TextImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        if not self.changed:
            text = gettext(
                "Nothing changed: every text in the file was already saved (%(count)d)."
            ) % {"count": self.unchanged}
        else:
            text = gettext(
                "Imported. New: %(created)d, changed: %(updated)d, unchanged: %(unchanged)d."
            ) % {
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
            }
        if self.skipped:
            text += " " + gettext("Rows without Swedish text skipped: %(skipped)d.") % {
                "skipped": self.skipped
            }
        return text


def text_corrections_import(
    *,
    organisation: Organisation,
    data: bytes,
    user: AbstractBaseUser | None = None,
    source_name: str = "",
    skip_empty: bool = False,
) -> TextImportSummary:
    """Import a translation CSV (see `hallbar.agenda.translation_csv`) for the
    organisation: all rows or none.

    The whole file is checked first; any problem raises TranslationFileError listing
    every bad row, and nothing is written. Otherwise all rows are created or updated in
    one transaction, with history (who, and the file's name as the reason). Importing
    the same file again changes nothing and says so.
    """
    target_ids = dict(Target.objects.agenda2030().values_list("code", "pk"))
    indicator_ids = dict(GlobalIndicator.objects.values_list("code", "pk"))
    parsed = read_translation_csv(
        data, target_codes=target_ids, indicator_codes=indicator_ids, skip_empty=skip_empty
    )
    summary = TextImportSummary(skipped=parsed.skipped)
    reason = (gettext("Import: %(name)s") % {"name": source_name})[:100] if source_name else ""
    with transaction.atomic():
        _lock_texts_of(organisation)
        existing = {
            (correction.target_id, correction.indicator_id): correction
            for correction in TextCorrection.objects.filter(organisation=organisation)
        }
        to_create: list[TextCorrection] = []
        to_update: list[TextCorrection] = []
        for row in parsed.rows:
            subject = (
                (target_ids[row.code], None)
                if row.kind == "target"
                else (None, indicator_ids[row.code])
            )
            values = {"text_sv": row.text_sv}
            # A column the file leaves out leaves that field as it is.
            if row.short_title_sv is not None:
                values["short_title_sv"] = row.short_title_sv
            if row.note is not None:
                values["note"] = row.note
            correction = existing.get(subject)
            if correction is None:
                to_create.append(
                    TextCorrection(
                        organisation=organisation,
                        target_id=subject[0],
                        indicator_id=subject[1],
                        **values,
                    )
                )
            elif any(getattr(correction, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(correction, name, value)
                to_update.append(correction)
            else:
                summary.unchanged += 1
        if to_create:
            bulk_create_with_history(
                to_create, TextCorrection, default_user=user, default_change_reason=reason
            )
        if to_update:
            bulk_update_with_history(
                to_update,
                TextCorrection,
                list(TEXT_FIELDS),
                default_user=user,
                default_change_reason=reason,
            )
    summary.created, summary.updated = len(to_create), len(to_update)
    return summary


GOAL_SET_FIELDS = ("code", "kind", "title_sv", "title_en", "source")
GOAL_FIELDS = ("code", "number", "title_sv", "title_en", "long_title_sv", "long_title_en")
OWN_GOAL_SET_KINDS = (GoalSetKind.REGIONAL, GoalSetKind.LOCAL)


def _check_own(goal_set: GoalSet) -> None:
    if goal_set.organisation_id is None:
        raise PermissionError("Reference goal sets are read-only.")


def _save_checked(obj: models.Model, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()  # the model's constraints, also for callers without a form
    obj.save()


@transaction.atomic
def goal_set_create(
    *,
    organisation: Organisation,
    code: str,
    kind: str,
    title_sv: str,
    title_en: str = "",
    source: str = "",
) -> GoalSet:
    """An organisation's own goal set, e.g. its region's development strategy (RUS)."""
    if kind not in OWN_GOAL_SET_KINDS:
        raise ValidationError({"kind": gettext("An own goal set is regional or local.")})
    goal_set = GoalSet(organisation=organisation)
    _save_checked(
        goal_set,
        {"code": code, "kind": kind, "title_sv": title_sv, "title_en": title_en, "source": source},
    )
    return goal_set


@transaction.atomic
def goal_set_update(
    *, goal_set: GoalSet, expected_fingerprint: str | None = None, **values: Any
) -> GoalSet:
    """Change an own goal set's fields (any of GOAL_SET_FIELDS)."""
    _check_own(goal_set)
    locked = GoalSet.objects.select_for_update().get(pk=goal_set.pk)
    if (
        expected_fingerprint is not None
        and edit_fingerprint(locked, GOAL_SET_FIELDS) != expected_fingerprint
    ):
        raise EditConflict
    if values.get("kind", locked.kind) not in OWN_GOAL_SET_KINDS:
        raise ValidationError({"kind": gettext("An own goal set is regional or local.")})
    _save_checked(locked, {name: values[name] for name in GOAL_SET_FIELDS if name in values})
    return locked


@transaction.atomic
def goal_create(
    *,
    goal_set: GoalSet,
    code: str,
    number: int,
    title_sv: str,
    title_en: str = "",
    long_title_sv: str = "",
    long_title_en: str = "",
) -> Goal:
    """Add a goal to an own goal set."""
    _check_own(goal_set)
    goal = Goal(goal_set=goal_set)
    _save_checked(
        goal,
        {
            "code": code,
            "number": number,
            "title_sv": title_sv,
            "title_en": title_en,
            "long_title_sv": long_title_sv,
            "long_title_en": long_title_en,
        },
    )
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, expected_fingerprint: str | None = None, **values: Any) -> Goal:
    """Change a goal of an own goal set (any of GOAL_FIELDS)."""
    _check_own(goal.goal_set)
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    if (
        expected_fingerprint is not None
        and edit_fingerprint(locked, GOAL_FIELDS) != expected_fingerprint
    ):
        raise EditConflict
    _save_checked(locked, {name: values[name] for name in GOAL_FIELDS if name in values})
    return locked
