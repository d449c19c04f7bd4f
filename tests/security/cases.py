"""The shape of a declared access case and its shorthands (see matrix.py)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from tests.personas import (
    ANONYMOUS,
    EVERYONE,
    INTERNAL,
)

AUTHENTICATED = EVERYONE - {ANONYMOUS}


@dataclass(frozen=True)
class Case:
    allowed: frozenset[str]
    obj: str | None = None  # the world object whose id fills pk / action_id
    methods: tuple[str, ...] = ("GET",)
    ok: Mapping[str, int] = field(default_factory=dict)  # status for the allowed, by method
    refused: int = 403
    hidden: bool = False
    # Extra kwargs: "@key" is a world object's id, "#key" its indicator code.
    kwargs: tuple[tuple[str, str], ...] = ()
    anonymous: int | None = None  # what a refused visitor gets instead of the login page
    login_url: str = "/accounts/login/"
    pending: str | None = None

    def ok_status(self, method: str) -> int:
        return self.ok.get(method, 200)


def page(allowed=EVERYONE, **options) -> Case:
    return Case(frozenset(allowed), **options)


def form(allowed, **options) -> Case:
    """A create/edit page: GET shows the form, an empty POST shows it again with errors."""
    return Case(frozenset(allowed), methods=("GET", "POST"), **options)


# Pages of the organisation's own readers that answer 404 to other logged-in users.
def internal(**options) -> Case:
    return Case(INTERNAL, refused=404, **options)
