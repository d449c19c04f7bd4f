"""Working groups beyond their pages: the edit page hides other organisations' groups
from everyone (404, never 403), the staff admin (with history), and the demo rows."""

import datetime as dt

import pytest
from django.urls import reverse

from hallbar.organisation.models import Body
from hallbar.steering import demo
from hallbar.steering.models import WorkingGroup, WorkingGroupMember
from tests.factories import BodyFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.steering.test_working_groups import make_group

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def foreign_group(reference_data):
    other = OrganisationFactory(code="0180", name="Stockholm")
    return make_group(
        other,
        BodyFactory(organisation=other, kind="management_group"),
        start=TODAY,
        end=TODAY,
    )


def test_another_organisations_group_cannot_even_be_probed_through_the_edit_page(
    client, foreign_group
):
    """Someone who may not appoint gets 404 for another organisation's id, as for any
    id that does not exist: the answer does not tell which ids exist elsewhere."""
    organisation = OrganisationFactory()
    officer = MembershipFactory(body=BodyFactory(organisation=organisation)).user
    own_group = make_group(
        organisation,
        BodyFactory(organisation=organisation, kind="management_group"),
        start=TODAY,
        end=TODAY,
    )

    def edit(pk):
        return reverse("steering:working_group_edit", kwargs={"org_code": "1961", "pk": pk})

    assert client.get(edit(foreign_group.pk)).status_code == 404  # a visitor
    client.force_login(officer)
    assert client.get(edit(foreign_group.pk)).status_code == 404
    assert client.post(edit(foreign_group.pk), {"name": "Kapad"}).status_code == 404
    assert client.get(edit(own_group.pk)).status_code == 403  # own group, no mandate
    foreign_group.refresh_from_db()
    assert foreign_group.name == "Trygghet i centrum"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    return client


def test_working_groups_are_in_the_admin_with_their_history(staff_client, foreign_group):
    pk = foreign_group.pk
    pages = [
        reverse("admin:steering_workinggroup_changelist"),
        reverse("admin:steering_workinggroup_add"),
        reverse("admin:steering_workinggroup_change", args=[pk]),
        reverse("admin:steering_workinggroup_history", args=[pk]),
        reverse("admin:steering_workinggroupmember_changelist"),
    ]
    for page in pages:
        assert staff_client.get(page).status_code == 200, page
    listing = staff_client.get(reverse("admin:steering_workinggroup_changelist"), {"q": "trygg"})
    assert list(listing.context["cl"].result_list) == [foreign_group]


def test_a_member_added_in_the_admin_belongs_to_the_groups_organisation_and_ends_with_it(
    staff_client, foreign_group
):
    group = foreign_group
    change = reverse("admin:steering_workinggroup_change", args=[group.pk])
    form = staff_client.get(change).context["adminform"].form
    data = {
        name: form.initial.get(name) or ""
        for name in ("name", "focus_area", "mandate_text", "expected_effect")
    }
    data |= {
        "organisation": group.organisation_id,
        "appointed_by": group.appointed_by_id,
        "start_date": "2026-06-01",
        "end_date": "2026-12-31",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-external_name": "Eva Extern",
        "members-0-external_organisation": "Polisen",
        "members-0-role": "member",
    }

    response = staff_client.post(change, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    member = WorkingGroupMember.objects.get(external_name="Eva Extern")
    assert member.organisation_id == group.organisation_id
    assert member.ends_on == dt.date(2026, 12, 31)
    assert group.history.count() >= 2


@pytest.fixture
def demo_mode(settings, reference_data):
    settings.DEMO_MODE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_has_working_groups_appointed_by_ledningsgruppen_and_reruns_write_nothing(
    demo_mode,
):
    demo.demo_data_load()
    counts = (
        WorkingGroup.objects.count(),
        WorkingGroupMember.objects.count(),
        WorkingGroup.history.count(),
        WorkingGroupMember.history.count(),
        WorkingGroup.targets.through.objects.count(),
    )

    assert not demo.demo_data_load().changed

    again = (
        WorkingGroup.objects.count(),
        WorkingGroupMember.objects.count(),
        WorkingGroup.history.count(),
        WorkingGroupMember.history.count(),
        WorkingGroup.targets.through.objects.count(),
    )
    assert again == counts
    travel = WorkingGroup.objects.get(
        organisation__code="1961", name="Arbetsgrupp hållbart resande"
    )
    assert travel.appointed_by == Body.objects.get(
        organisation__code="1961", name="Kommunchefens ledningsgrupp"
    )
    assert travel.mandate_text and travel.expected_effect
    assert sorted(t.code for t in travel.targets.all()) == ["11.2", "3.6"]
    members = {m.display_name: m for m in travel.members.all()}
    assert "Kollektivtrafikplanerare (Region Västmanland)" in members
    assert any(not m.is_external for m in members.values())
    assert all(m.ends_on == travel.end_date for m in members.values())
    # Only Hallstahammar has them: Surahammar's pages stay empty.
    assert not WorkingGroup.objects.filter(organisation__code="1907").exists()
