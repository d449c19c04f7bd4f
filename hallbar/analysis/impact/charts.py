"""Charts of the impact app, the follow-up way: Vega-Lite rendered to SVG on the server
(`followup.charts.render_chart`), always shown with a data table beside it."""

from django.utils.translation import gettext as _

from hallbar.analysis.impact.selectors import BodyCompilation
from hallbar.followup.charts import FONT, VEGA_LITE_SCHEMA, Chart, render_chart

SUPPORTED_COLOUR = "#1a7a3a"  # dark enough for text contrast on white
AGAINST_COLOUR = "#b3261e"


def body_goal_chart(compilation: BodyCompilation, year: int, index: int) -> Chart:
    """Per goal, how many ratings of the body's decided cases supported it (to the
    right) or worked against it (to the left)."""
    supported, against = _("Supported"), _("Worked against")
    values = []
    for tally in compilation.goals:
        goal = _("Goal %(number)s") % {"number": tally.goal.number}
        for label, count, sign in (
            (supported, tally.supported, 1),
            (against, tally.worked_against, -1),
        ):
            if count:
                values.append(
                    {
                        "goal": goal,
                        "order": tally.goal.number,
                        "direction": label,
                        "count": sign * count,
                        "label": f"{goal}: {label.lower()} {count}",
                    }
                )
    height = max(40, 26 * len(compilation.goals))
    spec = {
        "$schema": VEGA_LITE_SCHEMA,
        "width": 480,
        "height": height,
        "background": "#ffffff",
        "config": {
            "font": FONT,
            "axis": {"aria": False, "labelFontSize": 12, "titleFontSize": 12},
            "legend": {"aria": False, "labelFontSize": 12, "labelLimit": 0},
            "view": {"stroke": None},
        },
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "goal",
                "type": "nominal",
                "title": None,
                "sort": {"field": "order", "order": "ascending"},
            },
            "x": {
                "field": "count",
                "type": "quantitative",
                "title": _("Number of ratings (worked against ← → supported)"),
                "axis": {"format": "d", "tickMinStep": 1},
            },
            "color": {
                "field": "direction",
                "type": "nominal",
                "title": None,
                "scale": {
                    "domain": [supported, against],
                    "range": [SUPPORTED_COLOUR, AGAINST_COLOUR],
                },
                "legend": {"orient": "bottom"},
            },
            "description": {"field": "label"},
        },
    }
    title = _("%(body)s %(year)s: goals supported and worked against") % {
        "body": compilation.body.name,
        "year": year,
    }
    description = "; ".join(value["label"] for value in values) or _("No rated effects.")
    return render_chart(spec, chart_id=f"body-chart-{index}", title=title, description=description)
