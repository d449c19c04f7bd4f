"""Compile a year's report from what Hållbar holds: a plain JSON-able dict per language.

Two steps, so the database is read once however many languages are built:

1. `gather(organisation, year)` reads everything in a fixed number of queries (about 25,
   whatever the number of goals, indicators, years or actions) into `Gathered`.
2. `build(gathered, language=..., texts=...)` turns it into the content tree of one
   language: labels, numbers as shown, chart SVGs (Vega-Lite rendered on the server by
   `hallbar.followup.charts`) and the data table of every chart (`figures`), and the
   indicator series for the Open SDG data layout.

Only what is public goes in: decided steering documents and the actions under them, the
indicators the organisation publishes, confirmed analyses — the report is published.

Progress (METHODS.md §1) is computed as of the report's year from the observations up to
that year (the stored `ProgressRecord` is the latest status, which may rest on later
years). The analysis apps are read through their selectors when they exist; while they do
not, the sections say so (`available: False`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hallbar.agenda.models import Dimension, Goal, Target
from hallbar.agenda.selectors import targets_for_organisation
from hallbar.analysis.impact.selectors import conflicts_visible
from hallbar.analysis.interactions import selectors as interaction_selectors
from hallbar.analysis.status import selectors as status_selectors
from hallbar.followup import charts
from hallbar.followup.comparison import (
    Comparison,
    ComparisonPoint,
    ComparisonSeries,
    SeriesKind,
    ValueOrigin,
    comparison_areas,
)
from hallbar.followup.models import Gender, Indicator, Observation, RawResponse
from hallbar.followup.selectors import indicators_visible, kpi_source_name
from hallbar.lib.comparison import Band, group_mean, relative_positions
from hallbar.lib.progress import SHARE_ORDER, Status, measure, status_shares
from hallbar.organisation.models import Body, BodyKind, Mandate, Membership, Organisation
from hallbar.report.sections import GOAL_NUMBERS, SECTIONS
from hallbar.steering.models import Action, ActionStatus, SteeringDocument
from hallbar.steering.visibility import actions_visible, documents_visible

LANGUAGES = ("sv", "en")
AGENDA_2030 = "agenda2030"
DIMENSION_ORDER = (Dimension.ECOLOGICAL, Dimension.SOCIAL, Dimension.ECONOMIC, "")
IMPROVING = frozenset({Status.TARGET_ACHIEVED, Status.ON_TRACK})
CHALLENGES = frozenset({"challenge", "major_challenge"})
GENDER_OPEN_SDG = {Gender.WOMEN: "Female", Gender.MEN: "Male"}


# --- gathering --------------------------------------------------------------------------


@dataclass
class IndicatorData:
    indicator: Indicator
    goal_numbers: list[int]
    target_codes: list[str]
    own: dict[str, dict[int, float]]  # gender → year → value (years ≤ report year)
    comparison: Comparison
    position: dict[str, Any] | None  # band, rank, n, year
    sources: list[str]
    fetched_at: dt.datetime | None


@dataclass
class Gathered:
    organisation: Organisation
    year: int
    compiled_at: dt.datetime
    goals: list[Goal]
    targets: dict[int, Target]  # by id; Agenda 2030 targets
    indicators: list[IndicatorData]
    actions: list[Action]
    action_goals: dict[int, set[int]]  # action id → goal numbers
    action_targets: dict[int, list[str]]
    documents: list[SteeringDocument]
    bodies: list[Body]
    mandates: dict[int, list[Mandate]]
    council: dict[str, int]
    analysis: dict[str, Any]
    interactions: dict[str, Any]
    conflicts: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)


def _year_overlaps(action: Action, year: int) -> bool:
    start = action.start or dt.date(1900, 1, 1)
    end = action.end or dt.date(2999, 12, 31)
    return start <= dt.date(year, 12, 31) and end >= dt.date(year, 1, 1)


def gather(organisation: Organisation, year: int) -> Gathered:
    goals = list(
        Goal.objects.filter(goal_set__code=AGENDA_2030, goal_set__organisation__isnull=True)
        .order_by("number")
        .only("id", "number", "code", "title_sv", "title_en", "colour", "dimension")
    )
    goal_number = {goal.pk: goal.number for goal in goals}
    targets = {
        target.pk: target
        for target in targets_for_organisation(organisation).only(
            "id", "code", "goal_id", "position", "short_title_sv", "text_sv", "text_en"
        )
    }

    indicators = _gather_indicators(organisation, year, targets, goal_number)
    actions, action_goals, action_targets = _gather_actions(
        organisation, year, targets, goal_number
    )

    documents = list(
        documents_visible(organisation=organisation, include_drafts=False)
        .select_related("decided_by")
        .order_by("level", "title")
    )
    bodies = list(Body.objects.for_organisation(organisation).filter(is_active=True))
    mandates: dict[int, list[Mandate]] = defaultdict(list)
    for mandate in Mandate.objects.for_organisation(organisation).order_by("kind", "scope"):
        mandates[mandate.body_id].append(mandate)
    council_rows = Membership.objects.filter(
        body__organisation=organisation,
        body__kind=BodyKind.SUSTAINABILITY_COUNCIL,
        body__is_active=True,
    ).values_list("role", flat=True)
    roles = Counter(council_rows)
    council = {"members": sum(roles.values()), "external": roles.get("external", 0)}

    return Gathered(
        organisation=organisation,
        year=year,
        compiled_at=timezone.now(),
        goals=goals,
        targets=targets,
        indicators=indicators,
        actions=actions,
        action_goals=action_goals,
        action_targets=action_targets,
        documents=documents,
        bodies=bodies,
        mandates=mandates,
        council=council,
        analysis=_gather_analysis(organisation, year, targets),
        interactions=_gather_interactions(organisation, targets),
        conflicts=_gather_conflicts(organisation, year),
        sources=_gather_sources(indicators),
    )


def _gather_indicators(
    organisation: Organisation, year: int, targets: Mapping[int, Target], goal_number
) -> list[IndicatorData]:
    indicators = list(
        indicators_visible(organisation=organisation, include_private=False)
        .select_related("kpi")
        .prefetch_related("targets")
        .order_by("kpi__code", "pk")
    )
    if not indicators:
        return []
    kpi_ids = sorted({indicator.kpi_id for indicator in indicators})
    areas = [a for a in comparison_areas(organisation) if a.kind is not SeriesKind.SIMILAR]
    codes = [area.code for area in areas] or [organisation.code]
    member_codes = sorted({code for area in areas for code in area.members})

    own: dict[int, dict[str, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    reported: dict[tuple[int, str], dict[int, tuple[float, int | None]]] = defaultdict(dict)
    fetched: dict[int, dt.datetime] = {}
    source_names: dict[int, set[str]] = defaultdict(set)
    for kpi, code, obs_year, gender, value, count, source, fetched_at in (
        Observation.objects.filter(
            kpi_id__in=kpi_ids, area__code__in=codes, year__lte=year, value__isnull=False
        )
        .values_list(
            "kpi_id", "area__code", "year", "gender", "value", "count", "source", "fetched_at"
        )
        .order_by()
    ):
        if code == organisation.code:
            own[kpi][gender][obs_year] = value
            if source:
                source_names[kpi].add(source)
            if kpi not in fetched or fetched_at > fetched[kpi]:
                fetched[kpi] = fetched_at
        if gender == Gender.TOTAL:
            reported[kpi, code][obs_year] = (value, count)

    members: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    if member_codes:
        for kpi, code, obs_year, value in (
            Observation.objects.filter(
                kpi_id__in=kpi_ids,
                area__code__in=member_codes,
                year__lte=year,
                gender=Gender.TOTAL,
                value__isnull=False,
            )
            .values_list("kpi_id", "area__code", "year", "value")
            .order_by()
        ):
            members[kpi, obs_year][code] = value

    positions = _relative_positions(organisation, indicators, own)

    result = []
    for indicator in indicators:
        linked = sorted(
            (targets[t.pk] for t in indicator.targets.all() if t.pk in targets),
            key=lambda t: (goal_number.get(t.goal_id, 99), t.position),
        )
        series = []
        for area in areas:
            points = {
                y: ComparisonPoint(value=v, count=c, origin=ValueOrigin.REPORTED)
                for y, (v, c) in reported.get((indicator.kpi_id, area.code), {}).items()
            }
            if area.members:
                years = {y for (kpi, y) in members if kpi == indicator.kpi_id}
                for y in years - set(points):
                    mean = group_mean(members[indicator.kpi_id, y].get(m) for m in area.members)
                    if mean.value is not None:
                        points[y] = ComparisonPoint(
                            value=mean.value, count=mean.count, origin=ValueOrigin.MEAN
                        )
            if points or area.kind is SeriesKind.OWN:
                series.append(
                    ComparisonSeries(
                        name=area.name,
                        area_code=area.code,
                        kind=area.kind,
                        points=dict(sorted(points.items())),
                    )
                )
        comparison = Comparison(
            indicator_id=indicator.pk,
            kpi_code=indicator.kpi.code,
            gender=Gender.TOTAL,
            direction=indicator.direction,
            years=sorted({y for s in series for y in s.points}),
            series=series,
        )
        result.append(
            IndicatorData(
                indicator=indicator,
                goal_numbers=sorted({goal_number[t.goal_id] for t in linked}),
                target_codes=[t.code for t in linked],
                own={g: dict(sorted(v.items())) for g, v in own[indicator.kpi_id].items()},
                comparison=comparison,
                position=positions.get(indicator.pk),
                sources=sorted(source_names[indicator.kpi_id]) or [kpi_source_name(indicator.kpi)],
                fetched_at=fetched.get(indicator.kpi_id),
            )
        )
    return result


def _relative_positions(
    organisation: Organisation, indicators: list[Indicator], own
) -> dict[int, dict[str, Any]]:
    """METHODS.md §2 in the latest year up to the report year with an own value: one query."""
    wanted: dict[int, tuple[int, int]] = {}
    for indicator in indicators:
        totals = own[indicator.kpi_id].get(Gender.TOTAL) or {}
        if totals:
            wanted[indicator.pk] = (indicator.kpi_id, max(totals))
    if not wanted:
        return {}
    kind = "region" if organisation.kind == "region" else "municipality"
    condition = Q()
    for kpi, y in sorted(set(wanted.values())):
        condition |= Q(kpi_id=kpi, year=y)
    peers: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    for kpi, y, code, value in (
        Observation.objects.filter(condition, area__kind=kind, gender=Gender.TOTAL)
        .values_list("kpi_id", "year", "area__code", "value")
        .order_by()
    ):
        peers[kpi, y][code] = value
    result = {}
    for indicator in indicators:
        if indicator.pk not in wanted:
            continue
        kpi, y = wanted[indicator.pk]
        values = dict(peers.get((kpi, y), {}))
        values.setdefault(organisation.code, own[kpi][Gender.TOTAL].get(y))
        position = relative_positions(values, direction=indicator.direction)[organisation.code]
        result[indicator.pk] = {
            "band": str(position.band),
            "rank": position.rank,
            "n": position.n,
            "year": y,
        }
    return result


def _gather_actions(
    organisation: Organisation,
    year: int,
    targets: Mapping[int, Target],
    goal_number: Mapping[int, int],
):
    goal_of_target = {pk: target.goal_id for pk, target in targets.items()}
    actions = [
        action
        for action in actions_visible(organisation=organisation, include_drafts=False)
        .select_related("body", "plan")
        .prefetch_related("targets")
        .order_by("title", "pk")
        if _year_overlaps(action, year)
    ]
    action_goals: dict[int, set[int]] = {}
    action_targets: dict[int, list[str]] = {}
    for action in actions:
        linked = [t for t in action.targets.all() if t.pk in goal_of_target]
        action_goals[action.pk] = {goal_number[goal_of_target[t.pk]] for t in linked}
        action_targets[action.pk] = sorted(t.code for t in linked)
    return actions, action_goals, action_targets


# --- the analysis apps, read through their selectors ------------------------------------


def _gather_analysis(
    organisation: Organisation, year: int, targets: Mapping[int, Target]
) -> dict[str, Any]:
    """The year's confirmed status analysis (`hallbar.analysis.status.selectors`): per
    target its assessment, relevance, text and priority; per goal the counts of its
    targets' assessments and its summary text. Drafts never go into the report."""
    empty = {"available": False, "by_target": {}, "goals": {}, "prioritised": set()}
    analysis = status_selectors.analysis_for_year(organisation, year, include_drafts=False)
    if analysis is None:
        return empty
    by_target: dict[str, dict[str, Any]] = {}
    for target_id, item in status_selectors.assessments_by_target(analysis).items():
        target = targets.get(target_id)
        if target is None:
            continue
        by_target[target.code] = {
            "assessment": str(item.assessment or ""),
            "relevance": str(item.relevance or ""),
            "text": str(item.text or ""),
            "prioritised": bool(item.is_prioritised),
        }
    goals: dict[int, dict[str, Any]] = {}
    for summary in status_selectors.goal_summaries(analysis):
        goals[summary.goal.number] = {
            "counts": {str(k): int(v) for k, v in summary.counts.items()},
            # The goal's own assessment as the analysts recorded it ("" if none).
            "assessment": str(summary.assessment or ""),
            "prioritised": summary.prioritised,
            "text": str(summary.text or ""),
        }
    prioritised = set(
        status_selectors.prioritised_targets(organisation, year, include_drafts=False).values_list(
            "code", flat=True
        )
    )
    return {
        "available": True,
        "year": analysis.year,
        "summary": str(analysis.summary or ""),
        "by_target": by_target,
        "goals": goals,
        "prioritised": prioritised,
    }


def _gather_interactions(
    organisation: Organisation, targets: Mapping[int, Target]
) -> dict[str, Any]:
    """The most influential targets of the latest published interaction matrix."""
    matrix = interaction_selectors.current_matrix(organisation, published_only=True)
    if matrix is None:
        return {"available": False, "influential": []}
    rows = [
        {
            "target": code,
            "out": _number(metrics.get("out")),
            "in": _number(metrics.get("in")),
            "net": _number(metrics.get("net")),
        }
        for code, metrics in interaction_selectors.most_influential(matrix, n=5)
    ]
    return {"available": True, "matrix": str(matrix), "influential": rows}


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _gather_conflicts(organisation: Organisation, year: int) -> list[dict[str, Any]]:
    """The year's goal conflicts that were decided (raised or decided in the year), and how
    they were weighed. Open conflicts are internal (impact's visibility) and stay out."""
    conflicts = list(
        conflicts_visible(organisation=organisation, include_drafts=False)
        .filter(Q(created_at__year=year) | Q(decision_date__year=year))
        .select_related("decision_body", "weighing_body")
        .prefetch_related("targets")
        .order_by("decision_date", "pk")
    )
    return [
        {
            "title": conflict.title,
            "targets": sorted(t.code for t in conflict.targets.all()),
            "status": str(conflict.status),
            "status_label": str(conflict.get_status_display()),
            "decided_by": conflict.decision_body.name if conflict.decision_body_id else "",
            "decision_date": conflict.decision_date.isoformat() if conflict.decision_date else "",
            "decision_paragraph": conflict.decision_paragraph,
            "trade_off": conflict.trade_off,
            "reasoning": conflict.reasoning,
        }
        for conflict in conflicts
    ]


def _gather_sources(indicators: list[IndicatorData]) -> list[dict[str, Any]]:
    sources: dict[str, dt.datetime | None] = {}
    for data in indicators:
        for name in data.sources:
            latest = sources.get(name)
            if data.fetched_at and (latest is None or data.fetched_at > latest):
                sources[name] = data.fetched_at
            else:
                sources.setdefault(name, latest)
    kolada = RawResponse.objects.filter(source="kolada").aggregate(latest=Max("fetched_at"))
    if kolada["latest"] and "Kolada" in sources:
        latest = sources["Kolada"]
        sources["Kolada"] = max(latest, kolada["latest"]) if latest else kolada["latest"]
    return [
        {"name": name, "fetched_at": fetched.isoformat() if fetched else ""}
        for name, fetched in sorted(sources.items())
    ]


# --- building one language ----------------------------------------------------------------


def _text(sv: str, en: str, language: str) -> dict[str, str]:
    """A text with the language it is in (the English report may show Swedish)."""
    if language == "sv":
        return {"text": sv or en, "lang": "sv" if sv else "en"}
    return {"text": en or sv, "lang": "en" if en else "sv"}


def _goal_title(goal: Goal, language: str) -> dict[str, str]:
    return _text(goal.title_sv, goal.title_en, language)


def _target_title(target: Target, language: str) -> dict[str, str]:
    if language == "sv":
        short = target.display_short_title
        return {"text": short.text, "lang": short.language}
    return {"text": target.text_en, "lang": "en"}


def _money(value: Decimal | int | float | None) -> str:
    if value is None:
        return "–"
    return charts.format_value(float(value))


def _goal_assessment(goal_analysis: Mapping[str, Any], available: bool) -> dict[str, Any]:
    """A goal's assessment in the status analysis: its own (as the analysts recorded it)
    and the counts of its targets' assessments."""
    counts = goal_analysis.get("counts", {})
    own = goal_analysis.get("assessment", "")
    return {
        "assessment_counts": counts,
        "goal_assessment": own,
        "goal_assessment_label": assessment_label(own) if available and own else "",
        "assessment_label": goal_assessment_label(counts) if available else "",
    }


def goal_assessment_label(counts: Mapping[str, int]) -> str:
    """A goal's assessment in the status analysis: how many of its targets have each."""
    parts = [
        f"{assessment_label(key)} {counts[key]}"
        for key in ("strength", "neutral", "challenge", "major_challenge")
        if counts.get(key)
    ]
    return " · ".join(parts) or assessment_label("")


def assessment_label(code: str) -> str:
    labels = {
        "strength": _("Strength"),
        "neutral": _("Neutral"),
        "challenge": _("Challenge"),
        "major_challenge": _("Major challenge"),
        "": _("Not assessed"),
    }
    return str(labels.get(code, code))


def _band_label(band: str, organisation: Organisation) -> str:
    return charts.band_label(band, regions=organisation.kind == "region")


class Figures:
    """Every figure's data table, for the web page, the PDF and the open data."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(
        self, figure_id: str, title: str, columns: list[tuple[str, str]], rows: list[list[Any]]
    ) -> dict[str, Any]:
        figure = {
            "id": figure_id,
            "title": title,
            "columns": [{"key": key, "label": label} for key, label in columns],
            "rows": rows,
        }
        self.items.append(figure)
        return figure


def build(
    gathered: Gathered,
    *,
    language: str,
    texts: Mapping[str, Mapping[str, str]] | None = None,
    title: str = "",
    edition: int = 1,
) -> dict[str, Any]:
    """The content tree of one language (see the module docstring)."""
    with translation.override(language):
        return _build(gathered, language, texts or {}, title, edition)


def _build(
    g: Gathered, language: str, texts: Mapping[str, Mapping[str, str]], title: str, edition: int
) -> dict[str, Any]:
    organisation, year = g.organisation, g.year
    figures = Figures()
    goal_by_number = {goal.number: goal for goal in g.goals}

    def section_text(key: str) -> dict[str, str] | None:
        entry = texts.get(key)
        if not entry or not (entry.get("text") or entry.get("text_en")):
            return None
        return _text(entry.get("text", ""), entry.get("text_en", ""), language)

    # Progress as of the report year, per indicator (total), and by goal.
    progress: dict[int, Any] = {}
    for data in g.indicators:
        indicator = data.indicator
        progress[indicator.pk] = measure(
            data.own.get(Gender.TOTAL, {}),
            direction=indicator.direction,
            base_year=indicator.base_year,
            target_year=indicator.target_year,
            target=indicator.target_value,
        )
    indicators_by_goal: dict[int, list[IndicatorData]] = defaultdict(list)
    for data in g.indicators:
        for number in data.goal_numbers:
            indicators_by_goal[number].append(data)
    actions_by_goal: dict[int, list[Action]] = defaultdict(list)
    for action in g.actions:
        for number in sorted(g.action_goals.get(action.pk, ())):
            actions_by_goal[number].append(action)

    analysis = g.analysis
    analysis_note = (
        ""
        if analysis["available"]
        else _("There is no confirmed status analysis for %(year)s.") % {"year": year}
    )

    # 1. Summary
    summary_goals = []
    for goal in g.goals:
        shares = status_shares(
            str(progress[d.indicator.pk].status) for d in indicators_by_goal[goal.number]
        )
        action_counts = Counter(a.status for a in actions_by_goal[goal.number])
        goal_analysis = analysis["goals"].get(goal.number, {})
        summary_goals.append(
            {
                "number": goal.number,
                "title": _goal_title(goal, language),
                "colour": goal.colour,
                "text_colour": goal.text_colour,
                "dimension": goal.dimension,
                **_goal_assessment(goal_analysis, analysis["available"]),
                "shares": _shares(shares),
                "indicators": sum(shares.values()),
                "actions": len(actions_by_goal[goal.number]),
                "action_statuses": [
                    {"status": s, "label": str(ActionStatus(s).label), "count": action_counts[s]}
                    for s in ActionStatus.values
                    if action_counts[s]
                ],
            }
        )
    summary_chart = _summary_chart(summary_goals)
    figures.add(
        "summary-status",
        _("Indicator progress per goal, %(year)s") % {"year": year},
        [("goal", _("Goal"))]
        + [(str(s), charts.status_label(s)) for s in SHARE_ORDER]
        + [("actions", _("Actions"))],
        [
            [goal["number"]] + [row["count"] for row in goal["shares"]] + [goal["actions"]]
            for goal in summary_goals
        ],
    )

    # 2. Governance
    governance = {
        "chain": [
            {
                "level": document.level,
                "level_label": str(document.get_level_display()),
                "title": document.title,
                "decided_by": str(document.decided_by) if document.decided_by_id else "",
                "decision_date": document.decision_date.isoformat()
                if document.decision_date
                else "",
                "decision_paragraph": document.decision_paragraph,
                "valid_until": document.valid_until.isoformat() if document.valid_until else "",
            }
            for document in g.documents
        ],
        "bodies": [
            {
                "name": body.name,
                "kind": body.kind,
                "kind_label": str(body.get_kind_display()),
                "mandates": sorted(
                    {
                        str(m.get_kind_display())
                        for m in g.mandates.get(body.pk, ())
                        if m.scope in ("report", "strategy", "programme", "analysis")
                        or m.kind in ("decide", "advise")
                    }
                ),
            }
            for body in sorted(g.bodies, key=lambda b: (_BODY_ORDER.get(b.kind, 99), b.name))
        ],
        "council": g.council,
        "text": section_text("governance"),
    }

    # 3. Dimensions and goals
    dimensions = []
    for code in DIMENSION_ORDER:
        goals_here = [goal for goal in g.goals if (goal.dimension or "") == code]
        if not goals_here:
            continue
        dimensions.append(
            {
                "code": str(code) or "partnership",
                "label": str(Dimension(code).label) if code else _("All three dimensions"),
                "text": section_text(code) if code else None,
                "goals": [
                    _goal_section(
                        goal,
                        g,
                        language,
                        figures,
                        progress,
                        indicators_by_goal[goal.number],
                        actions_by_goal[goal.number],
                        section_text(f"goal-{goal.number}"),
                    )
                    for goal in goals_here
                ],
            }
        )

    # 4. Conflicts and synergies
    influential = []
    for row in g.interactions.get("influential", []):
        target = next((t for t in g.targets.values() if t.code == row["target"]), None)
        influential.append(
            {
                **row,
                "title": _target_title(target, language) if target else {"text": "", "lang": ""},
                "out_text": charts.format_value(row["out"]),
            }
        )
    conflicts = {
        "items": g.conflicts,
        "available": bool(g.conflicts),
        "interactions_available": g.interactions.get("available", False),
        "influential": influential,
        "text": section_text("conflicts"),
    }
    if influential:
        figures.add(
            "influential-targets",
            _("Most influential targets in the interaction matrix"),
            [("target", _("Target")), ("out", _("Out-influence"))],
            [[row["target"], row["out"]] for row in influential],
        )

    # 5. Resources and effect
    resources = _resources(g, progress, indicators_by_goal, actions_by_goal, figures)
    resources["text"] = section_text("resources")

    # 6. Where to focus
    focus_targets = [
        {
            "code": code,
            "title": _target_title(target, language),
            "assessment": item["assessment"],
            "assessment_label": assessment_label(item["assessment"]),
            "prioritised": item["prioritised"] or code in analysis["prioritised"],
        }
        for target in sorted(g.targets.values(), key=lambda t: (t.goal_id, t.position))
        if (code := target.code) in analysis["by_target"]
        and (item := analysis["by_target"][code])["assessment"] in CHALLENGES
    ]
    deteriorating = [
        {
            "code": data.indicator.kpi.code,
            "title": _text(data.indicator.kpi.title_sv, data.indicator.kpi.title_en, language),
            "goals": data.goal_numbers,
        }
        for data in g.indicators
        if progress[data.indicator.pk].status == Status.DETERIORATION
    ]
    focus = {
        "targets": focus_targets,
        "deteriorating": deteriorating,
        "analysis_available": analysis["available"],
        "text": section_text("focus"),
    }

    # 7. Method and data
    method = {
        "sources": g.sources,
        "cutoff": g.compiled_at.date().isoformat(),
        "values_through": year,
        "text": section_text("method"),
    }

    # Open SDG: one series table per indicator, the organisation's own values.
    series = []
    for data in g.indicators:
        rows = []
        for gender in (Gender.TOTAL, Gender.WOMEN, Gender.MEN):
            for obs_year, value in sorted(data.own.get(gender, {}).items()):
                rows.append([obs_year, GENDER_OPEN_SDG.get(gender, ""), value])
        series.append(
            {
                "code": data.indicator.kpi.code,
                "title": _text(data.indicator.kpi.title_sv, data.indicator.kpi.title_en, language),
                "unit": data.indicator.kpi.unit,
                "has_breakdown": any(row[1] for row in rows),
                "rows": sorted(rows, key=lambda r: (r[1] != "", r[1], r[0])),
            }
        )

    toc = _toc(dimensions, language)
    return {
        "meta": {
            "organisation": {"code": organisation.code, "name": organisation.name},
            "is_example": organisation.is_example,
            "year": year,
            "title": title or _("Sustainability report %(year)s") % {"year": year},
            "edition": edition,
            "language": language,
            "compiled_at": g.compiled_at.isoformat(),
        },
        "toc": toc,
        "summary": {
            "goals": summary_goals,
            "chart": summary_chart,
            "analysis_available": analysis["available"],
            "analysis_note": analysis_note,
            "analysis_summary": analysis.get("summary", ""),
            "text": section_text("summary"),
            "indicator_count": len(g.indicators),
            "action_count": len(g.actions),
        },
        "governance": governance,
        "dimensions": dimensions,
        "conflicts": conflicts,
        "resources": resources,
        "focus": focus,
        "method": method,
        "figures": figures.items,
        "series": series,
        "goal_numbers": [goal.number for goal in g.goals if goal.number in goal_by_number],
    }


_BODY_ORDER = {
    BodyKind.COUNCIL_ASSEMBLY: 0,
    BodyKind.EXECUTIVE_BOARD: 1,
    BodyKind.SUSTAINABILITY_COMMITTEE: 2,
    BodyKind.SUSTAINABILITY_COUNCIL: 3,
    BodyKind.MANAGEMENT_GROUP: 4,
    BodyKind.ANALYSIS_GROUP: 5,
    BodyKind.COMMITTEE: 6,
    BodyKind.COMPANY: 7,
    BodyKind.FEDERATION: 8,
    BodyKind.WORKING_GROUP: 9,
}


def _shares(shares: Mapping[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "status": row.status,
            "label": row.label,
            "colour": row.colour,
            "count": row.count,
            "percent": row.percent,
        }
        for row in charts.share_rows(shares)
    ]


def _summary_chart(goals: list[dict[str, Any]]) -> str:
    """One stacked bar per goal: how many of its indicators are in each status."""
    labels = [charts.status_label(s) for s in SHARE_ORDER]
    values = [
        {
            "goal": _("Goal %(number)s") % {"number": goal["number"]},
            "status": row["label"],
            "order": index,
            "count": row["count"],
            "label": f"{goal['number']}: {row['label']} {row['count']}",
        }
        for goal in goals
        for index, row in enumerate(goal["shares"])
        if row["count"]
    ]
    spec = {
        **charts.base_spec(520, {"step": 16}),
        "data": {"values": values},
        "mark": {"type": "bar", "stroke": "#ffffff", "strokeWidth": 1},
        "encoding": {
            "y": {
                "field": "goal",
                "type": "nominal",
                "title": None,
                "sort": [_("Goal %(number)s") % {"number": goal["number"]} for goal in goals],
            },
            "x": {
                "field": "count",
                "type": "quantitative",
                "stack": "zero",
                "title": _("Number of indicators"),
                "axis": {"format": "d", "tickMinStep": 1},
            },
            "color": {
                "field": "status",
                "type": "nominal",
                "title": None,
                "sort": labels,
                "scale": {
                    "domain": labels,
                    "range": [charts.status_colour(s) for s in SHARE_ORDER],
                },
                "legend": {"orient": "bottom", "columns": 3},
            },
            "order": {"field": "order", "type": "quantitative"},
            "description": {"field": "label"},
        },
    }
    chart = charts.render_chart(
        spec,
        chart_id="chart-summary",
        title=_("Indicator progress per goal"),
        description=_("Stacked bars of the number of indicators in each progress status per goal.")
        + " "
        + _("The same values are in the table next to the chart."),
    )
    return str(chart.svg)


def _goal_section(
    goal: Goal,
    g: Gathered,
    language: str,
    figures: Figures,
    progress: Mapping[int, Any],
    indicators: list[IndicatorData],
    actions: list[Action],
    text: dict[str, str] | None,
) -> dict[str, Any]:
    analysis = g.analysis
    targets = sorted(
        (t for t in g.targets.values() if t.goal_id == goal.pk), key=lambda t: t.position
    )
    target_rows = []
    for target in targets:
        item = analysis["by_target"].get(target.code)
        prioritised = target.code in analysis["prioritised"] or bool(item and item["prioritised"])
        relevant = bool(item and item["relevance"] not in ("", "not_relevant", "low"))
        has_work = any(target.code in g.action_targets.get(a.pk, ()) for a in actions) or any(
            target.code in d.target_codes for d in indicators
        )
        if not (prioritised or relevant or has_work or (item and item["assessment"])):
            continue
        target_rows.append(
            {
                "code": target.code,
                "title": _target_title(target, language),
                "assessment": item["assessment"] if item else "",
                "assessment_label": assessment_label(item["assessment"] if item else ""),
                "relevance": item["relevance"] if item else "",
                "prioritised": prioritised,
                "text": item["text"] if item else "",
            }
        )
    shares = status_shares(str(progress[d.indicator.pk].status) for d in indicators)
    status_chart = ""
    if indicators:
        chart, _rows = charts.status_bar_chart(
            shares,
            chart_id=f"chart-goal-{goal.number}-status",
            title=_("Indicator progress, goal %(number)s") % {"number": goal.number},
        )
        status_chart = str(chart.svg)
        figures.add(
            f"goal-{goal.number}-status",
            _("Indicator progress, goal %(number)s") % {"number": goal.number},
            [("status", _("Status")), ("count", _("Number of indicators"))],
            [[charts.status_label(s), shares.get(s, 0)] for s in SHARE_ORDER],
        )
    indicator_rows = [
        _indicator_entry(data, goal, g, figures, progress[data.indicator.pk], language)
        for data in indicators
    ]
    action_rows = [
        {
            "title": action.title,
            "body": str(action.body),
            "status": action.status,
            "status_label": str(action.get_status_display()),
            "planned_cost": float(action.planned_cost) if action.planned_cost is not None else None,
            "planned_cost_text": _money(action.planned_cost),
            "period": " – ".join(d.isoformat() if d else "…" for d in (action.start, action.end)),
            "targets": g.action_targets.get(action.pk, []),
            "description": action.description,
            "result": action.result,
        }
        for action in actions
    ]
    if action_rows:
        figures.add(
            f"goal-{goal.number}-actions",
            _("Actions for goal %(number)s") % {"number": goal.number},
            [
                ("title", _("Action")),
                ("body", _("Body")),
                ("status", _("Status")),
                ("planned_cost", _("Planned cost (SEK)")),
                ("result", _("Result")),
            ],
            [
                [a["title"], a["body"], a["status_label"], a["planned_cost"], a["result"]]
                for a in action_rows
            ],
        )
    goal_analysis = analysis["goals"].get(goal.number, {})
    return {
        "number": goal.number,
        "title": _goal_title(goal, language),
        "colour": goal.colour,
        "text_colour": goal.text_colour,
        **_goal_assessment(goal_analysis, analysis["available"]),
        "analysis_text": goal_analysis.get("text", ""),
        "analysis_available": analysis["available"],
        "targets": target_rows,
        "shares": _shares(shares),
        "status_chart": status_chart,
        "indicators": indicator_rows,
        "actions": action_rows,
        "text": text,
    }


def _indicator_entry(
    data: IndicatorData,
    goal: Goal,
    g: Gathered,
    figures: Figures,
    progress: Any,
    language: str,
) -> dict[str, Any]:
    indicator, kpi = data.indicator, data.indicator.kpi
    title = _text(kpi.title_sv, kpi.title_en, language)
    chart_id = f"chart-g{goal.number}-{_slug(kpi.code)}"
    chart, table = charts.indicator_chart(
        data.comparison,
        chart_id=chart_id,
        title=title["text"],
        unit=kpi.unit,
        target=indicator.target_value,
        target_year=indicator.target_year if indicator.target_value is not None else None,
    )
    figure_id = f"goal-{goal.number}-indicator-{_slug(kpi.code)}"
    figures.add(
        figure_id,
        title["text"],
        [("year", _("Year"))] + [(c.area_code, c.name) for c in table.columns],
        [[year] + [cell.value for cell in cells] for year, cells in table.rows],
    )
    totals = data.own.get(Gender.TOTAL, {})
    latest_year = max(totals) if totals else None
    position = data.position
    return {
        "code": kpi.code,
        "title": title,
        "unit": kpi.unit,
        "direction": indicator.direction,
        "direction_label": str(indicator.get_direction_display()),
        "latest_year": latest_year,
        "latest_value": totals.get(latest_year) if latest_year else None,
        "latest_text": charts.format_value(totals.get(latest_year) if latest_year else None),
        "target_value": indicator.target_value,
        "target_text": charts.format_value(indicator.target_value),
        "target_year": indicator.target_year,
        "status": str(progress.status),
        "status_label": charts.status_label(progress.status),
        "status_colour": charts.status_colour(progress.status),
        "progress_method": str(progress.method or ""),
        "base_year": progress.base_year,
        "position": {
            **position,
            "label": _band_label(position["band"], g.organisation),
            "colour": charts.BAND_COLOURS.get(position["band"], charts.BAND_COLOURS[Band.GREY]),
        }
        if position
        else None,
        "chart": str(chart.svg),
        "figure": figure_id,
        "table": {
            "columns": [c.name for c in table.columns],
            "rows": [[year, [cell.text for cell in cells]] for year, cells in table.rows],
        },
        "sources": data.sources,
    }


def _slug(code: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in code).strip("-").lower() or "x"


def _resources(
    g: Gathered,
    progress: Mapping[int, Any],
    indicators_by_goal: Mapping[int, list[IndicatorData]],
    actions_by_goal: Mapping[int, list[Action]],
    figures: Figures,
) -> dict[str, Any]:
    def movement(indicators: Iterable[IndicatorData]) -> dict[str, int]:
        statuses = [progress[d.indicator.pk].status for d in indicators]
        return {
            "improving": sum(1 for s in statuses if s in IMPROVING),
            "needs_acceleration": sum(
                1 for s in statuses if s in (Status.PROGRESS_NEEDS_ACCELERATION,)
            ),
            "limited": sum(1 for s in statuses if s == Status.LIMITED_PROGRESS),
            "deteriorating": sum(1 for s in statuses if s == Status.DETERIORATION),
            "not_available": sum(1 for s in statuses if s == Status.NOT_AVAILABLE),
        }

    def cost(actions: Iterable[Action]) -> tuple[float, int, int]:
        actions = list(actions)
        known = [a.planned_cost for a in actions if a.planned_cost is not None]
        return float(sum(known, Decimal(0))), len(actions), len(actions) - len(known)

    def row_values(actions: Iterable[Action], indicators: Iterable[IndicatorData]):
        total, count, unknown = cost(actions)
        return {
            "actions": count,
            "cost": total,
            "cost_text": _money(total),
            "cost_unknown": unknown,
            **movement(indicators),
        }

    goal_rows = [
        {
            "number": goal.number,
            "dimension": goal.dimension or "",
            **row_values(
                actions_by_goal.get(goal.number, ()), indicators_by_goal.get(goal.number, ())
            ),
        }
        for goal in g.goals
    ]
    dimension_rows = []
    for code in DIMENSION_ORDER:
        numbers = {goal.number for goal in g.goals if (goal.dimension or "") == code}
        actions = {a.pk: a for n in numbers for a in actions_by_goal.get(n, ())}
        indicators = {d.indicator.pk: d for n in numbers for d in indicators_by_goal.get(n, ())}
        dimension_rows.append(
            {
                "code": str(code) or "partnership",
                "label": str(Dimension(code).label) if code else _("All three dimensions"),
                **row_values(actions.values(), indicators.values()),
            }
        )
    columns = [
        ("actions", _("Actions")),
        ("cost", _("Planned cost (SEK)")),
        ("cost_unknown", _("Actions without a cost")),
        ("improving", _("Indicators on track or achieved")),
        ("needs_acceleration", _("Progress needs acceleration")),
        ("limited", _("Limited progress")),
        ("deteriorating", _("Deteriorating")),
        ("not_available", _("Not available")),
    ]
    figures.add(
        "resources-goals",
        _("Planned cost of actions and indicator movement per goal"),
        [("goal", _("Goal")), *columns],
        [[row["number"]] + [row[key] for key, _label in columns] for row in goal_rows],
    )
    figures.add(
        "resources-dimensions",
        _("Planned cost of actions and indicator movement per dimension"),
        [("dimension", _("Dimension")), *columns],
        [[row["label"]] + [row[key] for key, _label in columns] for row in dimension_rows],
    )
    total, count, _unknown = cost(g.actions)
    return {
        "goals": goal_rows,
        "dimensions": dimension_rows,
        "total_cost_text": _money(total),
        "total_actions": count,
    }


def _toc(dimensions: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    entries = [
        {"id": "summary", "number": "1", "title": _("Summary")},
        {"id": "governance", "number": "2", "title": _("How the work is governed")},
        {
            "id": "goals",
            "number": "3",
            "title": _("Dimensions and goals"),
            "children": [
                {
                    "id": f"dimension-{dimension['code']}",
                    "number": f"3.{index}",
                    "title": dimension["label"],
                    "children": [
                        {
                            "id": f"goal-{goal['number']}",
                            "number": "",
                            "title": _("Goal %(number)s. %(title)s")
                            % {"number": goal["number"], "title": goal["title"]["text"]},
                        }
                        for goal in dimension["goals"]
                    ],
                }
                for index, dimension in enumerate(dimensions, start=1)
            ],
        },
        {"id": "conflicts", "number": "4", "title": _("Goal conflicts and synergies")},
        {"id": "resources", "number": "5", "title": _("Resources and effect")},
        {"id": "focus", "number": "6", "title": _("Where to focus next")},
        {"id": "method", "number": "7", "title": _("Method and data")},
    ]
    return entries


def compile_report(
    organisation: Organisation,
    year: int,
    *,
    texts: Mapping[str, Mapping[str, str]] | None = None,
    title: str = "",
    edition: int = 1,
    languages: Iterable[str] = LANGUAGES,
) -> dict[str, dict[str, Any]]:
    """The content of every language, from one read of the database."""
    gathered = gather(organisation, year)
    return {
        language: build(gathered, language=language, texts=texts, title=title, edition=edition)
        for language in languages
    }


__all__ = ["GOAL_NUMBERS", "LANGUAGES", "SECTIONS", "build", "compile_report", "gather"]
