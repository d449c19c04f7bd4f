"""History of any model with `HistoricalRecords()`: its versions read as entries.

Each entry says who saved which version when, and which fields people edit changed
from what to what, links (many-to-many fields recorded with `m2m_fields`) included.
Linked rows are named as people know them: by `label_of`, which an app can teach
about its own models with `register_label` (e.g. a target by its code).

Every read here runs a fixed number of queries however long the history is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import get_m2m_field_name, get_m2m_reverse_field_name

# Columns a person does not edit: the history says who and when in its own columns,
# and a soft delete or restore is an entry of its own.
NOT_SHOWN = frozenset(
    {
        "id",
        "organisation",
        "created_at",
        "updated_at",
        "created_by",
        "deleted_at",
        "deleted_by",
        # An edit counter (optimistic locking): every version raises it.
        "version",
    }
)

KIND_LABELS = {
    "created": gettext_lazy("Created"),
    "changed": gettext_lazy("Changed"),
    "deleted": gettext_lazy("Deleted"),
    "restored": gettext_lazy("Restored"),
    "removed": gettext_lazy("Removed for good"),
    "member_added": gettext_lazy("Member added"),
    "member_changed": gettext_lazy("Member changed"),
    "member_removed": gettext_lazy("Member removed"),
    # A part of an object other than a member (a matrix's score, a case's rating); the
    # entry's subject names the part.
    "part_added": gettext_lazy("Part added"),
    "part_changed": gettext_lazy("Part changed"),
    "part_removed": gettext_lazy("Part removed"),
}


# How linked rows are named

_LABELS: dict[type[models.Model], Callable[[Any], str]] = {}
_SORT_KEYS: dict[type[models.Model], Callable[[Any], tuple[Any, ...]]] = {}


def register_label(
    model: type[models.Model],
    label: Callable[[Any], str],
    sort_key: Callable[[Any], tuple[Any, ...]] | None = None,
) -> None:
    """Name rows of `model` with `label` in histories and conflicts (instead of
    `str(row)`), listed in the order of `sort_key` (by default the label). The app
    that owns the model registers it, e.g. in its AppConfig.ready()."""
    _LABELS[model] = label
    if sort_key is not None:
        _SORT_KEYS[model] = sort_key


def _registered(table: Mapping[type, Callable], row: models.Model) -> Callable | None:
    for cls in type(row).__mro__:
        if cls in table:
            return table[cls]
    return None


def user_label(user: AbstractBaseUser | None) -> str:
    """A user as histories name them: full name, else user name; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]


def label_of(row: models.Model) -> str:
    """A linked row as a history names it."""
    label = _registered(_LABELS, row)
    if label is not None:
        return label(row)
    if isinstance(row, AbstractBaseUser):
        return user_label(row)
    return str(row)


def sort_key_of(row: models.Model) -> tuple[Any, ...]:
    sort_key = _registered(_SORT_KEYS, row)
    if sort_key is not None:
        return sort_key(row)
    return (label_of(row).casefold(), row.pk)


# Fields and their values as people read them


def history_model(model: type[models.Model]) -> type[models.Model]:
    """The model's table of versions (simple_history)."""
    return model.history.model  # type: ignore[attr-defined]


def shown_fields(
    model: type[models.Model], hidden: Collection[str] = NOT_SHOWN
) -> list[models.Field]:
    """The fields a history shows: what people edit, in the model's order, links last
    (those whose versions are recorded)."""
    recorded = history_model(model)
    m2m_names = {field.name for field in recorded._history_m2m_fields}
    # Fields the history leaves out (`excluded_fields`) have no past values to show.
    kept = {field.name for field in recorded._meta.concrete_fields}
    concrete = [f for f in model._meta.concrete_fields if f.name not in hidden and f.name in kept]
    m2m = [f for f in model._meta.many_to_many if f.name in m2m_names]
    return [*concrete, *m2m]


def raw_value(value: Any) -> Any:
    """A value as stored: a row by its primary key, a set of rows as a frozenset of keys."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        return frozenset(raw_value(item) for item in value)
    return value


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == frozenset()


def same_value(a: Any, b: Any) -> bool:
    """Equal as stored values; all kinds of empty are the same."""
    if is_empty(a) and is_empty(b):
        return True
    return a == b


class Labels:
    """Names of linked rows, fetched once per related model for a whole history:
    `want` every value, `resolve` once, then `format` each."""

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
            self._names[model] = {row.pk: (sort_key_of(row), label_of(row)) for row in rows}

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
        return format_scalar(field, value)


def format_scalar(field: models.Field, value: Any) -> str:
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


def m2m_ids_of_versions(
    model: type[models.Model], field: models.Field, history_ids: Sequence[int]
) -> dict[int, frozenset]:
    """history id → the linked ids recorded with that version (one query)."""
    m2m_history = getattr(history_model(model), field.name).model
    column = f"{get_m2m_reverse_field_name(field)}_id"
    linked: dict[int, set] = defaultdict(set)
    rows = m2m_history.objects.filter(history_id__in=history_ids).values_list("history_id", column)
    for history_id, pk in rows:
        linked[history_id].add(pk)
    return {history_id: frozenset(linked.get(history_id, ())) for history_id in history_ids}


def current_m2m_ids(obj: models.Model, field: models.Field) -> frozenset:
    """The ids linked to `obj` now, deleted rows included."""
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
    """One recorded version of an object (or of a part of it, such as a member)."""

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
    def is_part_change(self) -> bool:
        return self.kind.startswith(("member_", "part_"))


# For a part of an object (a working group's member): (record, labels) → the id and
# title of the object it belongs to, and the part's own name (the entry's subject).
PartOf = Callable[[Any, Labels], tuple[int, str, str]]


def _user_names(record: Any) -> tuple[str, str]:
    user = record.history_user
    if user is None:
        return "", ""
    return user_label(user), user.get_username()


def _kind(record: Any, previous: Any | None, part: str | None) -> str:
    if part is not None:
        return {"+": f"{part}_added", "-": f"{part}_removed"}.get(
            record.history_type, f"{part}_changed"
        )
    if record.history_type == "+":
        return "created"
    if record.history_type == "-":
        return "removed"
    # Models without soft delete have no deleted_at.
    deleted_now = getattr(record, "deleted_at", None) is not None
    was_deleted = getattr(previous, "deleted_at", None) is not None
    if deleted_now and not was_deleted:
        return "deleted"
    if was_deleted and not deleted_now:
        return "restored"
    return "changed"


def _changed(previous: Mapping[str, Any], current: Mapping[str, Any], name: str) -> bool:
    if not previous:
        # A first version shows what was filled in; an unticked box is not news.
        return not is_empty(current[name]) and current[name] is not False
    return not same_value(previous.get(name), current[name])


def entries(
    model: type[models.Model],
    records: list[Any],
    object_type: str,
    *,
    part_of: PartOf | None = None,
    part: str = "member",
    hidden: Collection[str] = NOT_SHOWN,
    title: Callable[[Any], str] | None = None,
) -> list[HistoryEntry]:
    """Entries for the versions (`versions(model, ...)`) of one model, each compared
    with the version before it of the same object, oldest first. Versions that changed
    nothing people edit are left out. With `part_of`, the versions are of parts of an
    object (members of a group, scores of a matrix): entries of the object, the part as
    their subject, their kind `<part>_added/_changed/_removed`. `title` names an object
    from its version (default: its title or name)."""
    fields = shown_fields(model, hidden)
    m2m_fields = [field for field in fields if field.many_to_many]
    history_ids = [record.history_id for record in records]
    linked = {field.name: m2m_ids_of_versions(model, field, history_ids) for field in m2m_fields}
    part_kind = part if part_of is not None else None

    def values(record: Any) -> dict[str, Any]:
        return {
            field.name: linked[field.name][record.history_id]
            if field.many_to_many
            else getattr(record, field.attname)
            for field in fields
        }

    labels = Labels()
    found_versions = []
    for record in records:
        current = values(record)
        found_versions.append((record, current))
        for field in fields:
            labels.want(field, current[field.name])
    labels.resolve()

    found: list[HistoryEntry] = []
    previous_of: dict[int, tuple[Any, dict[str, Any]]] = {}
    for record, current in found_versions:
        previous_record, previous = previous_of.get(record.id, (None, {}))
        previous_of[record.id] = (record, current)
        kind = _kind(record, previous_record, part_kind)
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
        if kind in ("changed", f"{part_kind}_changed") and not changes:
            continue
        user, username = _user_names(record)
        if part_of is not None:
            object_id, object_title, subject = part_of(record, labels)
        else:
            object_id = record.id
            object_title = (title or default_title)(record)
            subject = ""
        found.append(
            HistoryEntry(
                history_id=record.history_id,
                date=record.history_date,
                user=user,
                username=username,
                kind=kind,
                object_type=object_type,
                object_id=object_id,
                object_title=object_title,
                subject=subject,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return found


def default_title(obj: Any) -> str:
    """What an object (or a version of it) is called: its title, else its name."""
    return getattr(obj, "title", None) or getattr(obj, "name", None) or ""


def versions(model: type[models.Model], **filters: Any) -> list[Any]:
    """The model's recorded versions matching `filters`, oldest first, with their users."""
    return list(
        model.history.filter(**filters)  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )


def newest_first(found: Iterable[HistoryEntry]) -> list[HistoryEntry]:
    return sorted(found, key=lambda entry: (entry.date, entry.history_id), reverse=True)


def history_of(model: type[models.Model], object_type: str, **filters: Any) -> list[HistoryEntry]:
    """Entries of the model's versions matching `filters`, newest first: the usual read."""
    return newest_first(entries(model, versions(model, **filters), object_type))
