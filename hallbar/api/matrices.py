"""`/organisations/{code}/matrices`: interaction matrices between targets (METHODS.md §4).

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
from hallbar.analysis.interactions.models import Confidence, InteractionMatrix, MatrixStatus
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
    targets: list[str] = Field(description="The target codes the matrix covers, in its order.")


class CellOut(Schema):
    from_: str = Field(alias="from", description="Influencing target (row i), e.g. 7.2.")
    to: str = Field(description="Influenced target (column j).")
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


class MatrixOut(MatrixVersionOut):
    description: str
    source: str = Field(description="Where the scores come from (citation).")
    published_at: dt.datetime | None
    cells: list[CellOut] = Field(description="Every scored pair; an unscored pair counts as 0.")
    metrics: dict[str, TargetMetricsOut] = Field(
        description="Per target code, as stored when the scores last changed (METHODS.md §4)."
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
        "targets": [row.target.code for row in matrix.matrix_targets.all()],
    }


@router.get(
    "/{code}/matrices",
    response={200: list[MatrixVersionOut], 404: Message},
    operation_id="matrix_list",
    url_name="matrix_list",
    summary="An organisation's interaction matrix versions",
)
def matrix_list(request: HttpRequest, code: str = _CODE_PARAM) -> list[dict]:
    """The versions of the organisation's cross-impact matrix, latest first, with the
    targets each covers. Published versions only, unless the caller is a signed-in
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
    """Every scored pair (`from` influences `to`) with its rationale and confidence, and
    per target the stored metrics: `out`, `out_pos`, `out_neg`, `in`, `in_pos`, `in_neg`,
    `net`, `second_order`, `second_order_neg` (METHODS.md §4). An internal version, or
    another organisation's, answers 404."""
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
    cells = matrix.scores.select_related("from_target", "to_target").order_by("pk")
    stored = selectors.stored_metrics(matrix)
    return {
        **_version(matrix),
        "description": matrix.description,
        "source": matrix.source,
        "published_at": matrix.published_at,
        "cells": [
            {
                "from": cell.from_target.code,
                "to": cell.to_target.code,
                "score": cell.score,
                "rationale": cell.rationale,
                "confidence": cell.confidence,
            }
            for cell in cells
        ],
        "metrics": stored.get("per_target", {}),
    }
