"""How a matrix looks: score colours, the heat map and the influence bars (Vega-Lite
rendered to SVG on the server, as `hallbar.followup.charts` does), and the network
picture (laid out with networkx, SVG written here). Every picture has a <title> and a
<desc>, and the page shows its data as a table too; colours never carry meaning alone —
each cell also shows its number.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hallbar.followup.charts import FONT, VEGA_LITE_SCHEMA, Chart, format_value, render_chart

# Background and text colour per score; the strong colours have ≥ 4.5:1 with white
# text, the pale ones with black.
SCORE_COLOURS: dict[int, tuple[str, str]] = {
    3: ("#0B5D3B", "#FFFFFF"),
    2: ("#2E8540", "#FFFFFF"),
    1: ("#D4ECDA", "#1B1B1B"),
    0: ("#F2F2F2", "#1B1B1B"),
    -1: ("#F8DCD5", "#1B1B1B"),
    -2: ("#B3370A", "#FFFFFF"),
    -3: ("#8E1216", "#FFFFFF"),
}
POSITIVE_EDGE, NEGATIVE_EDGE = "#1F6E35", "#A4161A"


def score_text(score: int | None) -> str:
    if score is None:
        return "·"
    return f"+{score}" if score > 0 else ("−" + str(-score) if score < 0 else "0")


def _spec(width: int, height: int) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "width": width,
        "height": height,
        "background": "#ffffff",
        "config": {
            "font": FONT,
            "axis": {
                "aria": False,
                "labelFontSize": 11,
                "titleFontSize": 12,
                "labelColor": "#1b1b1b",
            },
            "legend": {"aria": False, "labelFontSize": 12, "labelColor": "#1b1b1b"},
            "view": {"stroke": None},
        },
    }


def heat_map(
    codes: list[str], a: np.ndarray, *, chart_id: str = "heat-map", goal_level: bool = False
) -> Chart:
    """Rows influence columns; the number is printed in every cell."""
    values = [
        {"from": codes[i], "to": codes[j], "score": int(a[i, j]), "label": score_text(int(a[i, j]))}
        for i in range(len(codes))
        for j in range(len(codes))
        if i != j
    ]
    size = max(240, 18 * len(codes))
    spec = _spec(size, size)
    order = {"sort": codes}
    scores = sorted(SCORE_COLOURS)
    spec.update(
        {
            "data": {"values": values},
            "encoding": {
                "x": {
                    "field": "to",
                    "type": "ordinal",
                    **order,
                    "title": _("Influenced goal (column)")
                    if goal_level
                    else _("Influenced target (column)"),
                    "axis": {"orient": "top", "labelAngle": -90},
                },
                "y": {
                    "field": "from",
                    "type": "ordinal",
                    **order,
                    "title": _("Influencing goal (row)")
                    if goal_level
                    else _("Influencing target (row)"),
                },
            },
            "layer": [
                {
                    "mark": {"type": "rect", "stroke": "#ffffff", "strokeWidth": 0.5},
                    "encoding": {
                        "color": {
                            "field": "score",
                            "type": "ordinal",
                            "scale": {
                                "domain": scores,
                                "range": [SCORE_COLOURS[s][0] for s in scores],
                            },
                            "title": _("Score"),
                        }
                    },
                },
                {
                    "mark": {"type": "text", "fontSize": 9},
                    "encoding": {
                        "text": {"field": "label"},
                        "color": {
                            "condition": {"test": "abs(datum.score) >= 2", "value": "#FFFFFF"},
                            "value": "#1B1B1B",
                        },
                    },
                },
            ],
        }
    )
    description = (
        _(
            "%(n)s goals. Each cell is the influence of progress on the row's goal on the "
            "column's goal, from −3 (cancelling) to +3 (indivisible); the number is printed "
            "in the cell. The same scores are in the grid table."
        )
        if goal_level
        else _(
            "%(n)s targets. Each cell is the influence of progress on the row's target on the "
            "column's target, from −3 (cancelling) to +3 (indivisible); the number is printed "
            "in the cell. The same scores are in the grid table."
        )
    )
    return render_chart(
        spec,
        chart_id=chart_id,
        title=_("Heat map of the interaction scores"),
        description=description % {"n": len(codes)},
    )


def goal_heat_map(blocks: list[list[Any]], *, chart_id: str = "goal-map") -> Chart:
    """The goal-level view of a target-level version (`selectors.goal_blocks`): each block
    coloured by its mean over the scored pairs, labelled with the mean and, below it, its
    coverage (scored of possible pairs); a block without a scored pair stays blank."""
    goals = [row[0].from_goal for row in blocks]
    values = [
        {
            "from": str(block.from_goal),
            "to": str(block.to_goal),
            "mean": block.mean,
            "label": f"{format_value(block.mean)}\n{block.scored}/{block.pairs}",
        }
        for row in blocks
        for block in row
        if block.mean is not None
    ]
    order = [str(g) for g in goals]
    size = max(200, 48 * len(goals))
    spec = _spec(size, size)
    spec.update(
        {
            "data": {"values": values},
            "encoding": {
                "x": {
                    "field": "to",
                    "type": "ordinal",
                    "sort": order,
                    "title": _("Influenced goal"),
                    "axis": {"orient": "top", "labelAngle": 0},
                },
                "y": {
                    "field": "from",
                    "type": "ordinal",
                    "sort": order,
                    "title": _("Influencing goal"),
                },
            },
            "layer": [
                {
                    "mark": {"type": "rect", "stroke": "#ffffff"},
                    "encoding": {
                        "color": {
                            "field": "mean",
                            "type": "quantitative",
                            "scale": {
                                "domain": [-3, 0, 3],
                                "range": [SCORE_COLOURS[-3][0], "#F2F2F2", SCORE_COLOURS[3][0]],
                            },
                            "title": _("Mean score"),
                        }
                    },
                },
                {
                    "mark": {"type": "text", "fontSize": 10, "lineBreak": "\n"},
                    "encoding": {
                        "text": {"field": "label"},
                        "color": {
                            "condition": {"test": "abs(datum.mean) >= 1.5", "value": "#FFFFFF"},
                            "value": "#1B1B1B",
                        },
                    },
                },
            ],
        }
    )
    return render_chart(
        spec,
        chart_id=chart_id,
        title=_("Goal-level view"),
        description=_(
            "The mean score of the scored target pairs between two goals (row influences "
            "column; unscored pairs are left out). Each cell shows the mean and, below it, "
            "how many of the possible pairs are scored; a block without a scored pair is "
            "blank. The same numbers are in the table below."
        ),
    )


MEASURES = ("out", "in", "net")


def influence_bars(
    codes: list[str],
    per_target: dict[str, dict],
    *,
    chart_id: str = "influence-bars",
    goal_level: bool = False,
) -> Chart:
    """OUT, IN and NET per target (or goal), ranked by NET."""
    labels = {
        "out": _("OUT (influences others)"),
        "in": _("IN (influenced by others)"),
        "net": _("NET (OUT − IN)"),
    }
    ranked = sorted(codes, key=lambda code: (-per_target[code]["net"], codes.index(code)))
    values = [
        {"target": code, "measure": str(labels[m]), "value": per_target[code][m]}
        for code in ranked
        for m in MEASURES
    ]
    spec = _spec(420, max(200, 30 * len(codes)))
    spec.update(
        {
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "y": {
                    "field": "target",
                    "type": "ordinal",
                    "sort": ranked,
                    "title": _("Goal (ranked by NET)")
                    if goal_level
                    else _("Target (ranked by NET)"),
                },
                "x": {"field": "value", "type": "quantitative", "title": _("Sum of scores")},
                "yOffset": {"field": "measure", "sort": [str(labels[m]) for m in MEASURES]},
                "color": {
                    "field": "measure",
                    "type": "nominal",
                    "sort": [str(labels[m]) for m in MEASURES],
                    "scale": {"range": ["#0072B2", "#B8470B", "#333333"]},
                    "title": None,
                    "legend": {"orient": "top"},
                },
            },
        }
    )
    return render_chart(
        spec,
        chart_id=chart_id,
        title=_("Influence of each goal") if goal_level else _("Influence of each target"),
        description=_(
            "Bars of OUT, IN and NET for each goal, ranked by NET; the table of metrics "
            "has the same numbers."
        )
        if goal_level
        else _(
            "Bars of OUT, IN and NET for each target, ranked by NET; the table of metrics "
            "has the same numbers."
        ),
    )


def network_svg(
    codes: list[str],
    a: np.ndarray,
    *,
    chart_id: str = "network",
    threshold: int = 2,
    negative: int = -2,
    goal_level: bool = False,
) -> SafeString:
    """Targets as labelled circles; links ≥ +2 as solid green arrows, links ≤ −2 as dashed
    red ones (strength as line width). Laid out with networkx (spring, fixed seed)."""
    n = len(codes)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    strong = [(i, j, int(a[i, j])) for i in range(n) for j in range(n) if a[i, j] >= threshold]
    weak = [
        (i, j, int(a[i, j])) for i in range(n) for j in range(n) if i != j and a[i, j] <= negative
    ]
    graph.add_weighted_edges_from(strong)
    positions = nx.spring_layout(graph.to_undirected(), seed=7, weight="weight") if n else {}
    width, height, margin = 760, 560, 40
    xs = [p[0] for p in positions.values()] or [0]
    ys = [p[1] for p in positions.values()] or [0]
    span_x = (max(xs) - min(xs)) or 1
    span_y = (max(ys) - min(ys)) or 1

    def point(node: int) -> tuple[float, float]:
        x, y = positions[node]
        return (
            margin + (x - min(xs)) / span_x * (width - 2 * margin),
            margin + (y - min(ys)) / span_y * (height - 2 * margin),
        )

    radius = 15
    parts = []
    for edges, colour, dash, marker in (
        (strong, POSITIVE_EDGE, "", "pos"),
        (weak, NEGATIVE_EDGE, ' stroke-dasharray="6 4"', "neg"),
    ):
        for i, j, score in edges:
            (x1, y1), (x2, y2) = point(i), point(j)
            length = math.hypot(x2 - x1, y2 - y1) or 1
            # Stop at the circle's edge, so the arrow head shows.
            x2, y2 = x2 - (x2 - x1) / length * (radius + 2), y2 - (y2 - y1) / length * (radius + 2)
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                f'stroke="{colour}" stroke-width="{abs(score) - 0.8:.1f}" stroke-opacity="0.7"'
                f'{dash} marker-end="url(#{chart_id}-{marker})"/>'
            )
    for node in range(n):
        x, y = point(node)
        parts.append(
            f'<g><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="#FFFFFF" stroke="#1B1B1B"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="10" '
            f'font-family="{FONT}" fill="#1B1B1B">{escape(codes[node])}</text></g>'
        )
    title = _("Network of strong interactions")
    description = (
        _(
            "%(n)s goals as circles labelled with their numbers; %(pos)s links of +2 or +3 "
            "as solid green arrows and %(neg)s links of −2 or −3 as dashed red arrows, from "
            "the influencing to the influenced goal. The links are listed in the table below."
        )
        if goal_level
        else _(
            "%(n)s targets as circles labelled with their codes; %(pos)s links of +2 or +3 as "
            "solid green arrows and %(neg)s links of −2 or −3 as dashed red arrows, from the "
            "influencing to the influenced target. The links are listed in the table below."
        )
    ) % {"n": n, "pos": len(strong), "neg": len(weak)}
    markers = "".join(
        f'<marker id="{chart_id}-{name}" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="5" markerHeight="5" orient="auto-start-reverse">'
        f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>'
        for name, colour in (("pos", POSITIVE_EDGE), ("neg", NEGATIVE_EDGE))
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" '
        f'role="img" focusable="false" aria-labelledby="{chart_id}-title" '
        f'aria-describedby="{chart_id}-desc" style="width:100%;height:auto;max-width:48rem">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f'<defs>{markers}</defs><rect width="100%" height="100%" fill="#FFFFFF"/>'
        + "".join(parts)
        + "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text in it is escaped above
