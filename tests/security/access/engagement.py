"""Declared access of the engagement app's URLs (merged into tests/security/matrix.py).

Proposals and comments are internal: the organisation's own people read them (others
get 404 for an object, 403 for the list). Members of bodies that prepare, advise or
initiate submit proposals: the sustainability council's members, co-opted external ones
too, a committee (own area, initiate) and the executive board (prepare). A proposal is
answered by the receiving body's officers or the writers of what it is about, never by
its author or the council's members.
"""

from tests.personas import (
    ANALYST,
    COMMITTEE_OFFICER,
    COUNCIL_EXTERNAL,
    COUNCIL_INTERNAL,
    INTERNAL,
    ORG_ADMIN,
    STRATEG,
)
from tests.security.cases import Case, form, internal, page

SUBMITTERS = frozenset({COUNCIL_EXTERNAL, COUNCIL_INTERNAL, COMMITTEE_OFFICER, STRATEG})
# The world's proposal goes to the executive board (strateg is its officer) about the
# technical committee's action (its officer, and the organisation-wide analysts, write it).
RESPONDERS = frozenset({COMMITTEE_OFFICER, ANALYST, STRATEG})
# Every member of one of the organisation's bodies; the administrator has no seat.
COMMENTERS = INTERNAL - {ORG_ADMIN}

ACCESS: dict[str, tuple[Case, ...]] = {
    "engagement:proposal_list": (page(INTERNAL),),
    "engagement:proposal_create": (form(SUBMITTERS),),
    "engagement:proposal_detail": (internal(obj="proposal", hidden=True),),
    "engagement:proposal_respond": (form(RESPONDERS, obj="proposal", hidden=True),),
    # The record: the author withdraws an untaken proposal, the administrator deletes
    # and restores (the proposal is not deleted: those allowed find nothing to restore).
    "engagement:proposal_history": (internal(obj="proposal"),),
    "engagement:proposal_delete": (
        form({COUNCIL_INTERNAL, ORG_ADMIN}, obj="proposal", hidden=True),
    ),
    "engagement:proposal_restore": (
        page({ORG_ADMIN}, obj="proposal", methods=("POST",), ok={"POST": 404}, hidden=True),
    ),
    "engagement:comment_create": (
        form(COMMENTERS, obj="action_tn", kwargs=(("kind", "action"),), hidden=True),
        form(COMMENTERS, obj="programme_draft", kwargs=(("kind", "document"),), hidden=True),
        form(COMMENTERS, obj="proposal", kwargs=(("kind", "proposal"),), hidden=True),
    ),
}
ISOLATION_PENDING: dict[str, str] = {}
