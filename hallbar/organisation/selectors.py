"""Reads of the organisation app: the mandates' history."""

from dataclasses import dataclass

from hallbar.core import history
from hallbar.organisation.models import Body, Mandate, MandateKind, MandateScope, Organisation


@dataclass(frozen=True)
class MandateHistoryEntry:
    entry: history.HistoryEntry
    mandate: str  # "Tekniska nämnden: Decide – Actions", as of its last version


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def mandate_history(
    *, organisation: Organisation, pk: int | None = None
) -> list[MandateHistoryEntry]:
    """Who changed which mandate when, field by field (old → new), newest first; a
    removed mandate's history included. A fixed number of queries however long the
    history is."""
    filters: dict = {"organisation": organisation}
    if pk is not None:
        filters["id"] = pk
    versions = history.versions(Mandate, **filters)
    bodies = dict(Body.objects.for_organisation(organisation).values_list("pk", "name"))
    # Each entry names its mandate as the mandate's last version had it.
    names = {
        version.id: f"{bodies.get(version.body_id, '–')}: "
        f"{_label(MandateKind, version.kind)} – {_label(MandateScope, version.scope)}"
        for version in versions
    }
    entries = history.newest_first(history.entries(Mandate, versions, "mandate"))
    return [MandateHistoryEntry(entry, names.get(entry.object_id, "")) for entry in entries]
