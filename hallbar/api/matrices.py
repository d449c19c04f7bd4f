"""`/organisations/{code}/matrices`: interaction matrices between targets, or between
goals (`level`), with their metrics (METHODS.md §4).

Privacy: a version is internal (a draft) until the organisation publishes it. Visitors and
other organisations' users read published versions only; an internal version answers 404
to them exactly like an id that does not exist. Signed-in members of the organisation
(any body, any role) and its administrators read its internal versions too.
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from hallbar.analysis.interactions import selectors
from hallbar.analysis.interactions.models import (
    Confidence,
    InteractionMatrix,
    MatrixLevel,
    MatrixStatus,
)
from hallbar.api.organisations import _CODE_PARAM, _get_organisation
from hallbar.api.schemas import Message, ValidationErrors
from hallbar.organisation import access
from hallbar.organisation.models import Organisation

router = Router(tags=["Interactions"])

_MAX_ID = 2**31 - 1  # PostgreSQL integer: a larger id cannot exist


class MatrixVersionOut(Schema):
    id: int = Field(description="The version's id, for /matrices/{id}.")
    number: int = Field(description="Version number within the organisation: 1, 2, …")
    title: str
    status: MatrixStatus = Field(description="`published`, or `draft` (members only).")
    created_at: dt.datetime
    based_on: int | None = Field(description="Id of the version this one was copied from.")
    level: MatrixLevel = Field(
        description="What the rows and columns are: `targets`, or `goals` (the goals 1–17). "
        "Chosen when the version is created, never changed."
    )
    targets: list[str] = Field(
        description="The codes the matrix covers, in its order: target codes (e.g. 11.2), "
        'or goal numbers "1"…"17" when `level` is `goals`.'
    )


class CellOut(Schema):
    from_: str = Field(
        alias="from",
        description='Influencing target (row i), e.g. 7.2; a goal number, e.g. "7", when '
        "`level` is `goals`.",
    )
    to: str = Field(description="Influenced target or goal (column j).")
    score: int = Field(ge=-3, le=3, description="a_ij: −3 cancelling … +3 indivisible.")
    rationale: str
    confidence: Confidence

    model_config = ConfigDict(populate_by_name=True)


class TargetMetricsOut(Schema):
    out: float = Field(description="OUT_i = Σ_j a_ij.")
    out_pos: float = Field(description="The positive cells of OUT_i.")
    out_neg: float = Field(description="The negative cells of OUT_i.")
    in_: float = Field(alias="in", description="IN_j = Σ_i a_ij.")
    in_pos: float
    in_neg: float
    net: float = Field(description="NET_i = OUT_i − IN_i.")
    second_order: float = Field(description="S2_i = Σ_j Σ_{k≠i} a_ij·a_jk.")
    second_order_neg: float = Field(description="S2⁻_i = Σ_j Σ_{k≠i} min(0, a_ij·a_jk).")

    model_config = ConfigDict(populate_by_name=True)


class GoalBlockOut(Schema):
    from_goal: int = Field(description="The influencing goal (row), 1–17.")
    to_goal: int = Field(description="The influenced goal (column), 1–17.")
    mean: float | None = Field(
        description="Mean score of the block's scored pairs (unscored pairs left out); "
        "null when none is scored."
    )
    scored_pairs: int = Field(ge=0, description="Pairs of the block that are scored.")
    pairs: int = Field(
        ge=0, description="Possible pairs of the block (a goal with itself: its targets' pairs)."
    )
    coverage: float | None = Field(
        description="scored_pairs / pairs, 0…1; null for a block without a possible pair."
    )


class MatrixOut(MatrixVersionOut):
    description: str
    source: str = Field(description="Where the scores come from (citation).")
    published_at: dt.datetime | None
    cells: list[CellOut] = Field(
        description="Every scored pair; an unscored pair counts as 0 in OUT, IN, NET and S2."
    )
    metrics: dict[str, TargetMetricsOut] = Field(
        description="Per target code (goal number when `level` is `goals`), as stored when "
        "the scores last changed (METHODS.md §4)."
    )
    goal_view: list[GoalBlockOut] = Field(
        description="The goal-level view (METHODS.md §4): for every pair of the matrix's "
        "goals, the mean over the scored target pairs between them with its coverage. For "
        "a goal-level version this is the matrix itself."
    )


def _include_drafts(request: HttpRequest, organisation: Organisation) -> bool:
    return access.actor_for(request, organisation).sees_drafts


def _version(matrix: InteractionMatrix) -> dict:
    return {
        "id": matrix.pk,
        "number": matrix.number,
        "title": matrix.title,
        "status": matrix.status,
        "created_at": matrix.created_at,
        "based_on": matrix.based_on_id,
        "level": matrix.level,
        "targets": [
            row.goal.code if row.target_id is None else row.target.code
            for row in matrix.matrix_targets.all()
        ],
    }


def _goal_view(stored: dict) -> list[dict]:
    return [
        {
            "from_goal": block.from_goal,
            "to_goal": block.to_goal,
            "mean": block.mean,
            "scored_pairs": block.scored,
            "pairs": block.pairs,
            "coverage": None if block.coverage is None else round(block.coverage, 4),
        }
        for row in selectors.goal_blocks(stored)
        for block in row
    ]


@router.get(
    "/{code}/matrices",
    response={200: list[MatrixVersionOut], 404: Message},
    operation_id="matrix_list",
    url_name="matrix_list",
    summary="An organisation's interaction matrix versions",
)
def matrix_list(request: HttpRequest, code: str = _CODE_PARAM) -> list[dict]:
    """The versions of the organisation's cross-impact matrix, latest first, with the
    level and the targets (or goals) each covers. Published versions only, unless the caller is a signed-in
    member of the organisation."""
    organisation = _get_organisation(code)
    versions = selectors.versions_with_targets(
        organisation, include_drafts=_include_drafts(request, organisation)
    )
    return [_version(matrix) for matrix in versions]


@router.get(
    "/{code}/matrices/{id}",
    response={200: MatrixOut, 404: Message, 422: ValidationErrors},
    operation_id="matrix_detail",
    url_name="matrix_detail",
    summary="One interaction matrix version: its scores and metrics",
    by_alias=True,
)
def matrix_detail(
    request: HttpRequest,
    code: str = _CODE_PARAM,
    id: int = Path(..., description="The version's id (from the list).", ge=1, le=_MAX_ID),
) -> dict:
    """Every scored pair (`from` influences `to`) with its rationale and confidence, per
    target (or goal) the stored metrics: `out`, `out_pos`, `out_neg`, `in`, `in_pos`,
    `in_neg`, `net`, `second_order`, `second_order_neg`, and the goal-level view with
    its coverage (METHODS.md §4). An internal version, or another organisation's,
    answers 404."""
    organisation = _get_organisation(code)
    include = _include_drafts(request, organisation)
    matrix = (
        selectors.versions_with_targets(organisation, include_drafts=include)
        .select_related("metrics")
        .filter(pk=id)
        .first()
    )
    if matrix is None:
        raise HttpError(404, f"No interaction matrix {id} of organisation {code}.")
    prefix = "goal" if matrix.is_goal_level else "target"
    cells = matrix.scores.order_by("pk").values_list(
        f"from_{prefix}__code", f"to_{prefix}__code", "score", "rationale", "confidence"
    )
    stored = selectors.stored_metrics(matrix)
    return {
        **_version(matrix),
        "description": matrix.description,
        "source": matrix.source,
        "published_at": matrix.published_at,
        "cells": [
            {"from": i, "to": j, "score": score, "rationale": rationale, "confidence": confidence}
            for i, j, score, rationale, confidence in cells
        ],
        "metrics": stored.get("per_target", {}),
        "goal_view": _goal_view(stored),
    }
