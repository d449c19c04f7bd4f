"""Reads of interaction matrices, for the pages, the API and the apps to the right
(impact assessment suggests targets with `influenced_targets`, goal conflicts use
`counteracted_targets`). Metrics are read as stored, never recomputed here.

Goal-level versions: the apps to the right think in targets, so `current_matrix` gives
the latest *target-level* version (unless asked for another level), and
`influenced_targets` / `counteracted_targets` of a goal-level version are empty. A goal
matrix therefore never feeds goal-conflict rule (b) (METHODS §5, which is about
targets), impact's suggestions or the report's most influential targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Prefetch, QuerySet

from hallbar.agenda.models import Goal, LocalisedText, Target
from hallbar.analysis.interactions.models import (
    InteractionMatrix,
    InteractionScore,
    MatrixLevel,
    MatrixMetrics,
    MatrixTarget,
)
from hallbar.organisation.models import Organisation


@dataclass(frozen=True)
class GoalNode:
    """A goal as a row and column of a goal-level version, shaped as the pages use a
    target: `pk`, `code` ("1"…"17"), `goal`, `display_short_title`."""

    goal: Goal

    @property
    def pk(self) -> int:
        return self.goal.pk

    @property
    def code(self) -> str:
        return self.goal.code

    @property
    def display_short_title(self) -> LocalisedText:
        return self.goal.title

    def __str__(self) -> str:
        return self.code


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
    organisation: Organisation,
    published_only: bool = False,
    *,
    level: str = MatrixLevel.TARGETS,
) -> InteractionMatrix | None:
    """The latest version over targets (the latest published one with
    `published_only`); `level=MatrixLevel.GOALS` for the latest goal-level one."""
    return matrices(organisation, include_drafts=not published_only).filter(level=level).first()


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


@dataclass(frozen=True)
class GoalBlock:
    """One cell of the goal-level view: the mean over the scored pairs between two
    goals, and how many of the possible pairs are scored."""

    from_goal: int
    to_goal: int
    mean: float | None  # None: no pair of the block is scored (or it has none)
    scored: int
    pairs: int

    @property
    def coverage(self) -> float | None:
        return self.scored / self.pairs if self.pairs else None


def goal_blocks(stored: dict[str, Any]) -> list[list[GoalBlock]]:
    """The stored goal-level view as rows of blocks (row goal influences column goal)."""
    view = stored.get("goal_view") or {}
    goals = view.get("goals", [])
    means, pairs = view.get("means", []), view.get("cells", [])
    scored = view.get("scored") or [[0] * len(goals) for _goal in goals]
    return [
        [
            GoalBlock(g, h, means[r][c], int(scored[r][c]), int(pairs[r][c]))
            for c, h in enumerate(goals)
        ]
        for r, g in enumerate(goals)
    ]


def influenced_targets(
    matrix: InteractionMatrix, target_ids: list[int] | set[int], threshold: int = 2
) -> dict[int, int]:
    """Targets j with a_ij ≥ threshold from any of the chosen targets i, with the
    strongest such score; the chosen targets themselves are not listed. One query.
    Empty for a goal-level version."""
    found: dict[int, int] = {}
    if matrix.is_goal_level:
        return found
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
    most negative first. One query. Empty for a goal-level version: its scores are
    between goals, and rule (b) of METHODS §5 is about targets."""
    if matrix.is_goal_level:
        return []
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


def matrix_nodes(
    matrix: InteractionMatrix, organisation: Organisation
) -> list[Target] | list[GoalNode]:
    """The version's rows and columns in order: its targets (`matrix_targets`), or its
    goals as `GoalNode`s in a goal-level version."""
    if not matrix.is_goal_level:
        return matrix_targets(matrix, organisation)
    rows = MatrixTarget.objects.filter(matrix=matrix).select_related("goal").order_by("position")
    return [GoalNode(row.goal) for row in rows]


def matrix_targets(matrix: InteractionMatrix, organisation: Organisation) -> list[Target]:
    """The version's targets in order, with goals and the organisation's texts (none in
    a goal-level version)."""
    from hallbar.agenda.selectors import targets_for_organisation

    if matrix.is_goal_level:
        return []
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


def score_values(matrix: InteractionMatrix) -> dict[tuple[int, int], int]:
    """The scores by (from node id, to node id), in one query of plain tuples."""
    prefix = "goal" if matrix.is_goal_level else "target"
    rows = (
        InteractionScore.objects.filter(matrix=matrix)
        .order_by()
        .values_list(f"from_{prefix}_id", f"to_{prefix}_id", "score")
    )
    return {(i, j): score for i, j, score in rows}


def score_array(nodes: list[Any], values: dict[tuple[int, int], int]) -> np.ndarray:
    """A over `nodes` (in their order; unscored pairs 0) from `score_values`."""
    index = {node.pk: n for n, node in enumerate(nodes)}
    a = np.zeros((len(nodes), len(nodes)))
    for (i, j), score in values.items():
        if i in index and j in index:
            a[index[i], index[j]] = score
    return a


def cell(matrix: InteractionMatrix, origin: Any, destination: Any) -> InteractionScore | None:
    """The score of one pair: targets, or goals (`Goal` or `GoalNode`) in a goal-level
    version."""
    prefix = "goal" if matrix.is_goal_level else "target"
    return (
        InteractionScore.objects.filter(
            matrix=matrix, **{f"from_{prefix}_id": origin.pk, f"to_{prefix}_id": destination.pk}
        )
        .select_related("assessed_by")
        .first()
    )


def versions_with_targets(
    organisation: Organisation, *, include_drafts: bool
) -> QuerySet[InteractionMatrix]:
    """For the API's list: versions with their target (or goal) codes (two queries)."""
    ordered = MatrixTarget.objects.select_related("target", "goal").order_by("position")
    return matrices(organisation, include_drafts=include_drafts).prefetch_related(
        Prefetch("matrix_targets", queryset=ordered)
    )
