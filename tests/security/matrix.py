"""The declared access of every URL: who of the personas may use it, with which object.

`ACCESS` maps each URL name (or, for unnamed patterns, its route) to one or more cases.
`test_permission_matrix.py` walks the URL configuration and fails for a URL that is not
here, so a new page or API route cannot ship without a declared rule. Django's admin is
one rule (`PREFIX_RULES`): the admin site refuses everyone without staff status itself.

A case says: with this object, these personas get `ok` (per method); the others are
refused - a visitor is sent to log in (the API answers 401), a logged-in user gets
`refused` (403, or 404 where a page hides that the object exists), and an object that is
not public (`hidden`) is 404 for everyone who does not read drafts. `pending` marks cases
whose view still uses an older, coarser check: the test expects them to fail (strict
xfail) and names what the lead wires. `ISOLATION_PENDING` does the same for the tenant
isolation test (`test_tenant_isolation.py`).
"""

from tests.personas import (
    ADMINISTRATORS,
    INTERNAL,
    NOBODY,
    ORGANISATION_WIDE_WRITERS,
    OWN_AREA_WRITERS,
)
from tests.security.access import analysis, engagement, report
from tests.security.cases import AUTHENTICATED, Case, form, internal, page

WIRE_RECORDS = (
    "record_views uses get_organisation_for_editing (any writer of the organisation): "
    "call access.require(request, org_code, 'steering.delete_<kind>' / "
    "'steering.restore_<kind>', lookup=...) so the object's body decides"
)
WIRE_API = (
    "api/actions_write uses get_organisation_for_editing: call access.require(..., "
    "'steering.change_action', lookup=...) and access.save_refusal(..., "
    "'steering.save_action', action) before saving"
)
WIRE_LOOKUP = (
    "the view checks the permission before it looks the object up (so 403 for any id, "
    "which leaks nothing, but not the 404 of tenant isolation): use "
    "access.require(..., lookup=...)"
)
WIRE_FOLLOWUP = (
    "followup.views.observation_import uses get_organisation_for_editing: call "
    "access.require(request, org_code, 'followup.import_observations')"
)

PREFIX_RULES = {"admin/": "django-admin"}

CORE_ACCESS: dict[str, tuple[Case, ...]] = {
    # Site-wide
    "home": (page(),),
    "login": (page(),),
    "logout": (page(ok={"GET": 405}),),
    "password_change": (page(AUTHENTICATED),),
    "password_change_done": (page(AUTHENTICATED),),
    "password_reset": (page(),),
    "password_reset_done": (page(),),
    "password_reset_confirm": (page(),),
    "password_reset_complete": (page(),),
    "set_language": (page(methods=("POST",), ok={"POST": 302}),),
    "admin:login": (page(),),
    # Agenda 2030 through the steering chain
    "steering:overview": (page(),),
    "steering:goal": (page(),),
    "steering:target": (page(),),
    # Steering documents, goals, actions
    "steering:document_list": (page(),),
    "steering:document_detail": (
        page(obj="strategy"),
        page(INTERNAL, obj="programme_draft", hidden=True),
    ),
    "steering:document_create": (form(OWN_AREA_WRITERS),),
    "steering:document_edit": (
        form(OWN_AREA_WRITERS, obj="plan_tn"),
        form(ORGANISATION_WIDE_WRITERS, obj="strategy"),
        form(ORGANISATION_WIDE_WRITERS, obj="plan_sn_draft", hidden=True),
    ),
    "steering:goal_list": (page(),),
    "steering:goal_detail": (
        page(obj="goal_sn"),
        page(INTERNAL, obj="goal_tn_draft", hidden=True),
    ),
    "steering:goal_create": (form(OWN_AREA_WRITERS),),
    "steering:goal_edit": (
        form(OWN_AREA_WRITERS, obj="goal_tn_draft", hidden=True),
        form(ORGANISATION_WIDE_WRITERS, obj="goal_sn"),
        form(ORGANISATION_WIDE_WRITERS, obj="council_goal"),
    ),
    "steering:action_list": (page(),),
    "steering:action_detail": (
        page(obj="action_tn"),
        page(INTERNAL, obj="action_sn_draft", hidden=True),
    ),
    "steering:action_create": (form(OWN_AREA_WRITERS),),
    "steering:action_edit": (
        form(OWN_AREA_WRITERS, obj="action_tn"),
        form(ORGANISATION_WIDE_WRITERS, obj="action_sn_draft", hidden=True),
    ),
    # The record (history, delete, restore, exports)
    "steering:document_history": (internal(obj="strategy"),),
    "steering:goal_history": (internal(obj="goal_sn"),),
    "steering:action_history": (internal(obj="action_tn"),),
    "steering:document_delete": (
        form(OWN_AREA_WRITERS, obj="plan_tn"),
        form(ORGANISATION_WIDE_WRITERS, obj="strategy"),
    ),
    "steering:goal_delete": (form(ORGANISATION_WIDE_WRITERS, obj="goal_sn"),),
    "steering:action_delete": (
        form(OWN_AREA_WRITERS, obj="action_tn"),
        form(ORGANISATION_WIDE_WRITERS, obj="action_sn_draft", hidden=True),
    ),
    # The objects are not deleted: those allowed find nothing to restore.
    "steering:document_restore": (
        page(OWN_AREA_WRITERS, obj="plan_tn", methods=("POST",), ok={"POST": 404}),
    ),
    "steering:goal_restore": (
        page(
            ORGANISATION_WIDE_WRITERS,
            obj="goal_sn",
            methods=("POST",),
            ok={"POST": 404},
        ),
    ),
    "steering:action_restore": (
        page(OWN_AREA_WRITERS, obj="action_tn", methods=("POST",), ok={"POST": 404}),
    ),
    "organisation:deleted_records": (internal(),),
    "organisation:export": (internal(kwargs=(("name", "history-csv"),)),),
    "organisation:mandate_history": (internal(obj="mandate"),),
    "agenda:goal_set_history": (internal(obj="goal_set"),),
    # Working groups: internal pages; appointed by ledningsgruppen (no persona sits there).
    "steering:working_group_list": (internal(),),
    "steering:working_group_detail": (internal(obj="working_group"),),
    "steering:working_group_history": (internal(obj="working_group"),),
    "steering:working_group_create": (form(NOBODY),),
    "steering:working_group_edit": (form(NOBODY, obj="working_group"),),
    # Reference goal sets and the organisation's Swedish texts
    "agenda:text_list": (page(),),
    "agenda:text_template": (page(),),
    "agenda:target_text_edit": (form(ORGANISATION_WIDE_WRITERS),),
    "agenda:indicator_text_edit": (form(ORGANISATION_WIDE_WRITERS),),
    "agenda:text_import": (form(ORGANISATION_WIDE_WRITERS),),
    "agenda:goal_set_list": (page(),),
    "agenda:goal_set_detail": (page(obj="goal_set"), page(obj="reference_goal_set")),
    "agenda:goal_set_create": (form(ORGANISATION_WIDE_WRITERS),),
    "agenda:goal_set_edit": (
        form(ORGANISATION_WIDE_WRITERS, obj="goal_set"),
        form(NOBODY, obj="reference_goal_set"),
    ),
    "agenda:goal_create": (form(ORGANISATION_WIDE_WRITERS, obj="goal_set"),),
    "agenda:goal_edit": (form(ORGANISATION_WIDE_WRITERS, obj="goal_set"),),
    # Mandates
    "organisation:mandate_list": (page(INTERNAL),),
    "organisation:mandate_create": (form(ADMINISTRATORS),),
    "organisation:mandate_edit": (form(ADMINISTRATORS, obj="mandate"),),
    "organisation:mandate_delete": (form(ADMINISTRATORS, obj="mandate", ok={"POST": 302}),),
    "organisation:mandates_seed": (page(ADMINISTRATORS, methods=("POST",), ok={"POST": 302}),),
    # Follow-up: indicators the organisation publishes are public; the others internal.
    "followup:observation_import": (form(ORGANISATION_WIDE_WRITERS),),
    "followup:indicator_list": (page(),),
    "followup:indicator_detail": (
        page(kwargs=(("code", "#indicator"),)),
        page(INTERNAL, kwargs=(("code", "#indicator_private"),), hidden=True),
    ),
    "followup:indicator_export": (
        page(kwargs=(("code", "#indicator"), ("name", "indicator-csv"))),
        page(
            INTERNAL,
            kwargs=(("code", "#indicator_private"), ("name", "indicator-csv")),
            hidden=True,
        ),
    ),
    # The API: reading is public; editing an action follows the pages' rule.
    "api:api-root": (page(ok={"GET": 404}),),
    "api:openapi-json": (page(),),
    "api:openapi-view": (page(),),
    "api:goals": (page(),),
    "api:organisation_list": (page(),),
    "api:organisation_goals": (page(),),
    "api:organisation_actions": (page(),),
    "api:organisation_indicators": (page(),),
    # Shared and published series; an organisation's own series only through its public
    # indicator (?organisation=); an unknown code is 404 for everyone.
    "api:indicator_observations": (page(kwargs=(("code", "N00000"),), ok={"GET": 404}),),
    "api:action_get": (
        page(obj="action_tn"),
        page(INTERNAL, obj="action_sn_draft", hidden=True),
    ),
    "api:action_update": (
        # An edit without the version it is based on: 428 once allowed.
        page(
            OWN_AREA_WRITERS,
            obj="action_tn",
            methods=("PATCH",),
            ok={"PATCH": 428},
            anonymous=401,
        ),
        page(
            ORGANISATION_WIDE_WRITERS,
            obj="action_sn_draft",
            hidden=True,
            methods=("PATCH",),
            ok={"PATCH": 428},
            anonymous=401,
        ),
    ),
}

LATER_APPS = (engagement, analysis, report)

ACCESS: dict[str, tuple[Case, ...]] = {**CORE_ACCESS}
for _app in LATER_APPS:
    ACCESS.update(_app.ACCESS)

# URLs whose views refuse before looking the object up (see WIRE_LOOKUP).
# None left in the core apps (steering:working_group_edit was wired last).
ISOLATION_PENDING: dict[str, str] = dict.fromkeys((), WIRE_LOOKUP)
for _app in LATER_APPS:
    ISOLATION_PENDING.update(_app.ISOLATION_PENDING)
