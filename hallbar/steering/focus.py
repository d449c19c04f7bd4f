"""The prioritised targets steering's registers focus on, from a later app.

The status analysis decides which targets the municipality prioritises; steering
documents, goals and actions should focus on them. Steering sits left of the status
analysis in the dependency order and must not import it, so the later app registers a
provider in its `AppConfig.ready()`:

    from hallbar.steering import focus
    focus.register("status_analysis.priorities", prioritised_targets_provider)

A provider is called with `organisation` and `sees_drafts` (keywords: whether the reader
is one of the organisation's own, who may see drafts) and returns a `Focus` (the
prioritised targets and what they come from) or None when it has nothing to say. It must
run a bounded number of queries (one, for the whole page: never per row).

`focus_for` asks the providers in `order` and returns the first answer. With none
registered (steering alone) or none answering, it returns None: the registers then show
no "Prioritised" badge and no filter for it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from hallbar.organisation.models import Organisation


@dataclass(frozen=True)
class Focus:
    """The prioritised targets of an organisation and what they come from."""

    target_ids: frozenset[int]
    codes: frozenset[str]
    source: str  # what they come from, for the reader: e.g. "Status analysis 2025"
    url: str = ""  # where that is shown (a page listing them)
    is_draft: bool = False  # from a draft: only the organisation's own readers get it

    def __contains__(self, target: object) -> bool:
        return getattr(target, "pk", target) in self.target_ids


Provider = Callable[..., Focus | None]


@dataclass(frozen=True)
class _Registration:
    key: str
    order: int
    provider: Provider


_registry: dict[str, _Registration] = {}


def register(key: str, provider: Provider, *, order: int = 100) -> None:
    """Add (or replace, by `key`: ready() may run more than once) a provider."""
    _registry[key] = _Registration(key, order, provider)


def registered() -> list[str]:
    return [r.key for r in sorted(_registry.values(), key=lambda r: (r.order, r.key))]


def focus_for(organisation: Organisation, *, sees_drafts: bool) -> Focus | None:
    """The organisation's prioritised targets as the reader may see them, or None."""
    for registration in sorted(_registry.values(), key=lambda r: (r.order, r.key)):
        found = registration.provider(organisation=organisation, sees_drafts=sees_drafts)
        if found is not None:
            return found
    return None
