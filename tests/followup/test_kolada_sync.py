"""manage.py kolada_sync against a fake Kolada on a local HTTP server (no internet):
metadata, then data for the organisation and the areas it is compared with; idempotent,
atomic per page, resumable, never an HTTP request inside a transaction."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from hallbar.followup import kolada_sync
from hallbar.followup.kolada_sync import SyncState, kolada_sync_plan
from hallbar.followup.models import (
    Area,
    AreaKind,
    Indicator,
    Kpi,
    KpiSource,
    Observation,
    ObservationRevision,
    ProgressRecord,
    RawResponse,
)
from hallbar.followup.services import kolada_reference_load
from hallbar.integrations.kolada.client import KoladaClient
from hallbar.organisation.models import Organisation
from tests.factories import OrganisationFactory
from tests.integrations.kolada.conftest import (  # noqa: F401  (fixtures: the local server)
    ClientFactory,
    RecordedKolada,
    Reply,
    no_internet,
)

from .kolada_fake import YEARS, FakeKolada, NoTransactionTransport

pytestmark = pytest.mark.django_db

VAB, INVANARE = "N00945", "N01951"  # T only; divided by gender (T, K, M)
PER_PAGE = 10
SUMMARY = re.compile(
    r"Data: (?P<new>\d+) new, (?P<changed>\d+) changed, (?P<unchanged>\d+) unchanged, "
    r"(?P<removed>\d+) removed\."
)


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[RecordedKolada]:
    server = RecordedKolada()
    yield server
    server.close()


@pytest.fixture
def fake(server: RecordedKolada) -> FakeKolada:
    return FakeKolada(server)


@pytest.fixture
def transport() -> NoTransactionTransport:
    return NoTransactionTransport()


@pytest.fixture
def clients(
    server: RecordedKolada, transport: NoTransactionTransport, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ClientFactory]:
    """`KoladaClient.from_settings()` gives a client of the local server: small pages, few
    retries, no sleeping, and a transport that notes requests made inside a transaction."""
    factory = ClientFactory(server)
    options = {"per_page": PER_PAGE, "max_retries": 2, "transport": transport}
    monkeypatch.setattr(
        KoladaClient, "from_settings", classmethod(lambda cls, **extra: factory(**options))
    )
    yield factory
    factory.close()


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def sync(clients: ClientFactory, state_dir: Path) -> Callable[..., tuple[str, str]]:
    """Run the command; returns (stdout, stderr)."""

    def run(*args: str, organisation: str = "1961", verbosity: int = 1) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command(
            "kolada_sync",
            "--organisation",
            organisation,
            "--state-dir",
            str(state_dir),
            *args,
            stdout=out,
            stderr=err,
            verbosity=verbosity,
        )
        return out.getvalue(), err.getvalue()

    return run


def _area(code: str, kind: str, title: str, members: list[Area] | None = None) -> Area:
    area = Area.objects.create(code=code, kind=kind, title=title)
    if members:
        area.members.set(members)
    return area


@pytest.fixture
def areas() -> dict[str, Area]:
    """Hallstahammar, a few other municipalities, its county and the country, its SKR
    kommungrupp and one "Liknande kommuner" group named after it, and a group it is not
    compared with."""
    municipalities = {
        code: _area(code, AreaKind.MUNICIPALITY, title)
        for code, title in [
            ("0180", "Stockholm"),
            ("1960", "Kungsör"),
            ("1961", "Hallstahammar"),
            ("1984", "Arboga"),
        ]
    }
    m = municipalities
    return {
        **municipalities,
        "0019": _area("0019", AreaKind.REGION, "Region Västmanland"),
        "0000": _area("0000", AreaKind.COUNTRY, "Riket"),
        "G92792": _area(
            "G92792",
            AreaKind.GROUP,
            "Pendlingskommun nära större stad (ovägt medel)",
            [m["1960"], m["1961"]],
        ),
        "G37387": _area(
            "G37387",
            AreaKind.GROUP,
            "Liknande kommuner, övergripande, Hallstahammar, 2025",
            [m["1960"], m["1984"]],
        ),
        "G114798": _area(
            "G114798", AreaKind.GROUP, "4M -  Fyra Mälarstäder (ovägt medel)", [m["0180"]]
        ),
    }


PLANNED_AREAS = ("1961", "G92792", "G37387", "0019", "0000", "0180", "1960", "1984")


@pytest.fixture
def hallstahammar(areas: dict[str, Area]) -> Organisation:
    return OrganisationFactory()


@pytest.fixture
def indicators(hallstahammar: Organisation) -> dict[str, Indicator]:
    """Two indicators on shared Kolada KPIs whose stored definitions are out of date."""
    return {
        code: Indicator.objects.create(
            organisation=hallstahammar,
            kpi=Kpi.objects.create(source=KpiSource.KOLADA, code=code, title_sv="Old title"),
            base_year=2019,
            target_year=2030,
        )
        for code in (VAB, INVANARE)
    }


def _summary(out: str) -> dict[str, int]:
    match = SUMMARY.search(out)
    assert match, out
    return {name: int(value) for name, value in match.groupdict().items()}


def _observation(kpi: str, area: str, year: int, gender: str = "T") -> Observation:
    return Observation.objects.get(kpi__code=kpi, area__code=area, year=year, gender=gender)


def _row_versions(table: str) -> dict[int, str]:
    """Each row's id and xmin: xmin changes whenever PostgreSQL writes the row."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, xmin::text FROM {table}")  # noqa: S608  (a fixed name)
        return dict(cursor.fetchall())


EXPECTED_ROWS = len(PLANNED_AREAS) * len(YEARS) * (1 + 3)  # N00945: T; N01951: T, K, M


# --- the plan --------------------------------------------------------------------------------


def test_the_plan_covers_own_area_comparison_groups_county_country_and_all_municipalities(
    hallstahammar, indicators
):
    plan = kolada_sync_plan(hallstahammar)

    assert plan.kpi_codes == (VAB, INVANARE)
    assert plan.area_codes == PLANNED_AREAS
    assert "G114798" not in plan.area_codes  # a group Hallstahammar is not compared with
    assert [chunk.path for chunk in plan.chunks] == [
        f"data/kpi/{VAB},{INVANARE}/municipality/{','.join(PLANNED_AREAS)}"
    ]


def test_with_the_kolada_reference_data_the_plan_asks_for_290_municipalities_in_chunks_of_25():
    kolada_reference_load()
    organisation = OrganisationFactory()
    Indicator.objects.create(organisation=organisation, kpi=Kpi.objects.get(code=VAB))

    plan = kolada_sync_plan(organisation)

    municipalities = set(
        Area.objects.filter(kind=AreaKind.MUNICIPALITY).values_list("code", flat=True)
    )
    assert len(municipalities) == 290
    assert municipalities <= set(plan.area_codes)
    assert plan.area_codes[:2] == ("1961", "G92792")  # own, then its SKR kommungrupp (B4)
    similar = [
        Area.objects.get(code=code).title
        for code in plan.area_codes
        if code.startswith("G") and code != "G92792"
    ]
    assert "Liknande kommuner, övergripande, Hallstahammar, 2025" in similar
    assert all(", Hallstahammar, " in title for title in similar)
    assert {"0019", "0000"} <= set(plan.area_codes)  # Västmanland, the country
    assert len(plan.chunks) == -(-len(plan.area_codes) // 25)
    assert all(len(chunk.municipality_ids) <= 25 for chunk in plan.chunks)


# --- a full sync ---------------------------------------------------------------------------


def test_a_full_sync_stores_every_value_with_its_raw_response_and_computes_progress(
    sync, fake, indicators
):
    out, _ = sync()

    assert Observation.objects.count() == EXPECTED_ROWS
    assert _summary(out) == {"new": EXPECTED_ROWS, "changed": 0, "unchanged": 0, "removed": 0}
    stored = _observation(INVANARE, "1961", 2020, "K")
    assert stored.value == pytest.approx(fake.default_value(INVANARE, "1961", 2020, "K"))
    assert stored.source == "Kolada"
    assert _observation(VAB, "G92792", 2021).count == 5  # a group mean keeps its member count
    # Every value can be traced to the response it came from.
    raw = RawResponse.objects.get(fetched_at=stored.fetched_at)
    assert raw.source == KpiSource.KOLADA
    assert raw.url.startswith(fake.server.base_url + "/data/kpi/")
    assert any(
        entry["municipality"] == "1961" and entry["kpi"] == INVANARE
        for entry in raw.json()["values"]
    )
    # Kept as received (compressed), with the digest of what was received.
    assert raw.body.startswith(b'{"count": ') and len(raw.body_gzip) < len(raw.body)
    assert raw.sha256 == hashlib.sha256(raw.body).hexdigest()
    # 48 entries in pages of 10, one raw response per page.
    assert RawResponse.objects.count() == 5 == len(fake.data_requests())
    # Metadata came first and refreshed the stored definitions.
    assert fake.server.paths()[0] == f"/v3/kpi/{VAB},{INVANARE}"
    assert Kpi.objects.get(code=INVANARE).title_sv == "Invånare totalt, antal"
    assert Kpi.objects.get(code=INVANARE).is_divided_by_gender
    # Progress for the organisation's series: T for both, K and M for N01951.
    assert set(
        ProgressRecord.objects.values_list("indicator__kpi__code", "area__code", "gender")
    ) == {
        (VAB, "1961", "T"),
        (INVANARE, "1961", "T"),
        (INVANARE, "1961", "K"),
        (INVANARE, "1961", "M"),
    }
    assert "Kolada sync of 1961." in out
    assert "progress recomputed for the organisations' own (4 record(s) written)" in out


def test_a_second_run_with_unchanged_data_writes_nothing(sync, fake, indicators, state_dir):
    sync()
    tables = [
        "followup_observation",
        "followup_observationrevision",
        "followup_rawresponse",
        "followup_kpi",
        "followup_indicator",
        "followup_progressrecord",
    ]
    before = {table: _row_versions(table) for table in tables}

    out, _ = sync()

    assert {table: _row_versions(table) for table in tables} == before
    assert _summary(out) == {"new": 0, "changed": 0, "unchanged": EXPECTED_ROWS, "removed": 0}
    assert "0 new raw response(s) stored" in out
    assert "0 updated" in out  # metadata
    assert not list(state_dir.glob("*.json"))  # a completed run leaves no state behind


def test_a_changed_value_keeps_the_previous_one_as_a_revision(sync, fake, indicators):
    sync()
    before = _observation(VAB, "1961", 2021)
    old_value, old_fetched_at = before.value, before.fetched_at
    progress_before = ProgressRecord.objects.get(indicator=indicators[VAB]).inputs
    fake.set(VAB, "1961", 2021, value=old_value + 10)

    out, _ = sync()

    after = _observation(VAB, "1961", 2021)
    assert after.value == pytest.approx(old_value + 10)
    assert after.fetched_at > old_fetched_at
    revision = after.revisions.get()
    assert (revision.value, revision.fetched_at) == (old_value, old_fetched_at)
    assert _summary(out) == {
        "new": 0,
        "changed": 1,
        "unchanged": EXPECTED_ROWS - 1,
        "removed": 0,
    }
    # Only the page that changed is stored again.
    assert RawResponse.objects.count() == 5 + 1
    # The affected series' progress was recomputed from the new value.
    progress_after = ProgressRecord.objects.get(indicator=indicators[VAB]).inputs
    assert progress_after != progress_before


def test_a_value_kolada_marks_deleted_is_removed_and_its_previous_value_kept(
    sync, fake, indicators
):
    sync()
    old_value = _observation(VAB, "1960", 2020).value
    fake.set(VAB, "1960", 2020, value=old_value, deleted=True)
    fake.set(VAB, "1984", 2020, value=1.0, deleted=True)
    Observation.objects.filter(kpi__code=VAB, area__code="1984", year=2020).delete()

    out, _ = sync()

    removed = _observation(VAB, "1960", 2020)
    assert (removed.value, removed.missing_reason) == (None, "missing")
    assert removed.revisions.get().value == old_value  # history kept, nothing lost
    # A deleted row for a value never stored creates nothing.
    assert not Observation.objects.filter(kpi__code=VAB, area__code="1984", year=2020).exists()
    # (The row never stored counts as unchanged: there was nothing to remove.)
    assert _summary(out) == {
        "new": 0,
        "changed": 0,
        "unchanged": EXPECTED_ROWS - 1,
        "removed": 1,
    }

    out, _ = sync()  # still deleted: nothing more to do
    assert _summary(out)["removed"] == 0
    assert ObservationRevision.objects.count() == 1

    fake.set(VAB, "1960", 2020, value=old_value)  # Kolada publishes it again
    out, _ = sync()
    assert _observation(VAB, "1960", 2020).value == old_value
    assert _summary(out)["changed"] == 1
    assert ObservationRevision.objects.count() == 2


def test_a_value_kolada_sends_as_null_is_stored_as_missing(sync, fake, indicators):
    fake.set(VAB, "1961", 2019, value=None)

    sync()

    missing = _observation(VAB, "1961", 2019)
    assert (missing.value, missing.missing_reason) == (None, "missing")


def test_rows_the_database_cannot_hold_are_skipped_and_kpis_without_values_named(
    sync, fake, indicators
):
    def entry(area: str, period: int, count: int = 1) -> dict:
        value = {"count": count, "gender": "T", "status": "", "value": 1.5, "isdeleted": False}
        return {"kpi": VAB, "municipality": area, "period": period, "values": [value]}

    rows = [
        entry("1961", 2020),
        entry("1961", 1850),
        entry("9999", 2020),
        entry("1961", 2021, count=2**31),  # beyond the integer column
    ]
    fake.failing = lambda path, query: Reply.json({"count": 4, "values": rows})

    out, _ = sync()

    assert list(Observation.objects.values_list("area__code", "year", "value")) == [
        ("1961", 2020, 1.5)
    ]
    assert "Skipped 3 row(s) this database cannot hold" in out
    assert f"No values from Kolada (or none changed since --from-date) for: {INVANARE}." in out


@pytest.fixture(params=["postgresql", "portable"])
def writer(request, monkeypatch: pytest.MonkeyPatch) -> str:
    """The PostgreSQL statements, and the ORM path used on SQLite (run here on PostgreSQL)."""
    if request.param == "portable":
        monkeypatch.setattr(
            kolada_sync,
            "_writers",
            lambda: (kolada_sync._rows_write_portable, kolada_sync._raw_store),
        )
    return request.param


def test_both_writers_count_and_keep_history_alike(sync, fake, indicators, writer):
    out, _ = sync()
    assert _summary(out) == {"new": EXPECTED_ROWS, "changed": 0, "unchanged": 0, "removed": 0}
    old = _observation(VAB, "1961", 2020).value
    fake.set(VAB, "1961", 2020, value=old + 1)
    fake.set(VAB, "1960", 2019, value=5.0, deleted=True)
    raw_before = RawResponse.objects.count()
    observations_before = _row_versions("followup_observation")

    out, _ = sync()
    assert _summary(out) == {
        "new": 0,
        "changed": 1,
        "unchanged": EXPECTED_ROWS - 2,
        "removed": 1,
    }
    assert set(ObservationRevision.objects.values_list("value", flat=True)) == {
        old,
        fake.default_value(VAB, "1960", 2019, "T"),
    }
    changed_rows = {
        pk
        for pk, xmin in _row_versions("followup_observation").items()
        if observations_before[pk] != xmin
    }
    assert len(changed_rows) == 2
    assert RawResponse.objects.count() == raw_before + 2  # the two pages that changed

    out, _ = sync()
    assert _summary(out) == {"new": 0, "changed": 0, "unchanged": EXPECTED_ROWS, "removed": 0}


def test_a_key_a_page_sends_twice_is_stored_once_a_live_row_winning(sync, fake, indicators, writer):
    def entry(year: int, value: float | None, *, deleted: bool = False, count=1) -> dict:
        item = {"count": count, "gender": "T", "status": "", "value": value, "isdeleted": deleted}
        return {"kpi": VAB, "municipality": "1961", "period": year, "values": [item]}

    rows = [
        entry(2019, 1.0),
        entry(2019, 2.0, deleted=True),  # a deleted row loses to a live one
        entry(2020, 3.0),
        entry(2020, 4.0),  # a later live row wins
        entry(2021, None, count=None),  # no value, no count
    ]
    fake.failing = lambda path, query: Reply.json({"count": 5, "values": rows})

    out, _ = sync()

    assert set(
        Observation.objects.values_list("year", "value", "missing_reason", "count", "source")
    ) == {
        (2019, 1.0, "", 1, "Kolada"),
        (2020, 4.0, "", 1, "Kolada"),
        (2021, None, "missing", None, "Kolada"),
    }
    assert _summary(out) == {"new": 3, "changed": 0, "unchanged": 2, "removed": 0}


def test_values_written_from_an_unchanged_body_get_a_raw_response_of_their_own(
    sync, fake, indicators
):
    sync()
    Observation.objects.filter(kpi__code=VAB, area__code="1961", year=2021).delete()
    raw_before = RawResponse.objects.count()

    out, _ = sync()  # Kolada says what it said before; the value is written again

    assert _summary(out)["new"] == 1
    restored = _observation(VAB, "1961", 2021)
    assert RawResponse.objects.count() == raw_before + 1
    raw = RawResponse.objects.get(fetched_at=restored.fetched_at)
    assert any(
        (entry["kpi"], entry["municipality"], int(entry["period"])) == (VAB, "1961", 2021)
        for entry in raw.json()["values"]
    )


def test_rows_another_sync_inserted_meanwhile_go_through_the_upsert(
    sync, fake, indicators, monkeypatch
):
    sync()
    old = _observation(VAB, "1961", 2021).value
    fake.set(VAB, "1961", 2021, value=old + 10)
    versions = _row_versions("followup_observation")
    # As if every row had been inserted by someone else between the read and the COPY.
    monkeypatch.setattr(
        kolada_sync,
        "_compare_with_stored",
        lambda rows: (~rows.deleted, np.zeros(len(rows), dtype=np.bool_)),
    )

    out, _ = sync()

    assert _summary(out) == {"new": 0, "changed": 1, "unchanged": EXPECTED_ROWS - 1, "removed": 0}
    assert Observation.objects.count() == EXPECTED_ROWS
    changed = _observation(VAB, "1961", 2021)
    assert changed.value == pytest.approx(old + 10)
    assert changed.revisions.get().value == old
    after = _row_versions("followup_observation")
    assert {pk for pk in versions if versions[pk] != after[pk]} == {changed.pk}


def test_progress_is_recomputed_for_the_pages_committed_before_kolada_failed(
    sync, fake, indicators
):
    sync()
    progress_before = ProgressRecord.objects.get(indicator=indicators[VAB]).inputs
    old = _observation(VAB, "1961", 2021).value  # on the chunk's first page
    fake.set(VAB, "1961", 2021, value=old + 10)
    fake.failing = lambda path, query: Reply(body=b"{not json") if "page=3" in query else None

    with pytest.raises(CommandError, match="malformed JSON"):
        sync()

    assert _observation(VAB, "1961", 2021).value == pytest.approx(old + 10)
    assert ProgressRecord.objects.get(indicator=indicators[VAB]).inputs != progress_before


# --- metadata and --kpi ----------------------------------------------------------------------


def test_a_kpi_kolada_no_longer_has_is_flagged_and_kept(sync, fake, indicators):
    sync()
    requests_before = len(fake.data_requests())
    definition = fake.kpis.pop(INVANARE)

    out, _ = sync()

    kpi = Kpi.objects.get(code=INVANARE)
    assert kpi.removed_at_source is not None
    assert kpi.observations.count() == len(PLANNED_AREAS) * len(YEARS) * 3  # values kept
    assert "1 no longer at Kolada (flagged, kept)" in out
    # Its values are not asked for any more.
    assert all(INVANARE not in target for target in fake.data_requests()[requests_before:])

    fake.kpis[INVANARE] = definition
    out, _ = sync()
    assert Kpi.objects.get(code=INVANARE).removed_at_source is None
    assert f"Back at Kolada: {INVANARE}." in out


def test_the_kpi_option_adds_indicators_for_the_shared_kpis(sync, fake, hallstahammar):
    out, _ = sync("--kpi", f"{VAB}, {INVANARE}")

    assert set(
        Indicator.objects.for_organisation(hallstahammar).values_list("kpi__code", flat=True)
    ) == {VAB, INVANARE}
    kpi = Kpi.objects.get(code=VAB)  # created from Kolada's metadata, shared
    assert kpi.organisation is None
    assert kpi.title_sv.startswith("Tillfälliga föräldrapenningdagar (VAB)")
    assert f"Indicators added: {VAB}, {INVANARE}." in out
    assert Observation.objects.count() == EXPECTED_ROWS
    assert ProgressRecord.objects.filter(indicator__organisation=hallstahammar).count() == 4

    out, _ = sync("--kpi", VAB)  # already followed: nothing added
    assert Indicator.objects.count() == 2
    assert "Indicators added" not in out


def test_the_kpi_option_refuses_an_unknown_code_by_name_and_adds_nothing(sync, fake, hallstahammar):
    with pytest.raises(CommandError, match=r"unknown to Kolada: N99999\. Nothing was added"):
        sync("--kpi", f"{VAB},N99999")

    assert not Indicator.objects.exists()
    assert not Kpi.objects.filter(code=VAB).exists()
    assert fake.data_requests() == []


def test_the_kpi_option_refuses_what_is_not_a_kolada_id(sync, fake, hallstahammar):
    with pytest.raises(CommandError, match=r"not Kolada KPI ids: N00945/x"):
        sync("--kpi", "N00945/x")
    assert fake.server.requests == []


def test_an_organisation_without_kolada_indicators_has_nothing_to_fetch(sync, fake, hallstahammar):
    out, _ = sync()
    assert fake.data_requests() == []
    assert "Chunks: 0 of 0 done" in out


def test_an_unknown_organisation_or_unloaded_area_is_refused(sync, fake, indicators):
    with pytest.raises(CommandError, match="No organisation with code 9999"):
        sync(organisation="9999")
    Organisation.objects.create(code="2080", name="Falun")
    with pytest.raises(CommandError, match=r"Area 2080 is not loaded: run manage\.py load_kolada"):
        sync(organisation="2080")


# --- failures and resuming -------------------------------------------------------------------


@pytest.fixture
def big(areas) -> list[str]:
    """Enough municipalities for several chunks of 25 areas."""
    extra = [_area(f"2{n:03d}", AreaKind.MUNICIPALITY, f"Kommun {n}") for n in range(60)]
    return [area.code for area in extra]


def test_an_interrupted_sync_keeps_what_it_stored_and_the_next_run_continues(
    sync, fake, indicators, big, state_dir
):
    plan = kolada_sync_plan(indicators[VAB].organisation)
    assert len(plan.chunks) == 3  # 8 + 60 areas, 25 per request
    third = "/v3/" + plan.chunks[2].path
    # Kolada fails for good on the third chunk: 500 on every attempt.
    fake.failing = lambda path, query: Reply(status=500) if path == third else None

    with pytest.raises(CommandError) as failure:
        sync()

    message = str(failure.value)
    assert f"Kolada unavailable for GET {fake.server.base_url}/{plan.chunks[2].path}" in message
    assert "after 3 attempt(s); last cause: HTTP 500" in message
    assert "Run the same command again to continue" in message
    first_two = {area for chunk in plan.chunks[:2] for area in chunk.municipality_ids}
    stored_areas = set(Observation.objects.values_list("area__code", flat=True))
    assert stored_areas == first_two  # committed batches are kept
    state = json.loads((state_dir / "1961.json").read_text())
    assert state["done"] == sorted(chunk.path for chunk in plan.chunks[:2])
    requests_before = len(fake.data_requests())

    fake.failing = None
    out, _ = sync()

    resumed = fake.data_requests()[requests_before:]
    assert {target.split("?")[0] for target in resumed} == {third}
    assert "(2 by an earlier, interrupted run)" in out
    assert set(Observation.objects.values_list("area__code", flat=True)) == set(plan.area_codes)
    assert Observation.objects.count() == len(plan.area_codes) * len(YEARS) * 4
    assert not (state_dir / "1961.json").exists()

    out, _ = sync()  # a complete run afterwards fetches everything, and writes nothing
    assert {target.split("?")[0] for target in fake.data_requests()} >= {
        "/v3/" + chunk.path for chunk in plan.chunks
    }
    assert _summary(out)["new"] == _summary(out)["changed"] == 0


def test_a_failure_in_the_middle_of_a_chunk_keeps_its_earlier_pages(sync, fake, indicators):
    # The chunk's third page is malformed: its first two pages stay committed.
    fake.failing = lambda path, query: Reply(body=b"{not json") if "page=3" in query else None

    with pytest.raises(CommandError, match=r"malformed JSON for GET http://127\.0\.0\.1:\d+/v3/"):
        sync()

    assert RawResponse.objects.count() == 2
    assert Observation.objects.count() > 0
    fake.failing = None
    out, _ = sync()
    assert Observation.objects.count() == EXPECTED_ROWS
    assert _summary(out)["unchanged"] > 0  # the first two pages again: nothing to write


def test_a_saved_state_is_not_resumed_after_a_day_or_for_another_from_date(tmp_path):
    now = timezone.now()
    state = SyncState.open(tmp_path, organisation="1961", from_date=None, now=now, restart=False)
    state.done.add("data/kpi/N00945/municipality/1961")
    state.save()

    def reopen(**options) -> SyncState:
        arguments = {"organisation": "1961", "from_date": None, "now": now, "restart": False}
        return SyncState.open(tmp_path, **(arguments | options))

    assert reopen().resumed
    assert reopen().done == state.done
    assert not reopen(now=now + timedelta(days=2)).resumed
    assert not reopen(from_date="2024-01-01").resumed
    assert not reopen(restart=True).resumed
    (tmp_path / "1961.json").write_text("{broken")
    assert not reopen().resumed


def test_from_date_is_passed_to_kolada(sync, fake, indicators):
    sync("--from-date", "2024-01-31")

    assert fake.data_requests()
    assert all("from_date=2024-01-31" in target for target in fake.data_requests())


def test_a_bad_from_date_is_refused(sync, fake, indicators):
    with pytest.raises(CommandError, match="is not a date"):
        sync("--from-date", "2024-02-30")


# --- transactions, progress, output ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_no_request_is_made_inside_a_database_transaction(sync, fake, indicators, transport):
    fake.set(VAB, "1960", 2020, value=1.0, deleted=True)
    sync("--kpi", "N03702")
    fake.set(VAB, "1961", 2021, value=99.0)
    sync()

    assert len(transport.requests) >= 2 * 6  # metadata and pages, twice
    assert transport.inside_transaction == []
    assert Observation.objects.count() > 0  # the transactions did commit


def test_the_progress_bar_shows_chunks_counts_and_rate_on_stderr(sync, fake, indicators, big):
    _, err = sync()

    assert "Kolada: 100%" in err
    assert "3/3" in err
    assert "chunk/s" in err
    assert f"rows={len(PLANNED_AREAS + tuple(big)) * len(YEARS) * 4}" in err


def test_verbosity_0_is_quiet(sync, fake, indicators):
    out, err = sync(verbosity=0)

    assert (out, err) == ("", "")
    assert Observation.objects.count() == EXPECTED_ROWS
