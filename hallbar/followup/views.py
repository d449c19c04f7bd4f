"""Pages of the follow-up app: the indicator register, an indicator's page with its chart,
table and downloads, and the import of observation files.

Every view starts with one access helper from `hallbar.organisation.access` (reading is
open, but an organisation's non-public indicators are for its own readers; writing needs
a login and a membership); the reads and writes themselves live in `selectors.py` and
`services.py`, the charts in `charts.py`, the downloads in `exports.py`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hallbar.agenda.models import LocalisedText, Target, localise
from hallbar.core.records import ExportNotFound
from hallbar.followup import charts, exports, selectors, services
from hallbar.followup.comparison import RelativePosition
from hallbar.followup.forms import IndicatorFilterForm, ObservationImportForm
from hallbar.followup.models import Direction, Gender, Indicator
from hallbar.followup.observation_import import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    ObservationFileError,
    RowError,
)
from hallbar.followup.status import IndicatorProgress
from hallbar.lib.progress import Method, Progress, Reason, Status
from hallbar.organisation import access
from hallbar.organisation.models import Organisation, OrganisationKind

# A file with thousands of bad rows is shown in part; the command line lists all.
IMPORT_ERRORS_SHOWN = 200


def observation_import(request: HttpRequest, org_code: str) -> HttpResponse:
    organisation = access.require(request, org_code, "followup.import_observations").organisation
    errors: list[RowError] = []
    error_count = 0
    if request.method == "POST":
        form = ObservationImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = request.FILES["file"]
            try:
                summary = services.observations_import(
                    data=form.cleaned_data["file"],
                    organisation=organisation,
                    source_name=form.cleaned_data["source"] or upload.name or "",
                    # Shared Kolada figures come from Kolada, never from one
                    # organisation's upload.
                    shared_kpis=False,
                )
            except ObservationFileError as error:
                error_count = len(error.errors)
                errors = error.errors[:IMPORT_ERRORS_SHOWN]
            else:
                messages.success(request, str(summary))
                return redirect("followup:observation_import", org_code=organisation.code)
    else:
        form = ObservationImportForm()
    return render(
        request,
        "followup/observation_import.html",
        {
            "organisation": organisation,
            "form": form,
            "errors": errors,
            "error_count": error_count,
            "errors_hidden": error_count - len(errors),
            "max_rows": MAX_ROWS,
            "max_bytes": MAX_FILE_BYTES,
        },
    )


# --- the indicator register -----------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRowView:
    """One row of an indicator list, ready for the template."""

    row: selectors.IndicatorRow
    url: str
    title: LocalisedText
    status: charts.Badge
    position: charts.Badge | None
    position_detail: str
    latest_value: str


def indicator_url(organisation: Organisation, code: str) -> str:
    """The indicator page, or "" for a code no URL can carry (shown without a link)."""
    try:
        return reverse(
            "followup:indicator_detail", kwargs={"org_code": organisation.code, "code": code}
        )
    except NoReverseMatch:
        return ""


def _kpi_title(indicator: Indicator) -> LocalisedText:
    return localise(indicator.kpi.title_sv, indicator.kpi.title_en)


def _position_detail(position: RelativePosition | None) -> str:
    """The rank behind a relative position ("rank 2 of 8, 2023"), or "" without one."""
    if position is None or position.position.rank is None:
        return ""
    return _("rank %(rank)s of %(n)s, %(year)s") % {
        "rank": position.position.rank,
        "n": position.position.n,
        "year": position.year,
    }


def present_rows(
    rows: list[selectors.IndicatorRow], organisation: Organisation
) -> list[IndicatorRowView]:
    regions = organisation.kind == OrganisationKind.REGION
    return [
        IndicatorRowView(
            row=row,
            url=indicator_url(organisation, row.kpi.code),
            title=_kpi_title(row.indicator),
            status=charts.status_badge(row.status),
            position=charts.band_badge(row.position.band, regions=regions)
            if row.position
            else None,
            position_detail=_position_detail(row.position),
            latest_value=charts.format_value(row.latest_value),
        )
        for row in rows
    ]


def _legend(organisation: Organisation) -> dict[str, Any]:
    regions = organisation.kind == OrganisationKind.REGION
    return {
        "statuses": [charts.status_badge(status) for status in charts.STATUS_LABELS],
        "bands": [charts.band_badge(band, regions=regions) for band in charts.BAND_COLOURS],
        "among": _("regions") if regions else _("municipalities"),
    }


def indicator_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    include_private = granted.actor.sees_drafts
    goals, bodies = selectors.filter_choices(organisation)
    filter_form = IndicatorFilterForm(request.GET or None, goals=goals, bodies=bodies)
    rows = selectors.indicator_list(
        organisation=organisation,
        include_private=include_private,
        filters=filter_form.filters(),
    )
    return render(
        request,
        "followup/indicator_list.html",
        {
            "organisation": organisation,
            "filter_form": filter_form,
            "rows": present_rows(rows, organisation),
            "include_private": include_private,
            "legend": _legend(organisation),
            "can_import": granted.may("organisation.write_anything"),
        },
    )


# --- goal and target pages (called by hallbar.steering.agenda_views) ----------------------


def indicator_section(
    *,
    organisation: Organisation,
    include_private: bool,
    targets: QuerySet[Target],
    chart_id: str = "indicator-status-chart",
) -> dict[str, Any]:
    """The context of the "Indicators" section of a goal or target page: the indicators
    linked to `targets`, and a stacked bar of their statuses with its numbers."""
    overview = selectors.indicators_for_targets(
        organisation=organisation, include_private=include_private, targets=targets
    )
    context: dict[str, Any] = {
        "indicator_rows": present_rows(overview.rows, organisation),
        "indicator_legend": _legend(organisation),
        "indicator_list_url": reverse(
            "followup:indicator_list", kwargs={"org_code": organisation.code}
        ),
        "status_chart": None,
        "status_shares": [],
    }
    if overview.rows:
        chart, shares = charts.status_bar_chart(
            overview.shares,
            chart_id=chart_id,
            title=ngettext(
                "Status of the %(count)s indicator",
                "Status of the %(count)s indicators",
                overview.total,
            )
            % {"count": overview.total},
        )
        context |= {"status_chart": chart, "status_shares": shares}
    return context


# --- one indicator --------------------------------------------------------------------------


def _get_indicator(code: str) -> access.Lookup:
    def lookup(organisation: Organisation, sees_internal: bool) -> Indicator | None:
        return selectors.indicator_get(
            organisation=organisation, code=code, include_private=sees_internal
        )

    return lookup


def indicator_detail(request: HttpRequest, org_code: str, code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view", lookup=_get_indicator(code))
    indicator: Indicator = granted.obj
    organisation = granted.organisation
    detail = selectors.indicator_detail(indicator, include_drafts=granted.actor.sees_drafts)
    kpi = indicator.kpi
    title = _kpi_title(indicator)
    chart, table = charts.indicator_chart(
        detail.data.comparison,
        chart_id="indicator-chart",
        title=str(title),
        unit=kpi.unit,
        target=indicator.target_value,
        target_year=indicator.target_year if indicator.target_value is not None else None,
    )
    position = detail.position
    context = {
        "organisation": organisation,
        "indicator": indicator,
        "kpi": kpi,
        "title": title,
        "target_text": charts.format_value(indicator.target_value),
        "detail": detail,
        "chart": chart,
        "table": table,
        "sources": _sources(detail.data),
        "progress": [_progress_view(p, unit=kpi.unit) for p in detail.progress],
        "position": charts.band_badge(position.band, regions=detail.among_regions)
        if position
        else None,
        "position_value": position,
        "position_year": detail.position_year,
        "among": _("regions") if detail.among_regions else _("municipalities"),
        "downloads": [
            (
                _("CSV"),
                _export_url(organisation, kpi.code, "indicator-csv"),
            ),
            (
                _("Excel (XLSX)"),
                _export_url(organisation, kpi.code, "indicator-xlsx"),
            ),
        ],
        "legend": _legend(organisation),
        "list_url": reverse("followup:indicator_list", kwargs={"org_code": organisation.code}),
    }
    return render(request, "followup/indicator_detail.html", context)


def _export_url(organisation: Organisation, code: str, name: str) -> str:
    return reverse(
        "followup:indicator_export",
        kwargs={"org_code": organisation.code, "code": code, "name": name},
    )


@dataclass(frozen=True)
class SourceView:
    name: str
    kind_label: str
    text: str


def _sources(data: selectors.IndicatorData) -> list[SourceView]:
    """Per series: "Source: Kolada, fetched 2025-03-01" for values as stored from the
    source, and which years Hållbar computed itself as a mean of the members."""
    views = []
    for series in data.series_sources():
        parts = []
        if series.reported_years:
            source = ", ".join(series.sources) or data.default_source
            if series.fetched_at:
                parts.append(
                    _("Source: %(source)s, fetched %(date)s.")
                    % {
                        "source": source,
                        "date": f"{timezone.localtime(series.fetched_at):%Y-%m-%d}",
                    }
                )
            else:
                parts.append(_("Source: %(source)s.") % {"source": source})
        if series.computed_years:
            parts.append(
                _(
                    "%(years)s: computed by Hållbar as the unweighted mean of the members "
                    "with a value (as Kolada computes group values), not a figure of the source."
                )
                % {"years": _year_ranges(series.computed_years)}
            )
        if not parts:
            parts.append(_("No values."))
        views.append(
            SourceView(
                name=series.name,
                kind_label=str(charts.SERIES_KIND_LABELS.get(series.kind, "")),
                text=" ".join(parts),
            )
        )
    return views


def _year_ranges(years: list[int]) -> str:
    """2012, 2014–2016"""
    ranges: list[list[int]] = []
    for year in years:
        if ranges and year == ranges[-1][1] + 1:
            ranges[-1][1] = year
        else:
            ranges.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in ranges)


# --- how a status was reached ---------------------------------------------------------------

GENDER_LABELS = {
    Gender.TOTAL: gettext_lazy("Total"),
    Gender.WOMEN: gettext_lazy("Women"),
    Gender.MEN: gettext_lazy("Men"),
}


@dataclass(frozen=True)
class ProgressView:
    gender: str
    gender_label: str
    status: charts.Badge
    summary: list[str]
    facts: list[tuple[str, str]]
    computed_at: datetime


def _percent(rate: float | None) -> str:
    if rate is None or not math.isfinite(rate):
        return "–"
    return f"{charts.format_value(rate * 100)} %"


def _per_year(rate: float | None, unit: str) -> str:
    if rate is None or not math.isfinite(rate):
        return "–"
    value = charts.format_value(rate)
    return (
        _("%(value)s %(unit)s per year") % {"value": value, "unit": unit}
        if unit
        else _("%(value)s per year") % {"value": value}
    )


def _progress_view(stored: IndicatorProgress, *, unit: str) -> ProgressView:
    progress: Progress = stored.progress
    return ProgressView(
        gender=stored.gender,
        gender_label=str(GENDER_LABELS.get(stored.gender, stored.gender)),
        status=charts.status_badge(progress.status),
        summary=progress_summary(progress, unit=unit),
        facts=progress_facts(progress, unit=unit),
        computed_at=stored.computed_at,
    )


def _rate(progress: Progress, rate: float | None, unit: str) -> str:
    return _percent(rate) if progress.method == Method.CAGR else _per_year(rate, unit)


def progress_summary(progress: Progress, *, unit: str = "") -> list[str]:
    """How the status was reached, in a few sentences from the stored inputs (METHODS.md §1)."""
    v = charts.format_value
    values = {
        "base_year": progress.base_year,
        "base": v(progress.base_value),
        "current_year": progress.current_year,
        "current": v(progress.current_value),
        "target": v(progress.target),
        "target_year": progress.target_year,
        "requested_base_year": progress.requested_base_year,
        "p": v(progress.value),
        "observed": _rate(progress, progress.observed_rate, unit),
        "required": _rate(progress, progress.required_rate, unit),
    }
    reason = progress.reason
    if reason == Reason.NO_VALUES:
        return [_("There is no value from %(requested_base_year)s on: no status.") % values]
    if reason == Reason.FEWER_THAN_TWO_YEARS:
        return [
            _(
                "Only one year since %(requested_base_year)s has a value (%(base_year)s): "
                "a status needs at least two."
            )
            % values
        ]
    if reason == Reason.TARGET_YEAR_NOT_AFTER_BASE_YEAR:
        return [
            _(
                "The first value is from %(base_year)s, not before the target year "
                "%(target_year)s: there is no time left to measure progress against."
            )
            % values
        ]
    if reason == Reason.NOT_COMPUTABLE:
        return [_("The values are too extreme to compute a rate of change: no status.")]

    sentences = []
    if progress.base_year != progress.requested_base_year:
        sentences.append(
            _(
                "The base year %(requested_base_year)s has no value; the first later one, %(base_year)s, is used."
            )
            % values
        )
    if progress.status == Status.TARGET_ACHIEVED:
        sentences.append(
            _(
                "The latest value, %(current)s in %(current_year)s, has reached the target %(target)s."
            )
            % values
        )
        return sentences
    if progress.uses_target:
        if progress.method == Method.LINEAR:
            sentences.append(
                _(
                    "Not every value is positive, so the linear variant is used: the change "
                    "per year from %(base_year)s (%(base)s) to %(current_year)s (%(current)s), "
                    "%(observed)s, is compared with the change per year needed to reach "
                    "%(target)s by %(target_year)s, %(required)s."
                )
                % values
            )
        else:
            sentences.append(
                _(
                    "From %(base_year)s (%(base)s) to %(current_year)s (%(current)s) the value "
                    "changed by %(observed)s a year (compound annual growth rate); reaching "
                    "%(target)s by %(target_year)s needs %(required)s a year from %(base_year)s."
                )
                % values
            )
        sentences.append(_("P, the share of the needed progress that was made, is %(p)s.") % values)
    else:
        if progress.method == Method.LINEAR:
            sentences.append(
                _(
                    "No target value is set, so the status follows the trend. Not every value "
                    "is positive, so the linear variant is used: the change per year from "
                    "%(base_year)s (%(base)s) to %(current_year)s (%(current)s), %(observed)s, "
                    "as a share of the base value."
                )
                % values
            )
        else:
            sentences.append(
                _(
                    "No target value is set, so the status follows the trend: from "
                    "%(base_year)s (%(base)s) to %(current_year)s (%(current)s) the value "
                    "changed by %(observed)s a year (compound annual growth rate)."
                )
                % values
            )
        if progress.direction == Direction.NEGATIVE:
            sentences.append(_("Lower is better, so a fall counts as progress."))
        sentences.append(_("P is %(p)s.") % values)
    if reason in (Reason.REQUIRED_RATE_ZERO, Reason.BASE_VALUE_ZERO):
        sentences.append(
            _("The rate it is compared with is zero, so P is infinite: only its sign counts.")
        )
    thresholds = progress.thresholds
    sentences.append(
        _(
            "On track from P = %(high)s, progress needs acceleration from %(med)s, limited "
            "progress from %(low)s; below that, deterioration."
        )
        % {"high": v(thresholds.high), "med": v(thresholds.med), "low": v(thresholds.low)}
    )
    return sentences


def progress_facts(progress: Progress, *, unit: str = "") -> list[tuple[str, str]]:
    """The stored inputs and results, as label–value pairs."""
    v = charts.format_value
    none = "–"
    methods = {
        Method.CAGR: _("compound annual growth rate"),
        Method.LINEAR: _("linear (values not all positive)"),
    }
    facts = [
        (_("Base year (asked for)"), str(progress.requested_base_year)),
        (_("Base year used"), str(progress.base_year or none)),
        (_("Value in the base year"), v(progress.base_value)),
        (_("Latest year"), str(progress.current_year or none)),
        (_("Latest value"), v(progress.current_value)),
        (
            _("Target"),
            _("%(value)s by %(year)s") % {"value": v(progress.target), "year": progress.target_year}
            if progress.uses_target
            else _("none: the status follows the trend"),
        ),
        (_("Direction"), str(Direction(progress.direction).label)),
        (_("Method"), str(methods.get(progress.method, none)) if progress.method else none),
        (_("Observed change"), _rate(progress, progress.observed_rate, unit)),
    ]
    if progress.uses_target:
        facts.append((_("Needed change"), _rate(progress, progress.required_rate, unit)))
    facts.append((_("P"), v(progress.value)))
    return facts


# --- downloads ------------------------------------------------------------------------------


def indicator_export(request: HttpRequest, org_code: str, code: str, name: str) -> HttpResponse:
    """An indicator's numbers as a file, through the export contract
    `render(params) -> (filename, content type, bytes)`."""
    granted = access.require(request, org_code, "organisation.view", lookup=_get_indicator(code))
    exporter = exports.EXPORTS.get(name)
    if exporter is None:
        raise Http404
    # The organisation and what the reader may see come from the access check, never
    # from the query string.
    params = {
        **request.GET.dict(),
        "organisation": granted.organisation,
        "code": code,
        "include_private": granted.actor.sees_drafts,
    }
    try:
        filename, content_type, content = exporter.render(params)
    except ExportNotFound:
        raise Http404 from None
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
