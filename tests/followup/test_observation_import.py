"""Importing KPI values from CSV or Excel: the whole file is checked first, every bad row
is named with its row, column and reason, and either all rows are written or none."""

import csv
import io
import math
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from hallbar.followup import observation_import, services
from hallbar.followup.models import Observation, ObservationRevision
from hallbar.followup.observation_import import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    ObservationFileError,
    read_observation_file,
)
from hallbar.followup.services import SeriesKey, affected_series, observations_import
from tests.factories import MembershipFactory, UserFactory

EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples"
KPIS = {"N00945": 1, "N03702": 2, "HH-CYKEL": 3}
AREAS = {"0000": 10, "0180": 11, "1961": 12, "G92792": 13}
HEADER = "Year,Indicator,Area,Gender,Value"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _xlsx(*rows: list, header: tuple = ("Year", "Indicator", "Area", "Gender", "Value")) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _read(data: bytes, **kwargs):
    return read_observation_file(data, kpi_codes=KPIS, area_codes=AREAS, **kwargs)


def _rows(data: bytes, **kwargs) -> list[tuple]:
    return [
        (row.row, row.kpi_id, row.area_id, row.year, row.gender, row.value)
        for row in _read(data, **kwargs).rows
    ]


def _problems(data: bytes, **kwargs) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ObservationFileError) as raised:
        _read(data, **kwargs)
    return [(error.row, error.column, error.message) for error in raised.value.errors]


def _stored() -> dict[tuple[str, str, int, str], float | None]:
    return {
        (o.kpi.code, o.area.code, o.year, o.gender): o.value
        for o in Observation.objects.select_related("kpi", "area")
    }


# The parser (no database)


def test_a_valid_csv_gives_its_rows_with_ids():
    data = _csv("2020,N00945,0180,T,40.8", "2021,n00945,1961,K,41", "2021,HH-CYKEL,g92792,,-2.5")
    assert _rows(data) == [
        (2, 1, 11, 2020, "T", 40.8),
        (3, 1, 12, 2021, "K", 41.0),
        (4, 3, 13, 2021, "T", -2.5),
    ]


def test_semicolons_a_byte_order_mark_and_decimal_commas_are_accepted():
    data = "\ufeffYear;Indicator;Area;Value\r\n2020;N00945;1961;1 234,5\r\n2021;N00945;1961;−3\r\n"
    assert _rows(data.encode("utf-8")) == [
        (2, 1, 12, 2020, "T", 1234.5),
        (3, 1, 12, 2021, "T", -3.0),
    ]


def test_tabs_separate_too():
    data = b"Year\tIndicator\tArea\tValue\n2020\tN00945\t1961\t1.5e3\n"
    assert _rows(data) == [(2, 1, 12, 2020, "T", 1500.0)]


def test_an_open_sdg_sex_column_gives_women_men_and_total():
    data = _csv(
        "2020,N00945,1961,female,1",
        "2020,N00945,1961,male,2",
        "2020,N00945,1961,,3",
        header="Year,Indicator,Area,Sex,Value",
    )
    assert [(row[4], row[5]) for row in _rows(data)] == [("K", 1.0), ("M", 2.0), ("T", 3.0)]


def test_an_empty_value_means_no_value():
    assert _rows(_csv("2020,N00945,1961,T,")) == [(2, 1, 12, 2020, "T", None)]


def test_a_shortened_area_code_gets_its_leading_zeros_back():
    assert _rows(_csv("2020,N00945,180,T,1"))[0][2] == 11


def test_other_columns_are_ignored_and_named():
    data = _csv("2020,%,N00945,1961,1,note", header="Year,Units,Indicator,Area,Value,COMMENT_OBS")
    parsed = _read(data)
    assert parsed.ignored_columns == ["Units", "COMMENT_OBS"]
    assert [row.value for row in parsed.rows] == [1.0]


def test_column_names_are_matched_without_regard_to_case_or_order():
    assert _rows(_csv("1,N00945,1961,2020", header="VALUE,indicator, Area ,year")) == [
        (2, 1, 12, 2020, "T", 1.0)
    ]


def test_every_bad_row_is_named_with_its_row_column_and_reason():
    problems = _problems(
        _csv(
            "2020,N00945,1961,T,1.5",
            "2020,N00945,1961,T,abc",
            "1899,N00945,1961,T,1",
            "2101,N00945,1961,T,1",
            "20x0,N00945,1961,T,1",
            ",N00945,1961,T,1",
            "2020,N99999,1961,T,1",
            "2020,N00945,9999,T,1",
            "2020,,,T,1",
            "2020,N00945,1961,X,1",
            "2020,N00945,1961,T,1e16",
            "2020,N00945,1961,T,-1000000000000001",
            "2020,N00945,1961,T,inf",
            "2020,N00945,1961,T,NaN",
            "2020,N00945,1961,T,1,234.5",
            "2020,N00945,1961,T,12 %",
            "2020,N00945,1961,T,1_000",
            "2020,N00945,1961,T,2",
            "2021,N00945,1961,T,1\x00",
        )
    )
    not_a_number = (
        "is not a number. Write digits with a decimal point or comma, e.g. 12.5 or 12,5; "
        "leave the cell empty for no value."
    )
    assert problems == [
        (3, "Value", f"“abc” {not_a_number}"),
        (4, "Year", "The year 1899 is out of range; it must be from 1900 to 2100."),
        (5, "Year", "The year 2101 is out of range; it must be from 1900 to 2100."),
        (6, "Year", "“20x0” is not a year; write it with four digits, e.g. 2024."),
        (7, "Year", "The year is empty."),
        (
            8,
            "Indicator",
            "Unknown indicator “N99999”: neither a Kolada KPI nor one of your organisation's own.",
        ),
        (
            9,
            "Area",
            "Unknown area “9999”: use a Kolada code, e.g. 1961 for a municipality, 0019 for a "
            "region, 0000 for Sweden or G92792 for a group.",
        ),
        (10, "Indicator", "The indicator code is empty."),
        (10, "Area", "The area code is empty."),
        (
            11,
            "Gender",
            "Unknown gender “X”: write T (total), K (women) or M (men); in a Sex column female, "
            "male, or nothing for the total.",
        ),
        (12, "Value", "The value 1e16 is too large; at most ±10^15 is allowed."),
        (13, "Value", "The value -1000000000000001 is too large; at most ±10^15 is allowed."),
        (14, "Value", f"“inf” {not_a_number}"),
        (15, "Value", f"“NaN” {not_a_number}"),
        (
            16,
            None,
            "The row has more values than the first row has columns. "
            "Put a text that contains the separator in double quotes.",
        ),
        (17, "Value", f"“12 %” {not_a_number}"),
        (18, "Value", f"“1_000” {not_a_number}"),
        (
            19,
            "Year, Indicator, Area, Gender",
            "Row 2 has the same indicator, area, year and gender; keep one of the two rows. "
            "(Breakdowns other than gender are not imported.)",
        ),
        (20, "Value", "The cell contains a NUL byte (\\0)."),
    ]


def test_a_value_at_the_limit_is_accepted():
    assert [
        row[5] for row in _rows(_csv("2020,N00945,1961,T,1e15", "2021,N00945,1961,T,-1e15"))
    ] == [
        1e15,
        -1e15,
    ]


def test_missing_columns_are_named():
    problems = _problems(_csv("2020,1", header="year,value"))
    assert problems == [
        (
            1,
            "Indicator, Area",
            "Missing column. The first row must name the columns Year, Indicator, Area and "
            "Value (optionally Gender or Sex).",
        )
    ]


def test_a_column_twice_and_both_gender_and_sex_are_refused():
    problems = _problems(
        _csv("2020,N00945,1961,T,,1", header="Year,Indicator,Area,Gender,Sex,value")
    )
    assert problems == [
        (1, "Gender, Sex", "Use either a Gender column (T, K, M) or a Sex column, not both.")
    ]
    problems = _problems(_csv("2020,2021,N00945,1961,1", header="Year,year,Indicator,Area,Value"))
    assert problems == [(1, "Year", "The column appears twice.")]


def test_a_file_that_is_not_utf8_is_refused_with_advice():
    problems = _problems(
        "Year;Indicator;Area;Value\n2020;N00945;1961;1\n# Sjöbo\n".encode("cp1252")
    )
    assert problems == [
        (
            None,
            None,
            "The file is not UTF-8: line 3 has a character that cannot be read. "
            "Save it as “CSV UTF-8” and upload it again.",
        )
    ]
    problems = _problems(_csv("2020,N00945,1961,T,1").decode().encode("utf-16"))
    assert problems[0][2].startswith("The file is UTF-16")


def test_empty_files_and_a_file_with_only_a_header_are_refused():
    assert _problems(b"") == [(None, None, "The file is empty.")]
    assert _problems(b"\xef\xbb\xbf \n\n") == [(None, None, "The file is empty.")]
    assert _problems(_csv()) == [(None, None, "The file has no rows below the first row.")]


def test_too_large_and_too_long_files_are_refused_with_the_limit():
    assert _problems(b"x" * 101, max_bytes=100) == [
        (None, None, "The file is larger than 100\xa0bytes, the most allowed. Split it.")
    ]
    rows = [f"{year},N00945,1961,T,1" for year in range(2000, 2004)]
    assert _problems(_csv(*rows), max_rows=3) == [
        (
            None,
            None,
            "The file has more than 3 rows; at most 3 are allowed. Split it into several files.",
        )
    ]
    assert len(_rows(_csv(*rows[:3]), max_rows=3)) == 3


def test_the_limits_are_20_megabytes_and_200000_rows():
    assert (MAX_FILE_BYTES, MAX_ROWS) == (20 * 1024 * 1024, 200_000)


def test_broken_quoting_names_the_row():
    problems = _problems(_csv("2020,N00945,1961,T,1", '2021,"N00945"x,1961,T,1'))
    assert problems[0][0] == 3
    assert "cannot be read as CSV" in problems[0][2]


# Excel


def test_an_xlsx_gives_the_same_rows_as_a_csv_with_sheet_row_numbers():
    data = _xlsx(
        [2020, "N00945", "0180", "T", 40.8],
        [None, None, None, None, None],
        [2021.0, "N00945", 180, "K", "41,5"],
        [2022, "N00945", 1961, None, 7],
    )
    assert _rows(data) == [
        (2, 1, 11, 2020, "T", 40.8),
        (4, 1, 11, 2021, "K", 41.5),
        (5, 1, 12, 2022, "T", 7.0),
    ]
    assert _read(data).format == "xlsx"


def test_bad_excel_cells_are_named_with_their_sheet_row():
    data = _xlsx(
        [date(2020, 1, 1), "N00945", "1961", "T", 1],
        [2020.5, "N00945", "1961", "T", 1],
        [2020, "N00945", "1961", "T", True],
        [2021, "N00945", "1961", "T", "n/a"],
    )
    assert [(row, column) for row, column, _message in _problems(data)] == [
        (2, "Year"),
        (3, "Year"),
        (4, "Value"),
        (5, "Value"),
    ]


def test_old_excel_files_and_damaged_workbooks_are_refused_with_advice():
    [(_, _, message)] = _problems(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert message.startswith("The file is in the old Excel format (.xls).")
    [(_, _, message)] = _problems(_xlsx([2020, "N00945", "1961", "T", 1])[:500])
    assert message.startswith("The file cannot be read as an Excel workbook (.xlsx).")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    [(_, _, message)] = _problems(buffer.getvalue())
    assert message.startswith("The file cannot be read as an Excel workbook (.xlsx).")


def test_a_workbook_that_unpacks_too_large_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(observation_import, "MAX_XLSX_UNPACKED_BYTES", 1000)
    [(row, column, message)] = _problems(_xlsx([2020, "N00945", "1961", "T", 1]))
    assert (row, column) == (None, None)
    assert message.startswith("The workbook unpacks to more than 1000")


def test_the_example_files_are_valid_and_hold_the_same_rows():
    kpis = {"N00945": 1, "N03702": 2}
    areas = {"0180": 1, "1280": 2, "1480": 3, "1984": 4}

    def rows(name: str) -> list[tuple]:
        parsed = read_observation_file(
            (EXAMPLES / name).read_bytes(), kpi_codes=kpis, area_codes=areas
        )
        assert parsed.ignored_columns == []
        return [(r.kpi_id, r.area_id, r.year, r.gender, r.value) for r in parsed.rows]

    from_csv = rows("observations.csv")
    assert len(from_csv) == 13
    assert from_csv == rows("observations.xlsx")


# Properties: whatever arrives, a list of problems or rows, never an exception


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_give_rows_or_a_validation_error_never_a_crash(data):
    try:
        _read(data)
    except ObservationFileError as error:
        assert error.errors
        assert all(str(problem) for problem in error.errors)


CELL = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(["", "2020", "1899", "N00945", "n03702", "0180", "180", "G92792", "K"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats().map(repr),
)
ROW = st.lists(CELL, min_size=0, max_size=7)


def _assert_rows_are_storable(parsed) -> None:
    for row in parsed.rows:
        assert 1900 <= row.year <= 2100
        assert row.gender in {"T", "K", "M"}
        assert row.value is None or (math.isfinite(row.value) and abs(row.value) <= 1e15)


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    delimiter=st.sampled_from([",", ";", "\t"]),
    header=st.permutations(["Year", "Indicator", "Area", "Gender", "Value", "Units"]),
    rows=st.lists(ROW, max_size=8),
)
def test_random_csv_cells_give_rows_or_a_validation_error_never_a_crash(delimiter, header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        parsed = _read(buffer.getvalue().encode("utf-8"))
    except ObservationFileError as error:
        assert all(problem.row is None or problem.row >= 1 for problem in error.errors)
    else:
        _assert_rows_are_storable(parsed)


XLSX_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    # openpyxl refuses control characters in cells, as Excel does.
    st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), max_size=8),
    st.sampled_from(["2020", "N00945", "0180", 180, 2020, "female", "1,5"]),
)


@hypothesis_settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(XLSX_CELL, min_size=5, max_size=5), max_size=5))
def test_random_excel_cells_give_rows_or_a_validation_error_never_a_crash(rows):
    try:
        parsed = _read(_xlsx(*rows))
    except ObservationFileError as error:
        assert error.errors
    else:
        _assert_rows_are_storable(parsed)


# Writing (PostgreSQL)


@pytest.fixture
def codes(areas, kpis):
    return areas, kpis


def _import(data: bytes, organisation=None, source_name: str = "test.csv"):
    return observations_import(data=data, organisation=organisation, source_name=source_name)


def test_an_import_writes_every_row_and_reports_the_series_it_touched(codes, organisation):
    areas, kpis = codes
    summary = _import(
        _csv(
            "2019,N00945,0180,T,39.3",
            "2020,N00945,0180,T,40.8",
            "2020,N00945,1961,K,",
            "2020,HH-CYKEL,1961,T,3.5",
        ),
        organisation=organisation,
    )
    assert (summary.created, summary.changed, summary.unchanged) == (4, 0, 0)
    assert str(summary) == "Imported: 4 new, 0 changed, 0 unchanged."
    assert _stored() == {
        ("N00945", "0180", 2019, "T"): 39.3,
        ("N00945", "0180", 2020, "T"): 40.8,
        ("N00945", "1961", 2020, "K"): None,
        ("HH-CYKEL", "1961", 2020, "T"): 3.5,
    }
    empty = Observation.objects.get(value__isnull=True)
    assert (empty.missing_reason, empty.source) == ("missing", "test.csv")
    assert affected_series(summary) == {
        SeriesKey(kpis["N00945"].pk, areas["0180"].pk, "T"),
        SeriesKey(kpis["N00945"].pk, areas["1961"].pk, "K"),
        SeriesKey(kpis["HH-CYKEL"].pk, areas["1961"].pk, "T"),
    }


def test_another_organisations_own_kpi_is_unknown(codes, organisation):
    with pytest.raises(ObservationFileError) as raised:
        _import(_csv("2020,AR-EGEN,1961,T,1", "2020,HH-CYKEL,1961,T,1"), organisation=organisation)
    assert [(e.row, e.column) for e in raised.value.errors] == [(2, "Indicator")]
    # Without an organisation only Kolada KPIs are known.
    with pytest.raises(ObservationFileError):
        _import(_csv("2020,HH-CYKEL,1961,T,1"))


def _xmax() -> set[str]:
    """PostgreSQL's xmax of every observation: 0 unless a transaction updated, deleted or
    locked the row since it was inserted."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmax::text FROM followup_observation")
        return {xmax for (xmax,) in cursor.fetchall()}


def test_importing_the_same_file_again_writes_nothing(codes, assert_postgres):
    data = _csv("2019,N00945,0180,T,39.3", "2020,N00945,0180,T,40.8", "2020,N00945,0180,K,")
    _import(data)
    fetched = dict(Observation.objects.values_list("pk", "fetched_at"))
    again = _import(data)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    assert affected_series(again) == frozenset()
    assert dict(Observation.objects.values_list("pk", "fetched_at")) == fetched
    assert ObservationRevision.objects.count() == 0
    assert _xmax() == {"0"}  # not updated, not even locked


def test_a_changed_value_keeps_the_previous_one_as_a_revision(codes):
    areas, kpis = codes
    _import(_csv("2019,N00945,0180,T,39.3", "2020,N00945,0180,T,40.8"), source_name="v1.csv")
    before = Observation.objects.get(year=2020)
    summary = _import(
        _csv("2019,N00945,0180,T,39.3", "2020,N00945,0180,T,41.0"), source_name="v2.csv"
    )
    assert (summary.created, summary.changed, summary.unchanged) == (0, 1, 1)
    assert affected_series(summary) == {SeriesKey(kpis["N00945"].pk, areas["0180"].pk, "T")}
    after = Observation.objects.get(year=2020)
    assert (after.pk, after.value, after.source) == (before.pk, 41.0, "v2.csv")
    [revision] = after.revisions.all()
    assert (revision.value, revision.missing_reason) == (40.8, "")
    assert revision.fetched_at == before.fetched_at
    # A value that disappears is a change too; its last value is kept.
    summary = _import(_csv("2020,N00945,0180,T,"))
    assert summary.changed == 1
    assert list(after.revisions.values_list("value", flat=True).order_by("pk")) == [40.8, 41.0]


def test_the_portable_writer_gives_the_same_result(codes, monkeypatch):
    monkeypatch.setattr(services, "_write_postgresql", services._write_portable)
    data = _csv("2019,N00945,0180,T,39.3", "2020,N00945,0180,T,40.8", "2020,N00945,0180,K,")
    first = _import(data)
    again = _import(data)
    changed = _import(_csv("2020,N00945,0180,T,41", "2021,N00945,0180,T,42"))
    assert [(s.created, s.changed, s.unchanged) for s in (first, again, changed)] == [
        (3, 0, 0),
        (0, 0, 3),
        (1, 1, 0),
    ]
    assert list(ObservationRevision.objects.values_list("value", flat=True)) == [40.8]


@pytest.fixture
def many_areas(codes):
    from hallbar.followup.models import Area, AreaKind

    Area.objects.bulk_create(
        Area(code=f"X{number:03}", kind=AreaKind.MUNICIPALITY, title=f"Kommun {number}")
        for number in range(20)
    )


def _big_file(rows: int, *, bad_row: int | None = None) -> bytes:
    """`rows` distinct rows: 200 years × 20 areas × 3 genders."""
    lines = []
    for number in range(1, rows + 1):
        year, area, gender = 1900 + number % 200, f"X{number // 200 % 20:03}", "TKM"[number // 4000]
        value = "oops" if number == bad_row else f"{number / 7:.4f}"
        lines.append(f"{year},N00945,{area},{gender},{value}")
    return _csv(*lines)


def test_a_bad_row_9999_of_10000_leaves_nothing_written(many_areas):
    with pytest.raises(ObservationFileError) as raised:
        _import(_big_file(10_000, bad_row=9_999))
    # Row 1 is the header: data row 9,999 is the file's row 10,000.
    assert [(e.row, e.column) for e in raised.value.errors] == [(10_000, "Value")]
    assert Observation.objects.count() == 0


def test_a_failure_while_writing_leaves_the_database_as_it_was(many_areas, monkeypatch):
    _import(_csv("1901,N00945,1961,T,1"))
    write = services._write_postgresql
    batches = []

    def fail_on_second_batch(rows, **kwargs):
        batches.append(len(rows))
        if len(batches) == 2:
            raise RuntimeError("the database went away")
        return write(rows, **kwargs)

    monkeypatch.setattr(services, "_write_postgresql", fail_on_second_batch)
    with pytest.raises(RuntimeError):
        _import(_big_file(10_000))
    assert batches == [services.BATCH_SIZE, services.BATCH_SIZE]
    assert _stored() == {("N00945", "1961", 1901, "T"): 1.0}
    assert ObservationRevision.objects.count() == 0


def test_a_large_file_is_written_completely(many_areas):
    summary = _import(_big_file(10_000))
    assert (summary.created, summary.changed) == (10_000, 0)
    assert Observation.objects.count() == 10_000


@pytest.fixture
def example_areas(areas):
    from hallbar.followup.models import Area, AreaKind

    for code, title in (("1280", "Malmö"), ("1480", "Göteborg"), ("1984", "Arboga")):
        Area.objects.get_or_create(
            code=code, defaults={"kind": AreaKind.MUNICIPALITY, "title": title}
        )
    return areas


def test_the_command_imports_csv_and_xlsx_and_lists_every_problem(example_areas, kpis, tmp_path):
    out = io.StringIO()
    call_command("import_observations", str(EXAMPLES / "observations.csv"), stdout=out)
    assert "Imported: 13 new, 0 changed, 0 unchanged." in out.getvalue()
    assert "Series with new or changed values: 4." in out.getvalue()
    out = io.StringIO()
    call_command(
        "import_observations", str(EXAMPLES / "observations.xlsx"), "--source", "Kolada", stdout=out
    )
    assert "Imported: 0 new, 0 changed, 13 unchanged." in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv("2020,N00945,0180,T,x", "2020,N00945,0180,T,y"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_observations", str(bad), stderr=err)
    assert "bad.csv: Row 2, column Value:" in err.getvalue()
    assert "bad.csv: Row 3, column Value:" in err.getvalue()


# Rows that pass, at the edges of what passes, mixed with rows that probe the checks: the
# database must take whatever the checks let through.
VALID_ROW = st.tuples(
    st.integers(min_value=1900, max_value=2100).map(str),
    st.sampled_from(["N00945", "n03702", "HH-CYKEL"]),
    st.sampled_from(["0180", "180", "1961", "g92792", "0000"]),
    st.sampled_from(["T", "K", "M", ""]),
    st.one_of(
        st.floats(min_value=-1e15, max_value=1e15).map(repr),
        st.sampled_from(["5e-324", "-0.0", "1e15", "-1e15", "1e-400", "0,0", "", "1 000,5"]),
    ),
)
WILD_ROW = st.tuples(
    st.one_of(st.integers(min_value=1890, max_value=2110).map(str), st.text(max_size=5)),
    st.sampled_from(["N00945", "X", ""]),
    st.sampled_from(["1961", "9999", "\x00"]),
    st.sampled_from(["T", "x"]),
    st.one_of(
        st.floats().map(repr),
        st.floats(min_value=-1e16, max_value=1e16).map(lambda x: f"{x:.6g}".replace(".", ",")),
        st.integers(min_value=-(10**17), max_value=10**17).map(str),
        st.text(max_size=6),
    ),
)
OBSERVATION_ROW = st.one_of(VALID_ROW, VALID_ROW, VALID_ROW, WILD_ROW)


def test_random_files_are_imported_or_refused_never_a_database_error(codes, organisation):
    outcomes: list[str] = []

    @hypothesis_settings(max_examples=150, deadline=None)
    @given(cells=st.lists(OBSERVATION_ROW, min_size=1, max_size=5))
    def import_or_refuse(cells):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER.split(","))
        writer.writerows(cells)
        try:
            summary = _import(buffer.getvalue().encode("utf-8"), organisation=organisation)
        except ObservationFileError as error:
            assert error.errors
            outcomes.append("refused")
        else:
            assert summary.created + summary.changed + summary.unchanged == len(cells)
            outcomes.append("imported")

    import_or_refuse()
    # Both paths were taken: the database saw what the checks let through.
    assert outcomes.count("imported") >= 10
    assert "refused" in outcomes


# The upload page


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(organisation) -> str:
    return reverse("followup:observation_import", kwargs={"org_code": organisation.code})


def _upload(name: str, content: bytes, content_type: str = "text/csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_the_upload_page_sends_anonymous_visitors_to_log_in(client, organisation):
    response = client.get(_url(organisation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    response = client.post(_url(organisation), {"file": _upload("a.csv", _csv())})
    assert response.status_code == 302
    assert Observation.objects.count() == 0


def test_the_upload_page_refuses_a_non_member(client, codes, organisation):
    client.force_login(UserFactory(username="utomstaende"))
    assert client.get(_url(organisation)).status_code == 403
    response = client.post(
        _url(organisation), {"file": _upload("a.csv", _csv("2020,N00945,1961,T,1"))}
    )
    assert response.status_code == 403
    assert Observation.objects.count() == 0


def test_the_upload_page_refuses_a_member_of_another_organisation(client, codes, organisation):
    from tests.factories import OrganisationFactory

    stranger = MembershipFactory(
        body__organisation=OrganisationFactory(code="0180", name="Stockholm")
    )
    client.force_login(stranger.user)
    assert client.get(_url(organisation)).status_code == 403


def test_a_member_imports_a_csv_and_sees_the_summary(client, member, codes, organisation):
    client.force_login(member)
    page = client.get(_url(organisation))
    assert page.status_code == 200
    assert "Import indicator values" in page.content.decode()
    response = client.post(
        _url(organisation),
        {"file": _upload("values.csv", _csv("2020,HH-CYKEL,1961,T,2", "2021,HH-CYKEL,1961,T,3"))},
        follow=True,
    )
    assert response.redirect_chain == [(_url(organisation), 302)]
    assert "Imported: 2 new, 0 changed, 0 unchanged." in response.content.decode()
    assert set(Observation.objects.values_list("source", flat=True)) == {"values.csv"}


def test_an_upload_cannot_change_shared_kolada_figures(
    client, member, example_areas, kpis, organisation
):
    # The example workbook holds Kolada KPIs: every organisation shares those figures,
    # so they come from Kolada (or an operator's import_observations), not an upload.
    client.force_login(member)
    upload = _upload("observations.xlsx", (EXAMPLES / "observations.xlsx").read_bytes(), XLSX_TYPE)
    response = client.post(_url(organisation), {"file": upload, "source": "Kolada"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "“N00945” is a Kolada KPI" in page
    assert Observation.objects.count() == 0


def test_the_upload_page_lists_every_problem_and_saves_nothing(client, member, codes, organisation):
    client.force_login(member)
    response = client.post(
        _url(organisation),
        {"file": _upload("bad.csv", _csv("2020,HH-CYKEL,1961,T,1", "2020,N99999,1961,T,abc"))},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 problems were found" in page
    assert "<td>3</td><td>Indicator</td><td>Unknown indicator “N99999”" in page
    assert "<td>3</td><td>Value</td><td>“abc” is not a number." in page
    assert Observation.objects.count() == 0


def test_the_upload_page_refuses_a_file_over_the_limit(
    client, member, codes, organisation, monkeypatch
):
    from hallbar.followup import forms

    monkeypatch.setattr(forms, "MAX_FILE_BYTES", 10)
    client.force_login(member)
    response = client.post(_url(organisation), {"file": _upload("big.csv", b"x" * 11)})
    assert response.status_code == 200
    assert "The file is larger than 10\xa0bytes" in response.content.decode()
