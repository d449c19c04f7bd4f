"""Proposals and comments: the rules of submitting and answering them.

Views and the demo call these; each checks the access rule (`permissions.RULES`) for
the user in the organisation itself, so no caller can skip it, and writes nothing when
it refuses. A proposal never changes the object it concerns: adopting one records the
answer, and the people who write the object then change it through its own form.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallbar.agenda.models import Target
from hallbar.core.versions import one_version
from hallbar.engagement.models import Comment, Proposal, ProposalStatus
from hallbar.engagement.selectors import comments_for, proposals_for
from hallbar.organisation.models import Body, MandateKind, Organisation
from hallbar.organisation.permissions import PROPOSING_KINDS, Actor, allows

security_log = logging.getLogger("hallbar.security")

__all__ = [
    "comment_add",
    "comments_for",
    "proposal_respond",
    "proposal_submit",
    "proposals_for",
]


def _actor(user: Any, organisation: Organisation) -> Actor:
    return Actor(user, organisation)


def _log(user: Any, organisation: Organisation, event: str, *, field: str, value: Any) -> None:
    security_log.warning(
        "%s: user=%s org=%s field=%s value=%r",
        event,
        user.get_username() if user is not None and user.is_authenticated else "-",
        organisation.code,
        field,
        value,
        extra={
            "event": event,
            "user_id": getattr(user, "pk", None),
            "organisation_code": organisation.code,
            "field": field,
        },
    )


def proposing_bodies(user: Any, organisation: Organisation) -> models.QuerySet[Body]:
    """The active bodies the user sits in (any role) that prepare, advise or initiate:
    the bodies a proposal of theirs can come from. The sustainability council first."""
    if user is None or not user.is_authenticated:
        return Body.objects.none()
    return (
        Body.objects.filter(
            organisation=organisation,
            is_active=True,
            memberships__user=user,
            mandates__kind__in=PROPOSING_KINDS,
        )
        .distinct()
        .order_by(
            models.Case(models.When(kind="sustainability_council", then=0), default=1), "name"
        )
    )


def receiving_bodies(organisation: Organisation) -> models.QuerySet[Body]:
    """Bodies a proposal can be addressed to: those that decide something."""
    return (
        Body.objects.filter(
            organisation=organisation, is_active=True, mandates__kind=MandateKind.DECIDE
        )
        .distinct()
        .order_by("name")
    )


def proposal_submit(
    user: Any,
    organisation: Organisation,
    *,
    title: str,
    text: str,
    to_body: Body | None = None,
    subject: models.Model | None = None,
    targets: Iterable[Target] = (),
    proposed_values: dict | None = None,
    from_body: Body | None = None,
) -> Proposal:
    """Submit a proposal in the name of `user`, from a body they sit in.

    Refused (PermissionDenied) without `engagement.submit_proposal`. A body, subject or
    target of another organisation, or a `from_body` the user does not sit in, is a
    ValidationError naming the field, logged on `hallbar.security`; nothing is written.
    """
    actor = _actor(user, organisation)
    if not allows(actor, "engagement.submit_proposal"):
        raise PermissionDenied(_("You may not submit proposals in this organisation."))
    errors: dict[str, str] = {}
    bodies = proposing_bodies(user, organisation)
    if from_body is None:
        from_body = bodies.first()
        if from_body is None and actor.is_superuser:
            from_body = Body.objects.filter(organisation=organisation).order_by("pk").first()
        if from_body is None:
            errors["from_body"] = _("You sit in no body that may propose.")
    elif not actor.is_superuser and not bodies.filter(pk=from_body.pk).exists():
        errors["from_body"] = _("You can only propose from a body you sit in.")
    if to_body is not None and to_body.organisation_id != organisation.pk:
        errors["to_body"] = _("Choose one of your organisation's own bodies.")
    if subject is not None and getattr(subject, "organisation_id", None) != organisation.pk:
        errors["subject"] = _("The proposal can only concern your organisation's own objects.")
    targets = list(targets)
    foreign_targets = [
        t.code
        for t in targets
        if t.goal_set.organisation_id not in (None, organisation.pk)  # type: ignore[union-attr]
    ]
    if foreign_targets:
        errors["targets"] = _("Unknown targets: %(codes)s.") % {"codes": ", ".join(foreign_targets)}
    if proposed_values is not None and not isinstance(proposed_values, dict):
        errors["proposed_values"] = _("The proposed values must be named values.")
    if not (title or "").strip():
        errors["title"] = _("Give the proposal a title.")
    if not (text or "").strip():
        errors["text"] = _("Write what you propose.")
    if errors:
        for field in {"from_body", "to_body", "subject", "targets"} & errors.keys():
            _log(user, organisation, "forged field refused", field=field, value=None)
        raise ValidationError(errors)
    proposal = Proposal(
        organisation=organisation,
        author=user,
        from_body=from_body,
        to_body=to_body,
        subject=subject,
        title=title.strip(),
        text=text.strip(),
        proposed_values=proposed_values or None,
    )
    proposal._history_user = user  # type: ignore[attr-defined]
    with transaction.atomic(), one_version(proposal, created=True):
        proposal.save()
        proposal.targets.set(targets)
    return proposal


@dataclass(frozen=True)
class Change:
    """One field of a proposal someone changed since the version an answer started from."""

    label: str
    value: str


class StaleProposal(Exception):
    """The proposal was answered or changed since the version the answer was based on."""

    def __init__(self, proposal: Proposal, changes: list[Change]) -> None:
        super().__init__(proposal.version)
        self.proposal = proposal
        self.changes = changes


RESPONSE_STATUSES = (
    ProposalStatus.UNDER_CONSIDERATION,
    ProposalStatus.ADOPTED,
    ProposalStatus.DECLINED,
)


def proposal_respond(
    user: Any,
    proposal: Proposal,
    status: str,
    response: str,
    *,
    version: int | None = None,
) -> Proposal:
    """Answer a proposal: take it under consideration, adopt it or decline it (a reason
    is required to decline). Refused (PermissionDenied) to anyone but the receiving
    body's officers and the writers of the subject's kind; an answer based on an older
    `version` than the proposal's is refused with what changed (StaleProposal)."""
    organisation = proposal.organisation
    actor = _actor(user, organisation)
    if not allows(actor, "engagement.respond_proposal", proposal):
        raise PermissionDenied(_("You may not answer this proposal."))
    if status not in RESPONSE_STATUSES:
        raise ValidationError({"status": _("Choose adopt, decline or under consideration.")})
    response = (response or "").strip()
    if status == ProposalStatus.DECLINED and not response:
        raise ValidationError({"response": _("Say why the proposal is declined.")})
    with transaction.atomic():
        current = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if version is not None and current.version != version:
            raise StaleProposal(current, _changes(current))
        current.status = status
        current.response = response
        current.responded_by = user
        current.responded_at = timezone.now()
        current.version += 1
        current._history_user = user  # type: ignore[attr-defined]
        current.save()
    proposal.refresh_from_db()
    return current


def _changes(proposal: Proposal) -> list[Change]:
    """What a stale answer would overwrite: the current answer, as people read it."""
    changes = [Change(str(_("Status")), proposal.get_status_display())]
    if proposal.response:
        changes.append(Change(str(_("Response")), proposal.response))
    if proposal.responded_by_id:
        who = proposal.responded_by
        changes.append(Change(str(_("Answered by")), who.get_full_name() or who.get_username()))
    return changes


def comment_add(user: Any, subject: models.Model, text: str) -> Comment:
    """A member of the subject's organisation comments on it."""
    organisation = subject.organisation  # type: ignore[attr-defined]
    if not allows(_actor(user, organisation), "engagement.comment", subject):
        raise PermissionDenied(_("You may not comment here."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment.")})
    comment = Comment(organisation=organisation, author=user, subject=subject, text=text)
    comment._history_user = user  # type: ignore[attr-defined]
    comment.save()
    return comment
