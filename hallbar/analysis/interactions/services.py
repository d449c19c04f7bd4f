"""Writes of interaction matrices: each a keyword-only function inside one transaction.

Every change of a score recomputes and stores the version's metrics (`metrics_refresh`)
in the same transaction, so pages and the API read them without recomputing. A
published version is never changed: scores are edited in a draft (a new version copied
from the published one). A cell save names the cell's version it started from; an older
one is refused with `hallbar.core.versions.EditConflict` listing what was saved
meanwhile (before, theirs and yours).
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
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from hallbar.agenda.models import Target
from hallbar.analysis.interactions.models import (
    Confidence,
    InteractionMatrix,
    InteractionScore,
    MatrixMetrics,
    MatrixStatus,
    MatrixTarget,
)
from hallbar.core.versions import (
    EditConflict,
    changes_since_created,
    check_version,
)
from hallbar.lib import interactions as metrics
from hallbar.organisation.models import Organisation

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


def _next_number(organisation: Organisation) -> int:
    # Serialise numbering per organisation: lock its matrices.
    rows = InteractionMatrix.objects.select_for_update().filter(organisation=organisation)
    highest = rows.aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


def _ordered(targets: Iterable[Target]) -> list[Target]:
    unique = {target.pk: target for target in targets}
    return sorted(unique.values(), key=lambda target: (target.goal.number, target.position))


@transaction.atomic
def matrix_create(
    *,
    organisation: Organisation,
    title: str,
    targets: Sequence[Target],
    description: str = "",
    source: str = "",
    based_on: InteractionMatrix | None = None,
    created_by: Any = None,
    cells: Sequence[CellInput] = (),
    keep_order: bool = False,
) -> InteractionMatrix:
    """A new draft version over `targets` (in the Agenda's order unless `keep_order`),
    with `cells`, or, given `based_on`, with a copy of its scores between those targets."""
    if based_on is not None and based_on.organisation_id != organisation.pk:
        raise ValidationError(_("A version can only be based on the organisation's own."))
    targets = list(dict.fromkeys(targets)) if keep_order else _ordered(targets)
    if len(targets) < 2:
        raise ValidationError(_("A matrix needs at least two targets."))
    matrix = InteractionMatrix.objects.create(
        organisation=organisation,
        number=_next_number(organisation),
        title=title,
        description=description,
        source=source,
        based_on=based_on,
        created_by=created_by,
    )
    MatrixTarget.objects.bulk_create(
        MatrixTarget(matrix=matrix, target=target, position=n) for n, target in enumerate(targets)
    )
    now = timezone.now()
    if based_on is not None:
        ids = {target.pk for target in targets}
        copied = [
            InteractionScore(
                matrix=matrix,
                from_target_id=score.from_target_id,
                to_target_id=score.to_target_id,
                score=score.score,
                rationale=score.rationale,
                confidence=score.confidence,
                assessed_by_id=score.assessed_by_id,
                assessed_at=score.assessed_at,
            )
            for score in based_on.scores.all()
            if score.from_target_id in ids and score.to_target_id in ids
        ]
        bulk_create_with_history(copied, InteractionScore, default_user=created_by)
    elif cells:
        _create_cells(matrix, targets, cells, assessed_by=created_by, at=now)
    metrics_refresh(matrix=matrix)
    return matrix


def _create_cells(
    matrix: InteractionMatrix,
    targets: Sequence[Target],
    cells: Sequence[CellInput],
    *,
    assessed_by: Any,
    at: dt.datetime,
) -> None:
    by_code = {target.code: target for target in targets}
    rows = [
        InteractionScore(
            matrix=matrix,
            from_target=by_code[cell.from_code],
            to_target=by_code[cell.to_code],
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


@transaction.atomic
def matrix_publish(
    *, matrix: InteractionMatrix, expected_version: int | None = None
) -> InteractionMatrix:
    """Publish the version. With `expected_version` (the one the publisher saw), a
    version changed meanwhile is refused with `EditConflict`, checked under the row lock."""
    current = check_version(matrix, expected_version, field=VERSION, names=MATRIX_FIELDS)
    matrix = current or InteractionMatrix.objects.select_for_update().get(pk=matrix.pk)
    if matrix.is_published:
        return matrix
    matrix.status = MatrixStatus.PUBLISHED
    matrix.published_at = timezone.now()
    matrix.version += 1
    matrix.save()
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


def _check_cell(matrix: InteractionMatrix, from_target: Target, to_target: Target, score: int):
    if not matrix.is_editable:
        raise ValidationError(
            _("A published version is not changed: make a new version to edit the scores.")
        )
    if from_target.pk == to_target.pk:
        raise ValidationError({"score": _("A target is not scored against itself.")})
    covered = set(
        MatrixTarget.objects.filter(matrix=matrix, target__in=[from_target, to_target]).values_list(
            "target_id", flat=True
        )
    )
    if {from_target.pk, to_target.pk} - covered:
        raise ValidationError(_("Both targets must be part of this version."))
    if not metrics.MIN_SCORE <= score <= metrics.MAX_SCORE:
        raise ValidationError({"score": _("A score runs from −3 to +3.")})


@transaction.atomic
def score_save(
    *,
    matrix: InteractionMatrix,
    from_target: Target,
    to_target: Target,
    score: int,
    rationale: str,
    confidence: str,
    assessed_by: Any,
    expected_version: int,
) -> InteractionScore:
    """Save one cell (0: a cell not scored before) and refresh the metrics. The matrix
    row is locked: saves of one version happen one after the other, each metric
    computation sees every earlier save."""
    matrix = InteractionMatrix.objects.select_for_update().get(pk=matrix.pk)
    _check_cell(matrix, from_target, to_target, score)
    cell = (
        InteractionScore.objects.select_for_update()
        .filter(matrix=matrix, from_target=from_target, to_target=to_target)
        .first()
    )
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
        cell = InteractionScore(matrix=matrix, from_target=from_target, to_target=to_target)
        cell.version = 1
    else:
        cell.version += 1
    cell.score = score
    cell.rationale = rationale
    cell.confidence = confidence
    cell.assessed_by = assessed_by
    cell.assessed_at = timezone.now()
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
    targets = [row.target for row in matrix.matrix_targets.select_related("target")]
    for score in matrix.scores.all():
        score.delete()  # one history row each: the replacement is on the record
    _create_cells(matrix, targets, cells, assessed_by=assessed_by, at=timezone.now())
    metrics_refresh(matrix=matrix)
    return matrix


# --- metrics -----------------------------------------------------------------------------


def _number(value: float) -> float | int:
    """JSON-friendly: whole numbers as int, others rounded for storage."""
    if value == int(value):
        return int(value)
    return round(float(value), 4)


def matrix_array(matrix: InteractionMatrix) -> tuple[list[Target], np.ndarray, dict]:
    """The version's targets (in order), A (unscored cells 0) and the scores by pair."""
    targets = [
        row.target
        for row in matrix.matrix_targets.select_related("target__goal").order_by("position")
    ]
    index = {target.pk: n for n, target in enumerate(targets)}
    a = np.zeros((len(targets), len(targets)))
    scores = {}
    for score in InteractionScore.objects.filter(matrix=matrix).only(
        "from_target_id", "to_target_id", "score", "rationale"
    ):
        i, j = index.get(score.from_target_id), index.get(score.to_target_id)
        if i is None or j is None:
            continue
        a[i, j] = score.score
        scores[(i, j)] = score
    return targets, a, scores


def metrics_refresh(*, matrix: InteractionMatrix) -> MatrixMetrics:
    """Recompute and store the version's metrics (METHODS.md §4) from its scores."""
    targets, a, scores = matrix_array(matrix)
    codes = [target.code for target in targets]
    goals = [target.goal.number for target in targets]
    result = metrics.compute(a, goals) if targets else None
    data: dict[str, Any] = {
        "targets": [{"code": c, "goal": g} for c, g in zip(codes, goals, strict=True)],
        "per_target": {},
        "goal_view": {"goals": [], "means": [], "cells": []},
        "trade_offs": [],
        "clusters": [],
    }
    if result is not None:
        data["per_target"] = {
            code: {k: _number(v) for k, v in result.influence.row(n).items()}
            for n, code in enumerate(codes)
        }
        blocks = result.blocks
        data["goal_view"] = {
            "goals": [int(g) for g in blocks.goals],
            "means": [
                [None if np.isnan(v) else round(float(v), 4) for v in row] for row in blocks.means
            ],
            "cells": blocks.cells.tolist(),
        }
        data["trade_offs"] = [
            {
                "from": codes[i],
                "to": codes[j],
                "score": score,
                "rationale": scores[(i, j)].rationale if (i, j) in scores else "",
            }
            for i, j, score in result.trade_offs
        ]
        data["clusters"] = [[codes[n] for n in group] for group in result.clusters]
    row, _created = MatrixMetrics.objects.update_or_create(
        matrix=matrix,
        defaults={"computed_at": timezone.now(), "scored_pairs": len(scores), "data": data},
    )
    return row
