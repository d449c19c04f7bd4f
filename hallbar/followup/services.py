"""Writes of the follow-up app: the shipped Kolada reference data (areas, groups, KPIs)
and observations imported from a file (CSV or Excel)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from hallbar.followup.models import (
    Area,
    AreaKind,
    Kpi,
    KpiSource,
    MissingReason,
    Observation,
    ObservationRevision,
)
from hallbar.followup.observation_import import (
    SHARED_ONLY,
    ObservationRow,
    read_observation_file,
)

if TYPE_CHECKING:
    from hallbar.organisation.models import Organisation

DATA = Path(__file__).resolve().parent / "data"
KOLADA_AREAS = DATA / "kolada_areas.json.gz"
KOLADA_KPIS = DATA / "kolada_kpis.json.gz"


# Kolada reference data: areas, groups with their members, KPI definitions


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed"
        )


@dataclass
class KoladaLoadSummary:
    areas: Tally = field(default_factory=Tally)
    members_added: int = 0
    members_removed: int = 0
    kpis: Tally = field(default_factory=Tally)

    @property
    def changed(self) -> bool:
        return bool(
            self.areas.created
            or self.areas.updated
            or self.members_added
            or self.members_removed
            or self.kpis.created
            or self.kpis.updated
            or self.kpis.removed
        )

    def __str__(self) -> str:
        return "\n".join(
            [
                f"Areas: {self.areas.created} created, {self.areas.updated} updated, "
                f"{self.areas.unchanged} unchanged.",
                f"Group members: {self.members_added} added, {self.members_removed} removed.",
                f"Kolada KPIs: {self.kpis}"
                + " (removed ones are flagged as removed at the source, never deleted).",
            ]
        )


def _read_gzip_json(path: Path) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _kpi_values(item: dict[str, Any]) -> dict[str, Any]:
    """The Kpi fields the shipped file decides; others (title_en, unit) stay as set here."""
    return {
        "title_sv": item["title"],
        "description": item["description"],
        "is_divided_by_gender": item["is_divided_by_gender"],
        "operating_area": item["operating_area"],
        "publication_period": item["publ_period"],
    }


@transaction.atomic
def kolada_reference_load(
    *,
    areas_path: Path = KOLADA_AREAS,
    kpis_path: Path = KOLADA_KPIS,
    now: datetime | None = None,
) -> KoladaLoadSummary:
    """Create or update Kolada's areas (municipalities, regions, the country, groups),
    the groups' members and the shared Kolada KPIs from the shipped files; idempotent.

    Everything is compared in memory first and only differences are written, in bulk: a
    second run with the same files writes nothing. Areas are never deleted (observations
    refer to them); a group's members follow the file exactly. A KPI the file no longer
    has gets `removed_at_source`, and loses it if it comes back; none is deleted.
    """
    now = now or timezone.now()
    summary = KoladaLoadSummary()
    _load_areas(_read_gzip_json(areas_path)["areas"], summary)
    _load_kpis(_read_gzip_json(kpis_path)["kpis"], summary, now)
    return summary


def _load_areas(items: list[dict[str, Any]], summary: KoladaLoadSummary) -> None:
    existing = {area.code: area for area in Area.objects.all()}
    to_create: list[Area] = []
    to_update: list[Area] = []
    for item in items:
        area = existing.get(item["code"])
        if area is None:
            to_create.append(Area(code=item["code"], kind=item["kind"], title=item["title"]))
        elif (area.kind, area.title) != (item["kind"], item["title"]):
            area.kind, area.title = item["kind"], item["title"]
            to_update.append(area)
        else:
            summary.areas.unchanged += 1
    Area.objects.bulk_create(to_create, batch_size=2000)
    Area.objects.bulk_update(to_update, ["kind", "title"], batch_size=500)
    summary.areas.created, summary.areas.updated = len(to_create), len(to_update)

    ids = dict(Area.objects.values_list("code", "pk"))
    groups = [item for item in items if item["kind"] == AreaKind.GROUP]
    wanted = {(ids[item["code"]], ids[member]) for item in groups for member in item["members"]}
    through = Area.members.through
    current = {
        (from_id, to_id): pk
        for pk, from_id, to_id in through.objects.filter(
            from_area_id__in=[ids[item["code"]] for item in groups]
        ).values_list("pk", "from_area_id", "to_area_id")
    }
    stale = [pk for pair, pk in current.items() if pair not in wanted]
    through.objects.filter(pk__in=stale).delete()
    through.objects.bulk_create(
        [
            through(from_area_id=from_id, to_area_id=to_id)
            for from_id, to_id in sorted(wanted - current.keys())
        ],
        batch_size=5000,
    )
    summary.members_added, summary.members_removed = len(wanted - current.keys()), len(stale)


def _load_kpis(items: list[dict[str, Any]], summary: KoladaLoadSummary, now: datetime) -> None:
    shared = Kpi.objects.filter(source=KpiSource.KOLADA, organisation__isnull=True)
    existing = {kpi.code: kpi for kpi in shared}
    fields = [*_kpi_values(items[0]), "removed_at_source"] if items else []
    to_create: list[Kpi] = []
    to_update: list[Kpi] = []
    for item in items:
        values = _kpi_values(item) | {"removed_at_source": None}
        kpi = existing.pop(item["id"], None)
        if kpi is None:
            to_create.append(Kpi(source=KpiSource.KOLADA, code=item["id"], **values))
        elif any(getattr(kpi, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(kpi, name, value)
            to_update.append(kpi)
        else:
            summary.kpis.unchanged += 1
    # What is left was removed at the source: flag it once, keep it and its values.
    for kpi in existing.values():
        if kpi.removed_at_source is None:
            kpi.removed_at_source = now
            to_update.append(kpi)
            summary.kpis.removed += 1
        else:
            summary.kpis.unchanged += 1
    Kpi.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        Kpi.objects.bulk_update(to_update, fields or ["removed_at_source"], batch_size=500)
    summary.kpis.created = len(to_create)
    summary.kpis.updated = len(to_update) - summary.kpis.removed


# Observations from a file


class SeriesKey(NamedTuple):
    """One time series: a KPI's values for an area and gender, over the years."""

    kpi_id: int
    area_id: int
    gender: str


@dataclass
class ObservationImportSummary:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    # The series with a new or changed value; see `affected_series`.
    series: frozenset[SeriesKey] = frozenset()

    def __str__(self) -> str:
        text = gettext(
            "Imported: %(created)d new, %(changed)d changed, %(unchanged)d unchanged."
        ) % {"created": self.created, "changed": self.changed, "unchanged": self.unchanged}
        if self.ignored_columns:
            text += " " + ngettext(
                "The column %(columns)s is not imported and was ignored.",
                "The columns %(columns)s are not imported and were ignored.",
                len(self.ignored_columns),
            ) % {"columns": ", ".join(self.ignored_columns)}
        return text


def affected_series(summary: ObservationImportSummary) -> frozenset[SeriesKey]:
    """The series (KPI, area, gender) in which an import created or changed a value.

    These, and only these, need their progress toward target (METHODS.md §1) computed
    again after the import; an import that changed nothing affects none. This is the
    hand-over point from importing to the progress step.
    """
    return summary.series


def observation_import_codes(
    *, organisation: Organisation | None, shared_kpis: bool = True
) -> tuple[dict[str, int | None], dict[str, int | None]]:
    """The KPI and area codes a file may use, with their ids: every shared Kolada KPI
    and the organisation's own KPIs (which win over a Kolada KPI of the same code; None
    where two of its own share a code), and every area. Without `shared_kpis` (an upload
    by an organisation) shared KPIs are known but refused, as `SHARED_ONLY`: their
    figures are every organisation's, and come from the source."""
    kpis: dict[str, int | None] = {
        code: (pk if shared_kpis else SHARED_ONLY)
        for code, pk in Kpi.objects.filter(
            source=KpiSource.KOLADA, organisation__isnull=True
        ).values_list("code", "pk")
    }
    if organisation is not None:
        own: dict[str, int | None] = {}
        for code, pk in Kpi.objects.filter(organisation=organisation).values_list("code", "pk"):
            own[code] = None if code in own else pk
        kpis |= own
    areas: dict[str, int | None] = dict(Area.objects.values_list("code", "pk"))
    return kpis, areas


# Rows per statement: big enough that round trips do not matter, small enough for memory.
BATCH_SIZE = 5000


def observations_import(
    *,
    data: bytes,
    organisation: Organisation | None = None,
    source_name: str = "",
    shared_kpis: bool = True,
) -> ObservationImportSummary:
    """Import an observation file (see `hallbar.followup.observation_import`): all rows
    or none.

    The whole file is checked first; any problem raises ObservationFileError listing
    every bad row, and nothing is written. Otherwise every row is inserted or updated in
    one transaction: a failure anywhere leaves the database as it was. A changed value
    keeps the previous one as an ObservationRevision; a row whose value is already
    stored writes nothing, so importing the same file again reports 0 new, 0 changed.
    `source_name` (e.g. the file name) is recorded on the rows written.
    """
    kpi_codes, area_codes = observation_import_codes(
        organisation=organisation, shared_kpis=shared_kpis
    )
    parsed = read_observation_file(data, kpi_codes=kpi_codes, area_codes=area_codes)
    source = source_name[: Observation._meta.get_field("source").max_length]
    write = _write_postgresql if connection.vendor == "postgresql" else _write_portable
    summary = ObservationImportSummary(ignored_columns=parsed.ignored_columns)
    series: set[SeriesKey] = set()
    with transaction.atomic():
        for start in range(0, len(parsed.rows), BATCH_SIZE):
            batch = parsed.rows[start : start + BATCH_SIZE]
            created, changed = write(batch, source=source, series=series)
            summary.created += created
            summary.changed += changed
    summary.unchanged = len(parsed.rows) - summary.created - summary.changed
    summary.series = frozenset(series)
    return summary


def _missing_reason(row: ObservationRow) -> str:
    return "" if row.value is not None else MissingReason.MISSING


# One statement per batch. `changed` takes (and locks) only the stored rows whose value
# differs, `todo` adds the keys not stored yet; rows already right are not touched at all,
# so a repeated import writes nothing, not even a row lock. ON CONFLICT covers a row
# another transaction inserted meanwhile. Data-modifying CTEs see the same snapshot, so
# `revised` copies each value as it was before `upserted` replaced it.
_UPSERT_SQL = """
WITH input AS (
    SELECT * FROM unnest(
        %s::bigint[], %s::bigint[], %s::smallint[], %s::varchar[], %s::float8[], %s::varchar[]
    ) AS i (kpi_id, area_id, year, gender, value, missing_reason)
),
changed AS (
    SELECT o.id, o.value, o.missing_reason, o.fetched_at,
           o.kpi_id, o.area_id, o.year, o.gender
    FROM followup_observation o
    JOIN input i USING (kpi_id, area_id, year, gender)
    WHERE o.value IS DISTINCT FROM i.value OR o.missing_reason <> i.missing_reason
    FOR UPDATE OF o
),
todo AS (
    SELECT i.* FROM input i
    WHERE NOT EXISTS (
        SELECT 1 FROM followup_observation o
        WHERE (o.kpi_id, o.area_id, o.year, o.gender) = (i.kpi_id, i.area_id, i.year, i.gender)
    )
    UNION ALL
    SELECT i.* FROM input i JOIN changed c USING (kpi_id, area_id, year, gender)
),
upserted AS (
    INSERT INTO followup_observation AS o
        (kpi_id, area_id, year, gender, value, missing_reason, count, source, fetched_at)
    SELECT kpi_id, area_id, year, gender, value, missing_reason, NULL, %s::varchar, now()
    FROM todo
    ON CONFLICT (kpi_id, area_id, year, gender) DO UPDATE SET
        value = EXCLUDED.value,
        missing_reason = EXCLUDED.missing_reason,
        count = NULL,
        source = EXCLUDED.source,
        fetched_at = EXCLUDED.fetched_at
    WHERE o.value IS DISTINCT FROM EXCLUDED.value
       OR o.missing_reason <> EXCLUDED.missing_reason
    RETURNING o.id, o.kpi_id, o.area_id, o.gender
),
revised AS (
    INSERT INTO followup_observationrevision (observation_id, value, missing_reason, fetched_at,
                                              replaced_at)
    SELECT c.id, c.value, c.missing_reason, c.fetched_at, now()
    FROM changed c JOIN upserted u ON u.id = c.id
    RETURNING observation_id
)
SELECT u.kpi_id, u.area_id, u.gender,
       count(*) FILTER (WHERE r.observation_id IS NULL),
       count(r.observation_id)
FROM upserted u LEFT JOIN revised r ON r.observation_id = u.id
GROUP BY u.kpi_id, u.area_id, u.gender
"""


def _write_postgresql(
    rows: Sequence[ObservationRow], *, source: str, series: set[SeriesKey]
) -> tuple[int, int]:
    """Insert or update one batch with a single statement; (new, changed)."""
    params = [
        [row.kpi_id for row in rows],
        [row.area_id for row in rows],
        [row.year for row in rows],
        [row.gender for row in rows],
        [row.value for row in rows],
        [_missing_reason(row) for row in rows],
        source,
    ]
    created = changed = 0
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT_SQL, params)
        for kpi_id, area_id, gender, new, revised in cursor.fetchall():
            series.add(SeriesKey(kpi_id, area_id, gender))
            created += new
            changed += revised
    return created, changed


def _write_portable(
    rows: Sequence[ObservationRow], *, source: str, series: set[SeriesKey]
) -> tuple[int, int]:
    """The same as `_write_postgresql` through the ORM, for SQLite (`make run`)."""
    # Narrow by KPIs and areas, then match keys in memory; may read a few rows too many.
    stored = {
        (o.kpi_id, o.area_id, o.year, o.gender): o
        for o in Observation.objects.filter(
            kpi_id__in={row.kpi_id for row in rows},
            area_id__in={row.area_id for row in rows},
            year__in={row.year for row in rows},
        ).select_for_update()
    }
    now = timezone.now()
    to_create: list[Observation] = []
    to_update: list[Observation] = []
    revisions: list[ObservationRevision] = []
    for row in rows:
        reason = _missing_reason(row)
        observation = stored.get((row.kpi_id, row.area_id, row.year, row.gender))
        if observation is None:
            to_create.append(
                Observation(
                    kpi_id=row.kpi_id,
                    area_id=row.area_id,
                    year=row.year,
                    gender=row.gender,
                    value=row.value,
                    missing_reason=reason,
                    source=source,
                    fetched_at=now,
                )
            )
        elif observation.value != row.value or observation.missing_reason != reason:
            revisions.append(
                ObservationRevision(
                    observation=observation,
                    value=observation.value,
                    missing_reason=observation.missing_reason,
                    fetched_at=observation.fetched_at,
                    replaced_at=now,
                )
            )
            observation.value, observation.missing_reason = row.value, reason
            observation.count, observation.source, observation.fetched_at = None, source, now
            to_update.append(observation)
        else:
            continue
        series.add(SeriesKey(row.kpi_id, row.area_id, row.gender))
    Observation.objects.bulk_create(to_create)
    Observation.objects.bulk_update(
        to_update, ["value", "missing_reason", "count", "source", "fetched_at"]
    )
    ObservationRevision.objects.bulk_create(revisions)
    return len(to_create), len(to_update)
