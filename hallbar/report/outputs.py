"""The three outputs of an edition, all from one `selectors.Content`: the web page's
context, the PDF (the same content partial, print CSS, WeasyPrint via `lib.pdf`), and the
open data (a zip of every figure as CSV and JSON, the indicator series in the Open SDG
data layout, and the snapshot itself).

Every export has the shape `render(...) -> (filename, content_type, bytes)` (STYLE.md).
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from hallbar.core.records import spreadsheet_safe
from hallbar.lib.pdf import render_pdf
from hallbar.report.selectors import Content
from hallbar.report.snapshot import canonical_json

STATIC_DIR = Path(__file__).resolve().parent / "static" / "report"
# Fixed date for every member of the zip: the same edition gives the same bytes.
ZIP_DATE = (2000, 1, 1, 0, 0, 0)


def _base_name(content: Content) -> str:
    meta = content.meta
    code = meta["organisation"]["code"]
    return f"hallbarhetsbokslut-{code}-{meta['year']}-utgava-{content.edition.number}"


def page_context(content: Content) -> dict[str, Any]:
    return {
        "tree": content.tree,
        "meta": content.meta,
        "changes": content.changes,
        "edition": content.edition,
        "content_hash": content.content_hash,
        "is_frozen": content.is_frozen,
        "report_language": content.language,
    }


def render_html_for_pdf(content: Content) -> str:
    with translation.override(content.language):
        return render_to_string("report/pdf.html", page_context(content))


def render_pdf_bytes(content: Content) -> tuple[str, str, bytes]:
    html = render_html_for_pdf(content)
    pdf = render_pdf(html, base_url=STATIC_DIR.as_uri() + "/")
    return f"{_base_name(content)}-{content.language}.pdf", "application/pdf", pdf


# --- open data --------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return spreadsheet_safe(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return repr(value) if value != int(value) or abs(value) >= 1e15 else str(int(value))
    return "" if value is None else value


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def open_sdg_rows(series: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Open SDG's data layout for one indicator: `Year`, the breakdown columns, `Value`
    last; the headline (total) rows have empty breakdowns; rows without a value are left
    out; values are numbers."""
    breakdown = series.get("has_breakdown")
    header = ["Year", "Sex", "Value"] if breakdown else ["Year", "Value"]
    rows = []
    for year, sex, value in series["rows"]:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        rows.append([int(year), sex, value] if breakdown else [int(year), value])
    return header, rows


def open_sdg_filename(code: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in code).strip("-")
    return f"indicator_{slug}.csv"


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def render_open_data(content: Content) -> tuple[str, str, bytes]:
    tree = content.tree
    base = _base_name(content)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        readme = {
            "organisation": content.meta["organisation"],
            "year": content.meta["year"],
            "edition": content.edition.number,
            "status": content.edition.status,
            "content_hash": content.content_hash or None,
            "hash_of": "snapshot.json (SHA-256 of its bytes: canonical JSON)"
            if content.is_frozen
            else None,
            "language": content.language,
            "figures": [f"figures/{figure['id']}.csv" for figure in tree["figures"]],
            "open_sdg": [open_sdg_filename(s["code"]) for s in tree["series"]],
        }
        _add(
            archive,
            "README.json",
            json.dumps(readme, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"),
        )
        if content.is_frozen:
            _add(archive, "snapshot.json", canonical_json(content.snapshot))
        for figure in tree["figures"]:
            header = [column["label"] for column in figure["columns"]]
            _add(archive, f"figures/{figure['id']}.csv", _csv(header, figure["rows"]))
            records = [
                {
                    column["key"]: value
                    for column, value in zip(figure["columns"], row, strict=False)
                }
                for row in figure["rows"]
            ]
            _add(
                archive,
                f"figures/{figure['id']}.json",
                json.dumps(
                    {"id": figure["id"], "title": figure["title"], "rows": records},
                    ensure_ascii=False,
                    allow_nan=False,
                    indent=1,
                ).encode("utf-8"),
            )
        for series in tree["series"]:
            header, rows = open_sdg_rows(series)
            _add(archive, f"open-sdg/data/{open_sdg_filename(series['code'])}", _csv(header, rows))
    return f"{base}-{content.language}-data.zip", "application/zip", buffer.getvalue()
