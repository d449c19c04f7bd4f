"""Writes of interaction matrices: each a keyword-only function inside one transaction.

Every change of a score recomputes and stores the version's metrics (`metrics_refresh`)
in the same transaction, so pages and the API read them without recomputing; the
recompute reads the scores in one query straight into numpy arrays (no model instance
per cell). A published version is never changed: scores are edited in a draft (a new
version copied from the published one). A cell save names the cell's version it started
from; an older one is refused with `hallbar.core.versions.EditConflict` listing what
was saved meanwhile (before, theirs and yours).

A version's nodes are targets, or goals in a goal-level version (`MatrixLevel`, fixed at
creation). The functions that take nodes take `Target`s or `Goal`s accordingly; a
`CellInput` names them by code (target codes such as "11.2", or goal codes "1"…"17").
Publishing sends `signals.matrix_published` once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Max, TextField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from hallbar.agenda.models import Goal, Target
from hallbar.analysis.interactions import computation
from hallbar.analysis.interactions.models import (
    Confidence,
    InteractionMatrix,
    InteractionScore,
    MatrixLevel,
    MatrixMetrics,
    MatrixStatus,
    MatrixTarget,
)
from hallbar.analysis.interactions.signals import matrix_published
from hallbar.core.commit import on_commit_once
from hallbar.core.versions import (
    EditConflict,
    changes_since_created,
    check_version,
)
from hallbar.lib import interactions as metrics
from hallbar.organisation.models import Organisation

Node = Target | Goal

EXAMPLE_FILE = Path(__file__).resolve().parent / "data" / "sei_sweden_2018.json"


# Each cell, and each version's title, description and source, count their saves in
# `version` (optimistic locking, `hallbar.core.versions` on the counter).
VERSION = "version"
MATRIX_FIELDS = ("title", "description", "source")
CELL_FIELDS = ("score", "rationale", "confidence")


@dataclass(frozen=True)
class CellInput:
    """One scored pair as an import or a copy writes it."""

    from_code: str
    to_code: str
    score: int
    rationale: str = ""
    confidence: str = Confidence.MEDIUM


def agenda_targets(codes: Iterable[str]) -> dict[str, Target]:
    """Agenda 2030 reference targets by code (unknown codes are simply absent)."""
    codes = [code for code in codes if "\x00" not in code]
    return {
        target.code: target
        for target in Target.objects.agenda2030().filter(code__in=codes).select_related("goal")
    }


def agenda_goals(codes: Iterable[str] | None = None) -> dict[str, Goal]:
    """Agenda 2030 reference goals by code, "1"…"17" (unknown codes are simply absent);
    all 17, in order, without `codes`."""
    goals = Goal.objects.filter(goal_set__code="agenda2030", goal_set__organisation__isnull=True)
    if codes is not None:
        goals = goals.filter(code__in=[code for code in codes if "\x00" not in code])
    return {goal.code: goal for goal in goals.order_by("number")}


def level_of(nodes: Sequence[Node]) -> str:
    """The level of a list of nodes: goals if they are goals, else targets."""
    return MatrixLevel.GOALS if nodes and isinstance(nodes[0], Goal) else MatrixLevel.TARGETS


def version_nodes(matrix: InteractionMatrix) -> list[Node]:
    """The version's targets or goals, in its order (targets with their goals)."""
    if matrix.is_goal_level:
        rows = matrix.matrix_targets.select_related("goal").order_by("position")
        return [row.goal for row in rows]
    rows = matrix.matrix_targets.select_related("target__goal").order_by("position")
    return [row.target for row in rows]


def _next_number(organisation: Organisation) -> int:
    # Serialise numbering per organisation: lock its matrices.
    # Deleted versions keep their numbers: count them too.
    rows = InteractionMatrix._base_manager.select_for_update().filter(organisation=organisation)
    highest = rows.aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


def _ordered(nodes: Iterable[Node]) -> list[Node]:
    unique = {node.pk: node for node in nodes}
    return sorted(
        unique.values(),
        key=lambda node: (
            (node.number, 0) if isinstance(node, Goal) else (node.goal.number, node.position)
        ),
    )


def _pair(level: str, origin: Node, destination: Node) -> dict[str, Node]:
    """The foreign keys of a score between two nodes of a version of `level`."""
    if level == MatrixLevel.GOALS:
        return {"from_goal": origin, "to_goal": destination}
    return {"from_target": origin, "to_target": destination}


@transaction.atomic
def matrix_create(
    *,
    organisation: Organisation,
    title: str,
    targets: Sequence[Target] = (),
    goals: Sequence[Goal] = (),
    description: str = "",
    source: str = "",
    based_on: InteractionMatrix | None = None,
    created_by: Any = None,
    cells: Sequence[CellInput] = (),
    keep_order: bool = False,
) -> InteractionMatrix:
    """A new draft version over `targets`, or over `goals` (a goal-level version), in
    the Agenda's order unless `keep_order`, with `cells`; or, given `based_on`, with a
    copy of its scores between those nodes (its level; without nodes, all of its own).
    The level is fixed from here on."""
    if based_on is not None and based_on.organisation_id != organisation.pk:
        raise ValidationError(_("A version can only be based on the organisation's own."))
    if targets and goals:
        raise ValidationError(_("A version is over targets or over goals, not both."))
    nodes: list[Node] = list(goals or targets)
    if based_on is not None and not nodes:
        nodes = version_nodes(based_on)
    level = level_of(nodes) if nodes else MatrixLevel.TARGETS
    if based_on is not None and based_on.level != level:
        raise ValidationError(_("A copy keeps the level of the version it copies."))
    nodes = list(dict.fromkeys(nodes)) if keep_order else _ordered(nodes)
    if len(nodes) < 2:
        raise ValidationError(
            _("A matrix needs at least two goals.")
            if level == MatrixLevel.GOALS
            else _("A matrix needs at least two targets.")
        )
    matrix = InteractionMatrix.objects.create(
        organisation=organisation,
        number=_next_number(organisation),
        title=title,
        description=description,
        source=source,
        based_on=based_on,
        created_by=created_by,
        level=level,
    )
    field = "goal" if level == MatrixLevel.GOALS else "target"
    MatrixTarget.objects.bulk_create(
        MatrixTarget(matrix=matrix, position=n, **{field: node}) for n, node in enumerate(nodes)
    )
    now = timezone.now()
    if based_on is not None:
        ids = {node.pk for node in nodes}
        copied = [
            InteractionScore(
                matrix=matrix,
                from_target_id=score.from_target_id,
                to_target_id=score.to_target_id,
                from_goal_id=score.from_goal_id,
                to_goal_id=score.to_goal_id,
                score=score.score,
                rationale=score.rationale,
                confidence=score.confidence,
                assessed_by_id=score.assessed_by_id,
                assessed_at=score.assessed_at,
            )
            for score in based_on.scores.all()
            if score.from_id in ids and score.to_id in ids
        ]
        bulk_create_with_history(copied, InteractionScore, default_user=created_by)
    elif cells:
        _create_cells(matrix, nodes, cells, assessed_by=created_by, at=now)
    metrics_refresh(matrix=matrix)
    return matrix


def _create_cells(
    matrix: InteractionMatrix,
    nodes: Sequence[Node],
    cells: Sequence[CellInput],
    *,
    assessed_by: Any,
    at: dt.datetime,
) -> None:
    by_code = {node.code: node for node in nodes}
    rows = [
        InteractionScore(
            matrix=matrix,
            **_pair(matrix.level, by_code[cell.from_code], by_code[cell.to_code]),
            score=cell.score,
            rationale=cell.rationale,
            confidence=cell.confidence,
            assessed_by=assessed_by,
            assessed_at=at,
        )
        for cell in cells
    ]
    bulk_create_with_history(rows, InteractionScore, default_user=assessed_by)


def prioritised_targets_of(organisation: Organisation) -> tuple[list[Target], bool]:
    """The organisation's prioritised targets from its status analysis, and whether the
    status analysis could say (False: that app offers no selector yet, or none are
    prioritised; the caller then asks the user to choose)."""
    try:
        from hallbar.analysis.status.selectors import prioritised_targets
    except ImportError:
        # Guard: without the status analysis's selector a new empty version starts
        # from the targets the user lists.
        return [], False
    targets = list(prioritised_targets(organisation).select_related("goal"))
    return targets, bool(targets)


def prioritised_goals_of(organisation: Organisation) -> list[Goal]:
    """The goals of the organisation's prioritised targets, in order (the nodes of a
    goal-level version over its priorities)."""
    targets, _found = prioritised_targets_of(organisation)
    return sorted({target.goal for target in targets}, key=lambda goal: goal.number)


def example_data() -> dict[str, Any]:
    return json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))


@transaction.atomic
def example_matrix_load(
    *, organisation: Organisation, created_by: Any = None, publish: bool = False
) -> InteractionMatrix:
    """The published Swedish example matrix (Weitz et al. 2018) as a new version, its
    source cited; no rationales (the source has none), confidence medium."""
    data = example_data()
    found = agenda_targets(data["targets"])
    missing = [code for code in data["targets"] if code not in found]
    if missing:
        raise ValidationError(
            _("The Agenda 2030 reference data lacks the targets %(codes)s: load it first.")
            % {"codes": ", ".join(missing)}
        )
    matrix = matrix_create(
        organisation=organisation,
        title=data["title"],
        description=_(
            "The cross-impact matrix of 34 targets scored for Sweden in a published study. "
            "A starting point: review the scores for the municipality."
        ),
        source=f"{data['citation']} {data['data_source']}",
        targets=[found[code] for code in data["targets"]],
        cells=[CellInput(f, t, s) for f, t, s in data["cells"]],
        created_by=created_by,
        keep_order=True,
    )
    if publish:
        matrix = matrix_publish(matrix=matrix)
    return matrix


def _matrix_published(matrix_id: int) -> None:
    # A deleted version too: deleting or restoring a published one changes the matrix
    # in force as much as publishing does.
    matrix = (
        InteractionMatrix._base_manager.select_related("organisation").filter(pk=matrix_id).first()
    )
    if matrix is not None:
        matrix_published.send(
            sender=InteractionMatrix, organisation=matrix.organisation, matrix=matrix
        )


def send_matrix_published(matrix_id: int) -> None:
    """Send `matrix_published` once the transaction commits (never if it rolls back),
    once per version and transaction (`core.commit.on_commit_once`)."""
    on_commit_once(
        ("interactions.matrix_published", matrix_id), lambda: _matrix_published(matrix_id)
    )


@transaction.atomic
def matrix_publish(
    *, matrix: InteractionMatrix, expected_version: int | None = None
) -> InteractionMatrix:
    """Publish the version. With `expected_version` (the one the publisher saw), a
    version changed meanwhile is refused with `EditConflict`, checked under the row lock.
    After the commit, `matrix_published` is sent (not for a version already published)."""
    current = check_version(matrix, expected_version, field=VERSION, names=MATRIX_FIELDS)
    matrix = current or InteractionMatrix.objects.select_for_update().get(pk=matrix.pk)
    if matrix.is_published:
        return matrix
    matrix.status = MatrixStatus.PUBLISHED
    matrix.published_at = timezone.now()
    matrix.version += 1
    matrix.save()
    send_matrix_published(matrix.pk)
    return matrix


@transaction.atomic
def matrix_update(
    *,
    matrix: InteractionMatrix,
    expected_version: int,
    title: str,
    description: str,
    source: str,
) -> InteractionMatrix:
    yours = {"title": title, "description": description, "source": source}
    current = check_version(matrix, expected_version, yours, field=VERSION, names=MATRIX_FIELDS)
    current.title, current.description, current.source = title, description, source
    current.version += 1
    current.save()
    return current


def _check_cell(matrix: InteractionMatrix, origin: Node, destination: Node, score: int):
    if not matrix.is_editable:
        raise ValidationError(
            _("A published version is not changed: make a new version to edit the scores.")
        )
    goal_level = matrix.is_goal_level
    if not all(isinstance(node, Goal if goal_level else Target) for node in (origin, destination)):
        raise ValidationError(
            _("This version is over goals: score a pair of goals.")
            if goal_level
            else _("This version is over targets: score a pair of targets.")
        )
    if origin.pk == destination.pk:
        raise ValidationError(
            {
                "score": _("A goal is not scored against itself.")
                if goal_level
                else _("A target is not scored against itself.")
            }
        )
    field = "goal" if goal_level else "target"
    covered = set(
        MatrixTarget.objects.filter(
            matrix=matrix, **{f"{field}__in": [origin, destination]}
        ).values_list(f"{field}_id", flat=True)
    )
    if {origin.pk, destination.pk} - covered:
        raise ValidationError(
            _("Both goals must be part of this version.")
            if goal_level
            else _("Both targets must be part of this version.")
        )
    if not metrics.MIN_SCORE <= score <= metrics.MAX_SCORE:
        raise ValidationError({"score": _("A score runs from −3 to +3.")})


@transaction.atomic
def score_save(
    *,
    matrix: InteractionMatrix,
    from_target: Node,
    to_target: Node,
    score: int,
    rationale: str,
    confidence: str,
    assessed_by: Any,
    expected_version: int,
) -> InteractionScore:
    """Save one cell (0: a cell not scored before) and refresh the metrics. In a
    goal-level version `from_target` and `to_target` are goals. The matrix row is
    locked: saves of one version happen one after the other, each metric computation
    sees every earlier save."""
    matrix = InteractionMatrix.objects.select_for_update().get(pk=matrix.pk)
    _check_cell(matrix, from_target, to_target, score)
    pair = _pair(matrix.level, from_target, to_target)
    cell = InteractionScore.objects.select_for_update().filter(matrix=matrix, **pair).first()
    yours = {"score": score, "rationale": rationale, "confidence": confidence}
    if cell is None and expected_version != 0:
        # The cell was scored when the edit started and is gone now (scores replaced).
        raise EditConflict(0, deleted=True)
    if cell is not None and expected_version == 0:
        # Scored by someone else after the edit started from an empty cell.
        changes = changes_since_created(cell, yours, field=VERSION, names=CELL_FIELDS)
        raise EditConflict(cell.version, changes)
    if cell is not None:
        check_version(cell, expected_version, yours, field=VERSION, names=CELL_FIELDS)
    if cell is None:
        cell = InteractionScore(matrix=matrix, **pair)
        cell.version = 1
    else:
        cell.version += 1
    cell.score = score
    cell.rationale = rationale
    cell.confidence = confidence
    cell.assessed_by = assessed_by
    cell.assessed_at = timezone.now()
    cell._history_user = assessed_by  # the history names who scored it
    cell.save()
    metrics_refresh(matrix=matrix)
    return cell


@transaction.atomic
def cells_replace(
    *, matrix: InteractionMatrix, cells: Sequence[CellInput], assessed_by: Any
) -> InteractionMatrix:
    """Replace every score of a draft version with `cells` (already validated against
    the version's targets), all or nothing."""
    matrix = InteractionMatrix.objects.select_for_update().get(pk=matrix.pk)
    if not matrix.is_editable:
        raise ValidationError(
            _("A published version is not changed: import into a new version instead.")
        )
    nodes = version_nodes(matrix)
    for score in matrix.scores.all():
        score.delete()  # one history row each: the replacement is on the record
    _create_cells(matrix, nodes, cells, assessed_by=assessed_by, at=timezone.now())
    metrics_refresh(matrix=matrix)
    return matrix


# --- metrics -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeRow:
    """A node of a version as the recompute reads it."""

    id: int
    code: str
    goal: int  # the goal's number (a goal's own in a goal-level version)


def node_rows(matrix: InteractionMatrix) -> list[NodeRow]:
    """The version's nodes in order: one query."""
    rows = MatrixTarget.objects.filter(matrix=matrix).order_by("position")
    if matrix.is_goal_level:
        found = rows.values_list("goal_id", "goal__code", "goal__number")
    else:
        found = rows.values_list("target_id", "target__code", "target__goal__number")
    return [NodeRow(*row) for row in found]


def score_rows(matrix: InteractionMatrix) -> list[tuple[int, int, int, str]]:
    """Every score of the version as plain tuples (from id, to id, score, rationale),
    in one query; the rationale only for the trade-offs (a_ij ≤ −2), the only place the
    metrics show it, so the long texts of other cells are not read."""
    prefix = "goal" if matrix.is_goal_level else "target"
    rationale = Case(
        When(score__lte=metrics.TRADE_OFF_THRESHOLD, then=F("rationale")),
        default=Value(""),
        output_field=TextField(),
    )
    return list(
        InteractionScore.objects.filter(matrix=matrix)
        .order_by()
        .values_list(f"from_{prefix}_id", f"to_{prefix}_id", "score", rationale)
    )


def matrix_array(
    matrix: InteractionMatrix,
) -> tuple[list[NodeRow], np.ndarray, np.ndarray, dict[tuple[int, int], str]]:
    """The version's nodes (in order), A (unscored cells 0), the mask of scored pairs
    and the trade-offs' rationales by (i, j): two queries, no model instance per cell."""
    nodes = node_rows(matrix)
    a, scored, rationales = computation.arrays_from_rows(
        [node.id for node in nodes], score_rows(matrix)
    )
    return nodes, a, scored, rationales


def metrics_refresh(*, matrix: InteractionMatrix) -> None:
    """Recompute and store the version's metrics (METHODS.md §4) from its scores."""
    nodes, a, scored, rationales = matrix_array(matrix)
    data = computation.metrics_data(
        level=matrix.level,
        codes=[node.code for node in nodes],
        goals=[node.goal for node in nodes],
        a=a,
        scored=scored,
        rationales=rationales,
    )
    values = {"computed_at": timezone.now(), "scored_pairs": int(scored.sum()), "data": data}
    # One UPDATE on every later save; the first refresh (the version is being created,
    # its matrix row locked) inserts.
    if not MatrixMetrics.objects.filter(matrix=matrix).update(**values):
        MatrixMetrics.objects.create(matrix=matrix, **values)
