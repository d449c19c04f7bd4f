"""Kolada reference data: all areas, groups with members and KPI definitions, loaded by
one command; a second load writes nothing; a KPI gone from the source is flagged, kept."""

import gzip
import importlib.util
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallbar.followup.models import Area, AreaKind, Kpi, KpiSource, Observation
from hallbar.followup.services import KOLADA_AREAS, KOLADA_KPIS, kolada_reference_load

SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data"
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    return kolada_reference_load()


def _payload(path: Path) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _write(path: Path, payload: dict) -> Path:
    path.write_bytes(gzip.compress(json.dumps(payload).encode("utf-8")))
    return path


def test_all_municipalities_regions_the_country_and_groups_are_loaded(loaded):
    kinds = {kind: Area.objects.filter(kind=kind).count() for kind in AreaKind.values}
    assert kinds == {"municipality": 290, "region": 21, "country": 1, "group": 3630}
    assert Area.objects.get(code="0000").title == "Riket"
    assert Area.objects.get(code="1961").kind == AreaKind.MUNICIPALITY
    assert Area.objects.get(code="0019").kind == AreaKind.REGION
    assert Area.members.through.objects.count() == 26573
    assert (loaded.areas.created, loaded.members_added, loaded.kpis.created) == (3942, 26573, 6099)


def test_hallstahammar_is_in_its_kommungrupp_and_112_groups(loaded):
    group = Area.objects.get(code="G92792")
    assert group.title == "Pendlingskommun nära större stad (ovägt medel)"
    assert group.members.filter(code="1961").exists()
    assert group.members.count() == 63  # SKR B4, README §3
    assert Area.objects.get(code="1961").groups.count() == 112


def test_every_kolada_kpi_is_a_shared_row(loaded):
    kpis = Kpi.objects.filter(source=KpiSource.KOLADA)
    assert kpis.count() == 6099
    assert not kpis.filter(organisation__isnull=False).exists()
    kpi = kpis.get(code="N00945")
    assert kpi.title_sv.startswith("Tillfälliga föräldrapenningdagar (VAB) som tas ut av män")
    assert kpi.is_divided_by_gender is False
    assert kpi.removed_at_source is None
    assert kpis.filter(is_divided_by_gender=True).count() == 2313


def test_a_second_load_writes_nothing(loaded):
    with CaptureQueriesContext(connection) as queries:
        summary = kolada_reference_load()
    assert not summary.changed
    assert (summary.areas.unchanged, summary.kpis.unchanged) == (3942, 6099)
    writes = [query["sql"] for query in queries if WRITES.match(query["sql"])]
    assert writes == []


def test_a_kpi_gone_from_the_source_is_flagged_and_kept_with_its_values(loaded, tmp_path):
    kpi = Kpi.objects.get(code="N00945", source=KpiSource.KOLADA)
    Observation.objects.create(kpi=kpi, area=Area.objects.get(code="1961"), year=2024, value=41.0)
    payload = _payload(KOLADA_KPIS)
    payload["kpis"] = [item for item in payload["kpis"] if item["id"] != "N00945"]
    without = _write(tmp_path / "kpis.json.gz", payload)

    summary = kolada_reference_load(kpis_path=without)
    kpi.refresh_from_db()
    assert (summary.kpis.removed, summary.kpis.updated, summary.kpis.unchanged) == (1, 0, 6098)
    assert kpi.removed_at_source is not None
    assert kpi.observations.count() == 1

    flagged_at = kpi.removed_at_source
    again = kolada_reference_load(kpis_path=without)
    kpi.refresh_from_db()
    assert (again.kpis.removed, again.changed) == (0, False)
    assert kpi.removed_at_source == flagged_at

    back = kolada_reference_load()
    kpi.refresh_from_db()
    assert back.kpis.updated == 1
    assert kpi.removed_at_source is None


def test_changed_titles_and_group_members_follow_the_file(loaded, tmp_path):
    payload = _payload(KOLADA_AREAS)
    for item in payload["areas"]:
        if item["code"] == "1961":
            item["title"] = "Hallstahammars kommun"
        if item["code"] == "G92792":
            item["members"] = [code for code in item["members"] if code != "1961"]
    summary = kolada_reference_load(areas_path=_write(tmp_path / "areas.json.gz", payload))
    assert (summary.areas.updated, summary.members_removed, summary.members_added) == (1, 1, 0)
    assert Area.objects.get(code="1961").title == "Hallstahammars kommun"
    assert not Area.objects.get(code="G92792").members.filter(code="1961").exists()

    restored = kolada_reference_load()
    assert (restored.areas.updated, restored.members_added) == (1, 1)
    assert Area.objects.get(code="G92792").members.filter(code="1961").exists()


def test_the_command_prints_a_summary(loaded):
    out = io.StringIO()
    call_command("load_kolada_reference", stdout=out)
    assert "0 created, 0 updated, 3942 unchanged" in out.getvalue()
    assert "Kolada KPIs: 0 created, 0 updated, 6099 unchanged, 0 removed" in out.getvalue()
    assert "Nothing changed." in out.getvalue()


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="needs ../shared/data")
def test_the_shipped_files_are_what_the_build_script_makes_of_the_sources():
    path = Path(settings.BASE_DIR) / "scripts" / "build_kolada_reference.py"
    spec = importlib.util.spec_from_file_location("build_kolada_reference", path)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert _payload(KOLADA_AREAS)["areas"] == script.areas(SHARED_DATA)
    assert _payload(KOLADA_KPIS)["kpis"] == script.kpis(SHARED_DATA)
