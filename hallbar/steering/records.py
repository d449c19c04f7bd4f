"""Accountability of the steering chain: history, exports, edit conflicts and deletion.

- History: every version of a steering document, local goal, action or working group
  (django-simple-history), read as entries of who, when and which fields changed from
  what to what, links (targets, bodies, goals, members) included. The "History" page
  and the CSV/JSON exports show the same entries.
- Edit conflicts: the fields someone else changed since the version an edit started
  from, with their value and the editor's, for the form and the API to show.
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
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalChanges
from simple_history.utils import get_m2m_field_name, get_m2m_reverse_field_name

from hallbar.agenda.models import Target
from hallbar.organisation.models import Body, Organisation
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

# Columns a person does not edit: the history says who and when in its own columns,
# and a soft delete or restore is an entry of its own.
_NOT_SHOWN = {
    "id",
    "organisation",
    "created_at",
    "updated_at",
    "created_by",
    "deleted_at",
    "deleted_by",
    "working_group",
}

KIND_LABELS = {
    "created": gettext_lazy("Created"),
    "changed": gettext_lazy("Changed"),
    "deleted": gettext_lazy("Deleted"),
    "restored": gettext_lazy("Restored"),
    "removed": gettext_lazy("Removed for good"),
    "member_added": gettext_lazy("Member added"),
    "member_changed": gettext_lazy("Member changed"),
    "member_removed": gettext_lazy("Member removed"),
}


# One version per save


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


# Fields and their values as people read them


def _history_model(model: type[models.Model]) -> type[models.Model]:
    return model.history.model  # type: ignore[attr-defined]


def shown_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields a history shows: what people edit, in the model's order, links last."""
    history_model = _history_model(model)
    m2m_names = {field.name for field in history_model._history_m2m_fields}
    concrete = [f for f in model._meta.concrete_fields if f.name not in _NOT_SHOWN]
    m2m = [f for f in model._meta.many_to_many if f.name in m2m_names]
    return [*concrete, *m2m]


def _raw(value: Any) -> Any:
    """A value as stored: a row by its primary key, a set of rows as a frozenset of keys."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        return frozenset(_raw(item) for item in value)
    return value


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == frozenset()


def _same(a: Any, b: Any) -> bool:
    if _is_empty(a) and _is_empty(b):
        return True
    return a == b


class _Labels:
    """Names of linked rows, fetched once per related model for a whole history."""

    def __init__(self) -> None:
        self._wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self._names: dict[type[models.Model], dict[Any, tuple[Any, str]]] = {}

    def want(self, field: models.Field, value: Any) -> None:
        if not field.is_relation or value in (None, ""):
            return
        ids = value if isinstance(value, frozenset) else {value}
        self._wanted[field.related_model].update(ids)

    def resolve(self) -> None:
        for model, ids in self._wanted.items():
            # Deleted rows keep their names: the history still reads.
            rows = model._base_manager.filter(pk__in=ids)
            self._names[model] = {row.pk: (_sort_key(row), _label(row)) for row in rows}

    def format(self, field: models.Field, value: Any) -> str:
        if field.many_to_many:
            names = self._names.get(field.related_model, {})
            known = sorted(names.get(pk, (("~", pk), f"#{pk}")) for pk in value or ())
            return ", ".join(label for _key, label in known)
        if field.is_relation:
            if value in (None, ""):
                return ""
            found = self._names.get(field.related_model, {}).get(value)
            return found[1] if found else _("#%(id)s (removed)") % {"id": value}
        return _format_scalar(field, value)


def _label(row: models.Model) -> str:
    if isinstance(row, Target):
        return row.code
    if isinstance(row, Body):
        return row.name
    if isinstance(row, AbstractBaseUser):
        return row.get_full_name() or row.get_username()  # type: ignore[attr-defined]
    return str(row)


def _sort_key(row: models.Model) -> tuple[Any, ...]:
    # Targets in the framework's order (3.6 before 11.2); everything else by name.
    if isinstance(row, Target):
        return (row.position, row.code)
    return (_label(row).casefold(), row.pk)


def _format_scalar(field: models.Field, value: Any) -> str:
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _m2m_ids_of_versions(
    model: type[models.Model], field: models.Field, history_ids: Sequence[int]
) -> dict[int, frozenset]:
    """history id → the linked ids recorded with that version (one query)."""
    m2m_history = getattr(_history_model(model), field.name).model
    column = f"{get_m2m_reverse_field_name(field)}_id"
    linked: dict[int, set] = defaultdict(set)
    rows = m2m_history.objects.filter(history_id__in=history_ids).values_list("history_id", column)
    for history_id, pk in rows:
        linked[history_id].add(pk)
    return {history_id: frozenset(linked.get(history_id, ())) for history_id in history_ids}


def _current_m2m_ids(obj: models.Model, field: models.Field) -> frozenset:
    # The link table itself: the related manager would leave out deleted rows.
    through = field.remote_field.through
    own = get_m2m_field_name(field)
    other = f"{get_m2m_reverse_field_name(field)}_id"
    return frozenset(through.objects.filter(**{own: obj.pk}).values_list(other, flat=True))


# History entries


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded version of an object (or of one of a working group's members)."""

    history_id: int
    date: dt.datetime
    user: str
    username: str
    kind: str
    object_type: str
    object_id: int
    object_title: str
    subject: str
    reason: str
    changes: tuple[FieldChange, ...]

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def is_member_change(self) -> bool:
        return self.kind.startswith("member_")


def _user_names(record: Any) -> tuple[str, str]:
    user = record.history_user
    if user is None:
        return "", ""
    return user.get_full_name() or user.get_username(), user.get_username()


def _kind(record: Any, previous: Any | None, member: bool) -> str:
    if member:
        return {"+": "member_added", "-": "member_removed"}.get(
            record.history_type, "member_changed"
        )
    if record.history_type == "+":
        return "created"
    if record.history_type == "-":
        return "removed"
    # Working groups are not deleted softly: they have no deleted_at.
    deleted_now = getattr(record, "deleted_at", None) is not None
    was_deleted = getattr(previous, "deleted_at", None) is not None
    if deleted_now and not was_deleted:
        return "deleted"
    if was_deleted and not deleted_now:
        return "restored"
    return "changed"


def _entries(
    model: type[models.Model],
    records: list[Any],
    object_type: str,
    group_names: Mapping[int, str] | None = None,
) -> list[HistoryEntry]:
    """Entries for the versions of one model, each compared with the version before it
    of the same object. Versions that changed nothing people edit are left out."""
    fields = shown_fields(model)
    m2m_fields = [field for field in fields if field.many_to_many]
    history_ids = [record.history_id for record in records]
    linked = {field.name: _m2m_ids_of_versions(model, field, history_ids) for field in m2m_fields}
    member = model is WorkingGroupMember

    def values(record: Any) -> dict[str, Any]:
        return {
            field.name: linked[field.name][record.history_id]
            if field.many_to_many
            else getattr(record, field.attname)
            for field in fields
        }

    labels = _Labels()
    versions = []
    for record in records:
        current = values(record)
        versions.append((record, current))
        for field in fields:
            labels.want(field, current[field.name])
    labels.resolve()

    entries: list[HistoryEntry] = []
    previous_of: dict[int, tuple[Any, dict[str, Any]]] = {}
    for record, current in versions:
        previous_record, previous = previous_of.get(record.id, (None, {}))
        previous_of[record.id] = (record, current)
        kind = _kind(record, previous_record, member)
        changes: tuple[FieldChange, ...] = ()
        if record.history_type != "-":
            changes = tuple(
                FieldChange(
                    field=field.name,
                    label=str(field.verbose_name),
                    old=labels.format(field, previous.get(field.name)),
                    new=labels.format(field, current[field.name]),
                )
                for field in fields
                if _changed(previous, current, field.name)
            )
        if kind in ("changed", "member_changed") and not changes:
            continue
        user, username = _user_names(record)
        if member:
            # A member's version belongs to the group's history: the member is its subject.
            subject = labels.format(model._meta.get_field("user"), record.user_id) or (
                record.external_name
            )
            title = (group_names or {}).get(record.working_group_id, "")
        else:
            title = getattr(record, "title", None) or getattr(record, "name", "")
            subject = ""
        entries.append(
            HistoryEntry(
                history_id=record.history_id,
                date=record.history_date,
                user=user,
                username=username,
                kind=kind,
                object_type=object_type,
                object_id=record.working_group_id if member else record.id,
                object_title=title,
                subject=subject,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def _changed(previous: Mapping[str, Any], current: Mapping[str, Any], name: str) -> bool:
    if not previous:
        # A first version shows what was filled in; an unticked box is not news.
        return not _is_empty(current[name]) and current[name] is not False
    return not _same(previous.get(name), current[name])


def _versions(model: type[models.Model], **filters: Any) -> list[Any]:
    return list(
        model.history.filter(**filters)  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )


def _newest_first(entries: Iterable[HistoryEntry]) -> list[HistoryEntry]:
    return sorted(entries, key=lambda entry: (entry.date, entry.history_id), reverse=True)


def object_history(*, organisation: Organisation, kind: str, pk: int) -> list[HistoryEntry]:
    """Every recorded version of one object of the organisation, newest first.

    Also for an object removed for good: its versions are kept. A working group's
    history includes the changes to its members."""
    model = KINDS[kind]
    entries = _entries(model, _versions(model, organisation=organisation, id=pk), kind)
    if model is WorkingGroup:
        members = _versions(WorkingGroupMember, organisation=organisation, working_group_id=pk)
        names = {pk: entries[-1].object_title} if entries else {}
        entries += _entries(WorkingGroupMember, members, kind, names)
    return _newest_first(entries)


def organisation_history(
    *, organisation: Organisation, kinds: Sequence[str] | None = None
) -> list[HistoryEntry]:
    """Every recorded version of the organisation's objects of these kinds (all kinds
    if none are given), newest first: the export of the whole record."""
    entries: list[HistoryEntry] = []
    for kind in kinds or KINDS:
        model = KINDS[kind]
        entries += _entries(model, _versions(model, organisation=organisation), kind)
        if model is WorkingGroup:
            members = _versions(WorkingGroupMember, organisation=organisation)
            names = dict(
                WorkingGroup.objects.for_organisation(organisation).values_list("pk", "name")
            )
            entries += _entries(WorkingGroupMember, members, kind, names)
    return _newest_first(entries)


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


def user_label(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]


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


# Edit conflicts


@dataclass(frozen=True)
class ConflictingChange:
    """A field someone else changed after an edit started: as it was when the edit
    started, as they saved it, and as the editor has it (None: not part of the edit)."""

    field: str
    label: str
    before: str
    theirs: str
    yours: str | None


class EditConflict(Exception):
    """Someone else saved the object after the user opened it for editing."""

    def __init__(
        self,
        current_version: dt.datetime,
        changes: Sequence[ConflictingChange] = (),
        *,
        deleted: bool = False,
    ) -> None:
        super().__init__(current_version)
        self.current_version = current_version
        self.changes = list(changes)
        self.deleted = deleted


def version_token(version: dt.datetime) -> str:
    """The version as forms and the API carry it."""
    return version.isoformat()


def changes_since(
    current: models.Model, version: dt.datetime, yours: Mapping[str, Any] | None = None
) -> list[ConflictingChange]:
    """The fields of `current` (as saved now) that differ from the version saved at
    `version`, with the editor's values from `yours` (field name → value, rows or
    lists of rows for links). Empty if that version is not in the history."""
    model = type(current)
    snapshot = (
        model.history.filter(id=current.pk, updated_at=version)  # type: ignore[attr-defined]
        .order_by("-history_date", "-history_id")
        .first()
    )
    if snapshot is None:
        return []
    yours = {name: _raw(value) for name, value in (yours or {}).items()}
    labels = _Labels()
    found = []
    for field in shown_fields(model):
        if field.many_to_many:
            before = _m2m_ids_of_versions(model, field, [snapshot.history_id])[snapshot.history_id]
            theirs = _current_m2m_ids(current, field)
        else:
            before = getattr(snapshot, field.attname)
            theirs = getattr(current, field.attname)
        if _same(before, theirs):
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


def check_version(
    instance: models.Model, expected: dt.datetime | None, yours: Mapping[str, Any] | None = None
) -> None:
    """Lock the row and refuse the save if it changed (or was deleted) since `expected`.

    Call inside the transaction that saves: the lock holds until it commits, so two
    edits from the same version cannot both pass."""
    if expected is None:
        return
    current = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
    if getattr(current, "deleted_at", None) is not None:
        raise EditConflict(current.updated_at, deleted=True)
    if current.updated_at != expected:
        raise EditConflict(current.updated_at, changes_since(current, expected, yours))


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
