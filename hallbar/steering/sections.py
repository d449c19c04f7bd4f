"""Sections that later apps add to steering's pages: the Agenda goal and target pages,
and the page of one object (a document, goal, action or working group).

Steering draws the goal and target pages but must not import the apps to its right in
the dependency order (followup, the status analysis, …). Those apps register a provider
per page kind in their `AppConfig.ready()`:

    from hallbar.steering import sections
    sections.register("target", "followup.indicators", indicator_target_section, order=20)

A provider is called with a `SectionRequest` (keyword `page`) and returns a `Section` (a
template name and its context) or None to show nothing. It must run a bounded number of
queries. The page renders each section's template with the page's request, the
organisation and the section's own context, in `order`.

Object pages work the same way with `register_object_section(key, provider)`: the
provider is called with `request` and `obj` (keywords) and returns a `Section` or None
(engagement's comments and proposals use it).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from hallbar.agenda.models import Goal, Target
from hallbar.organisation.models import Organisation

GOAL, TARGET = "goal", "target"
PAGE_KINDS = frozenset({GOAL, TARGET})


@dataclass(frozen=True)
class SectionRequest:
    """What a provider knows about the page: whose it is, who reads it, and its subject."""

    organisation: Organisation
    sees_drafts: bool  # the reader is one of the organisation's own (drafts, private rows)
    goal: Goal
    targets: QuerySet[Target]  # the goal's targets, or the one target
    target: Target | None = None  # set on a target page
    actor: Any = None  # organisation.permissions.Actor, for permission-dependent links


@dataclass(frozen=True)
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


Provider = Callable[..., Section | None]


@dataclass(frozen=True)
class _Registration:
    key: str
    order: int
    provider: Provider


_registry: dict[str, dict[str, _Registration]] = {kind: {} for kind in PAGE_KINDS}


def register(kind: str, key: str, provider: Provider, *, order: int = 100) -> None:
    """Add (or replace, by `key`: ready() may run more than once) a page section."""
    if kind not in PAGE_KINDS:
        raise ValueError(f"Unknown page kind {kind!r}: one of {sorted(PAGE_KINDS)}")
    _registry[kind][key] = _Registration(key, order, provider)


_object_registry: dict[str, _Registration] = {}


def register_object_section(key: str, provider: Provider, *, order: int = 100) -> None:
    """Add (or replace, by `key`) a section of the page of one steering object."""
    _object_registry[key] = _Registration(key, order, provider)


def render_object_sections(request: HttpRequest, obj: Any) -> list[SafeString]:
    """Each registered object section for `obj`, rendered, in order."""
    rendered = []
    for registration in sorted(_object_registry.values(), key=lambda r: (r.order, r.key)):
        section = registration.provider(request=request, obj=obj)
        if section is not None:
            context = {"organisation": obj.organisation, **section.context}
            rendered.append(render_to_string(section.template, context, request=request))
    return rendered


def registered(kind: str) -> list[str]:
    return [r.key for r in sorted(_registry[kind].values(), key=lambda r: (r.order, r.key))]


def render_sections(kind: str, request: HttpRequest, page: SectionRequest) -> list[SafeString]:
    """Each registered section of the page kind, rendered, in order."""
    rendered = []
    for registration in sorted(_registry[kind].values(), key=lambda r: (r.order, r.key)):
        section = registration.provider(page=page)
        if section is None:
            continue
        context = {"organisation": page.organisation, **section.context}
        # render_to_string gives a SafeString: the template escaped what it shows.
        rendered.append(render_to_string(section.template, context, request=request))
    return rendered
