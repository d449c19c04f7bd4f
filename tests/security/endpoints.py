"""Every URL the project serves, found by walking the URL configuration, and a way to
build a real address for each one with objects of a chosen organisation.

Nothing here knows the project's URLs: a URL added anywhere (a new app included in
hallbar/urls.py, a new API route) shows up, and the matrix fails until it has a rule.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter
from django.urls.resolvers import RegexPattern

from hallbar.converters import (
    IndicatorCodeConverter,
    OrganisationCodeConverter,
    TargetCodeConverter,
)

# Kwargs that name an object of the organisation: filled with the case's object.
OBJECT_KWARGS = frozenset({"pk", "action_id"})


@dataclass(frozen=True)
class Endpoint:
    name: str | None  # "steering:action_edit"; None for unnamed patterns (the admin's)
    route: str  # the full pattern, e.g. "o/<org:org_code>/actions/<int:pk>/edit/"
    converters: Mapping[str, Any]
    groups: tuple[str, ...]  # named groups of regex patterns
    positional: int = 0  # unnamed groups of regex patterns (simple_history's admin pages)

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def kwargs(self) -> tuple[str, ...]:
        return (*self.converters, *self.groups)

    @property
    def is_organisation_scoped(self) -> bool:
        return any(self._is_organisation(name) for name in self.converters)

    @property
    def names_objects(self) -> bool:
        return any(name in OBJECT_KWARGS or name == "goal_pk" for name in self.kwargs)

    def _is_organisation(self, name: str) -> bool:
        converter = self.converters.get(name)
        # The target and indicator converters derive from the organisation's.
        return type(converter) is OrganisationCodeConverter or (
            name == "code" and type(converter) is StringConverter
        )


def _walk(patterns, prefix: str, namespace: str | None, converters: dict) -> Iterator[Endpoint]:
    for pattern in patterns:
        found = {**converters, **getattr(pattern.pattern, "converters", {})}
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route, inner, found)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            groups, positional = (), 0
            if isinstance(pattern.pattern, RegexPattern):
                regex = pattern.pattern.regex
                groups = tuple(regex.groupindex)
                positional = regex.groups - len(groups)
            yield Endpoint(
                name=name, route=route, converters=found, groups=groups, positional=positional
            )


def all_endpoints(urlconf: str | None = None) -> list[Endpoint]:
    return list(_walk(get_resolver(urlconf).url_patterns, "", None, {}))


def _value(endpoint: Endpoint, name: str, objects: Mapping[str, Any], code: str, case) -> str:
    given = dict(case.kwargs)
    if name in given:
        value = given[name]
        if value.startswith("@"):
            return str(objects[value[1:]].pk)
        if value.startswith("#"):
            return objects[value[1:]].kpi.code
        return value
    converter = endpoint.converters.get(name)
    if name in OBJECT_KWARGS:
        if case.obj is None:
            raise LookupError(f"{endpoint.key}: the case names no object for {name!r}")
        return str(objects[case.obj].pk)
    if converter is not None and endpoint._is_organisation(name):
        return code
    if isinstance(converter, IndicatorCodeConverter):
        return "11.2.1"
    if isinstance(converter, TargetCodeConverter):
        return "11.2"
    if isinstance(converter, IntConverter) and name == "number":
        return "11"
    if isinstance(converter, IntConverter) and name == "goal_pk":
        return str(objects["goal_set_goal"].pk)
    if name == "app_label":
        return "organisation"
    if name == "url":
        return "no-such-page/"
    if isinstance(converter, PathConverter) or endpoint.route.startswith("admin/"):
        return "1"
    if isinstance(converter, StringConverter) and name in {"uidb64", "token"}:
        return {"uidb64": "MQ", "token": "set-password"}[name]
    if isinstance(converter, SlugConverter | StringConverter | IntConverter):
        raise LookupError(f"{endpoint.key}: give a value for {name!r} in the case's kwargs")
    raise LookupError(f"{endpoint.key}: no way to fill {name!r}; add one in endpoints.py")


def address(endpoint: Endpoint, objects: Mapping[str, Any], code: str, case) -> str:
    """The endpoint's path, with the given organisation's code and objects."""
    kwargs = {name: _value(endpoint, name, objects, code, case) for name in endpoint.kwargs}
    if endpoint.name and endpoint.positional:
        return reverse(endpoint.name, args=["1"] * endpoint.positional)
    if endpoint.name:
        return reverse(endpoint.name, kwargs=kwargs)
    # Unnamed patterns: fill the route itself.
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m.group(1)], endpoint.route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: kwargs[m.group(1)], path)
    return "/" + path.replace("^", "").replace("$", "")
