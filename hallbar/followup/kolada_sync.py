"""Kolada → the follow-up app: `manage.py kolada_sync --organisation 1961`.

One run, for one organisation:

1. **Metadata.** The Kolada KPIs the organisation follows (plus any it asks to add, which
   become its indicators) are read from Kolada and their definitions refreshed. A KPI Kolada
   no longer has gets `removed_at_source`; it is never deleted.
2. **Data.** Values of those KPIs for the organisation, its comparison groups, its county,
   the country and every area of its kind (all 290 municipalities, for the relative
   position), requested in chunks of at most 25 ids (`plan_chunks`).

How each page is handled (STYLE.md habit 7; ARCHITECTURE.md "Performance shape"):

* Every HTTP request is made by the sync's thread when the loop asks the client for the
  next page; the transaction starts only once the page is in memory, and holds the page's
  rows and its raw response — never a request. A page is the batch: **atomic per batch**.
  The client reads one page ahead: while a page is stored, the next one (already fetched)
  is decoded and parsed in a worker thread (`KoladaClient.fetch_chunks`), as columns
  rather than an object per value.
* On PostgreSQL, one query per page reads what is stored for the page's KPIs, areas and
  years (packed binary) and numpy compares it with the page: rows not stored go in with one
  binary `COPY`; only rows whose value differs go through one upsert statement, which keeps
  the previous value as an `ObservationRevision`. A row Kolada flags `isdeleted` sets the
  stored value to null ("missing") and keeps the old value as a revision — history is never
  lost, and it is counted as *removed*. Rows already right are neither sent nor touched, so
  a repeat writes nothing (**idempotent**). Elsewhere (SQLite) the ORM does the same.
* The raw response is kept compressed, with its sha256: stored when its body differs from
  the latest one stored for the same URL, and whenever values were written from it, so
  that every value's `fetched_at` names a stored response.
* Once a chunk's pages are committed, progress (METHODS.md §1) is recomputed for the series
  they changed (`hallbar.followup.status.progress_recompute`); also when Kolada fails in
  the middle of a chunk, for the pages committed before.
* A chunk is recorded as done in a small state file (`var/kolada_sync/<code>.json`) once its
  last page is committed. If Kolada fails, the pages already committed stay, and the next
  run continues with the chunks not done (**resumable**; a state older than
  `RESUME_WITHIN`, or one for another `from_date`, is not resumed). The state is written
  after the commit, so a crash in between only means that chunk is fetched again — which
  writes nothing, because the writes are idempotent.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import math
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import numpy as np
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from numpy.typing import NDArray

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
_INT4_MAX = 2**31 - 1  # Observation.count is an integer column
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
    skipped: int = 0  # rows for an area, year or count this database cannot hold
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
                f"not asked for, a year outside {_YEAR_MIN}–{_YEAR_MAX}, or a count above "
                f"{_INT4_MAX})."
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
    changed: set[SeriesKey] = set()  # the series the pages of the current chunk changed
    try:
        # Every request is made by this thread between pages, when the loop asks for the
        # next one: outside the transaction, which `_page_store` opens only once the page
        # is in memory. The client reads one page ahead, parsing the next page (and
        # preparing its rows, `_page_rows`) in a worker thread while this one is stored.
        prepare = partial(_page_rows, kpi_ids=kpi_ids, area_ids=area_ids)
        for page, rows in client.fetch_chunks(todo, from_date=from_text, then=prepare):
            changed |= _page_store(
                page, rows, write_rows=write_rows, write_raw=write_raw, summary=summary
            )
            if page.columns is not None:
                state.seen_kpis.update(set(page.columns.kpi))
            else:
                state.seen_kpis.update(row.kpi for row in (*page.items, *page.deleted))
            progress.page(summary)
            if page.is_last and page.chunk is not None:
                _progress_recompute(changed, summary)
                changed = set()
                state.done.add(page.chunk.path)
                state.save()
                summary.chunks_fetched += 1
                progress.chunk_done()
    except KoladaError:
        # The pages committed before Kolada failed keep their progress up to date.
        _progress_recompute(changed, summary)
        raise

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


def _progress_recompute(series: set[SeriesKey], summary: DataSummary) -> None:
    """Progress for the series a chunk changed: once per chunk (a few queries whatever the
    number of series), not once per page."""
    if series:
        summary.series |= series
        summary.progress_records += progress_recompute(series=series)


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
    series: set[SeriesKey] = field(default_factory=set)

    def add(self, other: _Written) -> None:
        self.new += other.new
        self.changed += other.changed
        self.removed += other.removed
        self.series |= other.series

    @property
    def any(self) -> bool:
        return bool(self.new or self.changed or self.removed)


_GENDERS: tuple[str, ...] = ("T", "K", "M")
_GENDER_CODES = {gender: code for code, gender in enumerate(_GENDERS)}


@dataclass(frozen=True)
class _PageRows:
    """A page's rows that this database can hold, one per key (KPI, area, year, gender), as
    numpy columns: value NaN is null, count -1 is null, gender indexes `_GENDERS`. A row
    Kolada flags deleted already has the null value ("missing") and count it is stored as.
    """

    kpi: NDArray[np.int64]
    area: NDArray[np.int64]
    year: NDArray[np.int64]
    gender: NDArray[np.int64]
    value: NDArray[np.float64]
    count: NDArray[np.int64]
    deleted: NDArray[np.bool_]
    skipped: int = 0  # rows for a KPI, area, year or count this database cannot hold
    repeats: int = 0  # rows the page sent more than once (same key): counted once

    def __len__(self) -> int:
        return len(self.kpi)

    def take(self, mask: NDArray[np.bool_]) -> _PageRows:
        return _PageRows(
            kpi=self.kpi[mask],
            area=self.area[mask],
            year=self.year[mask],
            gender=self.gender[mask],
            value=self.value[mask],
            count=self.count[mask],
            deleted=self.deleted[mask],
        )

    def rows(self) -> list[_Row]:
        values = [None if math.isnan(value) else value for value in self.value.tolist()]
        return [
            _Row(
                kpi,
                area,
                year,
                _GENDERS[gender],
                value,
                MISSING if value is None else "",
                None if count < 0 else count,
                deleted,
            )
            for kpi, area, year, gender, value, count, deleted in zip(
                self.kpi.tolist(),
                self.area.tolist(),
                self.year.tolist(),
                self.gender.tolist(),
                values,
                self.count.tolist(),
                self.deleted.tolist(),
                strict=True,
            )
        ]

    def series(self) -> set[SeriesKey]:
        """The series of these rows: (KPI, area, gender)."""
        if not len(self):
            return set()
        _, first = np.unique(_dense_key(self.kpi, self.area, self.gender), return_index=True)
        genders = [_GENDERS[gender] for gender in self.gender[first].tolist()]
        return set(
            map(
                SeriesKey._make,
                zip(self.kpi[first].tolist(), self.area[first].tolist(), genders, strict=True),
            )
        )


def _page_rows(
    columns: parsing.ObservationColumns, *, kpi_ids: dict[str, int], area_ids: dict[str, int]
) -> _PageRows:
    """A page's rows as `_PageRows`: codes mapped to ids, rows this database cannot hold
    left out (counted), one row per key. Should a page hold a key twice, a live row wins
    over a deleted one, and a later row over an earlier one."""
    n = len(columns)
    kpi = np.fromiter(map(kpi_ids.get, columns.kpi, repeat(-1)), np.int64, n)
    area = np.fromiter(map(area_ids.get, columns.area, repeat(-1)), np.int64, n)
    year = np.fromiter(columns.period, np.int64, n)
    gender = np.fromiter(map(_GENDER_CODES.__getitem__, columns.gender), np.int64, n)
    value = np.array(columns.value, dtype=np.float64).reshape(n)  # None → NaN
    deleted = np.fromiter(columns.is_deleted, np.bool_, n)
    try:
        count = np.array(columns.count, dtype=np.float64).reshape(n)  # None → NaN
    except OverflowError:  # a count beyond any float: beyond the column, too
        count = np.array(
            [None if c is None else min(c, _INT4_MAX + 1) for c in columns.count], np.float64
        ).reshape(n)
    value[deleted] = np.nan
    count[deleted] = np.nan
    fits = (
        (kpi >= 0)
        & (area >= 0)
        & (year >= _YEAR_MIN)
        & (year <= _YEAR_MAX)
        & ~(count > _INT4_MAX)  # NaN (null) fits
    )
    kept = np.flatnonzero(fits)
    chosen = kept
    key = _dense_key(kpi[kept], area[kept], year[kept], gender[kept])
    if len(key) > 1 and not (key[1:] > key[:-1]).all():  # (in strict order: no repeats)
        # By key, then deleted before live, then in page order: the last of each key wins.
        order = np.lexsort((kept, ~deleted[kept], key))
        ordered = key[order]
        last = np.append(ordered[1:] != ordered[:-1], True)
        chosen = np.sort(kept[order[last]])
    return _PageRows(
        kpi=kpi[chosen],
        area=area[chosen],
        year=year[chosen],
        gender=gender[chosen],
        value=value[chosen],
        count=np.where(np.isnan(count[chosen]), -1, count[chosen]).astype(np.int64),
        deleted=deleted[chosen],
        skipped=n - len(kept),
        repeats=len(kept) - len(chosen),
    )


def _dense_key(*columns: NDArray[np.int64]) -> NDArray[np.int64]:
    """One int64 per row that is equal exactly when all columns are, and orders rows as
    the columns do (lexicographically): each column's offset from its minimum, in mixed
    radix; ranks instead of offsets should the ranges not fit in 62 bits."""
    if not len(columns[0]):
        return np.zeros(0, dtype=np.int64)
    lows = [int(column.min()) for column in columns]
    spans = [int(column.max()) - low + 1 for column, low in zip(columns, lows, strict=True)]
    if math.prod(spans) < 2**62:
        key = np.zeros(len(columns[0]), dtype=np.int64)
        for column, low, span in zip(columns, lows, spans, strict=True):
            key = key * span + (column - low)
        return key
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        uniques, ranks = np.unique(column, return_inverse=True)
        key = key * len(uniques) + ranks.reshape(-1)
    return key


def _page_store(
    page: Page[parsing.Observation],
    rows: _PageRows,
    *,
    write_rows: _RowWriter,
    write_raw: _RawWriter,
    summary: DataSummary,
) -> set[SeriesKey]:
    """One page, in one transaction: its rows (`_page_rows`) and its raw response. Returns
    the series whose values changed."""
    with transaction.atomic():
        written = write_rows(rows, fetched_at=page.fetched_at)
        # Stored when Kolada said something new, and whenever a row was written, so that
        # every stored value's `fetched_at` names a stored response.
        stored_raw = write_raw(page, force=written.any)

    summary.pages += 1
    summary.raw_responses += int(stored_raw)
    summary.skipped += rows.skipped
    summary.new += written.new
    summary.changed += written.changed
    summary.removed += written.removed
    summary.unchanged += len(rows) - written.new - written.changed - written.removed + rows.repeats
    return written.series


class _RowWriter(Protocol):
    def __call__(self, rows: _PageRows, *, fetched_at: datetime) -> _Written: ...


class _RawWriter(Protocol):
    def __call__(self, page: Page[parsing.Observation], *, force: bool) -> bool: ...


def _writers() -> tuple[_RowWriter, _RawWriter]:
    if connection.vendor == "postgresql":
        return _rows_write_postgresql, _raw_store
    return _rows_write_portable, _raw_store


# --- PostgreSQL ------------------------------------------------------------------------------
#
# Per page, in its transaction: one query reads what is stored for the page's KPIs, areas
# and years (packed binary, compared in numpy); rows not stored go in with one binary COPY;
# the few that differ go through `_UPSERT_SQL`, which locks them, keeps the previous values
# as revisions and counts. Rows already right are neither sent nor touched, so a repeat
# writes nothing and costs one read per page.

# The stored rows of the page's KPIs × areas × years (a superset of its keys), packed by
# the server into one bytea of fixed-size big-endian records (`_STORED`), as
# `status._READ_SQL` does. `point` packs the year, the gender (1–3 for T, K, M; 0 for
# anything else), the reason for no value (0 "", 1 missing, 2 another) and whether the
# value is null into one int4. The rows are looked up by (KPI, area) through the unique
# index; `OFFSET 0` keeps it that way: with fresh statistics the planner would rather
# hash-join a (parallel) scan of the whole table, some six times slower for a page.
_STORED_SQL = """
SELECT string_agg(
    int8send(o.kpi_id) || int8send(o.area_id)
    || int4send(((o.year * 4 + strpos('TKM', o.gender)) * 8
                 + (CASE o.missing_reason WHEN '' THEN 0 WHEN %(missing)s THEN 1 ELSE 2 END) * 2
                 + (o.value IS NULL)::int)::int4)
    || float8send(coalesce(o.value, 'NaN'::float8)) || int4send(coalesce(o.count, -1)),
    ''::bytea)
FROM unnest(%(kpi)s::bigint[]) AS k (id)
CROSS JOIN unnest(%(area)s::bigint[]) AS a (id)
CROSS JOIN LATERAL (
    SELECT * FROM followup_observation
    WHERE kpi_id = k.id AND area_id = a.id AND year = ANY(%(year)s::smallint[])
    OFFSET 0
) AS o
"""
_STORED = np.dtype(
    [("kpi", ">i8"), ("area", ">i8"), ("point", ">i4"), ("value", ">f8"), ("count", ">i4")]
)


def _rows_write_postgresql(rows: _PageRows, *, fetched_at: datetime) -> _Written:
    written = _Written()
    if not len(rows):
        return written
    new, differs = _compare_with_stored(rows)
    upsert = differs
    if new.any():
        # A savepoint: should another sync have inserted one of these keys since the read,
        # the COPY fails as a whole and the rows take the statement's path instead.
        try:
            with transaction.atomic(), connection.wrap_database_errors:
                _copy_new(rows.take(new), fetched_at=fetched_at)
        except IntegrityError:
            upsert = differs | new
        else:
            written.new += int(new.sum())
            written.series |= rows.take(new).series()
    if upsert.any():
        written.add(_upsert(rows.take(upsert).rows(), fetched_at=fetched_at))
    return written


def _compare_with_stored(rows: _PageRows) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """(not stored and live: to insert, stored and different: to update) for each row."""
    kpis, areas, years = np.unique(rows.kpi), np.unique(rows.area), np.unique(rows.year)
    params = {
        "kpi": kpis.tolist(),
        "area": areas.tolist(),
        "year": years.tolist(),
        "missing": MISSING,
    }
    with connection.cursor() as cursor:
        cursor.execute(_STORED_SQL, params)
        (packed,) = cursor.fetchone()
    stored = np.frombuffer(packed or b"", dtype=_STORED)
    point = stored["point"].astype(np.int64)
    stored_null, stored_reason = point & 1, (point >> 1) & 3
    stored_gender, stored_year = ((point >> 3) & 3) - 1, point >> 5

    # Both sides as one int64 key from their ranks among the page's KPIs, areas and years.
    def rank(uniques: NDArray[np.int64], values: NDArray[Any]) -> NDArray[np.int64]:
        at = np.searchsorted(uniques, values).clip(max=len(uniques) - 1)
        return np.where(uniques[at] == values, at, -1)

    def pack(kpi, area, year, gender) -> NDArray[np.int64]:
        return ((kpi * len(areas) + area) * len(years) + year) * len(_GENDERS) + gender

    page_key = pack(
        rank(kpis, rows.kpi), rank(areas, rows.area), rank(years, rows.year), rows.gender
    )
    parts = (
        rank(kpis, stored["kpi"].astype(np.int64)),
        rank(areas, stored["area"].astype(np.int64)),
        rank(years, stored_year),
        stored_gender,
    )
    ours = np.flatnonzero(np.logical_and.reduce([part >= 0 for part in parts]))
    stored_key = pack(*(part[ours] for part in parts))
    if not len(stored_key):
        return ~rows.deleted, np.zeros(len(rows), dtype=np.bool_)
    order = np.argsort(stored_key)
    at = order[np.searchsorted(stored_key, page_key, sorter=order).clip(max=len(order) - 1)]
    found = stored_key[at] == page_key
    match = ours[at]  # each row's stored counterpart (where found)
    null = np.isnan(rows.value)
    same = (
        np.where(
            null,
            stored_null[match] == 1,
            (stored_null[match] == 0) & (stored["value"][match] == rows.value),
        )
        & (stored_reason[match] == null)  # the reason stored is "missing" exactly when null
        & (stored["count"][match] == rows.count)
    )
    return ~found & ~rows.deleted, found & ~same


_COPY_SQL = (
    "COPY followup_observation (kpi_id, area_id, year, gender, value, missing_reason, count,"
    " source, fetched_at) FROM STDIN (FORMAT BINARY)"
)
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # no flags, no header extension
_COPY_TRAILER = b"\xff\xff"
_PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _copy_new(rows: _PageRows, *, fetched_at: datetime) -> None:
    """Insert rows (none of them stored) with one binary COPY, built by numpy."""
    with connection.cursor() as cursor, cursor.copy(_COPY_SQL) as copy:
        copy.write(_copy_binary(rows, fetched_at=fetched_at))


def _copy_binary(rows: _PageRows, *, fetched_at: datetime) -> bytes:
    """The rows in PostgreSQL's binary COPY format: a record per row of (field length,
    bytes) pairs, length -1 for null. A null value or count changes a record's layout, so
    the rows go in up to four groups of fixed-size records."""
    source = SOURCE_NAME.encode()
    missing = MISSING.encode()
    microseconds = (fetched_at - _PG_EPOCH) // timedelta(microseconds=1)
    null_value = np.isnan(rows.value)
    null_count = rows.count < 0
    parts = [_COPY_SIGNATURE]
    for value_is_null in (False, True):
        for count_is_null in (False, True):
            group = (null_value == value_is_null) & (null_count == count_is_null)
            if not group.any():
                continue
            fields: list[tuple[str, str]] = [
                ("fields", ">i2"),
                ("kpi_length", ">i4"),
                ("kpi", ">i8"),
                ("area_length", ">i4"),
                ("area", ">i8"),
                ("year_length", ">i4"),
                ("year", ">i2"),
                ("gender_length", ">i4"),
                ("gender", "S1"),
                ("value_length", ">i4"),
                *([] if value_is_null else [("value", ">f8")]),
                ("reason_length", ">i4"),  # "missing" with a null value, "" otherwise
                *([("reason", f"S{len(missing)}")] if value_is_null else []),
                ("count_length", ">i4"),
                *([] if count_is_null else [("count", ">i4")]),
                ("source_length", ">i4"),
                ("source", f"S{len(source)}"),
                ("fetched_at_length", ">i4"),
                ("fetched_at", ">i8"),
            ]
            records = np.empty(int(group.sum()), dtype=fields)
            records["fields"] = 9
            records["kpi_length"], records["kpi"] = 8, rows.kpi[group]
            records["area_length"], records["area"] = 8, rows.area[group]
            records["year_length"], records["year"] = 2, rows.year[group]
            records["gender_length"] = 1
            records["gender"] = np.array([g.encode() for g in _GENDERS])[rows.gender[group]]
            if value_is_null:
                records["value_length"] = -1
                records["reason_length"], records["reason"] = len(missing), missing
            else:
                records["value_length"], records["value"] = 8, rows.value[group]
                records["reason_length"] = 0
            if count_is_null:
                records["count_length"] = -1
            else:
                records["count_length"], records["count"] = 4, rows.count[group]
            records["source_length"], records["source"] = len(source), source
            records["fetched_at_length"], records["fetched_at"] = 8, microseconds
            parts.append(records.tobytes())
    parts.append(_COPY_TRAILER)
    return b"".join(parts)


# For the rows that differ from what is stored (and, should a concurrent sync have
# inserted some, the new ones): one statement, like `services._UPSERT_SQL` (the file
# import), plus Kolada's `count` and its deleted rows. `changed` takes (and locks) only
# stored rows that differ, `todo` adds live keys not stored yet; rows already right are not
# touched. A deleted row only ever updates a stored one (to null, "missing"); it never
# creates one. A changed value or reason keeps the previous one as a revision (a change of
# `count` alone does not: the value is the same). Data-modifying CTEs see one snapshot, so
# `revised` copies each value as it was before `upserted` replaced it.
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


def _upsert(rows: Sequence[_Row], *, fetched_at: datetime) -> _Written:
    written = _Written()
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
            written.series.add(SeriesKey(kpi_id, area_id, gender))
            written.new += new
            written.changed += changed
            written.removed += removed
    return written


# --- elsewhere (SQLite, for `make run`) ------------------------------------------------------


def _rows_write_portable(page_rows: _PageRows, *, fetched_at: datetime) -> _Written:
    """The same as `_rows_write_postgresql` through the ORM."""
    written = _Written()
    rows = page_rows.rows()
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
        written.series.add(SeriesKey(row.kpi_id, row.area_id, row.gender))
    Observation.objects.bulk_create(to_create)
    Observation.objects.bulk_update(
        to_update, ["value", "missing_reason", "count", "source", "fetched_at"]
    )
    ObservationRevision.objects.bulk_create(revisions)
    return written


# --- raw responses ---------------------------------------------------------------------------

#: gzip level 1: most of the gain (Kolada's JSON shrinks some 18 times) at a fraction of the
#: time of the default level, which would compress it about 27 times.
RAW_COMPRESSION_LEVEL = 1


def _raw_store(page: Page[parsing.Observation], *, force: bool) -> bool:
    """Store the page's body, compressed, unless it is the same (by digest) as the latest
    one stored for its URL — or, with `force`, whenever values were written from it."""
    digest = hashlib.sha256(page.body).hexdigest()
    if not force:
        latest = (
            RawResponse.objects.filter(source=KpiSource.KOLADA, url=page.url)
            .order_by("-fetched_at", "-id")
            .values_list("sha256", flat=True)
            .first()
        )
        if latest == digest:
            return False
    RawResponse.objects.create(
        source=KpiSource.KOLADA,
        url=page.url,
        fetched_at=page.fetched_at,
        body_gzip=gzip.compress(page.body, compresslevel=RAW_COMPRESSION_LEVEL, mtime=0),
        sha256=digest,
    )
    return True
