"""The mandates page /o/<code>/mandates/: read by the organisation's own people, kept by
its administrators, with history."""

import pytest
from django.urls import reverse

from hallbar.core.versions import EditConflict
from hallbar.organisation import services
from hallbar.organisation.models import Mandate
from hallbar.organisation.selectors import mandate_history
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
        {
            "body": council.pk,
            "kind": "advise",
            "scope": "strategy",
            "area": "own",
            "note": "x",
            "version": mandate.updated_at.isoformat(),
        },
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


def _edit(mandate, council, version, **changes):
    data = {
        "body": council.pk,
        "kind": mandate.kind,
        "scope": mandate.scope,
        "area": mandate.area,
        "note": mandate.note,
        "version": version,
    }
    return {**data, **changes}


def test_an_edit_based_on_a_stale_version_is_refused_with_what_changed_and_the_input_kept(
    client, organisation, council, admin
):
    mandate = council.mandates.get(kind="advise", scope="strategy")
    edit = url(organisation, "mandate_edit", pk=mandate.pk)
    opened = client.get(edit).content.decode()
    opened_version = mandate.updated_at.isoformat()
    assert f'value="{opened_version}"' in opened
    # Meanwhile someone else records the basis.
    services.mandate_update(
        mandate=mandate,
        fields={"note": "KF 2026-02-01 § 12"},
        expected_version=mandate.updated_at,
    )

    response = client.post(
        edit, _edit(mandate, council, opened_version, area="own", note="Min egen grund")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this after you opened it." in page
    assert "Saved meanwhile by someone else" in page
    assert "KF 2026-02-01 § 12" in page  # theirs
    assert "Min egen grund" in page  # yours, kept in the form
    mandate.refresh_from_db()
    assert (mandate.area, mandate.note) == ("organisation", "KF 2026-02-01 § 12")

    # Saving again (the form now carries the current version) replaces theirs on purpose.
    current = mandate.updated_at.isoformat()
    assert f'value="{current}"' in page
    again = client.post(edit, _edit(mandate, council, current, area="own", note="Min egen grund"))
    assert again.status_code == 302
    mandate.refresh_from_db()
    assert (mandate.area, mandate.note) == ("own", "Min egen grund")


def test_the_service_refuses_a_stale_edit_under_lock(organisation, council):
    mandate = council.mandates.get(kind="advise", scope="strategy")
    started = mandate.updated_at
    services.mandate_update(mandate=mandate, fields={"note": "Först"}, expected_version=started)

    stale = Mandate.objects.get(pk=mandate.pk)
    with pytest.raises(EditConflict) as conflict:
        services.mandate_update(mandate=stale, fields={"note": "Sen"}, expected_version=started)

    assert [(c.field, c.before, c.theirs, c.yours) for c in conflict.value.changes] == [
        ("note", stale.history.earliest("history_date").note, "Först", "Sen")
    ]
    assert Mandate.objects.get(pk=mandate.pk).note == "Först"


def test_an_edit_without_its_version_is_refused(client, organisation, council, admin):
    mandate = council.mandates.get(kind="advise", scope="strategy")
    data = _edit(mandate, council, "", area="own")
    response = client.post(url(organisation, "mandate_edit", pk=mandate.pk), data)
    assert response.status_code == 200
    assert "The form is out of date." in response.content.decode()
    mandate.refresh_from_db()
    assert mandate.area == "organisation"


def test_the_history_shows_who_changed_which_field_from_what_to_what(
    client, organisation, council, admin
):
    mandate = council.mandates.get(kind="advise", scope="strategy")
    edit = url(organisation, "mandate_edit", pk=mandate.pk)
    client.post(
        edit,
        _edit(mandate, council, mandate.updated_at.isoformat(), area="own", note="KS § 7"),
    )

    [changed, created] = mandate_history(organisation=organisation, pk=mandate.pk)
    assert changed.entry.user == "Ada"
    assert changed.entry.kind == "changed"
    assert {(c.field, c.old, c.new) for c in changed.entry.changes} == {
        ("area", "Organisation-wide", "Own area"),
        ("note", created_note(mandate), "KS § 7"),
    }
    assert changed.mandate == "Hållbarhetsrådet: Advise – Strategy"
    assert created.entry.kind == "created"

    for page in (client.get(edit), client.get(url(organisation, "mandate_list"))):
        html = page.content.decode()
        assert "Organisation-wide → Own area" in html
        assert "KS § 7" in html
        assert "Ada" in html


def created_note(mandate):
    return mandate.history.earliest("history_date").note


def test_an_empty_submission_names_the_missing_fields(client, organisation, council, admin):
    # An empty POST is a submission, not a request for a blank form.
    response = client.post(url(organisation, "mandate_create"), {})

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("This field is required.") >= 3  # body, kind, scope
    assert (
        not Mandate.objects.filter(organisation=organisation, note="")
        .exclude(body=council)
        .exists()
    )
