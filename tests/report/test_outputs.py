"""The outputs of a published edition, all from its snapshot: the PDF (opens, tagged, a
table of contents with page numbers, the goal headings in order, Swedish characters), the
open data (every figure as CSV and JSON; indicator series in the Open SDG layout), and the
content hash and edition number on all three."""

import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from hallbar.agenda.models import Target
from hallbar.followup.models import Area, Observation
from hallbar.report import services
from tests.factories import ActionFactory, SteeringDocumentFactory

pytestmark = pytest.mark.django_db

# The goals in the order of the report: the three dimensions (the wedding cake), then 17.
GOAL_ORDER = [6, 13, 14, 15, 1, 2, 3, 4, 5, 7, 11, 16, 8, 9, 10, 12, 17]


def _url(name: str, edition) -> str:
    return reverse(
        f"report:edition_{name}", kwargs={"org_code": edition.organisation.code, "pk": edition.pk}
    )


@pytest.fixture
def published(setting, draft):
    indicator = setting.indicator("EGET-1", {2019: 10.0, 2022: 11.0, 2025: 9.5})
    area = Area.objects.get(code=setting.organisation.code)
    Observation.objects.bulk_create(
        Observation(kpi=indicator.kpi, area=area, year=year, gender=gender, value=value)
        for year, gender, value in ((2022, "K", 12.5), (2022, "M", 9.5), (2025, "K", 10.0))
    )
    # A missing value is no row in the open data.
    Observation.objects.create(
        kpi=indicator.kpi, area=area, year=2023, gender="T", value=None, missing_reason="missing"
    )
    setting.indicator("EGET-2", {2020: 3.0, 2025: 4.0}, target="3.4", target_value=5)
    return setting.published(draft)


def test_the_pdf_has_contents_with_page_numbers_and_the_goals_in_order(published, tmp_path):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(_url("pdf", published))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 20

    # Tagged: headings, tables and lists carry structure for assistive technology.
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"

    # The cover names the edition and carries the full hash; every page the edition.
    assert "Sustainability report 2025" in pages[0]
    assert published.content_hash in re.sub(r"\s", "", pages[0])
    assert all(f"Edition {published.number}" in page for page in pages[1:])
    assert f"2 / {len(pages)}" in pages[1]

    # The table of contents, with the page each section starts on.
    toc = pages[1]
    assert "Contents" in toc
    for number, title in (("1", "Summary"), ("7", "Method and data")):
        match = re.search(rf"{number}\s*{title}\s*\.+\s*(\d+)", toc)
        assert match, f"{title} not in the table of contents with a page number"
        start = int(match.group(1))
        assert re.search(rf"^{number}\s*{title}", pages[start - 1], re.M), (title, start)

    # The goal headings in the body, in the order of the dimensions.
    body = "\n".join(pages[2:])
    positions = [body.find(f"Goal {number}. ") for number in GOAL_ORDER]
    assert -1 not in positions
    assert positions == sorted(positions)

    # Pages render to images (looked at during development: cover, contents, a goal).
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    images = sorted(Path(tmp_path).glob("page-*.png"))
    assert len(images) == 3
    assert all(image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for image in images)


def test_the_swedish_pdf_keeps_swedish_characters(published):
    response = Client(HTTP_ACCEPT_LANGUAGE="sv").get(_url("pdf", published))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Nyckeltal EGET-1 åäö" in text
    assert "Text om summary: hållbarhet för Hallstahammar." in text


def test_the_open_data_follows_the_open_sdg_layout(published):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(_url("data", published))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())

    readme = json.loads(archive.read("README.json"))
    assert readme["edition"] == 1 and readme["content_hash"] == published.content_hash
    assert hashlib.sha256(archive.read("snapshot.json")).hexdigest() == published.content_hash

    # Every figure of the report, as CSV and as JSON.
    figures = published.snapshot["languages"]["en"]["figures"]
    assert len(figures) > 5
    for figure in figures:
        assert {f"figures/{figure['id']}.csv", f"figures/{figure['id']}.json"} <= names
        rows = json.loads(archive.read(f"figures/{figure['id']}.json"))["rows"]
        assert len(rows) == len(figure["rows"])

    open_sdg = sorted(name for name in names if name.startswith("open-sdg/data/"))
    assert open_sdg == ["open-sdg/data/indicator_EGET-1.csv", "open-sdg/data/indicator_EGET-2.csv"]
    for name in open_sdg:
        text = archive.read(name).decode("utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        header, data = rows[0], rows[1:]
        assert header[0] == "Year" and header[-1] == "Value"
        assert data, "no rows"
        for row in data:
            assert len(row) == len(header)
            assert any(cell for cell in row), "an empty row"
            assert re.fullmatch(r"\d{4}", row[0])
            float(row[-1])  # numeric
            assert row[-1] != ""
    with_breakdown = list(csv.reader(io.StringIO(archive.read(open_sdg[0]).decode())))
    assert with_breakdown[0] == ["Year", "Sex", "Value"]
    # Headline rows (no breakdown) first, then each breakdown; 2023 had no value.
    assert with_breakdown[1:] == [
        ["2019", "", "10"],
        ["2022", "", "11"],
        ["2025", "", "9.5"],
        ["2022", "Female", "12.5"],
        ["2025", "Female", "10"],
        ["2022", "Male", "9.5"],
    ]
    assert next(iter(csv.reader(io.StringIO(archive.read(open_sdg[1]).decode())))) == [
        "Year",
        "Value",
    ]


def test_the_web_page_shows_hash_edition_charts_with_tables_and_the_contents(published):
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(_url("detail", published)).content.decode()
    assert published.content_hash in html
    assert "Edition 1" in html
    assert 'aria-labelledby="toc-heading"' in html
    assert html.count("<svg") >= 3  # summary, a goal's status bar, the indicators' lines
    assert html.count("<svg") <= html.count("<caption>")  # a table with every chart
    # The headings in order: h1, then h2 per section, h3 per dimension, h4 per goal.
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", html)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_a_published_page_is_served_from_the_snapshot_with_constant_queries(setting, client):
    small = services.report_create(organisation=setting.organisation, year=2024)
    small = setting.published(small)
    for number in range(12):
        setting.indicator(f"STOR-{number}", {2016 + y: 10.0 + y * number for y in range(10)})
    large = services.report_create(organisation=setting.organisation, year=2025)
    large = setting.published(large)
    assert len(str(large.snapshot)) > 3 * len(str(small.snapshot))

    def queries(edition) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url("detail", edition)).status_code == 200
        return len(captured)

    assert queries(small) == queries(large)


def test_an_actions_result_is_reported_under_its_goal(setting, draft, client):
    plan = SteeringDocumentFactory(
        organisation=setting.organisation,
        status="decided",
        decision_date=dt.date(2024, 11, 20),
        decided_by=setting.bodies["ks"],
        level="strategy",
    )
    action = ActionFactory(
        organisation=setting.organisation,
        title="Gång- och cykelväg till Kolbäck",
        plan=plan,
        body=setting.bodies["tn"],
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        result="1,2 km cykelväg byggd; 300 fler cykelresor per dag.",
    )
    action.targets.set(Target.objects.agenda2030().filter(code="11.2"))

    edition = setting.published(draft)

    page = client.get(
        reverse(
            "report:edition_detail",
            kwargs={"org_code": setting.organisation.code, "pk": edition.pk},
        )
    ).content.decode()
    assert "Gång- och cykelväg till Kolbäck" in page
    assert "1,2 km cykelväg byggd; 300 fler cykelresor per dag." in page
