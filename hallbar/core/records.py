"""The record of every user-edited object: its history, its export, deleting and restoring.

Each app registers the kinds of object it keeps (`register(RecordKind(...))`, in its
AppConfig.ready()): a steering document, a case, a matrix version, a report edition.
Then, for every kind alike:

- History: every version of an object, read by `hallbar.core.history` as entries of who,
  when and which fields changed from what to what, links included, and the versions of
  its parts (a working group's members, a matrix's scores, a case's ratings) as entries
  of the object. The "History" page and the CSV/JSON exports show the same entries.
- Delete: soft where the object is a public record (`is_public_record()`: decided or
  published, now or ever), hard only for drafts that never were, with confirmation;
  refused while other records depend on it. A soft delete can be undone
  (`record_restore`). A kind is deletable when its model has `deleted_at`/`deleted_by`
  (`hallbar.core.models.SoftDeletable`).

The pages (history, delete, restore, deleted records, exports) are served by one set of
views (`hallbar/organisation/record_views.py`); each app routes its kinds' URLs to them.

Every read here runs a fixed number of queries however long the history is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from hallbar.core import history
from hallbar.core.history import HistoryEntry, Labels
from hallbar.core.versions import UPDATED_AT, check_version

# --- kinds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """Rows whose versions belong to an object's history (a group's members, a matrix's
    scores): `parent` is their foreign key to the object, `subject(record, labels)` names
    one in an entry. Deleting the object deletes its parts; they never stand in its way."""

    model: type[models.Model]
    parent: str
    subject: Callable[[Any, Labels], str]
    # Entry kinds "<labels>_added/_changed/_removed" (history.KIND_LABELS).
    labels: str = "part"
    hidden: frozenset[str] = frozenset()


Visible = Callable[[Any, bool], models.QuerySet]


@dataclass(frozen=True)
class RecordKind:
    """A kind of object with a record, by the name used in URLs, rules and exports.

    Its pages are routed as `<app>:<name>_history`, `_delete`, `_restore` (URL kwargs
    `org_code` and `pk`), its page `<app>:<name>_detail` unless `detail_url` says
    otherwise, and `list_route` is the register to return to. The rules are
    `<rules>.delete_<name>` and `<rules>.restore_<name>` (`rules` defaults to `app`).
    """

    name: str
    model: type[models.Model]
    app: str
    list_route: str
    parts: tuple[Part, ...] = ()
    # Owned rows (cascade with the object) that are not parts: never dependents.
    owned: tuple[type[models.Model], ...] = ()
    rules: str = ""
    # The objects a reader sees (drafts or not); default: all the organisation's.
    visible: Visible | None = None
    version_field: str = UPDATED_AT
    title: Callable[[Any], str] = history.default_title
    detail_url: Callable[[Any, models.Model], str] | None = None
    # Fields of the object a history leaves out (besides history.NOT_SHOWN).
    hidden: frozenset[str] = frozenset()
    # Why an object may not be deleted at all (a published, frozen edition): the message,
    # or "" when it may.
    refusal: Callable[[Any], str] | None = None
    # Called in the transaction just before an object is removed for good (hard delete):
    # to remove what refers to it loosely (generic relations).
    before_removal: Callable[[Any], None] | None = None

    @property
    def rule_prefix(self) -> str:
        return self.rules or self.app

    @property
    def deletable(self) -> bool:
        names = {f.name for f in self.model._meta.concrete_fields}
        return {"deleted_at", "deleted_by"} <= names

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    def route(self, page: str) -> str:
        return f"{self.app}:{self.name}_{page}"

    def url(self, page: str, organisation: Any, pk: int) -> str:
        return reverse(self.route(page), kwargs={"org_code": organisation.code, "pk": pk})

    def list_url(self, organisation: Any) -> str:
        return reverse(self.list_route, kwargs={"org_code": organisation.code})

    def object_url(self, organisation: Any, obj: models.Model | None) -> str:
        """The object's page, or the register if it has none any more."""
        if obj is None or getattr(obj, "deleted_at", None) is not None:
            return self.list_url(organisation)
        if self.detail_url is not None:
            return self.detail_url(organisation, obj)
        return self.url("detail", organisation, obj.pk)

    def visible_objects(self, organisation: Any, include_drafts: bool) -> models.QuerySet:
        if self.visible is not None:
            return self.visible(organisation, include_drafts)
        return self.model._default_manager.filter(organisation=organisation)

    def all_objects(self, organisation: Any) -> models.QuerySet:
        """Deleted ones included."""
        return self.model._base_manager.filter(organisation=organisation)


_KINDS: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    """Add a kind (from its app's AppConfig.ready()). Names are unique across apps."""
    existing = _KINDS.get(kind.name)
    if existing is not None and existing.model is not kind.model:
        raise ValueError(f"Record kind {kind.name!r} is already {existing.model.__name__}.")
    _KINDS[kind.name] = kind
    return kind


def kinds() -> dict[str, RecordKind]:
    return dict(_KINDS)


def kind_of(name: str) -> RecordKind | None:
    return _KINDS.get(name)


def kind_for(model: type[models.Model]) -> RecordKind | None:
    return next((kind for kind in _KINDS.values() if kind.model is model), None)


# --- history -----------------------------------------------------------------------------


def _part_of(part: Part, titles: Mapping[int, str]) -> history.PartOf:
    parent_id = f"{part.parent}_id"

    def part_of(record: Any, labels: Labels) -> tuple[int, str, str]:
        object_id = getattr(record, parent_id)
        return object_id, titles.get(object_id, ""), part.subject(record, labels)

    return part_of


def _has_organisation(model: type[models.Model]) -> bool:
    return any(f.name == "organisation" for f in model._meta.concrete_fields)


def _entries_with_parts(
    kind: RecordKind, organisation: Any, records: list[Any], parent_ids: Iterable[int] | None
) -> list[HistoryEntry]:
    """Entries of the object versions `records` and of their parts' versions; the
    parts of the objects `parent_ids` (None: all of the organisation's)."""
    found = history.entries(
        kind.model, records, kind.name, title=kind.title, hidden=history.NOT_SHOWN | kind.hidden
    )
    titles = {entry.object_id: entry.object_title for entry in found}  # the newest wins
    ids = None if parent_ids is None else list(parent_ids)
    for part in kind.parts:
        filters: dict[str, Any] = {}
        if ids is not None:
            filters[f"{part.parent}_id__in"] = ids
        elif _has_organisation(part.model):
            # A part model may belong to several kinds (a remark on a case or on a
            # conflict): only the rows of this kind's objects.
            filters["organisation"] = organisation
            filters[f"{part.parent}_id__isnull"] = False
        else:
            filters[f"{part.parent}_id__in"] = sorted(titles)
        part_records = history.versions(part.model, **filters)
        found += history.entries(
            part.model,
            part_records,
            kind.name,
            part_of=_part_of(part, titles),
            part=part.labels,
            hidden=history.NOT_SHOWN | {part.parent} | part.hidden,
        )
    return found


def object_history(*, organisation: Any, kind: str, pk: int) -> list[HistoryEntry]:
    """Every recorded version of one object of the organisation and of its parts,
    newest first. Also for an object removed for good: its versions are kept."""
    record_kind = _KINDS[kind]
    records = history.versions(record_kind.model, organisation=organisation, id=pk)
    return history.newest_first(_entries_with_parts(record_kind, organisation, records, [pk]))


def organisation_history(
    *, organisation: Any, kinds: Sequence[str] | None = None
) -> list[HistoryEntry]:
    """Every recorded version of the organisation's objects of these kinds (all kinds if
    none are given), newest first: the export of the whole record."""
    found: list[HistoryEntry] = []
    for name in kinds or _KINDS:
        record_kind = _KINDS[name]
        records = history.versions(record_kind.model, organisation=organisation)
        found += _entries_with_parts(record_kind, organisation, records, None)
    return history.newest_first(found)


@dataclass(frozen=True)
class HistorySubject:
    """What a history page is about: the object, or what is left of one removed."""

    kind: str
    pk: int
    title: str
    obj: models.Model | None

    @property
    def record_kind(self) -> RecordKind:
        return _KINDS[self.kind]

    @property
    def is_removed(self) -> bool:
        return self.obj is None

    @property
    def is_deleted(self) -> bool:
        return self.obj is not None and getattr(self.obj, "deleted_at", None) is not None

    @property
    def verbose_name(self) -> str:
        return self.record_kind.verbose_name

    @property
    def history_route(self) -> str:
        return self.record_kind.route("history")


def history_subject(*, organisation: Any, kind: str, pk: int) -> HistorySubject | None:
    """The object a history page shows, deleted ones included; for one removed for good,
    its last recorded title. None if the organisation never had it."""
    record_kind = _KINDS[kind]
    obj = record_kind.all_objects(organisation).filter(pk=pk).first()
    if obj is not None:
        return HistorySubject(kind, pk, record_kind.title(obj) or str(obj), obj)
    last = (
        record_kind.model.history.filter(organisation=organisation, id=pk)  # type: ignore[attr-defined]
        .order_by("-history_date", "-history_id")
        .first()
    )
    if last is None:
        return None
    return HistorySubject(kind, pk, record_kind.title(last) or str(last), None)


def removed_objects(*, organisation: Any) -> list[HistorySubject]:
    """Objects removed for good (drafts), newest first, from their last recorded version."""
    found: list[tuple[dt.datetime, HistorySubject]] = []
    for name, record_kind in _KINDS.items():
        rows = record_kind.model.history.filter(  # type: ignore[attr-defined]
            organisation=organisation, history_type="-"
        ).order_by("-history_date")
        found += [
            (
                row.history_date,
                HistorySubject(name, row.id, record_kind.title(row) or str(row), None),
            )
            for row in rows
        ]
    return [subject for _date, subject in sorted(found, key=lambda pair: pair[0], reverse=True)]


def deleted_objects(*, organisation: Any) -> list[HistorySubject]:
    """Soft-deleted objects of every deletable kind, most recently deleted first."""
    found: list[HistorySubject] = []
    for name, record_kind in _KINDS.items():
        if not record_kind.deletable:
            continue
        rows = record_kind.all_objects(organisation).filter(deleted_at__isnull=False)
        found += [
            HistorySubject(name, row.pk, record_kind.title(row) or str(row), row) for row in rows
        ]
    return sorted(found, key=lambda subject: subject.obj.deleted_at, reverse=True)


# --- delete and restore ------------------------------------------------------------------


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
    refusal: str = ""

    @property
    def allowed(self) -> bool:
        return not self.dependents and not self.refusal


DEPENDENTS_NAMED = 5


# Models whose rows refer to others as evidence (a goal conflict names the action that
# raised it): they never stand in the way of deleting what they refer to, but make the
# delete soft, so that they keep pointing at a record (`register_reference`).
_REFERENCES: set[type[models.Model]] = set()


def register_reference(model: type[models.Model]) -> None:
    _REFERENCES.add(model)


def _reverse_relations(model: type[models.Model], *, references: bool) -> list[Any]:
    """Relations of other rows to `model`'s rows, hidden ones (`related_name="+"`)
    included; with `references`, also those of evidence models (`register_reference`)."""
    record_kind = kind_for(model)
    owned = set(record_kind.owned) if record_kind else set()
    owned |= {part.model for part in record_kind.parts} if record_kind else set()
    return [
        rel
        for rel in model._meta.get_fields(include_hidden=True)
        if rel.auto_created
        and not rel.concrete
        and (rel.one_to_many or rel.one_to_one)
        # History tables refer to everything; they are the record, not a dependent.
        and not issubclass(rel.related_model, HistoricalChanges)
        # Link tables of many-to-many fields belong to the row that holds the links.
        and not rel.related_model._meta.auto_created
        and rel.related_model not in owned
        and (references or rel.related_model not in _REFERENCES)
    ]


def dependents(obj: models.Model) -> tuple[Dependents, ...]:
    """Records still in use that refer to `obj`: a plan's actions, a goal's sub-goals."""
    found = []
    for rel in _reverse_relations(type(obj), references=False):
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
        for rel in _reverse_relations(type(obj), references=True)
    )


def delete_plan(obj: Any) -> DeletePlan:
    record_kind = kind_for(type(obj))
    refusal = record_kind.refusal(obj) if record_kind and record_kind.refusal else ""
    found = dependents(obj)
    soft = bool(found) or obj.is_public_record() or _referred_to_at_all(obj)
    return DeletePlan(soft=soft, dependents=found, refusal=refusal)


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


# Sent inside the transaction after a soft delete (`deleted=True`) or a restore
# (`deleted=False`) of `instance`: apps whose derived state depends on the object (the
# priorities in force, the published matrix) re-check it, usually on commit.
deletion_changed = Signal()


def _save_deletion(obj: Any, user: AbstractBaseUser | None, deleted: bool) -> None:
    """Save a soft delete or its undoing as a new version of the object: an edit
    started before it is then refused (its version changed)."""
    obj._history_user = user
    obj.deleted_at = timezone.now() if deleted else None
    obj.deleted_by = user if deleted else None
    update_fields = ["deleted_at", "deleted_by"]
    if any(f.name == UPDATED_AT for f in obj._meta.concrete_fields):
        update_fields.append(UPDATED_AT)  # auto_now
    record_kind = kind_for(type(obj))
    if record_kind is not None and record_kind.version_field != UPDATED_AT:
        name = record_kind.version_field
        setattr(obj, name, getattr(obj, name) + 1)
        update_fields.append(name)
    obj.save(update_fields=update_fields)
    deletion_changed.send(sender=type(obj), instance=obj, deleted=deleted)


@transaction.atomic
def record_delete(
    *,
    obj: Any,
    user: AbstractBaseUser | None,
    expected_version: Any,
    reason: str = "",
) -> str:
    """Delete an object of a registered kind: "soft" (kept, hidden, restorable) for a
    public record, "hard" (removed; its history stays) for a draft that never was.
    Refused while other records depend on it, and if it changed since
    `expected_version`."""
    record_kind = kind_for(type(obj))
    check_version(
        obj, expected_version, field=record_kind.version_field if record_kind else UPDATED_AT
    )
    plan = delete_plan(obj)
    if plan.refusal:
        raise DeleteRefused(plan.refusal)
    if not plan.allowed:
        raise DeleteRefused(dependents_message(plan.dependents))
    obj._history_user = user
    obj._change_reason = reason[:100]
    if not plan.soft:
        if record_kind is not None and record_kind.before_removal is not None:
            record_kind.before_removal(obj)
        obj.delete()
        return "hard"
    _save_deletion(obj, user, deleted=True)
    return "soft"


@transaction.atomic
def record_restore(*, obj: Any, user: AbstractBaseUser | None) -> Any:
    """Undo a soft delete. Refused while what it belongs to (its plan, parent document
    or goal) is itself deleted: restore that first."""
    obj = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if obj.deleted_at is None:
        return obj
    for model_field in obj._meta.concrete_fields:
        if not model_field.is_relation or model_field.name == "deleted_by":
            continue
        related = {f.name for f in model_field.related_model._meta.concrete_fields}
        if "deleted_at" not in related:
            continue
        parent = getattr(obj, model_field.name)
        if parent is not None and parent.deleted_at is not None:
            raise DeleteRefused(
                _("Restore “%(parent)s” first: it is deleted, and this belongs to it.")
                % {"parent": parent}
            )
    _save_deletion(obj, user, deleted=False)
    return obj


# --- exports: one contract, `render(params) -> (filename, content type, bytes)` -----------


class Export(Protocol):
    """An export served by an export view. `internal` exports are for readers who see
    drafts (the organisation's own people); the view checks that."""

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


def spreadsheet_safe(value: str) -> str:
    """A CSV cell as text: one starting with these would run as a formula in a
    spreadsheet. A number stays a number (a score of −2 is "-2")."""
    if value[:1] not in ("=", "+", "-", "@", "\t", "\r"):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


class HistoryExport:
    """The history of one object (`kind` and `pk`), of all objects of one kind, or of
    all of the organisation's records, as CSV (one row per changed field) or JSON (one
    object per version)."""

    internal = True

    def __init__(self, name: str, format: str) -> None:
        self.name = name
        self.format = format

    def render(self, params: Mapping[str, Any]) -> tuple[str, str, bytes]:
        organisation = params["organisation"]
        kind = params.get("kind") or None
        pk = params.get("pk") or None
        if kind is not None and kind not in _KINDS:
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
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _history_json(organisation: Any, entries: Iterable[HistoryEntry]) -> bytes:
    versions = []
    for entry in entries:
        data = asdict(entry)
        data["date"] = timezone.localtime(entry.date).isoformat()
        data["change"] = data.pop("kind")
        data.pop("history_id")
        versions.append(data)
    document = {"organisation": organisation.code, "versions": versions}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


HISTORY_EXPORTS: dict[str, Export] = {
    export.name: export
    for export in (HistoryExport("history-csv", "csv"), HistoryExport("history-json", "json"))
}
