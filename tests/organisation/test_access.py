import pytest
from django.contrib.auth.models import AnonymousUser

from hallbar.organisation.access import can_edit
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role,expected", [("chair", True), ("member", True), ("officer", True), ("external", False)]
)
def test_members_edit_but_external_council_members_do_not(role, expected):
    membership = MembershipFactory(role=role)
    assert can_edit(membership.user, membership.body.organisation) is expected


def test_a_member_of_another_organisation_cannot_edit():
    membership = MembershipFactory()
    other = OrganisationFactory(code="1980", name="Västerås")
    assert can_edit(membership.user, other) is False


def test_anonymous_and_inactive_users_cannot_edit():
    organisation = OrganisationFactory()
    assert can_edit(AnonymousUser(), organisation) is False
    inactive = MembershipFactory(user__is_active=False, body__organisation=organisation).user
    assert can_edit(inactive, organisation) is False


def test_staff_can_edit_any_organisation():
    assert can_edit(UserFactory(is_staff=True), OrganisationFactory()) is True
