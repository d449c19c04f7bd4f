"""The Kolada client against a local HTTP server replaying recorded v3 responses."""

from __future__ import annotations

import gc
import json
import socket
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs

import httpx
import pytest

from hallbar.integrations.kolada.client import (
    MAX_IDS_PER_SEGMENT,
    Chunk,
    KoladaClient,
    plan_chunks,
    retry_after_seconds,
)
from hallbar.integrations.kolada.errors import (
    KoladaError,
    KoladaHTTPError,
    KoladaParseError,
    KoladaResponseError,
    KoladaUnavailableError,
)

from .conftest import Reply, recorded, recorded_json

BIG_CITIES = ["0180", "1280", "1480"]
N00945_PATH = "/v3/data/kpi/N00945/municipality/0180,1280,1480"
ARBOGA_PEERS = ["1984", "0319", "0562", "0687", "1082", "1083", "1885", "2084"]


def serve_paged_arboga_peers(path: str, query: str) -> Reply:
    """`serve_arboga_peers`, paged by `per_page` and linked by `next_url`."""
    params = parse_qs(query)
    per_page, page = int(params["per_page"][0]), int(params.get("page", ["1"])[0])
    rows = json.loads(serve_arboga_peers(path, query).body)["values"]
    body: dict = {"count": len(rows), "values": rows[(page - 1) * per_page : page * per_page]}
    if page * per_page < len(rows):
        body["next_url"] = f"https://api.kolada.se{path}?page={page + 1}&per_page={per_page}"
    return Reply.json(body)


def serve_arboga_peers(path: str, query: str) -> Reply:
    """Answer any data request from the recorded Arboga response, filtered like Kolada would."""
    segments = path.split("/")
    kpis = set(segments[segments.index("kpi") + 1].split(","))
    areas = set(segments[segments.index("municipality") + 1].split(","))
    rows = [
        entry
        for entry in recorded_json("data_N03702_N03703_arboga_peers.json")["values"]
        if entry["kpi"] in kpis and entry["municipality"] in areas
    ]
    return Reply.json({"count": len(rows), "values": rows})


# --- paging ------------------------------------------------------------------------------------


def test_values_follow_next_url_over_three_pages(kolada, make_client):
    kolada.route(N00945_PATH, Reply.file("data_N00945_big_cities_page1.json"))
    kolada.route(
        f"{N00945_PATH}?page=2&per_page=25", Reply.file("data_N00945_big_cities_page2.json")
    )
    kolada.route(
        f"{N00945_PATH}?page=3&per_page=25", Reply.file("data_N00945_big_cities_page3.json")
    )
    client = make_client(per_page=25)

    pages = list(client.values(["N00945"], BIG_CITIES))

    assert kolada.requests == [
        f"{N00945_PATH}?per_page=25",
        f"{N00945_PATH}?page=2&per_page=25",
        f"{N00945_PATH}?page=3&per_page=25",
    ]
    assert [len(page.items) for page in pages] == [25, 25, 13]
    assert [page.is_last for page in pages] == [False, False, True]
    rows = [row for page in pages for row in page.items]
    assert {row.area for row in rows} == set(BIG_CITIES)
    assert {row.period for row in rows} == set(range(2000, 2021))
    stockholm_2000 = next(row for row in rows if row.key == ("N00945", "0180", 2000, "T"))
    assert stockholm_2000.value == pytest.approx(31.32959689)
    assert stockholm_2000.count == 1


def test_each_page_keeps_its_url_fetch_time_and_raw_body(kolada, make_client):
    kolada.route(N00945_PATH, Reply.file("data_N00945_big_cities_page1.json"))
    kolada.route(
        f"{N00945_PATH}?page=2&per_page=25", Reply.file("data_N00945_big_cities_page2.json")
    )
    kolada.route(
        f"{N00945_PATH}?page=3&per_page=25", Reply.file("data_N00945_big_cities_page3.json")
    )
    before = datetime.now(UTC)

    pages = list(make_client(per_page=25).values(["N00945"], BIG_CITIES))

    assert (
        pages[1].url
        == f"{kolada.base_url}/data/kpi/N00945/municipality/0180,1280,1480?page=2&per_page=25"
    )
    served = recorded("data_N00945_big_cities_page2.json").replace(
        b"https://api.kolada.se/v3", kolada.base_url.encode()
    )
    assert pages[1].body == served
    assert json.loads(pages[1].body)["values"][0]["municipality"] == pages[1].items[0].area
    for page in pages:
        assert page.fetched_at.tzinfo is not None
        assert page.fetched_at.utcoffset() == timedelta(0)
        assert before <= page.fetched_at <= datetime.now(UTC)
    assert pages[0].fetched_at <= pages[1].fetched_at <= pages[2].fetched_at
    assert len(pages[0].sha256) == 64


def test_municipalities_follow_next_page_links(kolada, make_client):
    kolada.route("/v3/municipality", Reply.file("municipality_page1.json"))
    kolada.route("/v3/municipality?page=2&per_page=200", Reply.file("municipality_page2.json"))

    pages = list(make_client(per_page=200).municipalities())

    assert kolada.requests == [
        "/v3/municipality?per_page=200",
        "/v3/municipality?page=2&per_page=200",
    ]
    areas = [area for page in pages for area in page.items]
    assert len(areas) == 312
    assert sum(area.type == "K" for area in areas) == 290
    hallstahammar = next(area for area in areas if area.id == "1961")
    assert (hallstahammar.title, hallstahammar.type) == ("Hallstahammar", "K")
    assert any(area.id == "0000" and area.title == "Riket" for area in areas)


def test_from_date_is_sent_and_kept_on_every_following_page(kolada, make_client):
    # The recorded next_url carries no from_date; an incremental sync must not turn full.
    kolada.route(N00945_PATH, Reply.file("data_N00945_big_cities_page1.json"))
    kolada.route(
        f"{N00945_PATH}?page=2&per_page=25&from_date=2024-01-01",
        Reply.file("data_N00945_big_cities_page2.json"),
    )
    kolada.route(
        f"{N00945_PATH}?page=3&per_page=25&from_date=2024-01-01",
        Reply.file("data_N00945_big_cities_page3.json"),
    )

    stream = make_client(per_page=25).values(["N00945"], BIG_CITIES, from_date=date(2024, 1, 1))
    pages = list(stream)

    assert len(pages) == 3
    for target in kolada.requests:
        assert parse_qs(target.split("?", 1)[1])["from_date"] == ["2024-01-01"]


def test_kpi_metadata_is_parsed(kolada, make_client):
    kolada.route("/v3/kpi", Reply.file("kpi.json"))

    kpis = {kpi.id: kpi for page in make_client().kpis() for kpi in page.items}

    assert set(kpis) == {"N00003", "N00005", "N00945", "N01951", "N03702", "N03703"}
    assert kpis["N01951"].title == "Invånare totalt, antal"
    assert kpis["N01951"].is_divided_by_gender is True
    assert kpis["N03702"].municipality_type == "K"
    assert kpis["N03702"].publ_period == "2024"
    assert kpis["N00945"].has_ou_data is False


def test_kpis_asked_for_by_id_are_requested_25_at_a_time(kolada, make_client):
    kolada.route_prefix("/v3/kpi/", lambda path, query: Reply.file("data_unknown_kpi.json"))
    ids = [f"N{number:05d}" for number in range(30)]

    list(make_client().kpis(ids))

    assert kolada.paths() == [
        "/v3/kpi/" + ",".join(ids[:25]),
        "/v3/kpi/" + ",".join(ids[25:]),
    ]


def test_groups_come_with_their_members(kolada, make_client):
    kolada.route("/v3/municipality_groups", Reply.file("municipality_groups.json"))
    kolada.route("/v3/kpi_groups", Reply.file("kpi_groups.json"))
    client = make_client()

    groups = {group.id: group for page in client.municipality_groups() for group in page.items}
    kpi_groups = [group for page in client.kpi_groups() for group in page.items]

    commuter = groups["G92792"]
    assert commuter.title == "Pendlingskommun nära större stad (ovägt medel)"
    assert len(commuter.members) == 63
    assert any(
        member.id == "1961" and member.title == "Hallstahammar" for member in commuter.members
    )
    assert [member.id for member in kpi_groups[0].members] == ["N01951", "N03702", "N03703"]


# --- chunking ----------------------------------------------------------------------------------


def test_sixty_municipalities_are_fetched_in_three_chunks(kolada, make_client):
    kolada.route_prefix("/v3/data/", serve_arboga_peers)
    others = [f"{number:04d}" for number in range(100, 152)]  # 52 codes without data
    areas = ARBOGA_PEERS[:4] + others[:26] + ARBOGA_PEERS[4:] + others[26:]
    assert len(areas) == 60

    stream = make_client().values(["N03702", "N03703"], areas)
    rows = [row for page in stream for row in page.items]

    assert kolada.paths() == [
        "/v3/data/kpi/N03702,N03703/municipality/" + ",".join(areas[:25]),
        "/v3/data/kpi/N03702,N03703/municipality/" + ",".join(areas[25:50]),
        "/v3/data/kpi/N03702,N03703/municipality/" + ",".join(areas[50:]),
    ]
    assert len(stream.chunks) == 3
    assert len(rows) == 192
    assert {row.area for row in rows} == set(ARBOGA_PEERS)
    assert stream.pages == 3 and stream.rows == 192 and stream.deleted_rows == 0


def _chunks_of_arboga_peers() -> list[Chunk]:
    """Two chunks of 96 rows each (one per entry): two pages each at 50 per page."""
    return [
        Chunk(("N03702", "N03703"), tuple(ARBOGA_PEERS[:4])),
        Chunk(("N03702", "N03703"), tuple(ARBOGA_PEERS[4:])),
    ]


def test_fetch_chunks_gives_every_chunk_s_pages_in_order_marking_each_chunk_s_last(
    kolada, make_client
):
    kolada.route_prefix("/v3/data/", serve_paged_arboga_peers)
    chunks = _chunks_of_arboga_peers()
    client = make_client(per_page=50)

    pages = list(client.fetch_chunks(chunks))
    one_by_one = [page for chunk in chunks for page in client.fetch_chunk(chunk)]

    assert [(page.chunk, page.is_last) for page in pages] == [
        (chunks[0], False),
        (chunks[0], True),
        (chunks[1], False),
        (chunks[1], True),
    ]
    assert [page.url for page in pages] == [page.url for page in one_by_one]
    assert [page.items for page in pages] == [page.items for page in one_by_one]
    assert sum(len(page.items) for page in pages) == 192


def test_fetch_chunks_makes_every_request_from_the_calling_thread_one_page_ahead(
    kolada, make_client
):
    kolada.route_prefix("/v3/data/", serve_paged_arboga_peers)
    threads: list[str] = []

    class Noting(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            threads.append(threading.current_thread().name)
            return super().handle_request(request)

    pages = make_client(per_page=50, transport=Noting()).fetch_chunks(_chunks_of_arboga_peers())

    first = next(pages)
    # The second page was asked for before the first was handed over: it is parsed while
    # the caller stores the first.
    assert len(kolada.requests) == 2 and first.is_last is False
    rest = list(pages)
    assert len(rest) == 3
    assert threads == [threading.current_thread().name] * 4


def test_fetch_chunks_can_prepare_each_page_s_columns_in_its_worker_thread(kolada, make_client):
    kolada.route_prefix("/v3/data/", serve_paged_arboga_peers)
    threads: set[str] = set()

    def then(columns):
        threads.add(threading.current_thread().name)
        return len(columns), set(columns.area)

    pairs = list(make_client(per_page=50).fetch_chunks(_chunks_of_arboga_peers(), then=then))

    assert [prepared for _, prepared in pairs] == [
        (len(page.columns), {row.area for row in page.items}) for page, _ in pairs
    ]
    assert len(pairs) == 4 and threading.current_thread().name not in threads


def test_fetch_chunks_reports_a_failed_request_after_the_page_before_it(kolada, make_client):
    chunks = _chunks_of_arboga_peers()
    kolada.route_prefix(
        "/v3/data/",
        lambda path, query: (
            Reply(status=503)
            if path.endswith(ARBOGA_PEERS[-1])
            else serve_arboga_peers(path, query)
        ),
    )

    pages = make_client(per_page=100, max_retries=0).fetch_chunks(chunks)

    first = next(pages)  # the second chunk has already failed: its page comes first
    assert first.chunk == chunks[0] and first.is_last and len(first.items) == 96
    with pytest.raises(KoladaUnavailableError, match="HTTP 503"):
        next(pages)


def test_fetch_chunks_reports_a_page_that_does_not_parse_when_it_is_asked_for(kolada, make_client):
    chunks = _chunks_of_arboga_peers()
    kolada.route_prefix(
        "/v3/data/",
        lambda path, query: (
            Reply(body=b"{not json")
            if path.endswith(ARBOGA_PEERS[-1])
            else serve_arboga_peers(path, query)
        ),
    )

    pages = make_client(per_page=100).fetch_chunks(chunks)

    assert next(pages).chunk == chunks[0]
    with pytest.raises(KoladaResponseError, match="malformed JSON"):
        next(pages)


def test_a_data_page_keeps_all_its_rows_as_columns_too(kolada, make_client):
    kolada.route_prefix(
        "/v3/data/", lambda path, query: Reply.file("data_N03702_arboga_edge_cases.json")
    )

    (page,) = list(make_client().values(["N03702"], ["1984"]))

    assert list(page.columns.observations()) == [*page.items, *page.deleted]
    assert page.columns.is_deleted == (False, False, False, True)
    assert page.items == tuple(page.items) and len(page.deleted) == 1


def test_reading_ahead_leaves_the_interpreter_s_switch_interval_as_it_was(kolada, make_client):
    kolada.route_prefix("/v3/data/", serve_paged_arboga_peers)
    before = sys.getswitchinterval()
    pages = make_client(per_page=50).fetch_chunks(_chunks_of_arboga_peers())

    next(pages)
    assert sys.getswitchinterval() < before  # threads hand over sooner while reading ahead
    list(pages)

    assert sys.getswitchinterval() == before


def test_the_garbage_collector_is_running_again_after_a_page_is_read(kolada, make_client):
    kolada.route_prefix("/v3/data/", serve_arboga_peers)

    list(make_client().values(["N03702"], ARBOGA_PEERS))
    assert gc.isenabled()

    gc.disable()
    try:
        list(make_client().values(["N03702"], ARBOGA_PEERS))
        assert not gc.isenabled()  # paused by someone else: left paused
    finally:
        gc.enable()


def test_kpis_areas_and_years_are_chunked_as_a_cartesian_product():
    kpis = [f"N{number:05d}" for number in range(30)]
    areas = [f"{number:04d}" for number in range(60)]
    years = list(range(1990, 2020))

    chunks = plan_chunks(kpis, areas, years)

    assert len(chunks) == 2 * 3 * 2
    for chunk in chunks:
        assert len(chunk.kpi_ids) <= MAX_IDS_PER_SEGMENT
        assert len(chunk.municipality_ids) <= MAX_IDS_PER_SEGMENT
        assert chunk.years is not None and len(chunk.years) <= MAX_IDS_PER_SEGMENT
    covered = {
        (kpi, area, year)
        for chunk in chunks
        for kpi in chunk.kpi_ids
        for area in chunk.municipality_ids
        for year in chunk.years or ()
    }
    assert len(covered) == 30 * 60 * 30


def test_years_go_into_the_path_and_none_means_all_years():
    assert plan_chunks(["N00945"], ["1961"], [2020, 2021])[0].path == (
        "data/kpi/N00945/municipality/1961/year/2020,2021"
    )
    assert plan_chunks(["N00945"], ["1961"])[0].path == "data/kpi/N00945/municipality/1961"


def test_duplicate_ids_are_requested_once():
    (chunk,) = plan_chunks(["N00945", "N00945"], ["1961", "1961", "0000"], [2020, 2020])

    assert chunk == Chunk(("N00945",), ("1961", "0000"), (2020,))


@pytest.mark.parametrize("bad", ["01,80", "../kpi", "", " ", "0180/year"])
def test_ids_that_would_change_the_request_path_are_refused(bad):
    with pytest.raises(ValueError, match="not a Kolada id"):
        plan_chunks(["N00945"], ["1961", bad])


def test_an_empty_selection_is_refused():
    with pytest.raises(ValueError):
        plan_chunks([], ["1961"])
    with pytest.raises(ValueError):
        plan_chunks(["N00945"], ["1961"], [])


# --- retries -----------------------------------------------------------------------------------


def test_a_503_is_retried_with_exponential_backoff_then_succeeds(kolada, make_client):
    kolada.route(
        "/v3/kpi",
        Reply(status=503, body=b"<html>Service Unavailable</html>"),
        Reply(status=503),
        Reply.file("kpi.json"),
    )

    pages = list(make_client(backoff=0.5).kpis())

    assert len(pages[0].items) == 6
    assert len(kolada.requests) == 3
    assert make_client.sleeps == [0.5, 1.0]


def test_backoff_doubles_up_to_its_cap_and_then_fails_naming_the_url(kolada, make_client):
    kolada.route("/v3/kpi", Reply(status=502))

    with pytest.raises(KoladaUnavailableError) as caught:
        list(make_client(max_retries=6, backoff=1.0, max_backoff=5.0).kpis())

    assert make_client.sleeps == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    assert len(kolada.requests) == 7
    assert f"{kolada.base_url}/kpi?per_page=5000" in str(caught.value)
    assert "HTTP 502" in str(caught.value)
    assert caught.value.attempts == 7


def test_429_waits_as_long_as_retry_after_says(kolada, make_client):
    kolada.route(
        "/v3/municipality",
        Reply(status=429, headers={"Retry-After": "7"}),
        Reply.file("municipality_page2.json"),
    )

    pages = list(make_client().municipalities())

    assert make_client.sleeps == [7.0]
    assert len(pages[0].items) == 112


def test_a_very_long_retry_after_is_capped(kolada, make_client):
    kolada.route(
        "/v3/municipality",
        Reply(status=429, headers={"Retry-After": "3600"}),
        Reply.file("municipality_page2.json"),
    )

    list(make_client(max_retry_after=30.0).municipalities())

    assert make_client.sleeps == [30.0]


def test_a_slow_server_times_out_is_retried_and_the_error_names_the_url(kolada, make_client):
    kolada.route("/v3/kpi", Reply.file("kpi.json", delay=3.0))

    with pytest.raises(KoladaUnavailableError) as caught:
        list(make_client(timeout=0.2, max_retries=2, backoff=0.25).kpis())

    message = str(caught.value)
    assert f"{kolada.base_url}/kpi?per_page=5000" in message
    assert "timeout after 0.2 s" in message
    assert len(kolada.requests) == 3
    assert make_client.sleeps == [0.25, 0.5]
    assert isinstance(caught.value.__cause__, httpx.TimeoutException)


def test_a_timeout_followed_by_an_answer_succeeds(kolada, make_client):
    kolada.route("/v3/kpi", Reply.file("kpi.json", delay=3.0), Reply.file("kpi.json"))

    pages = list(make_client(timeout=0.2).kpis())

    assert len(pages[0].items) == 6
    assert make_client.sleeps == [1.0]


def test_a_refused_connection_is_retried_then_reported():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps: list[float] = []
    client = KoladaClient(
        f"http://127.0.0.1:{port}/v3",
        1.0,
        max_retries=2,
        sleep=sleeps.append,
        transport=httpx.HTTPTransport(),
    )

    with pytest.raises(
        KoladaUnavailableError, match=rf"127\.0\.0\.1:{port}/v3/kpi.*connection error"
    ):
        list(client.kpis())

    assert sleeps == [1.0, 2.0]
    client.close()


def test_a_404_fails_at_once_naming_the_url_and_the_status(kolada, make_client):
    kolada.route("/v3/kpi", Reply(status=404, body=b'{"error": "Not found"}'))

    with pytest.raises(KoladaHTTPError) as caught:
        list(make_client().kpis())

    assert caught.value.status_code == 404
    assert caught.value.url == f"{kolada.base_url}/kpi?per_page=5000"
    assert "HTTP 404" in str(caught.value) and caught.value.url in str(caught.value)
    assert make_client.sleeps == []
    assert len(kolada.requests) == 1


def test_malformed_json_fails_at_once_naming_the_url(kolada, make_client):
    truncated = recorded("data_N00945_big_cities_page1.json")[:700]
    kolada.route(N00945_PATH, Reply(body=truncated))

    with pytest.raises(KoladaResponseError, match="malformed JSON") as caught:
        list(make_client().values(["N00945"], BIG_CITIES))

    assert (
        caught.value.url
        == f"{kolada.base_url}/data/kpi/N00945/municipality/0180,1280,1480?per_page=5000"
    )
    assert caught.value.url in str(caught.value)
    assert make_client.sleeps == []


def test_json_without_a_values_list_is_refused(kolada, make_client):
    kolada.route("/v3/kpi", Reply.json({"error": "something else"}))

    with pytest.raises(KoladaResponseError, match="'values' list"):
        list(make_client().kpis())


# --- what the data says ------------------------------------------------------------------------


def test_an_unknown_kpi_is_an_empty_page_and_is_reported_as_without_data(kolada, make_client):
    kolada.route("/v3/data/kpi/N99999/municipality/1961", Reply.file("data_unknown_kpi.json"))

    stream = make_client().values(["N99999"], ["1961"])
    (page,) = list(stream)

    assert page.is_empty and page.reported_count == 0
    assert stream.kpis_without_data == ("N99999",)


def test_kpis_without_data_lists_only_those_no_row_mentioned(kolada, make_client):
    kolada.route_prefix("/v3/data/", serve_arboga_peers)

    stream = make_client().values(["N03702", "N99999"], ["1984"])
    rows = [row for page in stream for row in page.items]

    assert {row.kpi for row in rows} == {"N03702"}
    assert stream.kpis_without_data == ("N99999",)


def test_kpis_without_data_is_known_only_once_the_stream_is_exhausted(kolada, make_client):
    kolada.route_prefix("/v3/data/", serve_arboga_peers)
    stream = make_client().values(["N03702"], ["1984"])

    with pytest.raises(RuntimeError, match="exhausted"):
        _ = stream.kpis_without_data
    list(stream)
    with pytest.raises(RuntimeError, match="only once"):
        list(stream)


def test_deleted_rows_are_kept_apart_from_live_rows(kolada, make_client):
    kolada.route_prefix(
        "/v3/data/", lambda path, query: Reply.file("data_N03702_arboga_edge_cases.json")
    )

    stream = make_client().values(["N03702"], ["1984"])
    (page,) = list(stream)

    assert [row.period for row in page.items] == [2012, 2013, 2014]
    assert [(row.period, row.is_deleted) for row in page.deleted] == [(2015, True)]
    assert stream.rows == 3 and stream.deleted_rows == 1
    assert stream.kpis_without_data == ()


def test_a_period_sent_as_a_string_and_a_null_value_are_understood(kolada, make_client):
    kolada.route_prefix(
        "/v3/data/", lambda path, query: Reply.file("data_N03702_arboga_edge_cases.json")
    )

    (page,) = list(make_client().values(["N03702"], ["1984"]))
    by_year = {row.period: row for row in page.items}

    assert by_year[2013].value == pytest.approx(265.248647)
    assert by_year[2014].value is None and by_year[2014].status == "Missing"


def test_an_unknown_gender_fails_naming_the_url_and_the_row(kolada, make_client):
    entry = {
        "kpi": "N03702",
        "municipality": "1984",
        "period": 2012,
        "values": [{"count": 1, "gender": "X", "status": "", "value": 1.0}],
    }
    kolada.route(
        "/v3/data/kpi/N03702/municipality/1984", Reply.json({"count": 1, "values": [entry]})
    )

    with pytest.raises(KoladaParseError) as caught:
        list(make_client().values(["N03702"], ["1984"]))

    message = str(caught.value)
    assert "unknown gender 'X'" in message
    assert f"{kolada.base_url}/data/kpi/N03702/municipality/1984?per_page=5000" in message
    assert "'municipality': '1984'" in message
    assert caught.value.row == entry


# --- unit-level edge cases (httpx.MockTransport) -----------------------------------------------


def mock_client(handler, **options) -> KoladaClient:
    options.setdefault("sleep", lambda seconds: None)
    return KoladaClient(
        "http://127.0.0.1:9/v3",
        options.pop("timeout", 3.0),
        transport=httpx.MockTransport(handler),
        **options,
    )


def test_every_request_carries_the_configured_timeout():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json={"count": 0, "values": []})

    list(mock_client(handler, timeout=3.0).kpis())

    assert seen == [{"connect": 3.0, "read": 3.0, "write": 3.0, "pool": 3.0}]


@pytest.mark.parametrize("timeout", [None, 0, -1, float("inf")])
def test_a_client_without_a_real_timeout_is_refused(timeout):
    with pytest.raises(ValueError, match="timeout"):
        KoladaClient("http://127.0.0.1:9/v3", timeout)


def test_a_next_link_to_another_host_is_refused():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "count": 1,
                "values": [{"id": "0180", "title": "Stockholm", "type": "K"}],
                "next_url": "https://api.kolada.se/v3/municipality?page=2",
            },
        )

    with pytest.raises(KoladaResponseError, match="leaves"):
        list(mock_client(handler).municipalities())


def test_a_relative_next_link_is_resolved_against_the_page_it_came_from():
    targets = []

    def handler(request: httpx.Request) -> httpx.Response:
        targets.append(str(request.url))
        if len(targets) == 1:
            return httpx.Response(
                200,
                json={
                    "values": [{"id": "0180", "title": "Stockholm", "type": "K"}],
                    "next_url": "municipality?page=2&per_page=1",
                },
            )
        return httpx.Response(200, json={"values": [{"id": "1280", "title": "Malmö", "type": "K"}]})

    ids = [
        area.id for page in mock_client(handler, per_page=1).municipalities() for area in page.items
    ]

    assert ids == ["0180", "1280"]
    assert targets[1] == "http://127.0.0.1:9/v3/municipality?page=2&per_page=1"


def test_a_next_link_pointing_back_is_refused_instead_of_looping():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "values": [{"id": "0180", "title": "Stockholm", "type": "K"}],
                "next_url": str(request.url),
            },
        )

    with pytest.raises(KoladaResponseError, match="points back"):
        list(mock_client(handler).municipalities())


def test_an_empty_page_ends_paging_even_if_it_links_onwards():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url)
        return httpx.Response(
            200, json={"count": 0, "values": [], "next_url": f"{request.url}&page={len(calls) + 1}"}
        )

    (page,) = list(mock_client(handler).kpis())

    assert page.is_empty and page.is_last
    assert len(calls) == 1


def test_a_transport_misconfiguration_is_not_retried():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.UnsupportedProtocol("no", request=request)

    sleeps: list[float] = []
    with pytest.raises(KoladaError, match="UnsupportedProtocol"):
        list(mock_client(handler, sleep=sleeps.append).kpis())
    assert sleeps == []


def test_retry_after_accepts_seconds_and_http_dates():
    now = datetime(2026, 3, 23, 12, 0, 0, tzinfo=UTC)

    assert retry_after_seconds("120", now=now) == 120.0
    assert retry_after_seconds("Mon, 23 Mar 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Mon, 23 Mar 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon", now=now) is None
    assert retry_after_seconds(None, now=now) is None


@pytest.mark.parametrize("bad", ["2024-13-01", "2024-1-1", "yesterday", 20240101])
def test_from_date_must_be_a_real_iso_date(bad):
    client = mock_client(lambda request: httpx.Response(200, json={"values": []}))

    with pytest.raises(ValueError):
        client.values(["N00945"], ["1961"], from_date=bad)


def test_from_settings_reads_the_base_url_and_the_timeout(kolada, settings):
    settings.KOLADA_BASE_URL = kolada.base_url
    settings.KOLADA_TIMEOUT_SECONDS = 7
    kolada.route("/v3/kpi", Reply.file("kpi.json"))

    with KoladaClient.from_settings(transport=httpx.HTTPTransport()) as client:
        pages = list(client.kpis())

    assert client.timeout == 7.0
    assert pages[0].url == f"{kolada.base_url}/kpi?per_page=5000"
