"""What of an organisation's steering chain a reader may see: the one rule.

Internal readers of the organisation (permission `organisation.view_internal`: members of
its bodies in any role, external council members included, and its administrators) see
drafts too; everyone else (the public, other organisations' users) sees only what is
decided: decided documents and goals, and actions under a decided plan. Views get
`include_drafts` once per request from `access.require()` (`granted.actor.sees_drafts`);
the selectors take the flag, so a prefetch never asks about memberships again.
"""

from django.db.models import QuerySet

from hallbar.organisation import access
from hallbar.organisation.models import Organisation
from hallbar.steering.models import Action, DecisionStatus, LocalGoal, SteeringDocument


def sees_drafts(user, organisation: Organisation) -> bool:
    """For callers without a request; views use `granted.actor.sees_drafts`."""
    return access.sees_drafts(user, organisation)


def decided_unless(queryset: QuerySet, include_drafts: bool) -> QuerySet:
    """Documents or goals (any queryset with `status`): all, or only the decided ones."""
    return queryset if include_drafts else queryset.filter(status=DecisionStatus.DECIDED)


def documents_visible(*, organisation: Organisation, include_drafts: bool) -> QuerySet:
    return decided_unless(SteeringDocument.objects.for_organisation(organisation), include_drafts)


def goals_visible(*, organisation: Organisation, include_drafts: bool) -> QuerySet:
    return decided_unless(LocalGoal.objects.for_organisation(organisation), include_drafts)


def actions_visible(*, organisation: Organisation, include_drafts: bool) -> QuerySet:
    """Actions of the organisation; for readers without drafts, those under decided plans."""
    actions = Action.objects.for_organisation(organisation)
    if include_drafts:
        return actions
    return actions.filter(plan__status=DecisionStatus.DECIDED)
