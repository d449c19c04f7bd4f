"""Engagement's kind of record (`hallbar.core.records`): a proposal, with its history,
export, delete (withdrawn for good while nobody acted on it, else kept) and restore.
Registered in `EngagementConfig.ready()`."""

from typing import Any

from django.contrib.contenttypes.models import ContentType

from hallbar.core import records
from hallbar.engagement.models import Comment, Proposal


def _visible(organisation: Any, include_drafts: bool):
    # Proposals are internal: only readers who see drafts see any.
    proposals = Proposal.objects.for_organisation(organisation)
    return proposals if include_drafts else proposals.none()


def _remove_comments(proposal: Proposal) -> None:
    """A proposal removed for good takes its comments with it (their history stays)."""
    Comment.objects.filter(
        subject_type=ContentType.objects.get_for_model(Proposal), subject_id=proposal.pk
    ).delete()


PROPOSAL = records.RecordKind(
    name="proposal",
    model=Proposal,
    app="engagement",
    list_route="engagement:proposal_list",
    visible=_visible,
    # Bookkeeping a person does not edit: the history shows who and when itself.
    hidden=frozenset({"responded_at", "subject_type", "subject_id"}),
    before_removal=_remove_comments,
)


def register_kinds() -> None:
    records.register(PROPOSAL)
