"""A fake Kolada for the sync tests, served by the client tests' local HTTP server.

`FakeKolada` sits on `tests.integrations.kolada.conftest.RecordedKolada` (a real socket on
127.0.0.1) and answers what a sync asks for, in the real v3 shape:

* `/v3/kpi/<ids>`: the recorded metadata (`recorded/kpi.json`: N00003, N00005, N00945,
  N01951, N03702, N03703), only the ids Kolada knows, as Kolada does;
* `/v3/data/kpi/<kpis>/municipality/<areas>`: an entry per KPI × area × year, values for
  T (and K, M when the KPI is divided by gender), paged by `per_page` and linked by
  `next_url` (written as Kolada writes it; the server rewrites it to itself).

Values are made up but deterministic, so two runs see the same data until a test changes
one (`set`), flags one deleted, changes a KPI's metadata (`kpis`) or makes requests fail
(`failing`).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import httpx
from django.db import connection

from tests.integrations.kolada.conftest import RecordedKolada, Reply, recorded_json

KOLADA = "https://api.kolada.se/v3"
YEARS = (2019, 2020, 2021)


@dataclass
class Point:
    value: float | None
    deleted: bool = False
    status: str = ""


class FakeKolada:
    def __init__(self, server: RecordedKolada) -> None:
        self.server = server
        self.kpis: dict[str, dict[str, Any]] = {
            item["id"]: item for item in recorded_json("kpi.json")["values"]
        }
        self.points: dict[tuple[str, str, int, str], Point] = {}
        #: (path, query) → a reply to send instead of the data, or None for the data.
        self.failing: Callable[[str, str], Reply | None] | None = None
        server.route_prefix("/v3/kpi/", self._kpi)
        server.route_prefix("/v3/data/kpi/", self._data)

    # --- what Kolada says ----------------------------------------------------------------

    @staticmethod
    def default_value(kpi: str, area: str, year: int, gender: str) -> float:
        return zlib.crc32(f"{kpi}/{area}/{year}/{gender}".encode()) % 100_000 / 100

    def point(self, kpi: str, area: str, year: int, gender: str = "T") -> Point:
        return self.points.get(
            (kpi, area, year, gender), Point(self.default_value(kpi, area, year, gender))
        )

    def set(
        self,
        kpi: str,
        area: str,
        year: int,
        gender: str = "T",
        *,
        value: float | None,
        deleted: bool = False,
    ) -> None:
        self.points[(kpi, area, year, gender)] = Point(
            value, deleted=deleted, status="" if value is not None else "Missing"
        )

    def genders(self, kpi: str) -> tuple[str, ...]:
        return ("T", "K", "M") if self.kpis[kpi]["is_divided_by_gender"] else ("T",)

    def entries(self, kpis: Iterable[str], areas: Iterable[str]) -> list[dict[str, Any]]:
        areas = list(areas)
        entries = []
        for kpi in kpis:
            if kpi not in self.kpis:
                continue  # Kolada answers an unknown KPI with no rows
            for area in areas:
                for year in YEARS:
                    values = []
                    for gender in self.genders(kpi):
                        point = self.point(kpi, area, year, gender)
                        values.append(
                            {
                                "count": 5 if area.startswith("G") else 1,
                                "gender": gender,
                                "status": point.status,
                                "value": point.value,
                                "isdeleted": point.deleted,
                            }
                        )
                    # Kolada sends the period as an int, or sometimes as a string.
                    period: int | str = str(year) if year == YEARS[1] else year
                    entries.append(
                        {"kpi": kpi, "municipality": area, "period": period, "values": values}
                    )
        return entries

    # --- requests ------------------------------------------------------------------------

    def data_requests(self) -> list[str]:
        """The data request targets (path and query), in order."""
        return [target for target in self.server.requests if target.startswith("/v3/data/")]

    def _kpi(self, path: str, query: str) -> Reply:
        ids = path.removeprefix("/v3/kpi/").split(",")
        values = [self.kpis[kpi] for kpi in ids if kpi in self.kpis]
        return Reply.json({"count": len(values), "values": values})

    def _data(self, path: str, query: str) -> Reply:
        if self.failing is not None and (reply := self.failing(path, query)) is not None:
            return reply
        segments = path.split("/")
        kpis = segments[segments.index("kpi") + 1].split(",")
        areas = segments[segments.index("municipality") + 1].split(",")
        params = parse_qs(query)
        per_page = int(params.get("per_page", ["5000"])[0])
        page = int(params.get("page", ["1"])[0])
        entries = self.entries(kpis, areas)
        values = entries[(page - 1) * per_page : page * per_page]
        more = page * per_page < len(entries)
        next_url = (
            f"{KOLADA}{path.removeprefix('/v3')}?page={page + 1}&per_page={per_page}"
            if more
            else None
        )
        return Reply.json({"count": len(values), "values": values, "next_url": next_url})


class NoTransactionTransport(httpx.HTTPTransport):
    """The real socket transport, noting every request made inside a database transaction
    (it runs in the thread that calls the client, so it sees that thread's connection)."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[str] = []
        self.inside_transaction: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        if connection.in_atomic_block:
            self.inside_transaction.append(str(request.url))
        return super().handle_request(request)
