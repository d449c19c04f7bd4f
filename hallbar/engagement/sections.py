"""The comments and proposals on an object's page, for the organisation's internal
readers only (the rules `engagement.view_proposals`, `engagement.comment`,
`engagement.submit_proposal`); a visitor or another organisation's user gets nothing.

Steering's object pages show it through `steering.sections` (registered in
`EngagementConfig.ready()`); later apps' templates use `{% engagement_panel obj %}`.
Three queries: the user's memberships (cached per request), the proposals, the comments.
"""

from typing import Any

from django.http import HttpRequest

from hallbar.engagement import selectors, subjects
from hallbar.organisation import access
from hallbar.steering import sections

TEMPLATE = "engagement/includes/comments.html"


def panel_context(request: HttpRequest | None, obj: Any) -> dict[str, Any] | None:
    """What the panel shows of `obj` to the user of `request`; None: nothing."""
    kind = subjects.kind_of(obj) if obj is not None else None
    organisation = getattr(obj, "organisation", None)
    if request is None or kind is None or organisation is None:
        return None
    actor = access.actor_for(request, organisation)
    if not actor.may("engagement.view_proposals"):
        return None
    return {
        "hidden": False,
        "request": request,
        "organisation": organisation,
        "subject": obj,
        "kind": kind.key,
        "proposals": list(selectors.proposals_for(obj)),
        "comments": list(selectors.comments_for(obj)),
        "can_comment": actor.may("engagement.comment", obj),
        "can_propose": actor.may("engagement.submit_proposal"),
        "next": request.get_full_path(),
    }


def object_section(*, request: HttpRequest, obj: Any) -> sections.Section | None:
    context = panel_context(request, obj)
    return sections.Section(TEMPLATE, context) if context is not None else None


def register() -> None:
    sections.register_object_section("engagement.panel", object_section, order=50)
