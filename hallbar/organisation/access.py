"""The one place views ask what a user may see and do in an organisation.

Issue-2 rule (mandate-based permissions come later): anyone may read an organisation's
pages; writing needs a login and a membership in one of the organisation's bodies as
chair, member or officer (or staff status). Co-opted external members, such as the
sustainability council's, read and propose but never edit the organisation's records.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from hallbar.organisation.models import Membership, MembershipRole, Organisation


class LoginRequired(Exception):
    """Raised by access helpers; turned into a redirect by `login_redirect`."""


def can_edit(user, organisation: Organisation) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    return (
        Membership.objects.filter(user=user, body__organisation=organisation)
        .exclude(role=MembershipRole.EXTERNAL)
        .exists()
    )


def get_organisation_for_reading(request: HttpRequest, org_code: str) -> Organisation:
    return get_object_or_404(Organisation, code=org_code)


def get_organisation_for_editing(request: HttpRequest, org_code: str) -> Organisation:
    organisation = get_object_or_404(Organisation, code=org_code)
    if not request.user.is_authenticated:
        raise LoginRequired
    if not can_edit(request.user, organisation):
        raise PermissionDenied
    return organisation


def login_redirect(request: HttpRequest):
    return redirect_to_login(request.get_full_path())
