"""What proposals and comments can be about: the kinds of object, by a short key.

The key is what addresses carry (`/o/1961/comments/action/12/`, `?subject=action:12`).
Apps later in the dependency order add their own kinds from their `AppConfig.ready()`:

    from hallbar.engagement.subjects import SubjectKind, register
    register(SubjectKind("assessment", "status_analysis.assessment", "status_analysis:..."))

A subject is always looked up inside one organisation, and only for readers of its
internal drafts: proposals and comments are the organisation's internal work.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class SubjectKind:
    key: str
    model_label: str  # "steering.action"
    detail_url: str | None = None  # URL name taking org_code and pk

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)


SUBJECT_KINDS: dict[str, SubjectKind] = {}


def register(kind: SubjectKind) -> None:
    SUBJECT_KINDS[kind.key] = kind


for _kind in (
    SubjectKind("document", "steering.steeringdocument", "steering:document_detail"),
    SubjectKind("goal", "steering.localgoal", "steering:goal_detail"),
    SubjectKind("action", "steering.action", "steering:action_detail"),
    SubjectKind("working_group", "steering.workinggroup", "steering:working_group_detail"),
    SubjectKind("proposal", "engagement.proposal", "engagement:proposal_detail"),
):
    register(_kind)


def kind_of(obj: models.Model) -> SubjectKind | None:
    label = obj._meta.label_lower
    return next((kind for kind in SUBJECT_KINDS.values() if kind.model_label == label), None)


def find(organisation, key: str, pk: int | str | None) -> models.Model | None:
    """The organisation's object of kind `key` with this id, or None (unknown kind,
    another organisation's id, a deleted object)."""
    kind = SUBJECT_KINDS.get(key)
    try:
        pk = int(pk)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if kind is None or pk <= 0:
        return None
    return kind.model._default_manager.filter(organisation=organisation, pk=pk).first()


def parse(organisation, value: str | None) -> models.Model | None:
    """`"action:12"` → the organisation's action 12, or None."""
    key, _sep, pk = (value or "").partition(":")
    return find(organisation, key, pk)


def token(obj: models.Model) -> str:
    """The subject as forms and addresses carry it: `"action:12"`."""
    kind = kind_of(obj)
    if kind is None:
        raise LookupError(f"{obj._meta.label_lower} is not a subject of proposals")
    return f"{kind.key}:{obj.pk}"


def title(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    return getattr(obj, "title", None) or getattr(obj, "name", None) or str(obj)


def url(obj: models.Model | None, org_code: str) -> str | None:
    """The object's own page, if it has one."""
    kind = kind_of(obj) if obj is not None else None
    if kind is None or kind.detail_url is None:
        return None
    try:
        return reverse(kind.detail_url, kwargs={"org_code": org_code, "pk": obj.pk})
    except NoReverseMatch:
        return None


def verbose_name(obj: models.Model | None) -> str:
    return str(obj._meta.verbose_name) if obj is not None else ""
