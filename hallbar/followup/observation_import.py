"""The observation file: values of KPIs by area, year and gender, from CSV or Excel.

The long format Open SDG uses for its data files (open-sdg.readthedocs.io, "Data
format": a `Year` column, breakdown columns, a `Value` column, one value per row), plus
the two columns an Open SDG file leaves to its file name and site: `Indicator` and `Area`.
Column names are matched without regard to case; order does not matter.

- `Year` — 1900 to 2100.
- `Indicator` — a KPI code: a Kolada KPI (N00945) or one of the organisation's own.
- `Area` — a Kolada area code: municipality (1961), region (0019), country (0000) or
  group (G92792). A code Excel shortened to fewer than four digits (180) is read as 0180.
- `Gender` (optional) — T (total), K (women) or M (men); or instead, as in Open SDG files,
  `Sex` with female, male, or an empty cell for the total. Without either column: total.
- `Value` — a number: 12.5, 12,5, 1 234,5, -3 or 1.5e3; at most 10^15 either way. An
  empty cell records that there is no value (stored as missing).
Other columns (Open SDG's `Units`, `Series`, `GeoCode`, comments) are ignored and named
in the result, so nobody is surprised that they were not stored.

CSV: UTF-8 with or without a BOM, separated by commas, semicolons or tabs (decided from
the first row). Excel: .xlsx, the first sheet, header in its first non-empty row;
a formula counts with the value it had when the workbook was last saved.

`read_observation_file` checks the whole file and reports every problem with its row,
column and reason, so a person can fix them all at once; it touches no database (the
known KPI and area codes are passed in), which keeps it fast to test exhaustively.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hallbar.agenda.translation_csv import RowError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
# An .xlsx is a zip: 20 MB packed can unpack to gigabytes (a "zip bomb"). The sheets of
# a workbook with MAX_ROWS rows unpack to some 50 MB; refuse beyond this, before reading.
MAX_XLSX_UNPACKED_BYTES = 250 * 1024 * 1024
YEAR_MIN, YEAR_MAX = 1900, 2100
# Far beyond any KPI (kronor per inhabitant, percentages, counts), well inside what a
# double stores exactly enough and every database column takes.
VALUE_LIMIT = 1e15

YEAR, INDICATOR, AREA, GENDER, SEX, VALUE = "Year", "Indicator", "Area", "Gender", "Sex", "Value"
REQUIRED_COLUMNS = (YEAR, INDICATOR, AREA, VALUE)
KNOWN_COLUMNS = {name.lower(): name for name in (*REQUIRED_COLUMNS, GENDER, SEX)}
GENDERS = {
    "": "T",
    "t": "T",
    "total": "T",
    "k": "K",
    "female": "K",
    "m": "M",
    "male": "M",
}

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_DIGIT_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009'")  # 1 234 567 / 1'234
_SHORTENED_AREA = re.compile(r"\d{1,3}")

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (and other OLE files)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


# In `known` codes: a shared KPI that this import may not write (uploads by an
# organisation write only its own KPIs).
SHARED_ONLY = -1


class ObservationFileError(Exception):
    """The file was refused; `errors` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors[:5]))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class ObservationRow:
    row: int
    kpi_id: int
    area_id: int
    year: int
    gender: str
    value: float | None  # None: the file says there is no value


@dataclass
class ObservationFile:
    format: str  # "csv" or "xlsx"
    rows: list[ObservationRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def _whole_file(message: str) -> ObservationFileError:
    return ObservationFileError([RowError(None, None, message)])


def read_observation_file(
    data: bytes,
    *,
    kpi_codes: Mapping[str, int | None],
    area_codes: Mapping[str, int | None],
    max_bytes: int = MAX_FILE_BYTES,
    max_rows: int = MAX_ROWS,
) -> ObservationFile:
    """Parse and check an observation file (CSV or .xlsx, told apart by content).

    `kpi_codes` and `area_codes` map the known codes, spelled as stored, to their ids
    (None for a code that names more than one); the file's codes match them without
    regard to case. Returns the rows to write, or
    raises ObservationFileError listing every problem.
    """
    if len(data) > max_bytes:
        raise _whole_file(
            # Callers may read only one byte past the limit: say "larger than".
            _("The file is larger than %(limit)s, the most allowed. Split it.")
            % {"limit": filesizeformat(max_bytes)}
        )
    if data.startswith(XLSX_MAGIC):
        file_format, records = "xlsx", _xlsx_records(data)
    elif data.startswith(XLS_MAGIC):
        raise _whole_file(
            _(
                "The file is in the old Excel format (.xls). Save it as an Excel workbook "
                "(.xlsx) or as “CSV UTF-8” and upload it again."
            )
        )
    else:
        file_format, records = "csv", _csv_records(data)
    checker = _Checker(kpi_codes=kpi_codes, area_codes=area_codes, max_rows=max_rows)
    return checker.read(file_format, records)


# Reading the two formats into (row number, cells) records


def _csv_records(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    if data.startswith(UTF16_BOMS):
        raise _whole_file(
            _(
                "The file is UTF-16 (in Excel: “Unicode text”). Save it as “CSV UTF-8” "
                "and upload it again."
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _whole_file(
            _(
                "The file is not UTF-8: line %(line)d has a character that cannot be read. "
                "Save it as “CSV UTF-8” and upload it again."
            )
            % {"line": data[: error.start].count(b"\n") + 1}
        ) from None
    if not text.strip():
        raise _whole_file(_("The file is empty."))
    header = text.lstrip("\r\n").split("\n", 1)[0]
    # The column names contain no separator, so the first line decides reliably.
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    # Row numbers count records as a spreadsheet shows them: the header is row 1, and a
    # cell with line breaks inside quotes stays one row.
    row = 0
    try:
        for record in reader:
            row += 1
            yield row, record
    except csv.Error as error:
        raise _CsvBroken(row + 1, str(error)) from None


class _CsvBroken(Exception):
    def __init__(self, row: int, reason: str) -> None:
        super().__init__(reason)
        self.row = row
        self.reason = reason


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    # Imported here: openpyxl takes a moment to import, and CSV files do not need it.
    from openpyxl import load_workbook

    unreadable = _(
        "The file cannot be read as an Excel workbook (.xlsx). Save it again as .xlsx or "
        "as “CSV UTF-8” and upload it again."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _whole_file(unreadable) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise _whole_file(
            _("The workbook unpacks to more than %(limit)s, the most allowed. Split it.")
            % {"limit": filesizeformat(MAX_XLSX_UNPACKED_BYTES)}
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise _whole_file(unreadable) from None
    try:
        if not workbook.worksheets:
            raise _whole_file(_("The file is empty."))
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            # Read every row, not only the range the writing program claimed it used.
            sheet.reset_dimensions()
        try:
            for row, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield row, list(cells)
        except ObservationFileError:
            raise
        except Exception:
            raise _whole_file(unreadable) from None
    finally:
        workbook.close()


# Checking the records


@dataclass(frozen=True)
class _Columns:
    index: dict[str, int]  # canonical name → position
    names: list[str]  # as shown in errors, by position
    gender: str | None  # GENDER, SEX or None
    ignored: list[str]


class _Checker:
    def __init__(
        self,
        *,
        kpi_codes: Mapping[str, int | None],
        area_codes: Mapping[str, int | None],
        max_rows: int,
    ) -> None:
        self.kpis = _case_insensitive(kpi_codes)
        self.areas = _case_insensitive(area_codes)
        self.max_rows = max_rows
        self.errors: list[RowError] = []
        self.seen: dict[tuple[int, int, int, str], int] = {}

    def read(self, file_format: str, records: Iterable[tuple[int, list[Any]]]) -> ObservationFile:
        result = ObservationFile(format=file_format)
        columns: _Columns | None = None
        data_rows = 0
        try:
            for row, record in records:
                if not any(_is_filled(cell) for cell in record):
                    continue  # blank lines, and the empty rows spreadsheets append
                if columns is None:
                    columns = self._header(row, record)
                    result.ignored_columns = columns.ignored
                    continue
                data_rows += 1
                if data_rows > self.max_rows:
                    raise _whole_file(
                        _(
                            "The file has more than %(limit)d rows; at most %(limit)d are "
                            "allowed. Split it into several files."
                        )
                        % {"limit": self.max_rows}
                    )
                parsed = self._row(row, record, columns)
                if parsed is not None and not self.errors:
                    result.rows.append(parsed)
        except _CsvBroken as broken:
            self.errors.append(
                RowError(
                    broken.row,
                    None,
                    _("The file cannot be read as CSV here (%(reason)s). Check the quotes.")
                    % {"reason": broken.reason},
                )
            )
        if columns is None and not self.errors:
            raise _whole_file(_("The file is empty."))
        if not self.errors and not data_rows:
            self.errors.append(RowError(None, None, _("The file has no rows below the first row.")))
        if self.errors:
            raise ObservationFileError(self.errors)
        return result

    def _header(self, row: int, record: list[Any]) -> _Columns:
        index: dict[str, int] = {}
        names: list[str] = []
        ignored: list[str] = []
        errors: list[RowError] = []
        for position, cell in enumerate(record):
            written = _text(cell)
            canonical = KNOWN_COLUMNS.get(written.lower())
            names.append(canonical or written)
            if canonical is None:
                if written:
                    ignored.append(written)
                continue
            if canonical in index:
                errors.append(RowError(row, canonical, _("The column appears twice.")))
            index.setdefault(canonical, position)
        if GENDER in index and SEX in index:
            errors.append(
                RowError(
                    row,
                    f"{GENDER}, {SEX}",
                    _("Use either a Gender column (T, K, M) or a Sex column, not both."),
                )
            )
        missing = [name for name in REQUIRED_COLUMNS if name not in index]
        if missing:
            errors.append(
                RowError(
                    row,
                    ", ".join(missing),
                    _(
                        "Missing column. The first row must name the columns Year, "
                        "Indicator, Area and Value (optionally Gender or Sex)."
                    ),
                )
            )
        if errors:
            raise ObservationFileError(errors)
        gender = GENDER if GENDER in index else SEX if SEX in index else None
        return _Columns(index=index, names=names, gender=gender, ignored=ignored)

    def _row(self, row: int, record: list[Any], columns: _Columns) -> ObservationRow | None:
        errors = self.errors
        before = len(errors)
        if any(_is_filled(cell) for cell in record[len(columns.names) :]):
            errors.append(
                RowError(
                    row,
                    None,
                    _(
                        "The row has more values than the first row has columns. "
                        "Put a text that contains the separator in double quotes."
                    ),
                )
            )
        for position, cell in enumerate(record[: len(columns.names)]):
            if isinstance(cell, str) and "\x00" in cell:
                errors.append(
                    RowError(
                        row,
                        columns.names[position] or None,
                        _("The cell contains a NUL byte (\\0)."),
                    )
                )
        if len(errors) > before:
            return None

        def cell(name: str) -> Any:
            position = columns.index[name]
            return record[position] if position < len(record) else None

        year = self._year(row, cell(YEAR))
        kpi_id = self._code(row, INDICATOR, _text(cell(INDICATOR)), self.kpis)
        area_id = self._code(row, AREA, _area_code(cell(AREA)), self.areas)
        gender = self._gender(row, columns.gender, cell(columns.gender)) if columns.gender else "T"
        value = self._value(row, cell(VALUE))
        if (
            len(errors) > before
            or year is None
            or kpi_id is None
            or area_id is None
            or gender is None
        ):
            return None
        key = (kpi_id, area_id, year, gender)
        first = self.seen.setdefault(key, row)
        if first != row:
            key_columns = [YEAR, INDICATOR, AREA] + ([columns.gender] if columns.gender else [])
            errors.append(
                RowError(
                    row,
                    ", ".join(key_columns),
                    _(
                        "Row %(first)d has the same indicator, area, year and gender; keep one "
                        "of the two rows. (Breakdowns other than gender are not imported.)"
                    )
                    % {"first": first},
                )
            )
            return None
        return ObservationRow(row, kpi_id, area_id, year, gender, value)

    def _year(self, row: int, cell: Any) -> int | None:
        year: int | None = None
        if isinstance(cell, bool):
            year = None
        elif isinstance(cell, int):
            year = cell
        elif isinstance(cell, float) and math.isfinite(cell) and cell.is_integer():
            year = int(cell)
        elif isinstance(cell, str) and _INTEGER.fullmatch(text := cell.strip()):
            year = int(text) if len(text) <= 6 else YEAR_MAX + 1
        if year is None:
            shown = _shown(cell)
            self.errors.append(
                RowError(
                    row,
                    YEAR,
                    _("The year is empty.")
                    if not shown
                    else _("“%(value)s” is not a year; write it with four digits, e.g. 2024.")
                    % {"value": shown},
                )
            )
            return None
        if not YEAR_MIN <= year <= YEAR_MAX:
            self.errors.append(
                RowError(
                    row,
                    YEAR,
                    _("The year %(year)s is out of range; it must be from %(min)d to %(max)d.")
                    % {"year": _shown(cell), "min": YEAR_MIN, "max": YEAR_MAX},
                )
            )
            return None
        return year

    def _code(self, row: int, column: str, code: str, known: dict[str, int | None]) -> int | None:
        if not code:
            message = (
                _("The indicator code is empty.")
                if column == INDICATOR
                else _("The area code is empty.")
            )
            self.errors.append(RowError(row, column, message))
            return None
        if code.lower() not in known:
            message = (
                _(
                    "Unknown indicator “%(code)s”: neither a Kolada KPI nor one of your "
                    "organisation's own."
                )
                if column == INDICATOR
                else _(
                    "Unknown area “%(code)s”: use a Kolada code, e.g. 1961 for a "
                    "municipality, 0019 for a region, 0000 for Sweden or G92792 for a group."
                )
            )
            self.errors.append(RowError(row, column, message % {"code": _shorten(code)}))
            return None
        found = known[code.lower()]
        if found is None:
            self.errors.append(
                RowError(
                    row,
                    column,
                    _(
                        "The code “%(code)s” names more than one indicator; ask for it to be renamed."
                    )
                    % {"code": _shorten(code)},
                )
            )
            return None
        if found == SHARED_ONLY:
            self.errors.append(
                RowError(
                    row,
                    column,
                    _(
                        "“%(code)s” is a Kolada KPI: its figures come from Kolada (kolada_sync) "
                        "and are shared by every organisation, so they cannot be uploaded here."
                    )
                    % {"code": _shorten(code)},
                )
            )
            return None
        return found

    def _gender(self, row: int, column: str, cell: Any) -> str | None:
        gender = GENDERS.get(_text(cell).lower())
        if gender is None:
            self.errors.append(
                RowError(
                    row,
                    column,
                    _(
                        "Unknown gender “%(value)s”: write T (total), K (women) or M (men); "
                        "in a Sex column female, male, or nothing for the total."
                    )
                    % {"value": _shown(cell)},
                )
            )
        return gender

    def _value(self, row: int, cell: Any) -> float | None:
        """The number, or None: for an empty cell, or after recording an error."""
        number: float | None = None
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return None
        if isinstance(cell, bool):
            number = None
        elif isinstance(cell, int | float):
            number = float(cell) if not isinstance(cell, int) or abs(cell) < 10**308 else math.inf
        elif isinstance(cell, str):
            number = _parse_number(cell)
        if number is None or math.isnan(number):
            self.errors.append(
                RowError(
                    row,
                    VALUE,
                    _(
                        "“%(value)s” is not a number. Write digits with a decimal point or "
                        "comma, e.g. 12.5 or 12,5; leave the cell empty for no value."
                    )
                    % {"value": _shown(cell)},
                )
            )
            return None
        if not abs(number) <= VALUE_LIMIT:  # also catches infinity
            self.errors.append(
                RowError(
                    row,
                    VALUE,
                    _("The value %(value)s is too large; at most ±%(limit)s is allowed.")
                    % {"value": _shown(cell), "limit": "10^15"},
                )
            )
            return None
        return number + 0.0  # -0.0 → 0.0: one spelling, so a re-import changes nothing


def _case_insensitive(codes: Mapping[str, int | None]) -> dict[str, int | None]:
    """Codes by lower case; None where a spelling names more than one id."""
    result: dict[str, int | None] = {}
    for code, pk in codes.items():
        key = code.lower()
        result[key] = pk if pk is not None and result.get(key, pk) == pk else None
    return result


def _is_filled(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)  # a code Excel stored as a number: 1961.0 → 1961
    return unicodedata.normalize("NFC", str(cell).strip())


def _area_code(cell: Any) -> str:
    code = _text(cell)
    # Excel drops the leading zero of 0180 (Stockholm) unless the cell is text.
    return code.zfill(4) if _SHORTENED_AREA.fullmatch(code) else code


def _parse_number(text: str) -> float | None:
    text = text.strip().translate(_DIGIT_GROUPING).replace("\u2212", "-")
    if "," in text:
        if "." in text or text.count(",") > 1:
            return None  # 1,234.5 or 1,234,567: grouping or decimals? Refuse to guess.
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        return None  # also "nan", "inf", "1_000", "12 %", which float() would partly take
    return float(text)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime | date | time | timedelta):
        return cell.isoformat() if not isinstance(cell, timedelta) else str(cell)
    return _shorten(str(cell).strip())
