"""`/organisations/{code}/actions/{id}`: one action, read with its version, and edited.

Editing is for the organisation's editors, signed in with the browser session (same
origin) and sending Django's CSRF token (`X-CSRFToken`), as the pages do.

No lost updates: an edit names the version it is based on, `version` in the body or
the `If-Match` header (the `ETag` of the GET). If the action was saved since, the edit
is refused with 409 and the fields changed meanwhile (their value and yours); without a
version it is refused with 428. Writes go through `steering.services`, like the forms.
"""

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from hallbar.agenda.models import Target
from hallbar.api.schemas import ActionOut, BodyRef, Message, PlanRef, ValidationErrors
from hallbar.core.versions import EditConflict, version_token
from hallbar.organisation.access import (
    LoginRequired,
    get_organisation_for_editing,
    get_organisation_for_reading,
    require,
    save_refusal,
)
from hallbar.organisation.models import Body, Organisation
from hallbar.steering import services
from hallbar.steering.models import Action, ActionStatus, LocalGoal, SteeringDocument
from hallbar.steering.visibility import actions_visible, sees_drafts

router = Router(tags=["Actions"])

_FOUR_DIGITS = re.compile(r"[0-9]{4}")
_CODE_PARAM = Path(
    description="The organisation's four-digit municipality code, e.g. 1961.", examples=["1961"]
)
_ID_PARAM = Path(description="The action's id.", examples=[1])
# Fields an action needs: sending null for them is refused rather than read as "keep".
_REQUIRED = {"title", "owner", "status", "body", "plan"}


class ActionVersionOut(ActionOut):
    """An action as the edit endpoint returns it: with its version and local goals."""

    version: str = Field(
        description="The version of the action; send it back (or as If-Match) to edit."
    )
    local_goals: list[int] = Field(description="Ids of the linked local goals.")


class ActionPatch(Schema):
    """The fields to change; a field left out keeps its value, null clears it."""

    version: str | None = Field(
        None, description="The version the edit is based on (or send If-Match instead)."
    )
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = Field(None, max_length=20000)
    status: ActionStatus | None = None
    owner: str | None = Field(None, min_length=1, max_length=200)
    start: dt.date | None = None
    end: dt.date | None = None
    planned_cost: int | None = Field(
        None, ge=0, lt=10**14, description="Planned cost in whole Swedish kronor (SEK)."
    )
    body: int | None = Field(None, description="Id of the body that carries out the action.")
    plan: int | None = Field(None, description="Id of the plan the action belongs to.")
    targets: list[str] | None = Field(
        None, max_length=200, description="Agenda 2030 target codes, e.g. ['11.2', '3.6']."
    )
    local_goals: list[int] | None = Field(
        None, max_length=200, description="Ids of the organisation's local goals."
    )


class ChangedField(Schema):
    field: str = Field(description="Field name, e.g. 'title'.")
    label: str = Field(description="The field as the pages name it.")
    before: str = Field(description="The value in the version your edit is based on.")
    theirs: str = Field(description="The value saved meanwhile.")
    yours: str | None = Field(description="Your value; null if your edit leaves the field.")


class Conflict(Schema):
    """The action was saved (or deleted) after the version the edit is based on."""

    detail: str
    current_version: str = Field(description="The version saved now.")
    changes: list[ChangedField] = Field(description="The fields changed meanwhile.")


def _organisation_for(request: HttpRequest, code: str, *, editing: bool) -> Organisation:
    # PostgreSQL refuses some characters in text: such a code cannot exist, so don't ask.
    if not _FOUR_DIGITS.fullmatch(code):
        raise HttpError(404, "Unknown organisation code.")
    try:
        if editing:
            return get_organisation_for_editing(request, code)
        return get_organisation_for_reading(request, code)
    except Http404:
        raise HttpError(404, "Unknown organisation code.") from None
    except LoginRequired:
        raise HttpError(401, "Sign in to edit.") from None
    except PermissionDenied:
        raise HttpError(403, "You may not edit this organisation's actions.") from None


def _action_out(action: Action, response: HttpResponse) -> ActionVersionOut:
    token = version_token(action.updated_at)
    response["ETag"] = f'"{token}"'
    return ActionVersionOut(
        id=action.pk,
        title=action.title,
        description=action.description,
        status=action.status,
        body=BodyRef(id=action.body.pk, name=action.body.name, short_name=action.body.short_name),
        plan=PlanRef(id=action.plan.pk, title=action.plan.title),
        owner=action.owner,
        start=action.start,
        end=action.end,
        planned_cost=None if action.planned_cost is None else int(action.planned_cost),
        targets=[t.code for t in action.targets.order_by("position")],
        local_goals=sorted(action.local_goals.values_list("pk", flat=True)),
        version=token,
    )


@router.get(
    "/{code}/actions/{action_id}",
    response={200: ActionVersionOut, 404: Message, 422: ValidationErrors},
    operation_id="organisation_action",
    summary="One action, with the version to base an edit on",
)
def action_get(
    request: HttpRequest,
    response: HttpResponse,
    code: str = _CODE_PARAM,
    action_id: int = _ID_PARAM,
) -> ActionVersionOut:
    """One action of the organisation, with its `version` (also as the `ETag` header).
    The public sees actions under decided plans; the organisation's own readers, signed
    in, see drafts too."""
    organisation = _organisation_for(request, code, editing=False)
    include_drafts = sees_drafts(request.user, organisation)
    action = (
        actions_visible(organisation=organisation, include_drafts=include_drafts)
        .select_related("body", "plan")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise HttpError(404, "Unknown action.")
    return _action_out(action, response)


def _invalid(field: str, message: str, kind: str = "invalid") -> NinjaValidationError:
    return NinjaValidationError([{"loc": ["body", "payload", field], "msg": message, "type": kind}])


def _version(request: HttpRequest, payload: ActionPatch) -> dt.datetime:
    token = payload.version or request.headers.get("If-Match", "")
    token = token.strip().removeprefix("W/").strip('"')
    if not token:
        raise HttpError(428, "Send the version the edit is based on: `version` or If-Match.")
    try:
        version = dt.datetime.fromisoformat(token)
    except ValueError:
        raise _invalid("version", "Not a version of this action.") from None
    if version.tzinfo is None:
        raise _invalid("version", "Not a version of this action.")
    return version


def _fields(organisation: Organisation, action: Action, given: dict[str, Any]) -> dict[str, Any]:
    """The action's fields as saved, with the given ones changed (rows looked up within
    the organisation: another organisation's id is unknown here)."""
    fields = {name: getattr(action, name) for name in services.ACTION_FIELDS}
    for name, value in given.items():
        if name not in fields:
            continue
        if value is None and name in _REQUIRED:
            raise _invalid(name, "This field cannot be empty.")
        if name == "body":
            value = Body.objects.for_organisation(organisation).filter(pk=value).first()
        elif name == "plan":
            value = SteeringDocument.objects.for_organisation(organisation).filter(pk=value).first()
        if value is None and name in _REQUIRED:
            raise _invalid(name, f"Unknown {name} id: {given[name]}.", "unknown")
        fields[name] = value
    return fields


def _targets(action: Action, given: dict[str, Any]) -> list[Target]:
    if "targets" not in given or given["targets"] is None:
        return list(action.targets.all())
    codes = [code.strip().rstrip(".").lower() for code in given["targets"]]
    found = {t.code: t for t in Target.objects.agenda2030().filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise _invalid("targets", f"Unknown Agenda 2030 target code: {unknown[0][:40]!r}.")
    return list(dict.fromkeys(found[code] for code in codes))


def _local_goals(organisation: Organisation, action: Action, given: dict[str, Any]) -> list:
    if "local_goals" not in given or given["local_goals"] is None:
        return list(action.local_goals.all())
    ids = set(given["local_goals"])
    goals = list(LocalGoal.objects.for_organisation(organisation).filter(pk__in=ids))
    missing = ids - {goal.pk for goal in goals}
    if missing:
        raise _invalid("local_goals", f"Unknown local goal id: {min(missing)}.", "unknown")
    return goals


def _conflict(error: EditConflict, given: dict[str, Any]) -> Conflict:
    detail = (
        "The action was deleted after the version your edit is based on."
        if error.deleted
        else "The action was saved by someone else after the version your edit is based on. "
        "Nothing was saved: check their changes, then send your edit again with the "
        "current version."
    )
    return Conflict(
        detail=detail,
        current_version=version_token(error.current_version),
        changes=[
            ChangedField(
                field=change.field,
                label=change.label,
                before=change.before,
                theirs=change.theirs,
                # Only what the edit sends is "yours"; the rest it leaves as it finds it.
                yours=change.yours if change.field in given else None,
            )
            for change in error.changes
        ],
    )


@router.patch(
    "/{code}/actions/{action_id}",
    auth=django_auth,
    response={
        200: ActionVersionOut,
        401: Message,
        403: Message,
        404: Message,
        409: Conflict,
        422: ValidationErrors,
        428: Message,
    },
    operation_id="organisation_action_update",
    summary="Edit an action, based on a version",
)
def action_update(
    request: HttpRequest,
    response: HttpResponse,
    payload: ActionPatch,
    code: str = _CODE_PARAM,
    action_id: int = _ID_PARAM,
):
    """Change some fields of an action. Needs a signed-in editor of the organisation
    (session and CSRF token) and the version the edit is based on. Refused with 409,
    listing the fields changed meanwhile, if the action was saved since that version;
    with 428 without a version; with 422, naming the field, for a value the action
    cannot take."""
    # The one access rule (organisation.access): the action must be one the user may
    # change, and below, the action as it would be saved one the user may save.
    if not _FOUR_DIGITS.fullmatch(code):
        raise HttpError(404, "Unknown organisation code.")
    try:
        granted = require(
            request,
            code,
            "steering.change_action",
            lookup=lambda organisation, drafts: (
                actions_visible(organisation=organisation, include_drafts=drafts)
                .select_related("body", "plan")
                .filter(pk=action_id)
                .first()
            ),
        )
    except Http404:
        raise HttpError(404, "Unknown organisation or action.") from None
    except LoginRequired:
        raise HttpError(401, "Sign in to edit.") from None
    except PermissionDenied:
        raise HttpError(403, "You may not edit this action.") from None
    organisation, action = granted.organisation, granted.obj
    version = _version(request, payload)
    given = payload.model_dump(exclude_unset=True)
    given.pop("version", None)
    try:
        fields = _fields(organisation, action, given)
        for name, value in fields.items():
            setattr(action, name, value)
        refusal = save_refusal(request, granted, "steering.save_action", action)
        if refusal is not None:
            raise HttpError(403, str(refusal.message))
        action = services.action_update(
            action=action,
            fields=fields,
            targets=_targets(action, given),
            local_goals=_local_goals(organisation, action, given),
            expected_version=version,
        )
    except EditConflict as error:
        return Status(409, _conflict(error, given))
    except ValidationError as error:
        items = error.message_dict.items() if hasattr(error, "error_dict") else []
        detail = [
            {"loc": ["body", "payload", field], "msg": " ".join(messages), "type": "invalid"}
            for field, messages in items
        ] or [{"loc": ["body", "payload"], "msg": " ".join(error.messages), "type": "invalid"}]
        return Status(422, {"detail": detail})
    action = Action.objects.select_related("body", "plan").get(pk=action.pk)
    return Status(200, _action_out(action, response))
