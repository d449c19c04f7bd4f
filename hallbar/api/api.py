"""The read API, mounted at /api/v1/ (hallbar/urls.py); schema at /api/v1/openapi.json."""

from ninja import NinjaAPI

from hallbar.api import actions_write, agenda, organisations

api = NinjaAPI(
    title="Hållbar API",
    version="1",
    description=(
        "API of Hållbar: the Agenda 2030 reference model, and organisations' decided "
        "goals and actions. Reading is public, JSON. Texts come in Swedish and English; a "
        "missing Swedish text is replaced by the English one and flagged `sv_fallback`. "
        "Editing an action is for the organisation's editors, signed in (session and CSRF "
        "token), and names the version it is based on: an edit of an older version is "
        "refused with 409 and what changed meanwhile."
    ),
    urls_namespace="api",
    # The docs page at /api/v1/docs serves Swagger UI from ninja's own static files
    # ("ninja" is an installed app), never from a CDN.
)
api.add_router("/agenda", agenda.router)
api.add_router("/organisations", organisations.router)
api.add_router("/organisations", actions_write.router)
api.add_router("", "hallbar.api.indicators.router")  # follow-up: indicators, observations
api.add_router("/organisations", "hallbar.api.matrices.router")  # analysis: interaction matrices
api.add_router("/organisations", "hallbar.api.reports.router")  # sustainability reports
