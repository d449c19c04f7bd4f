"""The mandates page /o/<code>/mandates/: read by the organisation's own people, kept by
its administrators, with history."""

import pytest
from django.urls import reverse

from hallbar.organisation.models import Mandate
from tests.factories import (
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def council(organisation):
    return BodyFactory(
        organisation=organisation, name="Hållbarhetsrådet", kind="sustainability_council"
    )


@pytest.fixture
def admin(client, organisation):
    user = OrganisationRoleFactory(organisation=organisation, user__first_name="Ada").user
    client.force_login(user)
    return user


def url(organisation, name, **kwargs):
    return reverse(f"organisation:{name}", kwargs={"org_code": organisation.code, **kwargs})


def test_members_read_the_mandates_of_every_body(client, organisation, council):
    client.force_login(MembershipFactory(body=council, role="external").user)

    page = client.get(url(organisation, "mandate_list")).content.decode()

    assert "Hållbarhetsrådet" in page
    assert "Advise" in page and "Initiate" in page
    assert "Decide" not in page
    assert "New mandate" not in page


def test_the_public_is_asked_to_log_in(client, organisation):
    response = client.get(url(organisation, "mandate_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_administrator_adds_a_mandate_and_it_shows_in_the_history(
    client, organisation, council, admin
):
    response = client.post(
        url(organisation, "mandate_create"),
        {
            "body": council.pk,
            "kind": "follow_up",
            "scope": "report",
            "area": "organisation",
            "note": "KS 2026-01-12 § 4",
        },
        follow=True,
    )

    assert "The mandate was saved." in response.content.decode()
    mandate = Mandate.objects.get(body=council, kind="follow_up")
    assert mandate.organisation == organisation
    page = client.get(url(organisation, "mandate_list")).content.decode()
    assert "KS 2026-01-12 § 4" in page
    assert "Ada" in page  # who changed it


def test_an_administrator_edits_and_removes_a_mandate(client, organisation, council, admin):
    mandate = council.mandates.get(kind="advise", scope="strategy")
    edit = url(organisation, "mandate_edit", pk=mandate.pk)

    response = client.post(
        edit,
        {"body": council.pk, "kind": "advise", "scope": "strategy", "area": "own", "note": "x"},
    )
    assert response.status_code == 302
    mandate.refresh_from_db()
    assert mandate.area == "own"
    assert "Changed" in client.get(edit).content.decode()

    assert client.get(url(organisation, "mandate_delete", pk=mandate.pk)).status_code == 200
    client.post(url(organisation, "mandate_delete", pk=mandate.pk))
    assert not Mandate.objects.filter(pk=mandate.pk).exists()
    assert Mandate.history.filter(id=mandate.pk, history_type="-").exists()


def test_a_duplicate_mandate_is_an_error_on_the_form(client, organisation, council, admin):
    response = client.post(
        url(organisation, "mandate_create"),
        {"body": council.pk, "kind": "advise", "scope": "strategy", "area": "own", "note": ""},
    )
    assert response.status_code == 200
    assert "already has this mandate" in response.content.decode()


def test_bodies_without_mandates_get_the_standard_ones_on_request(client, organisation, admin):
    BodyFactory(organisation=organisation, name="Kultur- och fritidsnämnden", mandates=False)
    page = client.get(url(organisation, "mandate_list")).content.decode()
    assert "Bodies without mandates" in page

    response = client.post(url(organisation, "mandates_seed"), follow=True)

    assert "standard mandates were added" in response.content.decode()
    assert Mandate.objects.filter(body__name="Kultur- och fritidsnämnden").exists()


def test_a_member_may_not_change_mandates(client, organisation, council):
    officer = MembershipFactory(body__organisation=organisation).user
    client.force_login(officer)
    mandate = council.mandates.first()

    assert client.get(url(organisation, "mandate_create")).status_code == 403
    assert client.post(url(organisation, "mandate_delete", pk=mandate.pk)).status_code == 403
    assert Mandate.objects.filter(pk=mandate.pk).exists()


def test_an_administrator_of_another_organisation_finds_nothing_here(client, organisation, council):
    client.force_login(OrganisationRoleFactory(organisation=OrganisationFactory(code="1907")).user)
    mandate = council.mandates.first()

    assert client.get(url(organisation, "mandate_edit", pk=mandate.pk)).status_code == 403
    assert client.get(url(organisation, "mandate_create")).status_code == 403


def test_another_organisations_mandate_is_not_found(client, organisation, admin):
    foreign = BodyFactory(organisation=OrganisationFactory(code="1907")).mandates.first()
    assert client.get(url(organisation, "mandate_edit", pk=foreign.pk)).status_code == 404
    assert client.post(url(organisation, "mandate_delete", pk=foreign.pk)).status_code == 404
    assert Mandate.objects.filter(pk=foreign.pk).exists()


def test_the_list_runs_a_fixed_number_of_queries(
    client, organisation, admin, django_assert_max_num_queries
):
    for number in range(6):
        BodyFactory(organisation=organisation, name=f"Nämnd {number}")
    with django_assert_max_num_queries(10):
        assert client.get(url(organisation, "mandate_list")).status_code == 200
