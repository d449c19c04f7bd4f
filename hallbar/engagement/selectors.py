"""Reads of proposals and comments, each a fixed number of queries."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from hallbar.engagement.models import Comment, Proposal
from hallbar.organisation.models import Organisation


def _proposals(organisation: Organisation) -> models.QuerySet[Proposal]:
    return (
        Proposal.objects.for_organisation(organisation)
        .select_related("author", "from_body", "to_body", "responded_by", "subject_type")
        .prefetch_related("targets")
    )


def proposal_list(*, organisation: Organisation, status: str | None = None) -> list[Proposal]:
    """The organisation's proposals, newest first, with their subjects (one query per
    kind of subject)."""
    proposals = _proposals(organisation)
    if status:
        proposals = proposals.filter(status=status)
    rows = list(proposals.order_by("-created_at", "-pk"))
    _attach_subjects(rows)
    return rows


def _attach_subjects(proposals: list[Proposal]) -> None:
    wanted: dict[int, set[int]] = {}
    for proposal in proposals:
        if proposal.subject_type_id is not None:
            wanted.setdefault(proposal.subject_type_id, set()).add(proposal.subject_id)
    found: dict[tuple[int, int], models.Model] = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for row in model._base_manager.filter(pk__in=ids):
            found[(type_id, row.pk)] = row
    for proposal in proposals:
        if proposal.subject_type_id is not None:
            # The generic relation's cache: `proposal.subject` reads no more rows.
            Proposal.subject.set_cached_value(
                proposal, found.get((proposal.subject_type_id, proposal.subject_id))
            )


def proposal_get(*, organisation: Organisation, pk: int) -> Proposal | None:
    return _proposals(organisation).filter(pk=pk).first()


def proposals_for(subject: models.Model) -> models.QuerySet[Proposal]:
    """The proposals about one object, newest first (for the object's page)."""
    return (
        Proposal.objects.filter(
            organisation_id=subject.organisation_id,  # type: ignore[attr-defined]
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
        )
        .select_related("author", "from_body", "to_body", "responded_by")
        .order_by("-created_at", "-pk")
    )


def comments_for(subject: models.Model) -> models.QuerySet[Comment]:
    """The comments on one object, oldest first."""
    return Comment.objects.filter(
        organisation_id=subject.organisation_id,  # type: ignore[attr-defined]
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
    ).select_related("author")
