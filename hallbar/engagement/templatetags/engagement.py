"""`{% engagement_panel obj %}`: the comments and proposals on an object's page, for
templates of apps after engagement (steering's pages get it through `steering.sections`).
See `hallbar/engagement/sections.py`."""

from typing import Any

from django import template

from hallbar.engagement.sections import TEMPLATE, panel_context

register = template.Library()


@register.inclusion_tag(TEMPLATE, takes_context=True)
def engagement_panel(context: template.Context, obj: Any) -> dict[str, Any]:
    found = panel_context(context.get("request"), obj)
    if found is None:
        return {"hidden": True}
    return {**found, "csrf_token": context.get("csrf_token")}
