"""Client for the Kolada API v3 (RKA's database of Swedish municipal KPIs).

Framework-light: httpx and the standard library; Django only in `KoladaClient.from_settings`.
Every method streams: it yields one `Page` per HTTP response, parsed, together with the raw
body, the exact URL and the UTC time it was fetched, so every stored figure can be traced to
what the source said. Nothing is accumulated across pages.

A sync service uses it like this (no HTTP inside a transaction: the request for a page is made
when the loop asks for it, and the transaction only starts once the page is in memory)::

    with KoladaClient.from_settings() as kolada:
        stream = kolada.values(kpi_ids, area_ids, years, from_date=last_sync)
        for page in stream:
            with transaction.atomic():
                store_raw(page.url, page.fetched_at, page.body)
                upsert(page.items)          # live observations
                mark_removed(page.deleted)  # rows Kolada flags `isdeleted`
        report(stream.kpis_without_data)    # unknown KPIs, or no data for the selection

A bulk sync uses `fetch_chunks` instead, which reads one page ahead: the next page is
requested (by the calling thread, between pages) and parsed in a worker thread while the
caller stores the current one. Data pages also carry their rows as columns
(`Page.columns`); `items` and `deleted` are made from them only when asked for.

Errors all derive from `KoladaError` and name the URL (see `errors.py`).
"""

from __future__ import annotations

import email.utils
import gc
import hashlib
import json
import logging
import math
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar, overload

import httpx
import orjson

from .errors import (
    KoladaError,
    KoladaHTTPError,
    KoladaResponseError,
    KoladaUnavailableError,
    short_repr,
)
from .parsing import (
    Group,
    Kpi,
    Municipality,
    Observation,
    ObservationColumns,
    parse_data_values,
    parse_group,
    parse_kpi,
    parse_municipality,
)

logger = logging.getLogger(__name__)

#: Kolada refuses longer id lists in one path segment (KPIs, areas and years alike).
MAX_IDS_PER_SEGMENT = 25
#: The largest page Kolada serves.
MAX_PER_PAGE = 5000

# Ids go into URL paths unescaped, so they are restricted to what Kolada ids look like
# (N00945, U07455, 0180, G92792): a comma or a slash would silently change the request.
_ID = re.compile(r"[A-Za-z0-9_-]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

T = TypeVar("T")
R = TypeVar("R")
# A page's values, parsed: items, deleted items, and for data pages all rows as columns.
_Parsed = tuple[Sequence[T], Sequence[T], ObservationColumns | None]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One data request's selection: at most 25 ids in each path segment."""

    kpi_ids: tuple[str, ...]
    municipality_ids: tuple[str, ...]
    years: tuple[int, ...] | None = None

    @property
    def path(self) -> str:
        """The path below the base URL, e.g. `data/kpi/N00945/municipality/1961/year/2020`."""
        path = f"data/kpi/{','.join(self.kpi_ids)}/municipality/{','.join(self.municipality_ids)}"
        if self.years:
            path += "/year/" + ",".join(str(year) for year in self.years)
        return path


class ObservationRows(Sequence[Observation]):
    """The live (or the deleted) rows of a data page as `Observation`s, made from the page's
    columns the first time they are asked for: a caller that stores the columns directly
    never pays for an object per row."""

    __slots__ = ("_columns", "_deleted", "_length", "_rows")

    def __init__(self, columns: ObservationColumns, *, deleted: bool) -> None:
        self._columns = columns
        self._deleted = deleted
        self._length = columns.is_deleted.count(deleted)
        self._rows: tuple[Observation, ...] | None = None

    def _all(self) -> tuple[Observation, ...]:
        if self._rows is None:
            self._rows = tuple(
                row for row in self._columns.observations() if row.is_deleted is self._deleted
            )
        return self._rows

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):  # type: ignore[override]  # int or slice, as a tuple
        return self._all()[index]

    def __iter__(self) -> Iterator[Observation]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self._all() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return f"ObservationRows({list(self._all())!r})"


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One HTTP response from Kolada: what was asked, when, what came back, and its rows.

    `body` is the response body exactly as received (after transfer decoding), so it can be
    stored and re-parsed later. `items` are the parsed rows; for data pages, rows Kolada
    flags `isdeleted` are left out of `items` and listed in `deleted` instead, so a sync can
    flag them as removed. For data pages `columns` holds all of them (deleted ones too, in
    the page's order) as columns, the shape for bulk storage; `items` and `deleted` are made
    from it when first used. `reported_count` is Kolada's own `count` field, kept for the
    record and never relied on.
    """

    url: str
    fetched_at: datetime
    body: bytes
    items: Sequence[T]
    deleted: Sequence[T] = ()
    reported_count: int | None = None
    chunk: Chunk | None = None
    #: True on the last page of a request chain (a chunk, or a metadata listing): a sync can
    #: record the chunk as done once this page is committed, and resume from the next one.
    is_last: bool = True
    columns: ObservationColumns | None = None

    @property
    def is_empty(self) -> bool:
        """Kolada answered, with no rows at all (e.g. an unknown KPI: `count` 0)."""
        return not self.items and not self.deleted

    @property
    def sha256(self) -> str:
        """Digest of the raw body, to deduplicate stored responses."""
        return hashlib.sha256(self.body).hexdigest()


class ValuesStream:
    """The pages of one `KoladaClient.values()` call, fetched lazily; iterate it once.

    `chunks` is the whole request plan, known before the first request (for a progress bar).
    The counters grow as pages are consumed; `kpis_without_data` is known once the stream is
    exhausted.
    """

    def __init__(
        self, client: KoladaClient, chunks: Sequence[Chunk], *, from_date: str | None
    ) -> None:
        self.chunks: tuple[Chunk, ...] = tuple(chunks)
        self.from_date = from_date
        self.requested_kpis: tuple[str, ...] = tuple(
            dict.fromkeys(kpi for chunk in self.chunks for kpi in chunk.kpi_ids)
        )
        self.pages = 0
        self.rows = 0
        self.deleted_rows = 0
        self.exhausted = False
        self._client = client
        self._seen_kpis: set[str] = set()
        self._started = False

    def __iter__(self) -> Iterator[Page[Observation]]:
        if self._started:
            raise RuntimeError("a ValuesStream can be iterated only once; call values() again")
        self._started = True
        return self._generate()

    def _generate(self) -> Iterator[Page[Observation]]:
        for chunk in self.chunks:
            for page in self._client.fetch_chunk(chunk, from_date=self.from_date):
                self.pages += 1
                self.rows += len(page.items)
                self.deleted_rows += len(page.deleted)
                if page.columns is not None:
                    self._seen_kpis.update(page.columns.kpi)
                else:
                    self._seen_kpis.update(row.kpi for row in page.items)
                    self._seen_kpis.update(row.kpi for row in page.deleted)
                yield page
        self.exhausted = True

    @property
    def kpis_without_data(self) -> tuple[str, ...]:
        """Requested KPIs that came back in no row, not even a deleted one.

        Kolada answers an unknown KPI with `count` 0 and an empty `values` list, exactly as it
        answers a known KPI without data for the selection (or without changes since
        `from_date`); both end up here, for the caller to report.
        """
        if not self.exhausted:
            raise RuntimeError("kpis_without_data is known only once the stream is exhausted")
        return tuple(kpi for kpi in self.requested_kpis if kpi not in self._seen_kpis)


@dataclass(frozen=True, slots=True)
class _Fetched:
    url: str
    fetched_at: datetime
    body: bytes


@dataclass(frozen=True, slots=True)
class _Read(Generic[T]):
    """A response's body, decoded and parsed."""

    items: Sequence[T]
    deleted: Sequence[T]
    columns: ObservationColumns | None
    link: object  # the next link as sent, unchecked
    count: object  # Kolada's `count` as sent
    empty: bool  # no values at all


def _read(fetched: _Fetched, parse_page: Callable[[list[Any], str], _Parsed[T]]) -> _Read[T]:
    """Decode and parse a response (no I/O, no shared state: any thread may do it)."""
    with _gc_paused():
        payload = _decode(fetched)
        values = payload["values"]
        items, deleted, columns = parse_page(values, fetched.url)
        read = _Read(
            items=items,
            deleted=deleted,
            columns=columns,
            # v3 names the link `next_url`; v2 (and some v3 examples) say `next_page`.
            link=payload.get("next_url") or payload.get("next_page"),
            count=payload.get("count"),
            empty=not values,
        )
        del payload, values  # freed here, while the collector is paused
    return read


def _decode(fetched: _Fetched) -> dict[str, Any]:
    url, body = fetched.url, fetched.body
    try:
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            # orjson is strict where the standard library is lenient (NaN, integers beyond
            # 64 bits, very deep nesting): those bodies are read, or refused, as before.
            payload = json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and bad UTF-8 included
        raise KoladaResponseError(
            f"Kolada sent malformed JSON for GET {url}: {exc}; body starts {_snippet(body)}",
            url=url,
        ) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("values"), list):
        raise KoladaResponseError(
            f"Kolada's response to GET {url} is not the v3 envelope with a 'values' list: "
            f"{short_repr(payload)}",
            url=url,
        )
    return payload


#: How long a thread that wants the interpreter waits for the other to hand it over while
#: pages are read ahead (Python's default is 5 ms).
HANDOVER_SECONDS = 0.0005


@contextmanager
def _quick_handover() -> Iterator[None]:
    """Shorten the interpreter's switch interval while a page is read ahead.

    The caller's thread needs the interpreter for a moment after each database call; while
    the worker parses, it would wait up to the default 5 ms every time — measured at a
    fifth of a whole re-import. Restored afterwards.
    """
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, HANDOVER_SECONDS))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a page is decoded and parsed.

    A data page decodes into some 25,000 dicts and lists, and no reference cycles: left
    running, the collector would run dozens of times per page and, as the survivors age,
    traverse every object in the process — measured at a quarter of a whole re-import's
    time. Decoded, parsed and dropped inside the pause, the page leaves it nothing to do.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class KoladaClient:
    """Kolada API v3: metadata and data, paged, chunked, retried, with raw responses kept.

    `timeout` (seconds) applies to every request: connect, each read, write and pool wait.
    Connection errors, timeouts, 429 and 5xx are retried `max_retries` times with exponential
    backoff (`backoff`, doubling, capped at `max_backoff`), honouring `Retry-After` (capped at
    `max_retry_after`); `sleep` is injectable so tests do not wait. Other 4xx, malformed JSON
    and rows that do not parse fail at once.
    """

    def __init__(
        self,
        base_url: str,
        timeout: float,
        *,
        max_retries: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        max_retry_after: float = 300.0,
        per_page: int = MAX_PER_PAGE,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], object] = time.sleep,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        # A missing timeout is how a nightly sync hangs forever: refuse it outright.
        if timeout is None or not isinstance(timeout, int | float) or not 0 < timeout < math.inf:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if backoff < 0 or max_backoff < 0 or max_retry_after < 0:
            raise ValueError("backoff delays cannot be negative")
        base = httpx.URL(base_url.rstrip("/") + "/")
        if base.scheme not in ("http", "https") or not base.host:
            raise ValueError(f"base_url must be an http(s) URL, not {base_url!r}")
        self.base_url = base
        self.timeout = float(timeout)
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.per_page = per_page
        self._sleep = sleep
        self._now = now
        self._http = httpx.Client(
            timeout=httpx.Timeout(self.timeout),
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "hallbar-kolada/1"},
            # Kolada does not redirect; a redirect means a wrong base URL, reported as such.
            follow_redirects=False,
        )

    @classmethod
    def from_settings(cls, **options: Any) -> KoladaClient:
        """A client configured from `KOLADA_BASE_URL` and `KOLADA_TIMEOUT_SECONDS`."""
        from django.conf import settings  # here, not at import: the client is framework-light

        return cls(settings.KOLADA_BASE_URL, settings.KOLADA_TIMEOUT_SECONDS, **options)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> KoladaClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"KoladaClient({str(self.base_url)!r}, timeout={self.timeout})"

    # --- metadata --------------------------------------------------------------------------

    def kpis(self, ids: Iterable[str] | None = None) -> Iterator[Page[Kpi]]:
        """All KPI metadata (about 6,000 KPIs), or only `ids` (chunked by 25)."""
        return self._metadata("kpi", parse_kpi, ids)

    def kpi_groups(self) -> Iterator[Page[Group]]:
        """Kolada's KPI groups with their member KPIs."""
        return self._metadata("kpi_groups", parse_group, None)

    def municipalities(self) -> Iterator[Page[Municipality]]:
        """The 290 municipalities, 21 regions and the country (`0000`)."""
        return self._metadata("municipality", parse_municipality, None)

    def municipality_groups(self) -> Iterator[Page[Group]]:
        """Municipality groups (kommungrupper, "Liknande kommuner …", county groups …)."""
        return self._metadata("municipality_groups", parse_group, None)

    def _metadata(
        self, entity: str, parse: Callable[..., T], ids: Iterable[str] | None
    ) -> Iterator[Page[T]]:
        # Validate now, not on the first next(): a bad id is the caller's bug, reported at
        # the call site.
        if ids is None:
            paths = [entity]
        else:
            paths = [f"{entity}/{','.join(chunk)}" for chunk in _chunked(_ids(ids, "id"))]

        def parse_page(values: list[Any], url: str) -> _Parsed[T]:
            return tuple(parse(value, url=url) for value in values), (), None

        def pages() -> Iterator[Page[T]]:
            for path in paths:
                yield from self._pages(self._url(path), parse_page, chunk=None)

        return pages()

    # --- data ------------------------------------------------------------------------------

    def values(
        self,
        kpi_ids: Iterable[str],
        municipality_ids: Iterable[str],
        years: Iterable[int] | None = None,
        *,
        from_date: date | str | None = None,
    ) -> ValuesStream:
        """Data for every KPI × area (× year) combination, one `Page` per response.

        Ids are deduplicated and split into chunks of 25 per path segment; the requests are
        the cartesian product of the KPI, area and year chunks (`ValuesStream.chunks`).
        `years=None` asks for all years. `from_date` (`YYYY-MM-DD`) asks only for values
        changed since that date, for incremental sync.
        """
        chunks = plan_chunks(kpi_ids, municipality_ids, years)
        return ValuesStream(self, chunks, from_date=_iso_date(from_date))

    def fetch_chunk(
        self, chunk: Chunk, *, from_date: date | str | None = None
    ) -> Iterator[Page[Observation]]:
        """The pages of one chunk; `values()` calls this for each chunk of its plan.

        Public so a resumed sync can fetch only the chunks it has not finished.
        """
        params = {"from_date": _iso_date(from_date)} if from_date is not None else {}
        return self._pages(self._url(chunk.path, **params), _parse_data_page, chunk=chunk)

    @overload
    def fetch_chunks(
        self, chunks: Iterable[Chunk], *, from_date: date | str | None = None
    ) -> Iterator[Page[Observation]]: ...

    @overload
    def fetch_chunks(
        self,
        chunks: Iterable[Chunk],
        *,
        from_date: date | str | None = None,
        then: Callable[[ObservationColumns], R],
    ) -> Iterator[tuple[Page[Observation], R]]: ...

    def fetch_chunks(
        self,
        chunks: Iterable[Chunk],
        *,
        from_date: date | str | None = None,
        then: Callable[[ObservationColumns], Any] | None = None,
    ) -> Iterator[Any]:
        """The pages of several chunks, in order, read one page ahead: each page names its
        `chunk`, and `is_last` marks a chunk's last page.

        Before a page is handed over, the next one is requested — by the calling thread,
        between pages, like every request — and its body decoded and parsed in a worker
        thread while the caller stores the page in hand: parsing a 5,000-entry page costs
        a good part of what a database takes to store it. Nothing else changes: a request
        that fails is raised once the page before it has been handed over, and a page that
        does not parse when it is asked for.

        With `then`, each page comes as `(page, then(page.columns))`, `then` run in the
        worker thread too: the place for a caller's own work on the rows (mapping codes to
        ids, say), so that the calling thread is left to the database. (Python runs one
        thread at a time; a thread waiting for the database or the network lets the other
        run.)
        """
        params = {"from_date": _iso_date(from_date)} if from_date is not None else {}
        starts = [(self._url(chunk.path, **params), chunk) for chunk in chunks]
        pages = self._pages_ahead(starts, _parse_data_page, then)
        return pages if then is not None else (page for page, _ in pages)

    # --- paging ----------------------------------------------------------------------------

    def _url(self, path: str, **params: str) -> httpx.URL:
        return self.base_url.join(path).copy_merge_params({"per_page": self.per_page, **params})

    def _pages(
        self,
        first: httpx.URL,
        parse_page: Callable[[list[Any], str], _Parsed[T]],
        *,
        chunk: Chunk | None,
    ) -> Iterator[Page[T]]:
        url: httpx.URL | None = first
        visited: set[str] = set()
        while url is not None:
            visited.add(str(url))
            fetched = self._fetch(url)
            page, url = self._page(
                fetched, _read(fetched, parse_page), first=first, chunk=chunk, visited=visited
            )
            yield page

    def _pages_ahead(
        self,
        starts: Sequence[tuple[httpx.URL, Chunk | None]],
        parse_page: Callable[[list[Any], str], _Parsed[T]],
        then: Callable[[Any], Any] | None,
    ) -> Iterator[tuple[Page[T], Any]]:
        """`_pages` for several request chains in a row, one page ahead, each page with
        `then(columns)` (see `fetch_chunks`)."""
        todo = iter(starts)

        def read_then(fetched: _Fetched) -> tuple[_Read[T], Any]:
            read = _read(fetched, parse_page)
            return read, None if then is None else then(read.columns)

        with (
            _quick_handover(),
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="kolada-read") as reader,
        ):

            def request(url: httpx.URL, first: httpx.URL, chunk: Chunk | None, visited: set[str]):
                visited.add(str(url))
                fetched = self._fetch(url)  # in the calling thread, like every request
                return reader.submit(read_then, fetched), fetched, first, chunk, visited

            def following(next_url: httpx.URL | None, *chain: Any):
                if next_url is not None:
                    return request(next_url, *chain)
                for first, chunk in todo:
                    return request(first, first, chunk, set())
                return None

            current = following(None)
            while current is not None:
                job, fetched, first, chunk, visited = current
                read, extra = job.result()
                page, next_url = self._page(
                    fetched, read, first=first, chunk=chunk, visited=visited
                )
                failure: KoladaError | None = None
                try:
                    current = following(next_url, first, chunk, visited)
                except KoladaError as error:
                    # Reported after the page in hand, as `_pages` would: it is not lost.
                    current, failure = None, error
                yield page, extra
                if failure is not None:
                    raise failure

    def _page(
        self,
        fetched: _Fetched,
        read: _Read[T],
        *,
        first: httpx.URL,
        chunk: Chunk | None,
        visited: set[str],
    ) -> tuple[Page[T], httpx.URL | None]:
        """The page of a response, and the URL of the next one in its chain (or None)."""
        next_url = self._next_url(read.link, url=fetched.url, first=first)
        if next_url is not None and read.empty:
            # An empty page ends the listing even if it links onwards: following such
            # links is how a client walks past the end forever.
            next_url = None
        if next_url is not None and str(next_url) in visited:
            raise KoladaResponseError(
                f"Kolada's next link from GET {fetched.url} points back to {next_url}",
                url=fetched.url,
            )
        page = Page(
            url=fetched.url,
            fetched_at=fetched.fetched_at,
            body=fetched.body,
            items=read.items,
            deleted=read.deleted,
            reported_count=read.count if type(read.count) is int else None,
            chunk=chunk,
            is_last=next_url is None,
            columns=read.columns,
        )
        return page, next_url

    def _next_url(self, raw: object, *, url: str, first: httpx.URL) -> httpx.URL | None:
        if raw is None or raw == "":
            return None
        if not isinstance(raw, str):
            raise KoladaResponseError(
                f"Kolada's next link in GET {url} is not a URL: {short_repr(raw)}", url=url
            )
        target = httpx.URL(url).join(raw)
        base = self.base_url
        # Never follow a link off the configured host: raw responses are stored, and a test
        # pointed at 127.0.0.1 must not end up on the internet.
        if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
            raise KoladaResponseError(
                f"Kolada's next link in GET {url} leaves {base}: {raw}", url=url
            )
        # Keep our own query (per_page, from_date) should the link have dropped it; losing
        # from_date would silently turn an incremental sync into a full one.
        missing = {
            key: value
            for key, value in first.params.multi_items()
            if key != "page" and key not in target.params
        }
        return target.copy_merge_params(missing) if missing else target

    # --- one request, retried --------------------------------------------------------------

    def _fetch(self, url: httpx.URL) -> _Fetched:
        attempts = self.max_retries + 1
        last_cause = ""
        last_error: Exception | None = None
        for attempt in range(1, attempts + 1):
            retry_after: float | None = None
            try:
                response = self._http.get(url)
            except httpx.TimeoutException as exc:
                last_cause = f"timeout after {self.timeout:g} s ({type(exc).__name__})"
                last_error = exc
            except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                last_cause = f"connection error ({type(exc).__name__}: {exc})"
                last_error = exc
            except httpx.HTTPError as exc:
                # Unsupported scheme, proxy misconfiguration, …: retrying cannot help.
                raise KoladaError(
                    f"Kolada request GET {url} failed: {type(exc).__name__}: {exc}", url=str(url)
                ) from exc
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return _Fetched(
                        url=str(response.request.url),
                        fetched_at=self._now(),
                        body=response.content,
                    )
                if status == 429 or 500 <= status < 600:
                    last_cause = f"HTTP {status}"
                    last_error = None
                    retry_after = retry_after_seconds(
                        response.headers.get("Retry-After"), now=self._now()
                    )
                else:
                    raise KoladaHTTPError(
                        url=str(response.request.url),
                        status_code=status,
                        detail=_snippet(response.content),
                    )
            if attempt < attempts:
                delay = self._delay(attempt, retry_after)
                logger.warning(
                    "Kolada GET %s: %s; retry %d of %d in %.1f s",
                    url,
                    last_cause,
                    attempt,
                    self.max_retries,
                    delay,
                )
                self._sleep(delay)
        raise KoladaUnavailableError(
            url=str(url), attempts=attempts, last_cause=last_cause
        ) from last_error

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return min(self.backoff * 2 ** (attempt - 1), self.max_backoff)


# --- pure helpers ----------------------------------------------------------------------------


def plan_chunks(
    kpi_ids: Iterable[str],
    municipality_ids: Iterable[str],
    years: Iterable[int] | None = None,
) -> tuple[Chunk, ...]:
    """The requests needed for a selection: KPI chunks × area chunks × year chunks."""
    kpis = _ids(kpi_ids, "KPI id")
    areas = _ids(municipality_ids, "municipality id")
    if not kpis or not areas:
        raise ValueError("values() needs at least one KPI id and one municipality id")
    year_chunks: list[tuple[int, ...] | None] = [None]
    if years is not None:
        year_list = _years(years)
        if not year_list:
            raise ValueError("years is empty; pass None for all years")
        year_chunks = list(_chunked(year_list))
    return tuple(
        Chunk(kpi_chunk, area_chunk, year_chunk)
        for kpi_chunk in _chunked(kpis)
        for area_chunk in _chunked(areas)
        for year_chunk in year_chunks
    )


def retry_after_seconds(header: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP-date), or None."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(int(header))
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _parse_data_page(values: list[Any], url: str) -> _Parsed[Observation]:
    columns = parse_data_values(values, url=url)
    return (
        ObservationRows(columns, deleted=False),
        ObservationRows(columns, deleted=True),
        columns,
    )


def _ids(ids: Iterable[str], what: str) -> tuple[str, ...]:
    if isinstance(ids, str):
        # "N00945,N01951" as one string is an easy slip; split it rather than send it raw.
        ids = ids.split(",")
    cleaned: dict[str, None] = {}
    for raw in ids:
        value = raw.strip() if isinstance(raw, str) else raw
        if not isinstance(value, str) or not _ID.fullmatch(value):
            raise ValueError(f"{what} {raw!r} is not a Kolada id")
        cleaned[value] = None
    return tuple(cleaned)


def _years(years: Iterable[int]) -> tuple[int, ...]:
    cleaned: dict[int, None] = {}
    for year in years:
        if isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999:
            raise ValueError(f"year {year!r} is not a four-digit year")
        cleaned[year] = None
    return tuple(cleaned)


def _chunked(items: Sequence[Any], size: int = MAX_IDS_PER_SEGMENT) -> Iterator[tuple[Any, ...]]:
    for start in range(0, len(items), size):
        yield tuple(items[start : start + size])


def _iso_date(value: date | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        date.fromisoformat(value)  # rejects 2024-02-30
        return value
    raise ValueError(f"from_date must be a date or 'YYYY-MM-DD', not {value!r}")


def _snippet(body: bytes, limit: int = 200) -> str:
    text = body[:limit].decode("utf-8", errors="replace")
    return repr(text + ("…" if len(body) > limit else ""))
