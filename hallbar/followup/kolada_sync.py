"""Kolada → the follow-up app: `manage.py kolada_sync --organisation 1961`.

One run, for one organisation:

1. **Metadata.** The Kolada KPIs the organisation follows (plus any it asks to add, which
   become its indicators) are read from Kolada and their definitions refreshed. A KPI Kolada
   no longer has gets `removed_at_source`; it is never deleted.
2. **Data.** Values of those KPIs for the organisation, its comparison groups, its county,
   the country and every area of its kind (all 290 municipalities, for the relative
   position), requested in chunks of at most 25 ids (`plan_chunks`).

How each page is handled (STYLE.md habit 7; ARCHITECTURE.md "Performance shape"):

* The HTTP request is made when the loop asks the client for the next page; the transaction
  starts only once the page is in memory, and holds the page's raw response and its rows —
  never a request. A page is the batch: **atomic per batch**.
* Rows are written with one statement per page (PostgreSQL; the ORM elsewhere) that touches
  only rows whose value differs, so a repeat writes nothing (**idempotent**). A changed value
  keeps the previous one as an `ObservationRevision`; a row Kolada flags `isdeleted` sets
  the stored value to null ("missing") and keeps the old value as a revision — history is
  never lost, and it is counted as *removed*. A raw response is stored only when its body
  differs from the latest one stored for the same URL.
* After each committed page, progress (METHODS.md §1) is recomputed for the series it
  changed (`hallbar.followup.status.progress_recompute`).
* A chunk is recorded as done in a small state file (`var/kolada_sync/<code>.json`) once its
  last page is committed. If Kolada fails, the pages already committed stay, and the next
  run continues with the chunks not done (**resumable**; a state older than
  `RESUME_WITHIN`, or one for another `from_date`, is not resumed). The state is written
  after the commit, so a crash in between only means that chunk is fetched again — which
  writes nothing, because the writes are idempotent.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from hallbar.followup.comparison import AREA_KIND_OF_ORGANISATION, comparison_area_codes
from hallbar.followup.models import (
    Area,
    AreaKind,
    Indicator,
    Kpi,
    KpiSource,
    MissingReason,
    Observation,
    ObservationRevision,
    RawResponse,
)
from hallbar.followup.services import SeriesKey
from hallbar.followup.status import progress_recompute
from hallbar.integrations.kolada import parsing
from hallbar.integrations.kolada.client import Chunk, KoladaClient, Page, plan_chunks
from hallbar.integrations.kolada.errors import KoladaError
from hallbar.organisation.models import Organisation

logger = logging.getLogger(__name__)

#: `Observation.source` of every value this sync writes.
SOURCE_NAME = "Kolada"
#: An interrupted run is continued only this soon after it started; later, a rerun starts
#: afresh, so that chunks fetched long ago are not silently skipped.
RESUME_WITHIN = timedelta(days=1)
STATE_VERSION = 1

# What the client accepts as an id (it refuses anything else with a ValueError).
_KPI_CODE = re.compile(r"[A-Za-z0-9_-]+")
_YEAR_MIN, _YEAR_MAX = 1900, 2100  # Observation's check constraint
#: Kolada's null values and the rows it flags `isdeleted` are stored as "missing".
MISSING: str = MissingReason.MISSING.value


# --- errors --------------------------------------------------------------------------------


class KoladaSyncError(Exception):
    """A sync refused before writing anything (a bad request, data not loaded)."""


class UnknownKpiError(KoladaSyncError):
    """KPI codes Kolada does not know, or that are not Kolada ids at all."""

    def __init__(self, codes: Sequence[str], *, malformed: bool = False) -> None:
        self.codes = tuple(codes)
        what = "not Kolada KPI ids" if malformed else "unknown to Kolada"
        listed = ", ".join(self.codes)
        super().__init__(f"KPI code(s) {what}: {listed}. Nothing was added.")


class KoladaSyncStopped(Exception):
    """Kolada failed during a sync. Pages committed before stay committed; the next run
    continues with the chunks not done. `summary` tells what had been done."""

    def __init__(self, cause: KoladaError, summary: KoladaSyncSummary) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.url = cause.url
        self.summary = summary


# --- results -------------------------------------------------------------------------------


@dataclass
class MetadataSummary:
    checked: int = 0
    created: list[str] = field(default_factory=list)  # shared Kpi rows created (via --kpi)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # newly flagged removed_at_source
    restored: list[str] = field(default_factory=list)  # back at the source
    indicators_added: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"Metadata: {self.checked} KPI(s) checked, {len(self.updated)} updated, "
            f"{len(self.removed)} no longer at Kolada (flagged, kept)."
        )
        if self.restored:
            text += f" Back at Kolada: {', '.join(self.restored)}."
        if self.indicators_added:
            text += f" Indicators added: {', '.join(self.indicators_added)}."
        return text


@dataclass
class DataSummary:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0  # rows for an area or year this database cannot hold
    pages: int = 0
    raw_responses: int = 0
    chunks_total: int = 0
    chunks_resumed: int = 0  # done by an earlier, interrupted run
    chunks_fetched: int = 0
    progress_records: int = 0
    kpis_without_data: tuple[str, ...] = ()
    series: set[SeriesKey] = field(default_factory=set)

    @property
    def rows(self) -> int:
        return self.new + self.changed + self.unchanged + self.removed + self.skipped

    def __str__(self) -> str:
        lines = [
            f"Data: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.removed} removed.",
            f"Chunks: {self.chunks_fetched + self.chunks_resumed} of {self.chunks_total} done"
            + (
                f" ({self.chunks_resumed} by an earlier, interrupted run)"
                if self.chunks_resumed
                else ""
            )
            + f"; {self.pages} page(s) read, {self.raw_responses} new raw response(s) stored.",
        ]
        if self.skipped:
            lines.append(
                f"Skipped {self.skipped} row(s) this database cannot hold (an area or KPI "
                f"not asked for, or a year outside {_YEAR_MIN}–{_YEAR_MAX})."
            )
        if self.series:
            lines.append(
                f"Values changed in {len(self.series)} series; progress recomputed for the "
                f"organisations' own ({self.progress_records} record(s) written)."
            )
        if self.kpis_without_data:
            lines.append(
                "No values from Kolada (or none changed since --from-date) for: "
                + ", ".join(self.kpis_without_data)
                + "."
            )
        return "\n".join(lines)


@dataclass
class KoladaSyncSummary:
    organisation: str
    metadata: MetadataSummary = field(default_factory=MetadataSummary)
    data: DataSummary = field(default_factory=DataSummary)

    def __str__(self) -> str:
        return f"Kolada sync of {self.organisation}.\n{self.metadata}\n{self.data}"


class SyncProgress(Protocol):
    """Where a sync reports its progress (the command draws a progress bar)."""

    def start(self, *, total: int, done: int) -> None: ...

    def page(self, data: DataSummary) -> None: ...

    def chunk_done(self) -> None: ...


class _Silent:
    def start(self, *, total: int, done: int) -> None:
        pass

    def page(self, data: DataSummary) -> None:
        pass

    def chunk_done(self) -> None:
        pass


# --- the run -------------------------------------------------------------------------------


def kolada_sync_run(
    *,
    organisation: Organisation,
    client: KoladaClient,
    add_kpis: Sequence[str] = (),
    from_date: date | None = None,
    state_dir: Path | None = None,
    restart: bool = False,
    progress: SyncProgress | None = None,
    now: datetime | None = None,
) -> KoladaSyncSummary:
    """Sync the organisation's Kolada KPIs: metadata, then data (see the module docstring).

    Raises `UnknownKpiError` (nothing written) for `add_kpis` Kolada does not know,
    `KoladaSyncError` when the organisation's area is not loaded, and `KoladaSyncStopped`
    when Kolada fails: completed pages stay committed and the next run resumes.
    """
    now = now or timezone.now()
    summary = KoladaSyncSummary(organisation=organisation.code)
    if not Area.objects.filter(code=organisation.code).exists():
        raise KoladaSyncError(
            f"Area {organisation.code} is not loaded: run manage.py load_kolada_reference first."
        )
    try:
        summary.metadata = kolada_metadata_refresh(
            organisation=organisation, client=client, add_kpis=add_kpis, now=now
        )
        kolada_data_sync(
            organisation=organisation,
            client=client,
            from_date=from_date,
            state_dir=state_dir,
            restart=restart,
            progress=progress,
            now=now,
            summary=summary.data,
        )
    except KoladaError as error:
        raise KoladaSyncStopped(error, summary) from error
    return summary


# --- metadata ------------------------------------------------------------------------------


def followed_kolada_kpis(organisation: Organisation) -> list[Kpi]:
    """The shared Kolada KPIs the organisation has indicators for, by code."""
    return list(
        Kpi.objects.filter(
            source=KpiSource.KOLADA,
            organisation__isnull=True,
            indicators__organisation=organisation,
        )
        .distinct()
        .order_by("code")
    )


_KPI_FIELDS = [
    "title_sv",
    "description",
    "is_divided_by_gender",
    "operating_area",
    "publication_period",
    "removed_at_source",
]


def _kpi_fields(kpi: parsing.Kpi) -> dict[str, object]:
    """The Kpi fields Kolada decides; others (title_en, unit) stay as set here."""
    return {
        "title_sv": kpi.title[: Kpi._meta.get_field("title_sv").max_length],
        "description": kpi.description,
        "is_divided_by_gender": kpi.is_divided_by_gender,
        "operating_area": kpi.operating_area[: Kpi._meta.get_field("operating_area").max_length],
        "publication_period": kpi.publ_period or "",
        "removed_at_source": None,
    }


def kolada_metadata_refresh(
    *,
    organisation: Organisation,
    client: KoladaClient,
    add_kpis: Sequence[str] = (),
    now: datetime | None = None,
) -> MetadataSummary:
    """Refresh the definitions of the organisation's Kolada KPIs, and add `add_kpis` to its
    indicators; only differences are written.

    All metadata is read first, outside any transaction; codes Kolada does not know raise
    `UnknownKpiError` before anything is written. A followed KPI Kolada no longer returns
    gets `removed_at_source` (kept, with its values); one that comes back loses it.
    """
    now = now or timezone.now()
    requested = _kpi_codes(add_kpis)
    followed = {kpi.code: kpi for kpi in followed_kolada_kpis(organisation)}
    codes = list(dict.fromkeys([*followed, *requested]))
    summary = MetadataSummary(checked=len(codes))
    if not codes:
        return summary

    # HTTP, before any transaction: a handful of pages (25 KPIs per request).
    at_kolada = {item.id: item for page in client.kpis(ids=codes) for item in page.items}
    unknown = [code for code in requested if code not in at_kolada]
    if unknown:
        raise UnknownKpiError(unknown)

    gender_changed: list[int] = []
    with transaction.atomic():
        stored = {
            kpi.code: kpi
            for kpi in Kpi.objects.filter(
                source=KpiSource.KOLADA, organisation__isnull=True, code__in=codes
            ).select_for_update()
        }
        to_update: list[Kpi] = []
        for code in codes:
            kpi = stored.get(code)
            item = at_kolada.get(code)
            if item is None:
                if kpi is not None and kpi.removed_at_source is None:
                    kpi.removed_at_source = now
                    to_update.append(kpi)
                    summary.removed.append(code)
                continue
            values = _kpi_fields(item)
            if kpi is None:
                stored[code] = Kpi.objects.create(source=KpiSource.KOLADA, code=code, **values)
                summary.created.append(code)
                continue
            if all(getattr(kpi, name) == value for name, value in values.items()):
                continue
            if kpi.removed_at_source is not None:
                summary.restored.append(code)
            if kpi.is_divided_by_gender != values["is_divided_by_gender"]:
                gender_changed.append(kpi.pk)
            for name, value in values.items():
                setattr(kpi, name, value)
            to_update.append(kpi)
            summary.updated.append(code)
        if to_update:
            Kpi.objects.bulk_update(to_update, _KPI_FIELDS)
        added = []
        for code in requested:
            if code not in followed:
                added.append(Indicator.objects.create(organisation=organisation, kpi=stored[code]))
                summary.indicators_added.append(code)

    # The new indicators' progress, and the series a KPI's gender breakdown added or
    # dropped; the data step below recomputes only series whose values it changed.
    if added:
        progress_recompute(indicators=added)
    if gender_changed:
        progress_recompute(kpi_ids=gender_changed)
    return summary


def _kpi_codes(codes: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    malformed = [code for code in cleaned if not _KPI_CODE.fullmatch(code)]
    if malformed:
        raise UnknownKpiError(malformed, malformed=True)
    return cleaned


# --- the plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncPlan:
    kpi_codes: tuple[str, ...]
    area_codes: tuple[str, ...]  # own, comparison groups, county, country, then the rest
    chunks: tuple[Chunk, ...]


def kolada_sync_plan(organisation: Organisation) -> SyncPlan:
    """What to fetch: the organisation's Kolada KPIs (those Kolada still has) for its own
    area, its comparison areas (SKR kommungrupp, "Liknande kommuner" groups, county,
    country; `comparison.comparison_area_codes`) and every stored area of its kind."""
    kpi_codes = tuple(
        kpi.code for kpi in followed_kolada_kpis(organisation) if kpi.removed_at_source is None
    )
    kind = AREA_KIND_OF_ORGANISATION.get(organisation.kind, AreaKind.MUNICIPALITY)
    peers = Area.objects.filter(kind=kind).order_by("code").values_list("code", flat=True)
    area_codes = tuple(dict.fromkeys([*comparison_area_codes(organisation), *peers]))
    chunks = plan_chunks(kpi_codes, area_codes) if kpi_codes and area_codes else ()
    return SyncPlan(kpi_codes=kpi_codes, area_codes=area_codes, chunks=chunks)


# --- resumable state -----------------------------------------------------------------------


def default_state_dir() -> Path:
    return Path(settings.BASE_DIR) / "var" / "kolada_sync"


@dataclass
class SyncState:
    """The chunks an unfinished run has completed, in a small JSON file per organisation.

    Written atomically (temporary file, then rename) after a chunk's last page committed;
    deleted when a run completes.
    """

    path: Path
    organisation: str
    from_date: str | None
    started_at: datetime
    done: set[str] = field(default_factory=set)
    seen_kpis: set[str] = field(default_factory=set)
    resumed: bool = False

    @classmethod
    def open(
        cls,
        directory: Path,
        *,
        organisation: str,
        from_date: str | None,
        now: datetime,
        restart: bool,
    ) -> SyncState:
        path = directory / f"{organisation}.json"
        fresh = cls(path=path, organisation=organisation, from_date=from_date, started_at=now)
        if restart or not path.exists():
            return fresh
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            started_at = datetime.fromisoformat(data["started_at"])
            saved = cls(
                path=path,
                organisation=data["organisation"],
                from_date=data["from_date"],
                started_at=started_at,
                done=set(data["done"]),
                seen_kpis=set(data["seen_kpis"]),
                resumed=True,
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.warning("Ignoring unreadable Kolada sync state %s: %s", path, error)
            return fresh
        if (
            data.get("version") != STATE_VERSION
            or saved.organisation != organisation
            or saved.from_date != from_date
            or not timedelta(0) <= now - started_at <= RESUME_WITHIN
        ):
            return fresh
        return saved

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "version": STATE_VERSION,
            "organisation": self.organisation,
            "from_date": self.from_date,
            "started_at": self.started_at.isoformat(),
            "done": sorted(self.done),
            "seen_kpis": sorted(self.seen_kpis),
        }
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(data, file, indent=1)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def finish(self) -> None:
        self.path.unlink(missing_ok=True)


# --- data ----------------------------------------------------------------------------------


def kolada_data_sync(
    *,
    organisation: Organisation,
    client: KoladaClient,
    from_date: date | None = None,
    state_dir: Path | None = None,
    restart: bool = False,
    progress: SyncProgress | None = None,
    now: datetime | None = None,
    summary: DataSummary | None = None,
) -> DataSummary:
    """Fetch and store the values of `kolada_sync_plan(organisation)`, page by page.

    Raises the client's `KoladaError` as it comes; everything committed before stays, and
    the chunks completed are in the state file for the next run.
    """
    now = now or timezone.now()
    summary = summary if summary is not None else DataSummary()
    progress = progress or _Silent()
    plan = kolada_sync_plan(organisation)
    summary.chunks_total = len(plan.chunks)
    if not plan.chunks:
        return summary

    from_text = from_date.isoformat() if from_date else None
    state = SyncState.open(
        state_dir or default_state_dir(),
        organisation=organisation.code,
        from_date=from_text,
        now=now,
        restart=restart,
    )
    todo = [chunk for chunk in plan.chunks if chunk.path not in state.done]
    summary.chunks_resumed = len(plan.chunks) - len(todo)
    kpi_ids = dict(
        Kpi.objects.filter(
            source=KpiSource.KOLADA, organisation__isnull=True, code__in=plan.kpi_codes
        ).values_list("code", "pk")
    )
    area_ids = dict(Area.objects.filter(code__in=plan.area_codes).values_list("code", "pk"))
    write_rows, write_raw = _writers()

    progress.start(total=len(plan.chunks), done=summary.chunks_resumed)
    for chunk in todo:
        # The client makes the request when the loop asks for the next page: outside the
        # transaction, which `_page_store` opens only once the page is in memory.
        for page in client.fetch_chunk(chunk, from_date=from_text):
            series = _page_store(
                page,
                kpi_ids=kpi_ids,
                area_ids=area_ids,
                write_rows=write_rows,
                write_raw=write_raw,
                summary=summary,
            )
            state.seen_kpis.update(row.kpi for row in (*page.items, *page.deleted))
            if series:
                summary.series |= series
                summary.progress_records += progress_recompute(series=series)
            progress.page(summary)
        state.done.add(chunk.path)
        state.save()
        summary.chunks_fetched += 1
        progress.chunk_done()

    if state.resumed:
        # The run that was interrupted may have committed a page and stopped before its
        # progress was recomputed; those values will not change again, so recompute the
        # organisations' series of these KPIs once (a bounded amount of work).
        summary.progress_records += progress_recompute(kpi_ids=list(kpi_ids.values()))
    state.finish()
    summary.kpis_without_data = tuple(
        code for code in plan.kpi_codes if code not in state.seen_kpis
    )
    return summary


class _Row(NamedTuple):
    kpi_id: int
    area_id: int
    year: int
    gender: str
    value: float | None
    missing_reason: str
    count: int | None
    deleted: bool


@dataclass
class _Written:
    new: int = 0
    changed: int = 0
    removed: int = 0


def _page_store(
    page: Page[parsing.Observation],
    *,
    kpi_ids: dict[str, int],
    area_ids: dict[str, int],
    write_rows: _RowWriter,
    write_raw: _RawWriter,
    summary: DataSummary,
) -> set[SeriesKey]:
    """One page, in one transaction: its raw response and its rows. Returns the series
    whose values changed."""
    rows: dict[tuple[int, int, int, str], _Row] = {}
    skipped = 0
    # Deleted rows first, so a live row for the same key (should a page hold both) wins.
    for observation, deleted in (
        *((item, True) for item in page.deleted),
        *((item, False) for item in page.items),
    ):
        kpi_id = kpi_ids.get(observation.kpi)
        area_id = area_ids.get(observation.area)
        if kpi_id is None or area_id is None or not _YEAR_MIN <= observation.period <= _YEAR_MAX:
            skipped += 1
            continue
        key = (kpi_id, area_id, observation.period, observation.gender)
        if deleted:
            rows[key] = _Row(*key, None, MISSING, None, True)
        else:
            value = observation.value
            reason = "" if value is not None else MISSING
            rows[key] = _Row(*key, value, reason, observation.count, False)
    # Rows the page repeats count once, as unchanged.
    repeats = len(page.items) + len(page.deleted) - skipped - len(rows)

    series: set[SeriesKey] = set()
    with transaction.atomic():
        stored_raw = write_raw(page)
        written = write_rows(list(rows.values()), fetched_at=page.fetched_at, series=series)

    summary.pages += 1
    summary.raw_responses += int(stored_raw)
    summary.skipped += skipped
    summary.new += written.new
    summary.changed += written.changed
    summary.removed += written.removed
    summary.unchanged += len(rows) - written.new - written.changed - written.removed + repeats
    return series


class _RowWriter(Protocol):
    def __call__(
        self, rows: Sequence[_Row], *, fetched_at: datetime, series: set[SeriesKey]
    ) -> _Written: ...


class _RawWriter(Protocol):
    def __call__(self, page: Page[parsing.Observation]) -> bool: ...


def _writers() -> tuple[_RowWriter, _RawWriter]:
    if connection.vendor == "postgresql":
        return _rows_write_postgresql, _raw_store_postgresql
    return _rows_write_portable, _raw_store_portable


# One statement per page, like `services._UPSERT_SQL` (the file import), plus Kolada's
# `count` and its deleted rows. `changed` takes (and locks) only stored rows that differ,
# `todo` adds live keys not stored yet; rows already right are not touched, so a repeat
# writes nothing. A deleted row only ever updates a stored one (to null, "missing"); it
# never creates one. A changed value or reason keeps the previous one as a revision (a
# change of `count` alone does not: the value is the same). Data-modifying CTEs see one
# snapshot, so `revised` copies each value as it was before `upserted` replaced it.
_UPSERT_SQL = """
WITH input AS (
    SELECT * FROM unnest(
        %(kpi)s::bigint[], %(area)s::bigint[], %(year)s::smallint[], %(gender)s::varchar[],
        %(value)s::float8[], %(reason)s::varchar[], %(count)s::integer[], %(deleted)s::boolean[]
    ) AS i (kpi_id, area_id, year, gender, value, missing_reason, count, deleted)
),
changed AS (
    SELECT o.id, o.value, o.missing_reason, o.fetched_at,
           o.kpi_id, o.area_id, o.year, o.gender,
           (o.value IS DISTINCT FROM i.value OR o.missing_reason <> i.missing_reason)
               AS revised
    FROM followup_observation o
    JOIN input i USING (kpi_id, area_id, year, gender)
    WHERE o.value IS DISTINCT FROM i.value
       OR o.missing_reason <> i.missing_reason
       OR o.count IS DISTINCT FROM i.count
    FOR UPDATE OF o
),
todo AS (
    SELECT i.* FROM input i
    WHERE NOT i.deleted AND NOT EXISTS (
        SELECT 1 FROM followup_observation o
        WHERE (o.kpi_id, o.area_id, o.year, o.gender) = (i.kpi_id, i.area_id, i.year, i.gender)
    )
    UNION ALL
    SELECT i.* FROM input i JOIN changed c USING (kpi_id, area_id, year, gender)
),
upserted AS (
    INSERT INTO followup_observation AS o
        (kpi_id, area_id, year, gender, value, missing_reason, count, source, fetched_at)
    SELECT kpi_id, area_id, year, gender, value, missing_reason, count,
           %(source)s::varchar, %(fetched_at)s::timestamptz
    FROM todo
    ON CONFLICT (kpi_id, area_id, year, gender) DO UPDATE SET
        value = EXCLUDED.value,
        missing_reason = EXCLUDED.missing_reason,
        count = EXCLUDED.count,
        source = EXCLUDED.source,
        fetched_at = EXCLUDED.fetched_at
    WHERE o.value IS DISTINCT FROM EXCLUDED.value
       OR o.missing_reason <> EXCLUDED.missing_reason
       OR o.count IS DISTINCT FROM EXCLUDED.count
    RETURNING o.id, o.kpi_id, o.area_id, o.year, o.gender
),
revised AS (
    INSERT INTO followup_observationrevision (observation_id, value, missing_reason, fetched_at,
                                              replaced_at)
    SELECT c.id, c.value, c.missing_reason, c.fetched_at, now()
    FROM changed c JOIN upserted u ON u.id = c.id
    WHERE c.revised
    RETURNING observation_id
)
SELECT u.kpi_id, u.area_id, u.gender,
       count(*) FILTER (WHERE c.id IS NULL),
       count(*) FILTER (WHERE c.id IS NOT NULL AND NOT i.deleted),
       count(*) FILTER (WHERE c.id IS NOT NULL AND i.deleted)
FROM upserted u
JOIN input i USING (kpi_id, area_id, year, gender)
LEFT JOIN changed c ON c.id = u.id
GROUP BY u.kpi_id, u.area_id, u.gender
"""


def _rows_write_postgresql(
    rows: Sequence[_Row], *, fetched_at: datetime, series: set[SeriesKey]
) -> _Written:
    written = _Written()
    if not rows:
        return written
    params = {
        "kpi": [row.kpi_id for row in rows],
        "area": [row.area_id for row in rows],
        "year": [row.year for row in rows],
        "gender": [row.gender for row in rows],
        "value": [row.value for row in rows],
        "reason": [row.missing_reason for row in rows],
        "count": [row.count for row in rows],
        "deleted": [row.deleted for row in rows],
        "source": SOURCE_NAME,
        "fetched_at": fetched_at,
    }
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT_SQL, params)
        for kpi_id, area_id, gender, new, changed, removed in cursor.fetchall():
            series.add(SeriesKey(kpi_id, area_id, gender))
            written.new += new
            written.changed += changed
            written.removed += removed
    return written


def _rows_write_portable(
    rows: Sequence[_Row], *, fetched_at: datetime, series: set[SeriesKey]
) -> _Written:
    """The same as `_rows_write_postgresql` through the ORM, for SQLite (`make run`)."""
    written = _Written()
    if not rows:
        return written
    # Narrow by KPIs, areas and years, then match keys in memory; may read a few rows too many.
    stored = {
        (o.kpi_id, o.area_id, o.year, o.gender): o
        for o in Observation.objects.filter(
            kpi_id__in={row.kpi_id for row in rows},
            area_id__in={row.area_id for row in rows},
            year__in={row.year for row in rows},
        ).select_for_update()
    }
    to_create: list[Observation] = []
    to_update: list[Observation] = []
    revisions: list[ObservationRevision] = []
    replaced_at = timezone.now()
    for row in rows:
        observation = stored.get((row.kpi_id, row.area_id, row.year, row.gender))
        if observation is None:
            if row.deleted:
                continue
            to_create.append(
                Observation(
                    kpi_id=row.kpi_id,
                    area_id=row.area_id,
                    year=row.year,
                    gender=row.gender,
                    value=row.value,
                    missing_reason=row.missing_reason,
                    count=row.count,
                    source=SOURCE_NAME,
                    fetched_at=fetched_at,
                )
            )
            written.new += 1
        else:
            new_value = (row.value, row.missing_reason)
            if (observation.value, observation.missing_reason, observation.count) == (
                *new_value,
                row.count,
            ):
                continue
            if (observation.value, observation.missing_reason) != new_value:
                revisions.append(
                    ObservationRevision(
                        observation=observation,
                        value=observation.value,
                        missing_reason=observation.missing_reason,
                        fetched_at=observation.fetched_at,
                        replaced_at=replaced_at,
                    )
                )
            observation.value, observation.missing_reason = new_value
            observation.count, observation.source = row.count, SOURCE_NAME
            observation.fetched_at = fetched_at
            to_update.append(observation)
            if row.deleted:
                written.removed += 1
            else:
                written.changed += 1
        series.add(SeriesKey(row.kpi_id, row.area_id, row.gender))
    Observation.objects.bulk_create(to_create)
    Observation.objects.bulk_update(
        to_update, ["value", "missing_reason", "count", "source", "fetched_at"]
    )
    ObservationRevision.objects.bulk_create(revisions)
    return written


# The body goes to PostgreSQL as text and is compared as jsonb there, so a page identical
# to the latest one stored for its URL is neither parsed again nor stored again.
_RAW_SQL = """
INSERT INTO followup_rawresponse (source, url, fetched_at, body)
SELECT %(source)s, %(url)s, %(fetched_at)s::timestamptz, new.body
FROM (SELECT %(body)s::jsonb AS body) AS new
WHERE NOT EXISTS (
    SELECT 1 FROM (
        SELECT r.body FROM followup_rawresponse r
        WHERE r.source = %(source)s AND r.url = %(url)s
        ORDER BY r.fetched_at DESC, r.id DESC
        LIMIT 1
    ) AS latest
    WHERE latest.body = new.body
)
RETURNING id
"""


def _raw_store_postgresql(page: Page[parsing.Observation]) -> bool:
    """Store the page's body unless it equals the latest one stored for its URL."""
    params = {
        "source": KpiSource.KOLADA.value,
        "url": page.url,
        "fetched_at": page.fetched_at,
        "body": page.body.decode("utf-8-sig"),  # as json.loads reads it, BOM or not
    }
    with connection.cursor() as cursor:
        cursor.execute(_RAW_SQL, params)
        return cursor.fetchone() is not None


def _raw_store_portable(page: Page[parsing.Observation]) -> bool:
    body = json.loads(page.body)
    latest = (
        RawResponse.objects.filter(source=KpiSource.KOLADA, url=page.url)
        .order_by("-fetched_at", "-id")
        .values_list("body", flat=True)
        .first()
    )
    if latest == body:
        return False
    RawResponse.objects.create(
        source=KpiSource.KOLADA, url=page.url, fetched_at=page.fetched_at, body=body
    )
    return True
