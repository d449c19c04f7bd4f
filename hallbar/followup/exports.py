"""Downloads of the follow-up app, through the one export contract
`render(params) -> (filename, content_type, bytes)` (`hallbar.steering.records.Export`).

`indicator-csv` and `indicator-xlsx` hold the numbers of an indicator page — the
organisation and its comparison series, one row per series and year — at full precision,
with where each value comes from: `reported` values as stored from the source (with the
source and when it was fetched or imported) and `computed_mean` values that Hållbar computed
as the unweighted mean of a group's members (with their number). The columns Year,
Indicator, Area, Gender and Value are those the observation import reads.

Parameters: `organisation` and `include_private` are set by the view from the access check,
never from the query string; `code` is the KPI code from the URL.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter

from hallbar.core.records import Export, ExportNotFound, spreadsheet_safe
from hallbar.followup import selectors
from hallbar.followup.comparison import ValueOrigin
from hallbar.followup.models import Indicator

COLUMNS = (
    "Year",
    "Indicator",
    "Area",
    "Gender",
    "Value",
    "Series",
    "Series kind",
    "Origin",
    "Count",
    "Source",
    "Fetched at",
)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _rows(data: selectors.IndicatorData) -> Iterator[list[Any]]:
    """One row per series and year with a value: Python values, formatted by the writer."""
    kpi = data.indicator.kpi
    for series in data.comparison.series:
        for year, point in sorted(series.points.items()):
            if point.origin == ValueOrigin.REPORTED:
                stored = data.source_of(series.area_code, year)
                origin = "reported"
                source = (stored.source if stored else "") or data.default_source
                fetched_at = stored.fetched_at if stored else None
            else:
                origin, source, fetched_at = "computed_mean", "Hållbar", None
            yield [
                year,
                kpi.code,
                series.area_code,
                data.comparison.gender,
                point.value,
                series.name,
                str(series.kind),
                origin,
                point.count,
                source,
                fetched_at,
            ]


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else timezone.localtime(moment).isoformat(timespec="seconds")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, str):
        return spreadsheet_safe(value)
    if isinstance(value, float):
        return repr(value)  # full precision, decimal point
    return value


def _csv(rows: Iterator[list[Any]]) -> bytes:
    # Semicolons and a BOM, as the history export: Excel with Swedish settings opens it as
    # columns. Numbers keep a decimal point (machine-readable; the import reads both).
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(data: selectors.IndicatorData, rows: Iterator[list[Any]]) -> bytes:
    indicator = data.indicator
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(
            [
                timezone.localtime(cell).replace(tzinfo=None)
                if isinstance(cell, datetime)
                else cell
                for cell in row
            ]
        )
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            _keep_text(cell)
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
    for index, width in enumerate((6, 12, 8, 7, 12, 40, 18, 14, 7, 16, 18), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    about = workbook.create_sheet("About")
    kpi = indicator.kpi
    for key, value in (
        ("Indicator", kpi.code),
        ("Title (Swedish)", kpi.title_sv),
        ("Title (English)", kpi.title_en),
        ("Unit", kpi.unit),
        ("Source", data.default_source),
        ("Organisation", f"{indicator.organisation.code} {indicator.organisation.name}"),
        ("Direction", indicator.direction),
        ("Base year", indicator.base_year),
        ("Target value", indicator.target_value),
        ("Target year", indicator.target_year),
        (
            "Origin",
            "reported: the source's figure as fetched or imported; computed_mean: the "
            "unweighted mean of the group's members with a value, computed by Hållbar "
            "(Count: how many members had one).",
        ),
    ):
        about.append([key, value])
    for cells in about.iter_rows():
        for cell in cells:
            _keep_text(cell)
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _keep_text(cell: Cell) -> None:
    """openpyxl stores a string starting with "=" as a formula: keep texts text."""
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"


class IndicatorDataExport:
    """The numbers of one indicator page as CSV or XLSX (see the module docstring)."""

    internal = False  # the indicator's own visibility rule is applied in `render`

    def __init__(self, name: str, format: str) -> None:
        self.name = name
        self.format = format

    def render(self, params: Mapping[str, Any]) -> tuple[str, str, bytes]:
        indicator = self._indicator(params)
        data = selectors.indicator_data(indicator)
        stem = "-".join(
            _FILENAME_UNSAFE.sub("_", part)
            for part in (indicator.organisation.code, indicator.kpi.code)
        )
        if self.format == "xlsx":
            return f"{stem}.xlsx", XLSX_CONTENT_TYPE, _xlsx(data, _rows(data))
        return f"{stem}.csv", "text/csv; charset=utf-8", _csv(_rows(data))

    @staticmethod
    def _indicator(params: Mapping[str, Any]) -> Indicator:
        code = str(params.get("code") or "")
        indicator = selectors.indicator_get(
            organisation=params["organisation"],
            code=code,
            include_private=bool(params.get("include_private")),
        )
        if indicator is None:
            raise ExportNotFound(code)
        return indicator


EXPORTS: dict[str, Export] = {
    export.name: export
    for export in (
        IndicatorDataExport("indicator-csv", "csv"),
        IndicatorDataExport("indicator-xlsx", "xlsx"),
    )
}
