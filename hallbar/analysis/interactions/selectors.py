"""Reads of interaction matrices, for the pages, the API and the apps to the right
(impact assessment suggests targets with `influenced_targets`, goal conflicts use
`counteracted_targets`). Metrics are read as stored, never recomputed here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from hallbar.agenda.models import Target
from hallbar.analysis.interactions.models import (
    InteractionMatrix,
    InteractionScore,
    MatrixMetrics,
    MatrixTarget,
)
from hallbar.organisation.models import Organisation


def matrices(organisation: Organisation, *, include_drafts: bool) -> QuerySet[InteractionMatrix]:
    """The organisation's versions the reader may see, latest first."""
    return (
        InteractionMatrix.objects.for_organisation(organisation)
        .visible(include_drafts=include_drafts)
        .latest_first()
    )


def matrix_for_reader(
    organisation: Organisation, pk: int, *, include_drafts: bool
) -> InteractionMatrix | None:
    return (
        matrices(organisation, include_drafts=include_drafts)
        .select_related("organisation", "metrics", "created_by", "based_on")
        .filter(pk=pk)
        .first()
    )


def current_matrix(
    organisation: Organisation, published_only: bool = False
) -> InteractionMatrix | None:
    """The latest version (the latest published one with `published_only`)."""
    return matrices(organisation, include_drafts=not published_only).first()


def metrics_for(matrix: InteractionMatrix) -> dict[str, dict[str, Any]]:
    """Stored metrics per target code: out, out_pos, out_neg, in, in_pos, in_neg, net,
    second_order, second_order_neg."""
    row = MatrixMetrics.objects.filter(matrix=matrix).only("data").first()
    return dict(row.data["per_target"]) if row is not None else {}


def stored_metrics(matrix: InteractionMatrix) -> dict[str, Any]:
    try:
        return matrix.metrics.data
    except MatrixMetrics.DoesNotExist:
        return {"targets": [], "per_target": {}, "goal_view": {}, "trade_offs": [], "clusters": []}


def influenced_targets(
    matrix: InteractionMatrix, target_ids: list[int] | set[int], threshold: int = 2
) -> dict[int, int]:
    """Targets j with a_ij ≥ threshold from any of the chosen targets i, with the
    strongest such score; the chosen targets themselves are not listed. One query."""
    found: dict[int, int] = {}
    rows = InteractionScore.objects.filter(
        matrix=matrix, from_target_id__in=list(target_ids), score__gte=threshold
    ).values_list("to_target_id", "score")
    for to_id, score in rows:
        if to_id in target_ids:
            continue
        found[to_id] = max(score, found.get(to_id, score))
    return found


def counteracted_targets(
    matrix: InteractionMatrix, target_ids: list[int] | set[int], threshold: int = -2
) -> list[tuple[int, int, int, str]]:
    """(i, j, a_ij, rationale) for every chosen target i and any j with a_ij ≤ threshold,
    most negative first. One query."""
    rows = (
        InteractionScore.objects.filter(
            matrix=matrix, from_target_id__in=list(target_ids), score__lte=threshold
        )
        .order_by("score", "from_target_id", "to_target_id")
        .values_list("from_target_id", "to_target_id", "score", "rationale")
    )
    return [tuple(row) for row in rows]


def most_influential(matrix: InteractionMatrix, n: int = 5) -> list[tuple[str, dict[str, Any]]]:
    """The n targets with the highest out-influence (ties: higher NET, then the
    matrix's order), with their stored metrics."""
    per_target = metrics_for(matrix)
    order = {code: position for position, code in enumerate(per_target)}
    ranked = sorted(
        per_target.items(), key=lambda item: (-item[1]["out"], -item[1]["net"], order[item[0]])
    )
    return ranked[:n]


def matrix_targets(matrix: InteractionMatrix, organisation: Organisation) -> list[Target]:
    """The version's targets in order, with goals and the organisation's texts."""
    from hallbar.agenda.selectors import targets_for_organisation

    rows = (
        MatrixTarget.objects.filter(matrix=matrix)
        .order_by("position")
        .values_list("target_id", flat=True)
    )
    ids = list(rows)
    by_id = {
        target.pk: target
        for target in targets_for_organisation(
            organisation, Target.objects.filter(pk__in=ids).select_related("goal")
        )
    }
    return [by_id[pk] for pk in ids if pk in by_id]


def scores_by_pair(matrix: InteractionMatrix) -> dict[tuple[int, int], InteractionScore]:
    return {
        (score.from_target_id, score.to_target_id): score
        for score in InteractionScore.objects.filter(matrix=matrix)
    }


def cell(
    matrix: InteractionMatrix, from_target: Target, to_target: Target
) -> InteractionScore | None:
    return (
        InteractionScore.objects.filter(matrix=matrix, from_target=from_target, to_target=to_target)
        .select_related("assessed_by")
        .first()
    )


def versions_with_targets(
    organisation: Organisation, *, include_drafts: bool
) -> QuerySet[InteractionMatrix]:
    """For the API's list: versions with their target codes (two queries)."""
    ordered = MatrixTarget.objects.select_related("target").order_by("position")
    return matrices(organisation, include_drafts=include_drafts).prefetch_related(
        Prefetch("matrix_targets", queryset=ordered)
    )
