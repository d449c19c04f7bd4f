"""One version per save, and edit conflicts (optimistic locking).

A model's version is its `updated_at` timestamp (the default) or an integer counter
the service raises on every save (`field="version"`, as in the status analysis and the
interaction matrix). An edit carries the version it started from (`version_token`).
Saving checks it under a row lock (`check_version`): changed meanwhile, the save is
refused with `EditConflict`, listing the fields someone else changed (`changes_since`)
with the value when the edit started, theirs and the editor's, for the form and the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models

from hallbar.core.history import (
    Labels,
    current_m2m_ids,
    m2m_ids_of_versions,
    raw_value,
    same_value,
    shown_fields,
)


@contextmanager
def one_version(instance: models.Model, *, created: bool) -> Iterator[None]:
    """Record the row and its links, saved inside the block, as one version.

    simple_history records a version on every save and on every change of a link, so
    an edit of a title and its targets would read as two or three changes. Inside the
    block nothing is recorded; after it, one version with the row and all its links.
    """
    instance.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del instance.skip_history_when_saving  # type: ignore[attr-defined]
    recorder = type(instance).history_recorder  # type: ignore[attr-defined]
    recorder.create_historical_record(instance, "+" if created else "~")


@dataclass(frozen=True)
class ConflictingChange:
    """A field someone else changed after an edit started: as it was when the edit
    started, as they saved it, and as the editor has it (None: not part of the edit)."""

    field: str
    label: str
    before: str
    theirs: str
    yours: str | None


# A saved version: the `updated_at` timestamp or an integer counter.
Version = dt.datetime | int

UPDATED_AT = "updated_at"


class EditConflict(Exception):
    """Someone else saved the object after the user opened it for editing (or deleted
    it). `current_version` is the version saved now (0: the row is gone)."""

    def __init__(
        self,
        current_version: Version,
        changes: Sequence[ConflictingChange] = (),
        *,
        deleted: bool = False,
    ) -> None:
        super().__init__(current_version)
        self.current_version = current_version
        self.changes = list(changes)
        self.deleted = deleted


def version_token(version: Version) -> str:
    """The version as forms and the API carry it."""
    if isinstance(version, dt.datetime):
        return version.isoformat()
    return str(version)


def _compared_fields(
    model: type[models.Model], field: str, names: Collection[str] | None
) -> list[models.Field]:
    """The fields a conflict lists: all a history shows (`names`: only those), never the
    version counter itself."""
    return [
        f for f in shown_fields(model) if f.name != field and (names is None or f.name in names)
    ]


def _changes(
    current: models.Model,
    snapshot: Any | None,
    yours: Mapping[str, Any] | None,
    fields: Sequence[models.Field],
) -> list[ConflictingChange]:
    """The fields of `current` that differ from `snapshot` (a history row; None: the row
    did not exist then, every value was empty)."""
    model = type(current)
    yours = {name: raw_value(value) for name, value in (yours or {}).items()}
    labels = Labels()
    found = []
    for field in fields:
        if field.many_to_many:
            before = (
                m2m_ids_of_versions(model, field, [snapshot.history_id])[snapshot.history_id]
                if snapshot is not None
                else frozenset()
            )
            theirs = current_m2m_ids(current, field)
        else:
            before = getattr(snapshot, field.attname) if snapshot is not None else None
            theirs = getattr(current, field.attname)
        if same_value(before, theirs):
            continue
        mine = yours.get(field.name)
        for value in (before, theirs, mine):
            labels.want(field, value)
        found.append((field, before, theirs, field.name in yours, mine))
    labels.resolve()
    return [
        ConflictingChange(
            field=field.name,
            label=str(field.verbose_name),
            before=labels.format(field, before),
            theirs=labels.format(field, theirs),
            yours=labels.format(field, mine) if given else None,
        )
        for field, before, theirs, given, mine in found
    ]


def changes_since(
    current: models.Model,
    version: Version,
    yours: Mapping[str, Any] | None = None,
    *,
    field: str = UPDATED_AT,
    names: Collection[str] | None = None,
) -> list[ConflictingChange]:
    """The fields of `current` (as saved now) that differ from the version whose `field`
    was `version`, with the editor's values from `yours` (field name → value, rows or
    lists of rows for links); `names` limits the fields compared. Empty if that
    version is not in the history."""
    model = type(current)
    snapshot = (
        model.history.filter(id=current.pk, **{field: version})  # type: ignore[attr-defined]
        .order_by("-history_date", "-history_id")
        .first()
    )
    if snapshot is None:
        return []
    return _changes(current, snapshot, yours, _compared_fields(model, field, names))


def changes_since_created(
    current: models.Model,
    yours: Mapping[str, Any] | None = None,
    *,
    field: str = UPDATED_AT,
    names: Collection[str] | None = None,
) -> list[ConflictingChange]:
    """For an edit that started before the row existed (someone else created it
    meanwhile): every value they set, as `changes_since` lists them."""
    return _changes(current, None, yours, _compared_fields(type(current), field, names))


def check_version(
    instance: models.Model,
    expected: Version | None,
    yours: Mapping[str, Any] | None = None,
    *,
    field: str = UPDATED_AT,
    names: Collection[str] | None = None,
) -> models.Model | None:
    """Lock the row and refuse the save if its `field` changed (or it was deleted) since
    `expected`; returns the locked row as saved now (None when `expected` is None:
    nothing is checked, nothing locked).

    Call inside the transaction that saves: the lock holds until it commits, so two
    edits from the same version cannot both pass."""
    if expected is None:
        return None
    current = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
    version = getattr(current, field)
    if getattr(current, "deleted_at", None) is not None:
        raise EditConflict(version, deleted=True)
    if version != expected:
        changes = changes_since(current, expected, yours, field=field, names=names)
        raise EditConflict(version, changes)
    return current
