"""How follow-up figures look: status and band colours and names, number formatting, and the
charts — Vega-Lite specifications rendered to SVG on the server with vl-convert-python.

Every chart comes with the table of the numbers it draws (ARCHITECTURE.md: a data table
beside every chart): both are built here from the same data and the same
:func:`format_value`, so the page shows the same figures twice, once as lines and once as
text. The SVG needs no JavaScript and loads nothing from anywhere (`allowed_base_urls=[]`).

Colours never carry meaning alone: each status or band is named in text next to its colour,
and the chart's series also differ by dash and point shape. Every colour here has at least
4.5:1 contrast with white, so it can be the background of white text and stand out from
the white page as a graphic (WCAG 2.1 1.4.3 and 1.4.11; checked by tests).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import vl_convert
from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from hallbar.followup.comparison import Comparison, SeriesKind, ValueOrigin
from hallbar.lib.comparison import Band
from hallbar.lib.progress import SHARE_ORDER, Status

# --- names and colours ----------------------------------------------------------------------

STATUS_LABELS: dict[str, Any] = {
    Status.TARGET_ACHIEVED: _("Target achieved"),
    Status.ON_TRACK: _("On track"),
    Status.PROGRESS_NEEDS_ACCELERATION: _("Progress needs acceleration"),
    Status.LIMITED_PROGRESS: _("Limited progress"),
    Status.DETERIORATION: _("Deterioration"),
    Status.NOT_AVAILABLE: _("Not available"),
}
STATUS_COLOURS: dict[str, str] = {
    Status.TARGET_ACHIEVED: "#0B5D3B",
    Status.ON_TRACK: "#2E8540",
    Status.PROGRESS_NEEDS_ACCELERATION: "#8A6500",
    Status.LIMITED_PROGRESS: "#C2410C",
    Status.DETERIORATION: "#A4161A",
    Status.NOT_AVAILABLE: "#5F6368",
}

# Relative position (METHODS.md §2): always worded as relative, never as goal attainment.
BAND_COLOURS: dict[str, str] = {
    Band.GREEN: "#2E8540",
    Band.YELLOW: "#8A6500",
    Band.RED: "#A4161A",
    Band.GREY: "#5F6368",
}
BAND_LABELS_MUNICIPALITIES: dict[str, Any] = {
    Band.GREEN: _("among the 25 % best municipalities"),
    Band.YELLOW: _("among the middle 50 % of municipalities"),
    Band.RED: _("among the 25 % weakest municipalities"),
    Band.GREY: _("no value to compare"),
}
BAND_LABELS_REGIONS: dict[str, Any] = {
    Band.GREEN: _("among the 25 % best regions"),
    Band.YELLOW: _("among the middle 50 % of regions"),
    Band.RED: _("among the 25 % weakest regions"),
    Band.GREY: _("no value to compare"),
}

SERIES_KIND_LABELS: dict[str, Any] = {
    SeriesKind.OWN: _("the organisation"),
    SeriesKind.MUNICIPALITY_GROUP: _("SKR municipality group"),
    SeriesKind.SIMILAR: _("similar municipalities (Kolada)"),
    SeriesKind.COUNTY: _("county"),
    SeriesKind.COUNTRY: _("whole country"),
}
# Line colour, dash and point shape per series kind: three ways to tell the lines apart.
SERIES_STYLES: dict[str, tuple[str, list[int], str]] = {
    SeriesKind.OWN: ("#1D5C3A", [], "circle"),
    SeriesKind.MUNICIPALITY_GROUP: ("#0072B2", [6, 3], "square"),
    SeriesKind.SIMILAR: ("#B8470B", [2, 2], "triangle-up"),
    SeriesKind.COUNTY: ("#6A3D9A", [8, 3, 2, 3], "diamond"),
    SeriesKind.COUNTRY: ("#333333", [1, 3], "cross"),
}
TARGET_COLOUR = "#A4161A"


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, STATUS_LABELS[Status.NOT_AVAILABLE]))


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, STATUS_COLOURS[Status.NOT_AVAILABLE])


def band_label(band: str, *, regions: bool = False) -> str:
    labels = BAND_LABELS_REGIONS if regions else BAND_LABELS_MUNICIPALITIES
    return str(labels.get(band, labels[Band.GREY]))


@dataclass(frozen=True)
class Badge:
    """A coloured label: the text says it, the colour only repeats it."""

    key: str
    label: str
    colour: str
    text_colour: str = "#FFFFFF"  # every colour above has at least 4.5:1 with white


def status_badge(status: str) -> Badge:
    return Badge(key=str(status), label=status_label(status), colour=status_colour(status))


def band_badge(band: str, *, regions: bool = False) -> Badge:
    return Badge(
        key=str(band),
        label=band_label(band, regions=regions),
        colour=BAND_COLOURS.get(band, BAND_COLOURS[Band.GREY]),
    )


# --- numbers ----------------------------------------------------------------------------------


def format_value(value: float | None) -> str:
    """A figure as pages, tables and chart labels show it, in the active language: at most
    two decimals, but three significant digits for small values (0,0123), no trailing
    zeros; "–" for no value. The CSV and XLSX downloads carry the full precision."""
    if value is None or not math.isfinite(value):
        return "–"
    magnitude = math.floor(math.log10(abs(value))) if value else 0
    decimals = min(6, max(2, 2 - magnitude))
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return number_format(Decimal(text), use_l10n=True)


def _format_locale() -> str:
    return "sv-SE" if (get_language() or "sv").startswith("sv") else "en-US"


# --- rendering ------------------------------------------------------------------------------

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
VEGA_LITE_VERSION = "5.20"
FONT = "DejaVu Sans, Verdana, sans-serif"
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
_DIMENSION = re.compile(r'\s(width|height)="[^"]*"')


@dataclass(frozen=True)
class Chart:
    """A rendered chart: the SVG to put inline in the page, and what it was made from."""

    spec: dict[str, Any]
    svg: SafeString
    title: str
    description: str


def render_chart(spec: dict[str, Any], *, chart_id: str, title: str, description: str) -> Chart:
    """Vega-Lite → SVG, made an accessible image: `role="img"` named by a <title> and
    described by a <desc>. Rendering takes ~0.1 s, so the SVG is cached by its spec."""
    payload = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    locale = _format_locale()
    key = "followup-chart:" + hashlib.sha256(f"{locale}\n{payload}".encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = vl_convert.vegalite_to_svg(
            payload,
            vl_version=VEGA_LITE_VERSION,
            format_locale=locale,
            allowed_base_urls=[],  # the data is inline: never fetch anything
        )
        cache.set(key, svg, 60 * 60)
    return Chart(
        spec=spec,
        svg=_accessible_svg(svg, chart_id=chart_id, title=title, description=description),
        title=title,
        description=description,
    )


def _accessible_svg(svg: str, *, chart_id: str, title: str, description: str) -> SafeString:
    match = _SVG_OPEN.search(svg)
    if match is None:  # pragma: no cover - vl-convert always returns one <svg> element
        raise ValueError("vl-convert returned no <svg> element")
    attributes = _DIMENSION.sub("", match.group(1))
    chart_id = escape(chart_id)
    opening = (
        f'<svg{attributes} id="{chart_id}" role="img" focusable="false" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        'style="width:100%;height:auto;max-width:48rem">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    # Safe: vl-convert escapes every text it writes (tested with markup in series names),
    # and the title and description are escaped here.
    return mark_safe(svg[: match.start()] + opening + svg[match.end() :])  # noqa: S308


def base_spec(width: int, height: int | dict[str, int]) -> dict[str, Any]:
    """The common frame of every chart: size, white background, font, dark axis and
    legend labels (charts of other apps start from it too)."""
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "width": width,
        "height": height,
        "background": "#ffffff",
        "config": {
            "font": FONT,
            "axis": {
                "aria": False,
                "labelFontSize": 12,
                "titleFontSize": 12,
                "labelColor": "#1b1b1b",
                "titleColor": "#1b1b1b",
            },
            "legend": {
                "aria": False,
                "labelFontSize": 12,
                "labelLimit": 0,
                "labelColor": "#1b1b1b",
            },
            "view": {"stroke": None},
        },
    }


# --- an indicator over time, with its comparison series and target ------------------------


@dataclass(frozen=True)
class TableCell:
    value: float | None
    text: str
    computed: bool = False  # an unweighted mean computed by Hållbar, not the source's figure
    count: int | None = None


@dataclass(frozen=True)
class TableColumn:
    name: str
    area_code: str
    kind: str
    kind_label: str


@dataclass(frozen=True)
class ChartTable:
    """The numbers of a chart, by year (rows) and series (columns), formatted as drawn."""

    columns: list[TableColumn]
    rows: list[tuple[int, list[TableCell]]]

    @property
    def has_computed(self) -> bool:
        return any(cell.computed for _, cells in self.rows for cell in cells)


def comparison_table(comparison: Comparison) -> ChartTable:
    columns = [
        TableColumn(
            name=s.name,
            area_code=s.area_code,
            kind=str(s.kind),
            kind_label=str(SERIES_KIND_LABELS.get(s.kind, "")),
        )
        for s in comparison.series
    ]
    rows = []
    for year in comparison.years:
        cells = []
        for s in comparison.series:
            point = s.points.get(year)
            if point is None:
                cells.append(TableCell(value=None, text=format_value(None)))
            else:
                cells.append(
                    TableCell(
                        value=point.value,
                        text=format_value(point.value),
                        computed=point.origin == ValueOrigin.MEAN,
                        count=point.count,
                    )
                )
        rows.append((year, cells))
    return ChartTable(columns=columns, rows=rows)


def point_label(series: str, year: int, cell: TableCell) -> str:
    """What a point says to assistive technology and tests: the table's text for it."""
    label = f"{series} {year}: {cell.text}"
    if cell.computed:
        label += " (" + gettext("mean computed by Hållbar") + ")"
    return label


def target_label(target: float, target_year: int) -> str:
    return gettext("Target: %(value)s by %(year)s") % {
        "value": format_value(target),
        "year": target_year,
    }


def indicator_chart(
    comparison: Comparison,
    *,
    chart_id: str,
    title: str,
    unit: str = "",
    target: float | None = None,
    target_year: int | None = None,
) -> tuple[Chart, ChartTable]:
    """A line per series (the organisation first), a dashed rule at the target value and
    a marked point at the target year; the table of the same numbers."""
    table = comparison_table(comparison)
    names = [column.name for column in table.columns]
    styles = [
        SERIES_STYLES.get(column.kind, SERIES_STYLES[SeriesKind.COUNTRY])
        for column in table.columns
    ]
    values = [
        {
            "series": column.name,
            "year": year,
            "value": cell.value,
            "label": point_label(column.name, year, cell),
            "line_label": column.name,
        }
        for year, cells in table.rows
        for column, cell in zip(table.columns, cells, strict=True)
        if cell.value is not None
    ]
    series_scale = {"domain": names}
    encoding = {
        "x": {
            "field": "year",
            "type": "quantitative",
            "title": gettext("Year"),
            "scale": {"zero": False, "nice": False, "padding": 12},
            "axis": {"format": "d", "tickMinStep": 1},
        },
        "y": {
            "field": "value",
            "type": "quantitative",
            "title": unit or gettext("Value"),
            "scale": {"zero": False},
        },
        "color": {
            "field": "series",
            "type": "nominal",
            "title": None,
            "sort": names,
            "scale": {**series_scale, "range": [style[0] for style in styles]},
            "legend": {"orient": "bottom", "direction": "vertical", "symbolStrokeWidth": 2},
        },
        "strokeDash": {
            "field": "series",
            "type": "nominal",
            "title": None,
            "sort": names,
            "scale": {**series_scale, "range": [style[1] for style in styles]},
        },
        "shape": {
            "field": "series",
            "type": "nominal",
            "title": None,
            "sort": names,
            "scale": {**series_scale, "range": [style[2] for style in styles]},
        },
    }
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "strokeWidth": 2.5},
            "encoding": {**encoding, "description": {"field": "line_label"}},
        },
        {
            "mark": {"type": "point", "filled": True, "size": 50, "opacity": 1},
            "encoding": {**encoding, "description": {"field": "label"}},
        },
    ]
    description = _line_chart_description(title, table, target, target_year)
    if target is not None and target_year is not None:
        label = target_label(target, target_year)
        target_data = {"values": [{"value": target, "year": target_year, "label": label}]}
        layers += [
            {
                "data": target_data,
                "mark": {
                    "type": "rule",
                    "color": TARGET_COLOUR,
                    "strokeDash": [4, 4],
                    "strokeWidth": 2,
                },
                "encoding": {
                    "y": {"field": "value", "type": "quantitative"},
                    "description": {"field": "label"},
                },
            },
            {
                "data": target_data,
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "size": 120,
                    "filled": True,
                    "opacity": 1,
                    "color": TARGET_COLOUR,
                },
                "encoding": {
                    "x": {"field": "year", "type": "quantitative"},
                    "y": {"field": "value", "type": "quantitative"},
                    "description": {"field": "label"},
                },
            },
            {
                "data": target_data,
                "mark": {
                    "type": "text",
                    "align": "right",
                    "dy": -10,
                    "fontSize": 12,
                    "fontWeight": "bold",
                    "color": TARGET_COLOUR,
                },
                "encoding": {
                    "x": {"field": "year", "type": "quantitative"},
                    "y": {"field": "value", "type": "quantitative"},
                    "text": {"field": "label"},
                    "description": {"field": "label"},
                },
            },
        ]
    spec = {
        **base_spec(640, 300),
        "data": {"values": values},
        "layer": layers,
        "resolve": {"scale": {"color": "shared", "strokeDash": "shared", "shape": "shared"}},
    }
    chart = render_chart(spec, chart_id=chart_id, title=title, description=description)
    return chart, table


def _line_chart_description(
    title: str, table: ChartTable, target: float | None, target_year: int | None
) -> str:
    if not table.rows:
        text = gettext("%(title)s: no values yet.") % {"title": title}
    else:
        text = gettext("Line chart of %(title)s, %(first)s–%(last)s, for %(series)s.") % {
            "title": title,
            "first": table.rows[0][0],
            "last": table.rows[-1][0],
            "series": ", ".join(column.name for column in table.columns),
        }
    if target is not None and target_year is not None:
        text += " " + target_label(target, target_year) + "."
    return text + " " + gettext("The same values are in the table next to the chart.")


# --- a roll-up of statuses: one stacked bar, never one averaged colour (METHODS.md §1) -------


@dataclass(frozen=True)
class ShareRow:
    status: str
    badge: Badge
    count: int
    percent: str

    @property
    def label(self) -> str:
        return self.badge.label

    @property
    def colour(self) -> str:
        return self.badge.colour


def share_rows(shares: Mapping[str, int]) -> list[ShareRow]:
    total = sum(shares.values())
    return [
        ShareRow(
            status=str(status),
            badge=status_badge(status),
            count=shares.get(status, 0),
            percent=format_value(100 * shares.get(status, 0) / total) if total else "0",
        )
        for status in SHARE_ORDER
    ]


def status_bar_chart(
    shares: Mapping[str, int], *, chart_id: str, title: str
) -> tuple[Chart, list[ShareRow]]:
    """One horizontal bar split by status, best first, with its counts as rows for a table."""
    rows = share_rows(shares)
    total = sum(row.count for row in rows)
    values = [
        {
            "status": row.label,
            "order": index,
            "count": row.count,
            "label": gettext("%(status)s: %(count)s of %(total)s")
            % {"status": row.label, "count": row.count, "total": total},
        }
        for index, row in enumerate(rows)
        if row.count
    ]
    spec = {
        **base_spec(560, 36),
        "data": {"values": values},
        "mark": {"type": "bar", "stroke": "#ffffff", "strokeWidth": 2},
        "encoding": {
            "x": {
                "field": "count",
                "type": "quantitative",
                "stack": "zero",
                "title": gettext("Number of indicators"),
                "scale": {"domain": [0, max(total, 1)]},
                "axis": {"format": "d", "tickMinStep": 1},
            },
            "color": {
                "field": "status",
                "type": "nominal",
                "title": None,
                "sort": [row.label for row in rows],
                "scale": {
                    "domain": [row.label for row in rows],
                    "range": [row.colour for row in rows],
                },
                "legend": {"orient": "bottom", "columns": 3},
            },
            "order": {"field": "order", "type": "quantitative"},
            "description": {"field": "label"},
        },
    }
    description = "; ".join(value["label"] for value in values) or gettext("No indicators.")
    chart = render_chart(spec, chart_id=chart_id, title=title, description=description)
    return chart, rows
