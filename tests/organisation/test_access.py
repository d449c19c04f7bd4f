"""The access helper views start with: organisation, object, permission, in that order."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from hallbar.organisation import access
from hallbar.organisation.access import LoginRequired, require
from tests.factories import (
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


def request_for(user=None):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return request


def test_an_unknown_organisation_is_not_found():
    with pytest.raises(Http404):
        require(request_for(), "9999", "organisation.view")


def test_reading_is_open_to_everyone(organisation):
    granted = require(request_for(), organisation.code, "organisation.view")
    assert granted.organisation == organisation
    assert not granted.actor.sees_drafts


def test_a_visitor_is_asked_to_log_in_and_a_user_without_the_right_is_refused(organisation):
    with pytest.raises(LoginRequired):
        require(request_for(), organisation.code, "steering.add_action")
    with pytest.raises(PermissionDenied):
        require(request_for(UserFactory()), organisation.code, "steering.add_action")


def test_the_object_is_looked_up_before_the_permission_is_asked(organisation):
    """A missing object (another organisation's id, an unseen draft) is 404 even for a
    visitor: nobody learns that it exists."""
    with pytest.raises(Http404):
        require(
            request_for(),
            organisation.code,
            "steering.change_action",
            lookup=lambda organisation, include_drafts: None,
        )


def test_the_lookup_is_told_whether_the_user_sees_drafts(organisation):
    member = MembershipFactory(body__organisation=organisation, role="external").user
    seen = {}

    def lookup(found, include_drafts):
        seen.update(organisation=found, include_drafts=include_drafts)
        return found

    require(request_for(member), organisation.code, "organisation.view", lookup=lookup)

    assert seen == {"organisation": organisation, "include_drafts": True}


def test_an_object_of_another_organisation_returned_by_a_lookup_is_not_found(organisation):
    other_body = BodyFactory(organisation=OrganisationFactory(code="1907"))
    with pytest.raises(Http404):
        require(
            request_for(),
            organisation.code,
            "organisation.view",
            lookup=lambda organisation, include_drafts: other_body,
        )


def test_the_user_is_read_once_per_request_and_organisation(
    organisation, django_assert_num_queries
):
    analyst = MembershipFactory(
        body=BodyFactory(organisation=organisation, kind="analysis_group")
    ).user
    request = request_for(analyst)
    # organisation (with the administrator role), memberships, mandates
    with django_assert_num_queries(3):
        granted = require(request, organisation.code, "steering.add_goal")
        assert granted.may("steering.add_action")
    with django_assert_num_queries(1):  # the organisation again; the rest is remembered
        require(request, organisation.code, "agenda.change_texts")


def test_the_administrator_role_comes_with_the_organisation(organisation):
    admin = OrganisationRoleFactory(organisation=organisation).user
    granted = require(request_for(admin), organisation.code, "organisation.change_mandates")
    assert granted.actor.is_administrator


# Older helpers still used by views not yet on a named permission


@pytest.mark.parametrize(
    ("kind", "role", "expected"),
    [
        ("committee", "officer", True),
        ("analysis_group", "officer", True),
        ("committee", "chair", False),
        ("committee", "member", False),
        ("sustainability_council", "external", False),
        ("sustainability_council", "member", False),
    ],
)
def test_can_edit_means_writing_something_in_the_organisation(kind, role, expected):
    membership = MembershipFactory(body__kind=kind, role=role)
    assert access.can_edit(membership.user, membership.body.organisation) is expected


def test_a_member_of_another_organisation_cannot_edit():
    membership = MembershipFactory()
    other = OrganisationFactory(code="1980", name="Västerås")
    assert access.can_edit(membership.user, other) is False


def test_anonymous_and_inactive_users_cannot_edit():
    organisation = OrganisationFactory()
    assert access.can_edit(AnonymousUser(), organisation) is False
    inactive = MembershipFactory(user__is_active=False, body__organisation=organisation).user
    assert access.can_edit(inactive, organisation) is False


def test_only_superusers_edit_any_organisation():
    organisation = OrganisationFactory()
    assert access.can_edit(UserFactory(is_staff=True, is_superuser=True), organisation)
    assert not access.can_edit(UserFactory(is_staff=True), organisation)


def test_the_legacy_editing_helper_asks_for_any_writing_right(organisation):
    officer = MembershipFactory(body__organisation=organisation).user
    assert access.get_organisation_for_editing(request_for(officer), organisation.code)
    with pytest.raises(LoginRequired):
        access.get_organisation_for_editing(request_for(), organisation.code)
