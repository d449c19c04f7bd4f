"""Accountability of the steering chain: history, exports and deletion.

- History: every version of a steering document, local goal, action or working group,
  read by `hallbar.core.history` as entries of who, when and which fields changed from
  what to what, links (targets, bodies, goals, members) included. The "History" page
  and the CSV/JSON exports show the same entries.
- Edit conflicts: `hallbar.core.versions`.
- Delete: soft where the object was ever a public record (decided, or an action under
  a decided plan), hard only for drafts that never were; refused while other records
  depend on it. A soft delete can be undone (`record_restore`).

Every read here runs a fixed number of queries however long the history is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from hallbar.core import history
from hallbar.core.history import HistoryEntry, Labels
from hallbar.core.versions import check_version
from hallbar.organisation.models import Organisation
from hallbar.steering.models import (
    Action,
    LocalGoal,
    SoftDeleteModel,
    SteeringDocument,
    WorkingGroup,
    WorkingGroupMember,
)

# The kinds of object with a history page, by the name used in URLs and exports.
KINDS: dict[str, type[models.Model]] = {
    "document": SteeringDocument,
    "goal": LocalGoal,
    "action": Action,
    "working_group": WorkingGroup,
}

# A member's version belongs to its group's history; the group is not a field of it.
_MEMBER_NOT_SHOWN = history.NOT_SHOWN | {"working_group"}


def _member_of(group_names: Mapping[int, str] | None) -> history.PartOf:
    def part_of(record: Any, labels: Labels) -> tuple[int, str, str]:
        # The member is the entry's subject: a user by name, else the external name.
        subject = labels.format(WorkingGroupMember._meta.get_field("user"), record.user_id)
        title = (group_names or {}).get(record.working_group_id, "")
        return record.working_group_id, title, subject or record.external_name

    return part_of


def _entries(
    model: type[models.Model],
    records: list[Any],
    object_type: str,
    group_names: Mapping[int, str] | None = None,
) -> list[HistoryEntry]:
    """Entries for the versions of one model (`hallbar.core.history.entries`); a
    working group member's versions as entries of the group's history."""
    if model is WorkingGroupMember:
        return history.entries(
            model,
            records,
            object_type,
            part_of=_member_of(group_names),
            hidden=_MEMBER_NOT_SHOWN,
        )
    return history.entries(model, records, object_type)


def object_history(*, organisation: Organisation, kind: str, pk: int) -> list[HistoryEntry]:
    """Every recorded version of one object of the organisation, newest first.

    Also for an object removed for good: its versions are kept. A working group's
    history includes the changes to its members."""
    model = KINDS[kind]
    entries = _entries(model, history.versions(model, organisation=organisation, id=pk), kind)
    if model is WorkingGroup:
        members = history.versions(
            WorkingGroupMember, organisation=organisation, working_group_id=pk
        )
        names = {pk: entries[-1].object_title} if entries else {}
        entries += _entries(WorkingGroupMember, members, kind, names)
    return history.newest_first(entries)


def organisation_history(
    *, organisation: Organisation, kinds: Sequence[str] | None = None
) -> list[HistoryEntry]:
    """Every recorded version of the organisation's objects of these kinds (all kinds
    if none are given), newest first: the export of the whole record."""
    entries: list[HistoryEntry] = []
    for kind in kinds or KINDS:
        model = KINDS[kind]
        entries += _entries(model, history.versions(model, organisation=organisation), kind)
        if model is WorkingGroup:
            members = history.versions(WorkingGroupMember, organisation=organisation)
            names = dict(
                WorkingGroup.objects.for_organisation(organisation).values_list("pk", "name")
            )
            entries += _entries(WorkingGroupMember, members, kind, names)
    return history.newest_first(entries)


@dataclass(frozen=True)
class HistorySubject:
    """What a history page is about: the object, or what is left of one removed."""

    kind: str
    pk: int
    title: str
    obj: models.Model | None

    @property
    def is_removed(self) -> bool:
        return self.obj is None

    @property
    def is_deleted(self) -> bool:
        return self.obj is not None and getattr(self.obj, "deleted_at", None) is not None

    @property
    def verbose_name(self) -> str:
        return str(KINDS[self.kind]._meta.verbose_name)


def history_subject(*, organisation: Organisation, kind: str, pk: int) -> HistorySubject | None:
    """The object a history page shows, deleted ones included; for one removed for good,
    its last recorded title. None if the organisation never had it."""
    model = KINDS[kind]
    obj = model._base_manager.filter(organisation=organisation, pk=pk).first()
    if obj is not None:
        return HistorySubject(kind, pk, _title(obj), obj)
    last = (
        model.history.filter(organisation=organisation, id=pk)  # type: ignore[attr-defined]
        .order_by("-history_date", "-history_id")
        .first()
    )
    if last is None:
        return None
    return HistorySubject(kind, pk, _title(last), None)


def _title(obj: Any) -> str:
    return getattr(obj, "title", None) or getattr(obj, "name", "") or str(obj)


def removed_objects(*, organisation: Organisation) -> list[HistorySubject]:
    """Objects removed for good (drafts), newest first, from their last recorded version."""
    found: list[tuple[dt.datetime, HistorySubject]] = []
    for kind, model in KINDS.items():
        records = model.history.filter(  # type: ignore[attr-defined]
            organisation=organisation, history_type="-"
        ).order_by("-history_date")
        found += [(r.history_date, HistorySubject(kind, r.id, _title(r), None)) for r in records]
    return [subject for _date, subject in sorted(found, key=lambda pair: pair[0], reverse=True)]


def deleted_objects(*, organisation: Organisation) -> list[HistorySubject]:
    """Soft-deleted documents, goals and actions, most recently deleted first."""
    found: list[HistorySubject] = []
    for kind, model in KINDS.items():
        if not issubclass(model, SoftDeleteModel):
            continue
        rows = model.with_deleted.for_organisation(organisation).deleted()
        found += [HistorySubject(kind, row.pk, _title(row), row) for row in rows]
    return sorted(found, key=lambda subject: subject.obj.deleted_at, reverse=True)


# Delete and restore


class DeleteRefused(Exception):
    """The object cannot be deleted (or restored) as asked; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Dependents:
    label: str
    names: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class DeletePlan:
    """What deleting an object would do: soft or hard, or nothing while others depend on it."""

    soft: bool
    dependents: tuple[Dependents, ...]

    @property
    def allowed(self) -> bool:
        return not self.dependents


DEPENDENTS_NAMED = 5


def _reverse_relations(model: type[models.Model]) -> list[Any]:
    return [
        rel
        for rel in model._meta.related_objects
        # History tables refer to everything; they are the record, not a dependent.
        if not issubclass(rel.related_model, HistoricalChanges)
    ]


def dependents(obj: models.Model) -> tuple[Dependents, ...]:
    """Records still in use that refer to `obj`: a plan's actions, a goal's sub-goals."""
    found = []
    for rel in _reverse_relations(type(obj)):
        rows = rel.related_model._default_manager.filter(**{rel.field.name: obj})
        names = [str(row) for row in rows[: DEPENDENTS_NAMED + 1]]
        if names:
            count = len(names) if len(names) <= DEPENDENTS_NAMED else rows.count()
            label = str(rel.related_model._meta.verbose_name_plural)
            found.append(Dependents(label, tuple(names[:DEPENDENTS_NAMED]), count))
    return tuple(found)


def _referred_to_at_all(obj: models.Model) -> bool:
    """Referred to by any row, deleted ones included: then a hard delete would break them."""
    return any(
        rel.related_model._base_manager.filter(**{rel.field.name: obj}).exists()
        for rel in _reverse_relations(type(obj))
    )


def delete_plan(obj: SoftDeleteModel) -> DeletePlan:
    found = dependents(obj)
    soft = bool(found) or obj.is_public_record() or _referred_to_at_all(obj)
    return DeletePlan(soft=soft, dependents=found)


def dependents_message(found: Sequence[Dependents]) -> str:
    parts = []
    for group in found:
        names = ", ".join(f"“{name}”" for name in group.names)
        more = group.count - len(group.names)
        if more > 0:
            names += " " + _("and %(count)s more") % {"count": more}
        parts.append(f"{group.label}: {names}")
    return _(
        "It cannot be deleted while other records depend on it (%(dependents)s). "
        "Move or delete those first."
    ) % {"dependents": "; ".join(parts)}


@transaction.atomic
def record_delete(
    *,
    obj: SoftDeleteModel,
    user: AbstractBaseUser | None,
    expected_version: dt.datetime | None,
    reason: str = "",
) -> str:
    """Delete a document, goal or action: "soft" (kept, hidden, restorable) for a public
    record, "hard" (removed; its history stays) for a draft that never was. Refused
    while other records depend on it, and if it changed since `expected_version`."""
    check_version(obj, expected_version)
    plan = delete_plan(obj)
    if not plan.allowed:
        raise DeleteRefused(dependents_message(plan.dependents))
    obj._history_user = user  # type: ignore[attr-defined]
    obj._change_reason = reason[:100]  # type: ignore[attr-defined]
    if not plan.soft:
        obj.delete()
        return "hard"
    obj.deleted_at = timezone.now()
    obj.deleted_by = user  # type: ignore[assignment]
    obj.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return "soft"


@transaction.atomic
def record_restore(*, obj: SoftDeleteModel, user: AbstractBaseUser | None) -> SoftDeleteModel:
    """Undo a soft delete. Refused while what it belongs to (its plan, parent document
    or goal) is itself deleted: restore that first."""
    obj = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if obj.deleted_at is None:
        return obj
    for field in obj._meta.concrete_fields:
        if not field.is_relation or not issubclass(field.related_model, SoftDeleteModel):
            continue
        parent = getattr(obj, field.name)
        if parent is not None and parent.deleted_at is not None:
            raise DeleteRefused(
                _("Restore “%(parent)s” first: it is deleted, and this belongs to it.")
                % {"parent": parent}
            )
    obj._history_user = user  # type: ignore[attr-defined]
    obj.deleted_at = None
    obj.deleted_by = None
    obj.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return obj


# Exports: one contract, `render(params) -> (filename, content type, bytes)`


class Export(Protocol):
    """An export served by the one export view. `internal` exports are for readers
    who see drafts (the organisation's own people); the view checks that."""

    name: str
    internal: bool

    def render(self, params: Mapping[str, Any]) -> tuple[str, str, bytes]: ...


class ExportNotFound(Exception):
    """The export's parameters name nothing the organisation has."""


HISTORY_COLUMNS = (
    "date",
    "user",
    "username",
    "change",
    "object_type",
    "object_id",
    "object_title",
    "subject",
    "field",
    "field_label",
    "old",
    "new",
    "reason",
)


def _csv_cell(value: str) -> str:
    # A cell starting with these would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class HistoryExport:
    """The history of one object (`kind` and `pk`), of all objects of one kind, or of
    all of the organisation's steering records, as CSV (one row per changed field) or
    JSON (one object per version)."""

    internal = True

    def __init__(self, name: str, format: str) -> None:
        self.name = name
        self.format = format

    def render(self, params: Mapping[str, Any]) -> tuple[str, str, bytes]:
        organisation: Organisation = params["organisation"]
        kind = params.get("kind") or None
        pk = params.get("pk") or None
        if kind is not None and kind not in KINDS:
            raise ExportNotFound(kind)
        if pk is not None:
            if kind is None or not str(pk).isdigit():
                raise ExportNotFound(pk)
            pk = int(pk)
            if history_subject(organisation=organisation, kind=kind, pk=pk) is None:
                raise ExportNotFound(pk)
            entries = object_history(organisation=organisation, kind=kind, pk=pk)
        else:
            entries = organisation_history(
                organisation=organisation, kinds=[kind] if kind else None
            )
        stem = "-".join(str(part) for part in ("history", organisation.code, kind, pk) if part)
        if self.format == "json":
            return f"{stem}.json", "application/json", _history_json(organisation, entries)
        return f"{stem}.csv", "text/csv; charset=utf-8", _history_csv(entries)


def _history_rows(entries: Iterable[HistoryEntry]) -> Iterator[list[str]]:
    for entry in entries:
        common = [
            timezone.localtime(entry.date).isoformat(timespec="seconds"),
            entry.user,
            entry.username,
            entry.kind,
            entry.object_type,
            str(entry.object_id),
            entry.object_title,
            entry.subject,
        ]
        if not entry.changes:
            yield [*common, "", "", "", "", entry.reason]
        for change in entry.changes:
            yield [*common, change.field, change.label, change.old, change.new, entry.reason]


def _history_csv(entries: Iterable[HistoryEntry]) -> bytes:
    # Semicolons and a BOM: what Excel with Swedish settings opens as columns.
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HISTORY_COLUMNS)
    for row in _history_rows(entries):
        writer.writerow([_csv_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _history_json(organisation: Organisation, entries: Iterable[HistoryEntry]) -> bytes:
    versions = []
    for entry in entries:
        data = asdict(entry)
        data["date"] = timezone.localtime(entry.date).isoformat()
        data["change"] = data.pop("kind")
        data.pop("history_id")
        versions.append(data)
    document = {"organisation": organisation.code, "versions": versions}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


EXPORTS: dict[str, Export] = {
    export.name: export
    for export in (HistoryExport("history-csv", "csv"), HistoryExport("history-json", "json"))
}
