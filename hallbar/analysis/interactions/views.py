"""Pages of the interaction matrix: versions, the editable grid (htmx, one cell at a
time, and a per-cell page without JavaScript), the results, CSV in and out.

Every view starts with `access.require()`: the organisation, the version as the reader may
see it (a draft is a 404 outside the organisation), the permission. Reads go through
`selectors`, writes through `services`; the metrics shown are the stored ones.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from hallbar.agenda.models import Goal
from hallbar.analysis.interactions import charts, csv_io, selectors, services
from hallbar.analysis.interactions.forms import (
    CellForm,
    ImportForm,
    ImportNewForm,
    MatrixCreateForm,
    MatrixEditForm,
    StartFrom,
)
from hallbar.analysis.interactions.models import SCORE_LABELS, InteractionMatrix, MatrixLevel
from hallbar.core.forms import show_edit_conflict, submitted
from hallbar.core.versions import EditConflict
from hallbar.organisation import access


def _matrix(pk: int) -> access.Lookup:
    return lambda organisation, include_drafts: selectors.matrix_for_reader(
        organisation, pk, include_drafts=include_drafts
    )


def _url(url_name: str, matrix: InteractionMatrix, **kwargs: Any) -> str:
    return reverse(
        f"interactions:{url_name}",
        kwargs={"org_code": matrix.organisation.code, "pk": matrix.pk, **kwargs},
    )


def _record_links(granted: access.Granted, matrix: InteractionMatrix) -> dict[str, str]:
    """The version's history (for the organisation's own readers) and delete page (for
    those who may delete it), for the header of its pages."""
    return {
        "history_url": _url("matrix_history", matrix) if granted.actor.sees_drafts else "",
        "delete_url": _url("matrix_delete", matrix)
        if granted.may("interactions.delete_matrix", matrix)
        else "",
    }


# --- versions --------------------------------------------------------------------------------


def matrix_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "interactions.view_matrix")
    versions = selectors.matrices(granted.organisation, include_drafts=granted.actor.sees_drafts)
    versions = versions.select_related("created_by", "metrics", "based_on")
    return render(
        request,
        "interactions/matrix_list.html",
        {
            "organisation": granted.organisation,
            "versions": versions,
            "can_add": granted.may("interactions.add_matrix"),
        },
    )


@require_http_methods(["GET", "POST"])
def matrix_create(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "interactions.add_matrix")
    organisation = granted.organisation
    _prioritised, has_prioritised = services.prioritised_targets_of(organisation)
    form = MatrixCreateForm(
        submitted(request),
        organisation=organisation,
        has_prioritised=has_prioritised,
    )
    if request.method == "POST" and access.write_allowed(
        request, granted, "interactions.add_matrix", form
    ):
        data = form.cleaned_data
        common = {
            "organisation": organisation,
            "title": data["title"],
            "description": data["description"],
            "source": data["source"],
            "created_by": request.user,
        }
        try:
            if data["start"] == StartFrom.EXAMPLE:
                matrix = services.example_matrix_load(
                    organisation=organisation, created_by=request.user
                )
                matrix = services.matrix_update(
                    matrix=matrix,
                    expected_version=matrix.version,
                    title=data["title"],
                    description=data["description"] or matrix.description,
                    source=matrix.source + (f"\n{data['source']}" if data["source"] else ""),
                )
            elif data["start"] == StartFrom.COPY:
                # The copy's nodes and level are its version's.
                matrix = services.matrix_create(
                    **common, based_on=data["based_on"], keep_order=True
                )
            elif data["level"] == MatrixLevel.GOALS:
                goals = (
                    services.prioritised_goals_of(organisation)
                    if data["start"] == StartFrom.PRIORITISED
                    else form.nodes
                )
                matrix = services.matrix_create(**common, goals=goals)
            else:
                targets = (
                    services.prioritised_targets_of(organisation)[0]
                    if data["start"] == StartFrom.PRIORITISED
                    else form.nodes
                )
                matrix = services.matrix_create(**common, targets=targets)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Version %(n)s was created.") % {"n": matrix.number})
            return redirect(_url("matrix_grid", matrix))
    return render(
        request,
        "interactions/form_page.html",
        {
            "organisation": organisation,
            "form": form,
            "heading": _("New version of the interaction matrix"),
            "cancel_url": reverse("interactions:matrix_list", kwargs={"org_code": org_code}),
            "note": None
            if has_prioritised
            else _(
                "The status analysis has no prioritised targets to start from yet: copy a "
                "version, load the example matrix, or list the targets."
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def matrix_edit(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "interactions.change_matrix", lookup=_matrix(pk))
    matrix: InteractionMatrix = granted.obj
    initial = {
        "title": matrix.title,
        "description": matrix.description,
        "source": matrix.source,
        "version": matrix.version,
    }
    form = MatrixEditForm(submitted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.matrix_update(
                matrix=matrix,
                expected_version=data["version"],
                title=data["title"],
                description=data["description"],
                source=data["source"],
            )
        except EditConflict as conflict:
            show_edit_conflict(
                form,
                conflict,
                message=_(
                    "Someone else saved this version's description after you opened it; "
                    "yours is not saved yet. Compare them below, then save again to replace "
                    "it with yours, or cancel."
                ),
            )
        else:
            messages.success(request, _("Saved."))
            return redirect(_url("matrix_detail", matrix))
    return render(
        request,
        "interactions/form_page.html",
        {
            "organisation": granted.organisation,
            "form": form,
            "matrix": matrix,
            "heading": _("Edit version %(n)s") % {"n": matrix.number},
            "cancel_url": _url("matrix_detail", matrix),
        },
    )


@require_http_methods(["GET", "POST"])
def matrix_publish(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "interactions.publish_matrix", lookup=_matrix(pk))
    matrix: InteractionMatrix = granted.obj
    error = None
    if request.method == "POST":
        version = request.POST.get("version", "")
        try:
            if version.isdigit():
                services.matrix_publish(matrix=matrix, expected_version=int(version))
                messages.success(request, _("Version %(n)s is published.") % {"n": matrix.number})
                return redirect(_url("matrix_detail", matrix))
        except EditConflict:
            pass
        error = _(
            "The version changed after you opened this page, or the form is incomplete. Check it and publish again."
        )
    return render(
        request,
        "interactions/publish.html",
        {"organisation": granted.organisation, "matrix": matrix, "error": error},
    )


# --- the grid ---------------------------------------------------------------------------------


def _cell(matrix, origin, destination, value: int | None, *, can_edit: bool) -> dict[str, Any]:
    background, colour = charts.SCORE_COLOURS.get(value, ("#FFFFFF", "#1B1B1B"))
    return {
        "id": f"cell-{origin.pk}-{destination.pk}",
        "from": origin,
        "to": destination,
        "score": value,
        "text": charts.score_text(value),
        "label": str(SCORE_LABELS[value]) if value is not None else _("not scored"),
        "background": background,
        "colour": colour,
        "url": _url("cell_edit", matrix, from_code=origin.code, to_code=destination.code)
        if can_edit
        else None,
    }


def _grid(matrix, targets, scores: dict, *, can_edit: bool) -> list[tuple[Any, list]]:
    """Rows of cells; `scores` by (from id, to id) as `selectors.score_values` gives them."""
    rows = []
    for origin in targets:
        cells = [
            None
            if origin.pk == destination.pk
            else _cell(
                matrix,
                origin,
                destination,
                scores.get((origin.pk, destination.pk)),
                can_edit=can_edit,
            )
            for destination in targets
        ]
        rows.append((origin, cells))
    return rows


def _metric_rows(targets, stored: dict[str, Any]) -> list[tuple[Any, dict]]:
    per_target = stored.get("per_target", {})
    return [(t, per_target[t.code]) for t in targets if t.code in per_target]


def _legend() -> list[tuple]:
    return [
        (s, charts.score_text(s), SCORE_LABELS[s], *charts.SCORE_COLOURS[s])
        for s in sorted(SCORE_LABELS, reverse=True)
    ]


def _grid_context(granted: access.Granted, matrix: InteractionMatrix) -> dict[str, Any]:
    targets = selectors.matrix_nodes(matrix, granted.organisation)
    scores = selectors.score_values(matrix)
    can_edit = granted.may("interactions.change_matrix", matrix)
    stored = selectors.stored_metrics(matrix)
    return {
        "organisation": granted.organisation,
        "matrix": matrix,
        "targets": targets,
        "rows": _grid(matrix, targets, scores, can_edit=can_edit),
        "can_edit": can_edit,
        "metric_rows": _metric_rows(targets, stored),
        "scored": len(scores),
        "pairs": len(targets) * (len(targets) - 1),
        "legend": _legend(),
        **_record_links(granted, matrix),
    }


def matrix_grid(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "interactions.view_matrix", lookup=_matrix(pk))
    return render(request, "interactions/matrix_grid.html", _grid_context(granted, granted.obj))


def _model(node):
    """The `Target`, or the `Goal` of a goal-level version's node, for the services."""
    return node.goal if isinstance(node, selectors.GoalNode) else node


def _node_in(matrix: InteractionMatrix, organisation, code: str):
    """The version's target (or goal) with this code; 404 when it has none."""
    for node in selectors.matrix_nodes(matrix, organisation):
        if node.code == code:
            return node
    raise Http404


@require_http_methods(["GET", "POST"])
def cell_edit(
    request: HttpRequest, org_code: str, pk: int, from_code: str, to_code: str
) -> HttpResponse:
    granted = access.require(request, org_code, "interactions.change_matrix", lookup=_matrix(pk))
    matrix: InteractionMatrix = granted.obj
    origin = _node_in(matrix, granted.organisation, from_code)
    destination = _node_in(matrix, granted.organisation, to_code)
    if origin.pk == destination.pk:
        raise Http404
    current = selectors.cell(matrix, origin, destination)
    initial = {"version": current.version if current else 0}
    if current is not None:
        initial.update(
            score=current.score, rationale=current.rationale, confidence=current.confidence
        )
    form = CellForm(submitted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.score_save(
                matrix=matrix,
                from_target=_model(origin),
                to_target=_model(destination),
                score=data["score"],
                rationale=data["rationale"],
                confidence=data["confidence"],
                assessed_by=request.user,
                expected_version=data["version"],
            )
        except EditConflict as conflict:
            show_edit_conflict(
                form,
                conflict,
                message=_(
                    "Someone else scored this cell after you opened it; your score is not "
                    "saved yet. Compare with what is saved now, then save again to replace it."
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _cell_saved(request, granted, matrix, saved, origin, destination)
    context = {
        "organisation": granted.organisation,
        "matrix": matrix,
        "form": form,
        "origin": origin,
        "destination": destination,
        "current": current,
        "action": _url("cell_edit", matrix, from_code=origin.code, to_code=destination.code),
        "grid_url": _url("matrix_grid", matrix),
    }
    template = (
        "interactions/includes/cell_form.html" if request.htmx else "interactions/cell_edit.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _cell_saved(request, granted, matrix, saved, origin, destination) -> HttpResponse:
    text = _("Saved: %(from)s → %(to)s scored %(score)s.") % {
        "from": origin.code,
        "to": destination.code,
        "score": charts.score_text(saved.score),
    }
    if not request.htmx:
        messages.success(request, text)
        return redirect(_url("matrix_grid", matrix) + f"#cell-{saved.from_id}-{saved.to_id}")
    matrix = selectors.matrix_for_reader(granted.organisation, matrix.pk, include_drafts=True)
    targets = selectors.matrix_nodes(matrix, granted.organisation)
    stored = selectors.stored_metrics(matrix)
    context = {
        "organisation": granted.organisation,
        "matrix": matrix,
        "message": text,
        "cell": _cell(matrix, origin, destination, saved.score, can_edit=True),
        "metric_rows": _metric_rows(targets, stored),
        "scored": matrix.metrics.scored_pairs,
        "pairs": len(targets) * (len(targets) - 1),
    }
    return render(request, "interactions/includes/cell_saved.html", context)


# --- results ----------------------------------------------------------------------------------


def matrix_detail(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "interactions.view_matrix", lookup=_matrix(pk))
    matrix: InteractionMatrix = granted.obj
    targets = selectors.matrix_nodes(matrix, granted.organisation)
    stored = selectors.stored_metrics(matrix)
    scores = selectors.score_values(matrix)
    a = selectors.score_array(targets, scores)
    codes = [t.code for t in targets]
    per_target = stored.get("per_target", {})
    blocks = selectors.goal_blocks(stored)
    goals = {
        g.number: g
        for g in Goal.objects.filter(
            goal_set__code="agenda2030", goal_set__organisation__isnull=True
        )
    }
    by_code = {t.code: t for t in targets}
    links = sorted(
        (
            (by_code[codes[i]], by_code[codes[j]], int(a[i, j]))
            for i in range(len(codes))
            for j in range(len(codes))
            if i != j and (a[i, j] >= 2 or a[i, j] <= -2)
        ),
        key=lambda link: (-link[2], link[0].code),
    )
    second_order = sorted(_metric_rows(targets, stored), key=lambda row: -row[1]["second_order"])
    negative_chains = sorted(
        (row for row in _metric_rows(targets, stored) if row[1]["second_order_neg"] < 0),
        key=lambda row: row[1]["second_order_neg"],
    )
    has_cells = len(targets) > 1
    context = {
        "organisation": granted.organisation,
        "matrix": matrix,
        "targets": targets,
        "can_edit": granted.may("interactions.change_matrix", matrix),
        "can_publish": granted.may("interactions.publish_matrix", matrix),
        "can_add": granted.may("interactions.add_matrix"),
        "metric_rows": _metric_rows(targets, stored),
        "ranked": sorted(_metric_rows(targets, stored), key=lambda row: -row[1]["net"]),
        "second_order": second_order,
        "negative_chains": negative_chains,
        "trade_offs": [
            {
                **item,
                "from_target": by_code.get(item["from"]),
                "to_target": by_code.get(item["to"]),
                "text": charts.score_text(item["score"]),
            }
            for item in stored.get("trade_offs", [])
        ],
        "clusters": [
            [by_code[c] for c in group if c in by_code] for group in stored.get("clusters", [])
        ],
        "rows": _grid(matrix, targets, scores, can_edit=False),
        "goal_view": [(goals.get(row[0].from_goal), row) for row in blocks],
        "goal_numbers": [goals.get(block.to_goal) for block in blocks[0]] if blocks else [],
        "links": links,
        "heat_map": charts.heat_map(codes, a, goal_level=matrix.is_goal_level)
        if has_cells
        else None,
        "bars": charts.influence_bars(codes, per_target, goal_level=matrix.is_goal_level)
        if per_target
        else None,
        "goal_map": charts.goal_heat_map(blocks)
        if len(blocks) > 1 and not matrix.is_goal_level
        else None,
        "network": charts.network_svg(codes, a, goal_level=matrix.is_goal_level)
        if has_cells
        else None,
        "scored": len(scores),
        "pairs": len(targets) * (len(targets) - 1),
        "computed_at": getattr(getattr(matrix, "metrics", None), "computed_at", None),
        "legend": _legend(),
        **_record_links(granted, matrix),
        "downloads": [
            (_("Scores (CSV, long form)"), _url("matrix_export", matrix, name="cells-csv")),
            (
                _("Metrics per goal (CSV)")
                if matrix.is_goal_level
                else _("Metrics per target (CSV)"),
                _url("matrix_export", matrix, name="metrics-csv"),
            ),
        ],
    }
    return render(request, "interactions/matrix_detail.html", context)


def matrix_export(request: HttpRequest, org_code: str, pk: int, name: str) -> HttpResponse:
    granted = access.require(request, org_code, "interactions.view_matrix", lookup=_matrix(pk))
    exporter = csv_io.EXPORTS.get(name)
    if exporter is None:
        raise Http404
    filename, content_type, content = exporter(granted.obj)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- import -----------------------------------------------------------------------------------


def _import_errors(form, errors: list[str]) -> None:
    for error in errors[:50]:
        form.add_error("file", error)
    if len(errors) > 50:
        more = len(errors) - 50
        form.add_error(
            "file",
            ngettext("… and %(n)s more problem.", "… and %(n)s more problems.", more) % {"n": more},
        )


@require_http_methods(["GET", "POST"])
def matrix_import(request: HttpRequest, org_code: str, pk: int | None = None) -> HttpResponse:
    """A long-form CSV into a new version (no `pk`: its title, source and level on the
    form), or in place of every score of the draft `pk` (its own level and nodes). All or
    nothing: any bad row refuses the file, every problem listed with its row."""
    if pk is None:
        granted = access.require(request, org_code, "interactions.add_matrix")
        matrix = None
        form: ImportForm = ImportNewForm(submitted(request), request.FILES or None)
    else:
        granted = access.require(
            request, org_code, "interactions.change_matrix", lookup=_matrix(pk)
        )
        matrix = granted.obj
        form = ImportForm(submitted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parsed = csv_io.parse_cells(
            data["file"].read(),
            level=matrix.level if matrix else data["level"],
            allowed=csv_io.allowed_codes(matrix) if matrix else None,
        )
        if parsed.errors:
            _import_errors(form, parsed.errors)
        else:
            try:
                if matrix is None:
                    nodes = list(parsed.nodes.values())
                    goal_level = data["level"] == MatrixLevel.GOALS
                    matrix = services.matrix_create(
                        organisation=granted.organisation,
                        title=data["title"],
                        source=data["source"],
                        targets=[] if goal_level else nodes,
                        goals=nodes if goal_level else [],
                        cells=parsed.cells,
                        created_by=request.user,
                    )
                    done = _("Version %(n)s was created with %(cells)s scored pairs.")
                else:
                    services.cells_replace(
                        matrix=matrix, cells=parsed.cells, assessed_by=request.user
                    )
                    done = _("The scores of version %(n)s were replaced by %(cells)s pairs.")
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, done % {"n": matrix.number, "cells": len(parsed.cells)})
                return redirect(_url("matrix_grid", matrix))
    if pk is None:
        heading = _("Import a new version from CSV")
        cancel_url = reverse("interactions:matrix_list", kwargs={"org_code": org_code})
        note = _("Nothing is saved unless every row is correct; problems are listed by row.")
    else:
        heading = _("Replace the scores of version %(n)s from CSV") % {"n": granted.obj.number}
        cancel_url = _url("matrix_grid", granted.obj)
        note = (
            _(
                "Every score of this draft is replaced by the file's, all or nothing; the "
                "file may name only the version's goals, by their numbers 1–17."
            )
            if granted.obj.is_goal_level
            else _(
                "Every score of this draft is replaced by the file's, all or nothing; the "
                "file may name only the version's targets."
            )
        )
    return render(
        request,
        "interactions/form_page.html",
        {
            "organisation": granted.organisation,
            "form": form,
            "matrix": granted.obj if pk is not None else None,
            "multipart": True,
            "heading": heading,
            "cancel_url": cancel_url,
            "note": note,
        },
    )
