"""What of an organisation's steering chain a user may see.

Members of the organisation see drafts too; everyone else (the public, other
organisations' users) sees only what is decided: decided documents and goals, and
actions under a decided plan.
"""

from hallbar.organisation.access import can_edit
from hallbar.organisation.models import Organisation
from hallbar.steering.models import Action, DecisionStatus, LocalGoal, SteeringDocument


def sees_drafts(user, organisation: Organisation) -> bool:
    return can_edit(user, organisation)


def visible_documents(user, organisation: Organisation):
    documents = SteeringDocument.objects.for_organisation(organisation)
    return documents if sees_drafts(user, organisation) else documents.decided()


def visible_local_goals(user, organisation: Organisation):
    goals = LocalGoal.objects.for_organisation(organisation)
    return goals if sees_drafts(user, organisation) else goals.decided()


def visible_actions(user, organisation: Organisation):
    actions = Action.objects.for_organisation(organisation)
    if sees_drafts(user, organisation):
        return actions
    return actions.filter(plan__status=DecisionStatus.DECIDED)
