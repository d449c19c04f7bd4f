"""Charts rendered to SVG on the server: they draw the series and the target, say what they
show to assistive technology, and their tables carry the same numbers."""

import re

import pytest
from django.utils import translation

from hallbar.followup.charts import (
    BAND_COLOURS,
    SERIES_STYLES,
    STATUS_COLOURS,
    TARGET_COLOUR,
    format_value,
    indicator_chart,
    status_bar_chart,
)
from hallbar.followup.comparison import (
    Comparison,
    ComparisonPoint,
    ComparisonSeries,
    SeriesKind,
    ValueOrigin,
)
from hallbar.lib.colour import contrast_ratio


def points(values: dict[int, float], origin=ValueOrigin.REPORTED, count=None):
    return {
        year: ComparisonPoint(value=v, count=count, origin=origin) for year, v in values.items()
    }


@pytest.fixture
def comparison() -> Comparison:
    series = [
        ComparisonSeries("Hallstahammar", "1961", SeriesKind.OWN, points({2015: 20.0, 2020: 25.0})),
        ComparisonSeries(
            "Pendlingskommun nära större stad",
            "G92792",
            SeriesKind.MUNICIPALITY_GROUP,
            {**points({2015: 21.0}), **points({2020: 23.3333333}, ValueOrigin.MEAN, 12)},
        ),
        ComparisonSeries("Riket", "0000", SeriesKind.COUNTRY, points({2015: 27.0, 2018: 28.25})),
    ]
    return Comparison(
        indicator_id=1,
        kpi_code="N00945",
        gender="T",
        direction="positive",
        years=[2015, 2018, 2020],
        series=series,
    )


def labels(svg: str) -> list[str]:
    return re.findall(r'aria-label="([^"]*)"', svg)


def render(comparison: Comparison, language: str = "en", **kwargs):
    kwargs = {"chart_id": "c", "title": "VAB, andel (%)", "unit": "%", **kwargs}
    with translation.override(language):
        return indicator_chart(comparison, **kwargs)


def test_the_svg_is_a_named_and_described_image(comparison):
    chart, _ = render(comparison, target=40.0, target_year=2030)
    svg = str(chart.svg)

    assert svg.startswith("<svg")
    opening = svg.split(">", 1)[0]
    assert 'role="img"' in opening
    assert 'aria-labelledby="c-title"' in opening and 'aria-describedby="c-desc"' in opening
    assert '<title id="c-title">VAB, andel (%)</title>' in svg
    desc = re.search(r'<desc id="c-desc">(.*?)</desc>', svg).group(1)
    assert "2015–2020" in desc and "Hallstahammar, Pendlingskommun" in desc
    assert "Target: 40 by 2030" in desc
    assert "<script" not in svg and "http" not in svg.replace("http://www.w3.org", "")


def test_every_series_is_drawn_and_named_in_the_legend(comparison):
    chart, _ = render(comparison)
    svg = str(chart.svg)

    for name in ("Hallstahammar", "Pendlingskommun nära större stad", "Riket"):
        assert f">{name}</text>" in svg  # legend
        assert f'aria-label="{name}"' in svg  # its line
    # A point per value, and nothing else claims to be one.
    point_labels = [label for label in labels(svg) if re.search(r" \d{4}: ", label)]
    assert len(point_labels) == 6


def test_the_target_line_is_drawn_with_its_label(comparison):
    chart, _ = render(comparison, target=40.0, target_year=2030)
    svg = str(chart.svg)

    assert labels(svg).count("Target: 40 by 2030") >= 2  # the rule and the point
    assert ">Target: 40 by 2030</text>" in svg
    assert f'stroke="{TARGET_COLOUR.lower()}"' in svg.lower()
    without, _ = render(comparison)
    assert "Target" not in str(without.svg)


def test_the_table_has_the_same_numbers_as_the_chart(comparison):
    chart, table = render(comparison)
    svg_labels = set(labels(str(chart.svg)))

    assert [c.name for c in table.columns] == [s.name for s in comparison.series]
    assert [year for year, _ in table.rows] == [2015, 2018, 2020]
    for year, cells in table.rows:
        for column, cell in zip(table.columns, cells, strict=True):
            series = next(s for s in comparison.series if s.name == column.name)
            assert cell.value == series.value(year)
            if cell.value is None:
                assert cell.text == "–"
                continue
            expected = f"{column.name} {year}: {cell.text}"
            assert any(label.startswith(expected) for label in svg_labels), expected
    mean = table.rows[2][1][1]
    assert (mean.text, mean.computed, mean.count) == ("23.33", True, 12)
    assert "Pendlingskommun nära större stad 2020: 23.33 (mean computed by Hållbar)" in svg_labels


def test_numbers_follow_the_language(comparison):
    chart, table = render(comparison, language="sv")

    assert table.rows[1][1][2].text == "28,25"
    assert 'aria-label="Riket 2018: 28,25"' in str(chart.svg)


def test_markup_in_names_is_escaped(comparison):
    series = comparison.series[0]
    evil = ComparisonSeries('<script>alert("x")</script>', "1961", SeriesKind.OWN, series.points)
    comparison.series[0] = evil
    chart, _ = render(comparison, title="<b>titel</b>")
    svg = str(chart.svg)

    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "&lt;b&gt;titel&lt;/b&gt;" in svg


def test_an_empty_comparison_still_renders(comparison):
    empty = Comparison(1, "N00945", "T", "positive", [], [])
    chart, table = render(empty)

    assert table.rows == []
    assert 'role="img"' in str(chart.svg)
    assert "no values yet" in chart.description


def test_the_status_bar_stacks_counts_with_the_same_numbers_as_its_table():
    shares = {
        "target_achieved": 1,
        "on_track": 3,
        "progress_needs_acceleration": 0,
        "limited_progress": 2,
        "deterioration": 1,
        "not_available": 1,
    }
    with translation.override("en"):
        chart, rows = status_bar_chart(shares, chart_id="s", title="Status")
    svg = str(chart.svg)

    assert [(row.status, row.count) for row in rows] == list(shares.items())
    assert [row.percent for row in rows] == ["12.5", "37.5", "0", "25", "12.5", "12.5"]
    bars = re.findall(
        r'<path aria-label="([^"]* of 8)"[^>]* d="M([\d.]+),[^"]*h([\d.]+)[^>]* fill="([^"]+)"', svg
    )
    # One segment per status present, in order and in its own colour, its width in
    # proportion to its count: shares, never one averaged colour.
    assert [(label, fill) for label, _, _, fill in bars] == [
        ("Target achieved: 1 of 8", STATUS_COLOURS["target_achieved"]),
        ("On track: 3 of 8", STATUS_COLOURS["on_track"]),
        ("Limited progress: 2 of 8", STATUS_COLOURS["limited_progress"]),
        ("Deterioration: 1 of 8", STATUS_COLOURS["deterioration"]),
        ("Not available: 1 of 8", STATUS_COLOURS["not_available"]),
    ]
    widths = [float(width) for _, _, width, _ in bars]
    assert [round(w / widths[0], 6) for w in widths] == [1, 3, 2, 1, 1]


def test_every_colour_has_enough_contrast_with_white():
    colours = [
        *STATUS_COLOURS.values(),
        *BAND_COLOURS.values(),
        *(style[0] for style in SERIES_STYLES.values()),
        TARGET_COLOUR,
    ]
    for colour in colours:
        assert contrast_ratio(colour, "#FFFFFF") >= 4.5, colour


def test_series_differ_by_more_than_colour():
    dashes = [str(style[1]) for style in SERIES_STYLES.values()]
    shapes = [style[2] for style in SERIES_STYLES.values()]
    assert len(set(dashes)) == len(dashes) and len(set(shapes)) == len(shapes)


@pytest.mark.parametrize(
    "value,english,swedish",
    [
        (None, "–", "–"),
        (25.0, "25", "25"),
        (23.3333333, "23.33", "23,33"),
        (0.0123456, "0.0123", "0,0123"),
        (-4.5, "-4.5", "-4,5"),
        (123456.789, "123456.79", "123456,79"),
        (0.0, "0", "0"),
    ],
)
def test_values_are_formatted_as_the_table_shows_them(value, english, swedish):
    with translation.override("en"):
        assert format_value(value) == english
    with translation.override("sv"):
        assert format_value(value) == swedish
