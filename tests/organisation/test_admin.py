import pytest
from django.urls import reverse

from hallbar.organisation.models import Body, Mandate, Membership
from tests.factories import BodyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership() -> Membership:
    return MembershipFactory(title="Kommunstrateg", body=BodyFactory(name="Kommunstyrelsen"))


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:organisation_organisation_changelist",
        "admin:organisation_body_changelist",
        "admin:organisation_membership_changelist",
        "admin:auth_user_changelist",
        "admin:organisation_organisation_add",
        "admin:organisation_body_add",
        "admin:organisation_membership_add",
        "admin:organisation_mandate_changelist",
        "admin:organisation_mandate_add",
        "admin:organisation_organisationrole_changelist",
        "admin:organisation_organisationrole_add",
    ],
)
def test_staff_can_open_the_organisation_admin(staff_client, membership, url_name):
    response = staff_client.get(reverse(url_name))
    assert response.status_code == 200


def test_the_lists_search_and_filter(staff_client, membership):
    response = staff_client.get(
        reverse("admin:organisation_membership_changelist"),
        {"q": "kommunstrateg", "role": "officer"},
    )
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [membership]

    response = staff_client.get(
        reverse("admin:organisation_body_changelist"), {"kind__exact": "committee"}
    )
    assert list(response.context["cl"].result_list) == [membership.body]


def test_change_pages_and_history_open(staff_client, membership):
    body: Body = membership.body
    pages = [
        reverse("admin:organisation_organisation_change", args=[body.organisation.pk]),
        reverse("admin:organisation_body_change", args=[body.pk]),
        reverse("admin:organisation_body_history", args=[body.pk]),
        reverse("admin:organisation_membership_change", args=[membership.pk]),
        reverse("admin:organisation_membership_history", args=[membership.pk]),
        reverse("admin:auth_user_change", args=[membership.user.pk]),
    ]
    for url in pages:
        assert staff_client.get(url).status_code == 200, url


def test_an_edit_in_the_admin_is_recorded_in_history(staff_client, membership):
    body = membership.body
    response = staff_client.post(
        reverse("admin:organisation_body_change", args=[body.pk]),
        {
            "organisation": body.organisation.pk,
            "name": body.name,
            "short_name": "KS",
            "kind": "executive_board",
            "description": "",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "mandates-TOTAL_FORMS": "0",
            "mandates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    body.refresh_from_db()
    assert body.short_name == "KS"
    assert body.history.first().history_user.username == "staff"


def test_a_user_without_staff_status_is_refused(client, membership):
    client.force_login(membership.user)
    response = client.get(reverse("admin:organisation_body_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def _body_post(organisation, **fields):
    return {
        "organisation": organisation.pk,
        "short_name": "",
        "description": "",
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "mandates-TOTAL_FORMS": "0",
        "mandates-INITIAL_FORMS": "0",
        **fields,
    }


def test_a_body_added_in_the_admin_gets_the_standard_mandates_of_its_kind(staff_client, membership):
    organisation = membership.body.organisation
    response = staff_client.post(
        reverse("admin:organisation_body_add"),
        _body_post(organisation, name="Kultur- och fritidsnämnden", kind="committee"),
    )

    assert response.status_code == 302
    body = Body.objects.get(name="Kultur- och fritidsnämnden")
    assert set(body.mandates.values_list("kind", "scope", "area")) >= {
        ("decide", "committee_goal", "own"),
        ("implement", "action", "own"),
    }
    assert set(body.mandates.values_list("organisation", flat=True)) == {organisation.pk}


def test_a_mandate_entered_with_a_new_body_belongs_to_its_organisation_and_replaces_the_standard(
    staff_client, membership
):
    organisation = membership.body.organisation
    data = _body_post(
        organisation,
        name="Arbetsgrupp trygghet",
        kind="working_group",
        **{
            "mandates-TOTAL_FORMS": "1",
            "mandates-0-kind": "prepare",
            "mandates-0-scope": "action_plan",
            "mandates-0-area": "own",
            "mandates-0-note": "Uppdrag från ledningsgruppen.",
        },
    )

    response = staff_client.post(reverse("admin:organisation_body_add"), data)

    assert response.status_code == 302
    mandate = Mandate.objects.get(body__name="Arbetsgrupp trygghet")
    assert (mandate.organisation, mandate.kind, mandate.scope) == (
        organisation,
        "prepare",
        "action_plan",
    )
