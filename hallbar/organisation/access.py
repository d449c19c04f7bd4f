"""The one place views ask what a user may see and do in an organisation.

Every view starts with `require(request, org_code, permission, lookup=...)`:

1. the organisation, or 404;
2. the object, looked up inside the organisation through `lookup` (which reads through
   `steering/visibility.py` with the user's right to see drafts), or 404: another
   organisation's id, or a draft the user may not read, is not found, so existence does
   not leak;
3. the permission (`permissions.RULES`) for that object: a visitor is sent to log in,
   a logged-in user without the right gets 403.

A write is checked twice: `require` on the object as it is, and `write_allowed` on the
object as the form would save it (the body it would belong to, who is recorded as
deciding). A refused write is a form error, logged on `hallbar.security` with the user,
the organisation and the field; nothing is written. So is a forged choice (another
organisation's id, a body the user does not write for), which the forms refuse as an
invalid choice.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from hallbar.organisation.models import Organisation, OrganisationRole, OrganisationRoleKind
from hallbar.organisation.permissions import Actor, allows, decision_field, decision_is_mandated

security_log = logging.getLogger("hallbar.security")

# Error codes of a choice the form never offered: the input was forged.
# Form error codes that mean a submitted value was never offered, or a decision was
# recorded for a body without the mandate (steering.models.NO_DECIDE_MANDATE): logged.
FORGED_CHOICE_CODES = frozenset(
    {"invalid_choice", "invalid_pk_value", "invalid_list", "no_decide_mandate"}
)

Lookup = Callable[[Organisation, bool], Any]


class LoginRequired(Exception):
    """Raised by `require` for visitors; turned into a redirect by the middleware."""


@dataclass(frozen=True)
class Granted:
    """What `require` found: the organisation, the user as seen from it, the object."""

    organisation: Organisation
    actor: Actor
    obj: Any = None

    def may(self, permission: str, obj: Any = None) -> bool:
        return self.actor.may(permission, obj)


def actor_for(request: HttpRequest, organisation: Organisation) -> Actor:
    """The request's user as seen from the organisation, built once per request."""
    cache: dict[int, Actor] = request.__dict__.setdefault("_hallbar_actors", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = Actor(
            request.user,
            organisation,
            is_administrator=getattr(organisation, "user_administers", None),
        )
    return cache[organisation.pk]


def _organisation(request: HttpRequest, org_code: str) -> Organisation | None:
    organisations = Organisation.objects.filter(code=org_code)
    if request.user.is_authenticated:
        # Whether the user administers it comes with the row: one query less per page.
        organisations = organisations.annotate(
            user_administers=Exists(
                OrganisationRole.objects.filter(
                    organisation=OuterRef("pk"),
                    user=request.user,
                    role=OrganisationRoleKind.ADMINISTRATOR,
                )
            )
        )
    return organisations.first()


def require(
    request: HttpRequest, org_code: str, permission: str, *, lookup: Lookup | None = None
) -> Granted:
    organisation = _organisation(request, org_code)
    if organisation is None:
        raise Http404
    actor = actor_for(request, organisation)
    obj = None
    if lookup is not None:
        obj = lookup(organisation, actor.sees_drafts)
        if obj is None or getattr(obj, "organisation_id", organisation.pk) not in (
            organisation.pk,
            None,
        ):
            raise Http404
    if not allows(actor, permission, obj):
        if not request.user.is_authenticated:
            raise LoginRequired
        raise PermissionDenied
    return Granted(organisation=organisation, actor=actor, obj=obj)


def write_allowed(
    request: HttpRequest, granted: Granted, permission: str, form: forms.BaseForm
) -> bool:
    """Whether a submitted form may be saved: valid, nothing forged, and the object as it
    would be saved (`form.instance`, which a valid ModelForm has updated) allowed.

    Refusals become form errors and are logged; the caller writes only on True.
    """
    if not form.is_valid():
        _log_forged_choices(request, granted.organisation, form)
        return False
    instance = getattr(form, "instance", None)
    refusal = save_refusal(request, granted, permission, instance)
    if refusal is None:
        return True
    if refusal.field is not None and refusal.field in form.fields:
        form.add_error(refusal.field, refusal.message)
    else:
        form.add_error(None, refusal.message)
    return False


@dataclass(frozen=True)
class Refusal:
    message: str
    field: str | None = None


def save_refusal(
    request: HttpRequest, granted: Granted, permission: str, obj: Any
) -> Refusal | None:
    """None if the object may be saved as it is now (unsaved changes included);
    otherwise why not, logged on `hallbar.security`. For callers without a form (the
    API): refuse with the message, write nothing."""
    if allows(granted.actor, permission, obj):
        return None
    if obj is not None and not decision_is_mandated(granted.actor, obj):
        refusal = Refusal(
            _("The deciding body has no mandate to decide this. Record the body that did."),
            decision_field(obj),
        )
    else:
        refusal = Refusal(
            _(
                "You may not save this: your bodies' mandates do not cover it. Check the "
                "body it belongs to."
            )
        )
    _log(request, granted.organisation, "write refused", field=refusal.field or permission)
    return refusal


def restrict_body_choices(
    form: forms.BaseForm, actor: Actor, name: str, scopes: Iterable[str]
) -> None:
    """Offer in the body field only the bodies whose objects the user may write. An
    empty choice (organisation-wide) stays only for those who write organisation-wide."""
    field = form.fields[name]
    bodies = actor.writable_bodies(scopes)
    if bodies is None:
        return
    field.queryset = field.queryset.filter(pk__in=bodies)
    field.required = True
    field.empty_label = None
    # An empty value was not offered either: submitting one is forged too.
    form.restricted_fields = {*getattr(form, "restricted_fields", ()), name}


def _log_forged_choices(request: HttpRequest, organisation: Organisation, form) -> None:
    restricted = getattr(form, "restricted_fields", set())
    for name, errors in form.errors.as_data().items():
        codes = {error.code for error in errors}
        if codes & FORGED_CHOICE_CODES or (name in restricted and "required" in codes):
            value = form.data.getlist(name) if hasattr(form.data, "getlist") else None
            _log(request, organisation, "forged field refused", field=name, value=value)


def _log(
    request: HttpRequest, organisation: Organisation, event: str, *, field: str, value=None
) -> None:
    user = request.user
    security_log.warning(
        "%s: user=%s org=%s field=%s value=%r path=%s",
        event,
        user.get_username() if user.is_authenticated else "-",
        organisation.code,
        field,
        value,
        request.path,
        extra={
            "event": event,
            "user_id": user.pk if user.is_authenticated else None,
            "organisation_code": organisation.code,
            "field": field,
        },
    )


def login_redirect(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path())


# Older helpers, for views not yet on a named permission (hallbar/followup). New code
# calls `require` with the permission it needs.


def can_edit(user, organisation: Organisation) -> bool:
    """Whether the user may write anything at all in the organisation."""
    return Actor(user, organisation).may("organisation.write_anything")


def sees_drafts(user, organisation: Organisation) -> bool:
    return Actor(user, organisation).sees_drafts


def get_organisation_for_reading(request: HttpRequest, org_code: str) -> Organisation:
    return require(request, org_code, "organisation.view").organisation


def get_organisation_for_editing(request: HttpRequest, org_code: str) -> Organisation:
    return require(request, org_code, "organisation.write_anything").organisation
