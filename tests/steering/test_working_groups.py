"""Working groups: appointed only by the management group, with a written mandate,
expected effect, internal and external members; they end at their end date and their
memberships lapse with them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hallbar.core import records
from hallbar.steering import working_groups
from hallbar.steering.models import WorkingGroup, WorkingGroupMember
from tests.factories import BodyFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def organisation(reference_data):
    return OrganisationFactory()


@pytest.fixture
def management_group(organisation):
    return BodyFactory(
        organisation=organisation, name="Kommunchefens ledningsgrupp", kind="management_group"
    )


@pytest.fixture
def committee(organisation):
    return BodyFactory(organisation=organisation, name="Tekniska nämnden")


@pytest.fixture
def chief(client, management_group):
    """The chief executive, in the management group."""
    user = UserFactory(username="kommunchef", first_name="Karin", last_name="Kommunchef")
    MembershipFactory(user=user, body=management_group, role="chair")
    client.force_login(user)
    return user


@pytest.fixture
def officer(committee):
    return MembershipFactory(
        user=UserFactory(username="olle", first_name="Olle", last_name="Officer"), body=committee
    ).user


def url(route, organisation, **kwargs):
    return reverse(f"steering:{route}", kwargs={"org_code": organisation.code, **kwargs})


def make_group(organisation, management_group, *, start, end, members=(), **fields):
    values = {
        "name": "Trygghet i centrum",
        "focus_area": "Trygghet",
        "mandate_text": "Ta fram förslag på åtgärder för ökad trygghet i centrum.",
        "expected_effect": "Fler känner sig trygga i centrum 2027.",
        "appointed_by": management_group,
        "start_date": start,
        "end_date": end,
    }
    return working_groups.working_group_create(
        organisation=organisation,
        created_by=None,
        fields=values | fields,
        members=list(members),
    )


def group_data(management_group, officer=None, **overrides):
    data = {
        "name": "Trygghet i centrum",
        "focus_area": "Trygghet",
        "mandate_text": "Ta fram förslag på åtgärder för ökad trygghet i centrum.",
        "expected_effect": "Fler känner sig trygga i centrum 2027.",
        "appointed_by": management_group.pk,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "target_codes": "11.7, 16.1",
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "100",
        "members-0-user": officer.pk if officer else "",
        "members-0-role": "lead",
        "members-1-external_name": "Eva Extern",
        "members-1-external_organisation": "Polisen",
        "members-1-role": "member",
        "members-2-role": "member",
    }
    data.update(overrides)
    return data


# Expiry


def test_a_group_is_active_from_its_start_to_its_end_date(organisation, management_group):
    group = make_group(
        organisation, management_group, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)
    )

    assert not group.is_active(dt.date(2025, 12, 31))
    assert group.is_active(dt.date(2026, 1, 1))
    assert group.is_active(dt.date(2026, 6, 30))
    assert not group.is_active(dt.date(2026, 7, 1))
    assert group.state(dt.date(2026, 7, 1)) == "ended"
    assert list(WorkingGroup.objects.active(dt.date(2026, 3, 1))) == [group]
    assert not WorkingGroup.objects.active(dt.date(2026, 7, 1)).exists()
    assert list(WorkingGroup.objects.ended(dt.date(2026, 7, 1))) == [group]


def test_memberships_carry_the_groups_end_date_and_lapse_with_it(
    organisation, management_group, officer
):
    group = make_group(
        organisation,
        management_group,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 6, 30),
        members=[{"user": officer, "role": "lead"}],
    )
    member = group.members.get()

    assert member.ends_on == dt.date(2026, 6, 30)
    assert member.is_active(dt.date(2026, 6, 30))
    assert not member.is_active(dt.date(2026, 7, 1))
    assert WorkingGroupMember.objects.active(dt.date(2026, 6, 30)).filter(user=officer).exists()
    assert not WorkingGroupMember.objects.active(dt.date(2026, 7, 1)).exists()
    # Not before the group starts either.
    assert not WorkingGroupMember.objects.active(dt.date(2025, 12, 31)).exists()


def test_extending_a_group_extends_its_memberships(organisation, management_group, officer):
    group = make_group(
        organisation,
        management_group,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 6, 30),
        members=[{"user": officer, "role": "lead"}],
    )

    working_groups.working_group_update(
        group=group,
        fields={"end_date": dt.date(2026, 12, 31)},
        members=[{"user": officer, "role": "lead"}],
        expected_version=group.updated_at,
    )

    assert group.members.get().ends_on == dt.date(2026, 12, 31)


def test_an_ended_group_shows_as_ended(client, organisation, management_group, chief):
    today = timezone.localdate()
    group = make_group(
        organisation,
        management_group,
        start=today - dt.timedelta(days=100),
        end=today - dt.timedelta(days=1),
    )

    detail = client.get(url("working_group_detail", organisation, pk=group.pk))
    listing = client.get(url("working_group_list", organisation))

    assert "Its memberships have lapsed" in detail.content.decode()
    assert listing.context["groups"]["ended"] == [group]
    assert listing.context["groups"]["active"] == []


# Appointing


def test_the_management_group_appoints_a_group_with_internal_and_external_members(
    client, organisation, management_group, officer, chief
):
    response = client.post(
        url("working_group_create", organisation), group_data(management_group, officer)
    )

    assert response.status_code == 302, response.content.decode()
    group = WorkingGroup.objects.get()
    assert group.appointed_by == management_group
    assert group.created_by == chief
    assert [t.code for t in group.targets.order_by("position")] == ["11.7", "16.1"]
    members = {(m.display_name, m.role, m.is_external) for m in group.members.all()}
    assert members == {("Olle Officer", "lead", False), ("Eva Extern (Polisen)", "member", True)}
    page = client.get(response["Location"]).content.decode()
    assert "Ta fram förslag på åtgärder" in page
    assert "Fler känner sig trygga" in page
    assert "Eva Extern (Polisen)" in page


def test_an_officer_outside_the_management_group_may_not_appoint(
    client, organisation, management_group, officer
):
    client.force_login(officer)

    assert client.get(url("working_group_create", organisation)).status_code == 403
    response = client.post(url("working_group_create", organisation), group_data(management_group))
    assert response.status_code == 403
    assert not WorkingGroup.objects.exists()
    assert not working_groups.may_appoint_working_group(officer, organisation)


def test_a_visitor_is_asked_to_log_in(client, organisation, management_group):
    response = client.get(url("working_group_create", organisation))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get(url("working_group_list", organisation)).status_code == 302


def test_a_superuser_may_appoint_but_staff_status_alone_gives_nothing(organisation):
    assert working_groups.may_appoint_working_group(
        UserFactory(is_staff=True, is_superuser=True), organisation
    )
    assert not working_groups.may_appoint_working_group(UserFactory(is_staff=True), organisation)


def test_an_external_member_of_the_management_group_may_not_appoint(organisation, management_group):
    external = MembershipFactory(body=management_group, role="external").user

    assert not working_groups.may_appoint_working_group(external, organisation)


def test_a_body_other_than_the_management_group_cannot_appoint(
    client, organisation, management_group, committee, chief
):
    response = client.post(
        url("working_group_create", organisation),
        group_data(management_group, appointed_by=committee.pk),
    )

    assert response.status_code == 200
    assert "appointed_by" in response.context["form"].errors
    with pytest.raises(ValidationError):
        make_group(organisation, committee, start=TODAY, end=TODAY)
    assert not WorkingGroup.objects.exists()


def test_the_end_cannot_be_before_the_start(client, organisation, management_group, chief):
    response = client.post(
        url("working_group_create", organisation),
        group_data(management_group, start_date="2026-06-01", end_date="2026-05-01"),
    )

    assert "The end cannot be before the start." in response.content.decode()
    assert not WorkingGroup.objects.exists()


def test_a_user_of_another_organisation_cannot_be_a_member(
    client, organisation, management_group, chief
):
    stranger = MembershipFactory(body=BodyFactory(organisation=OrganisationFactory(code="0180")))

    response = client.post(
        url("working_group_create", organisation),
        group_data(management_group, **{"members-0-user": stranger.user.pk}),
    )

    assert response.status_code == 200
    assert not WorkingGroup.objects.exists()


def test_another_organisations_group_is_not_found(client, organisation, chief):
    other = OrganisationFactory(code="0180", name="Stockholm")
    foreign = make_group(
        other,
        BodyFactory(organisation=other, kind="management_group"),
        start=TODAY,
        end=TODAY,
    )

    for route in ("working_group_detail", "working_group_edit", "working_group_history"):
        assert client.get(url(route, organisation, pk=foreign.pk)).status_code == 404


# Editing and history


def test_an_edit_is_recorded_with_its_member_changes(
    client, organisation, management_group, officer, chief
):
    client.post(url("working_group_create", organisation), group_data(management_group, officer))
    group = WorkingGroup.objects.get()
    edit_url = url("working_group_edit", organisation, pk=group.pk)
    form = client.get(edit_url).context["form"]

    response = client.post(
        edit_url,
        group_data(
            management_group,
            officer,
            version=form["version"].value(),
            end_date="2027-06-30",
            **{
                "members-INITIAL_FORMS": "2",
                "members-1-DELETE": "on",
                "members-2-external_name": "Sara Region",
                "members-2-external_organisation": "Region Västmanland",
            },
        ),
    )

    assert response.status_code == 302, response.content.decode()
    entries = records.object_history(organisation=organisation, kind="working_group", pk=group.pk)
    kinds = [entry.kind for entry in entries]
    assert kinds.count("member_added") == 3
    assert kinds.count("member_removed") == 1
    assert "changed" in kinds
    changed = next(entry for entry in entries if entry.kind == "changed")
    assert ("end_date", "2026-12-31", "2027-06-30") in {
        (c.field, c.old, c.new) for c in changed.changes
    }
    assert changed.user == "Karin Kommunchef"
    page = client.get(url("working_group_history", organisation, pk=group.pk)).content.decode()
    assert "Member removed: Eva Extern" in page
    assert "Member added: Sara Region" in page


def test_an_edit_from_an_outdated_version_is_refused_with_what_changed(
    client, organisation, management_group, chief
):
    group = make_group(organisation, management_group, start=TODAY, end=TODAY)
    opened = group.updated_at.isoformat()
    working_groups.working_group_update(
        group=group, fields={"focus_area": "Trygghet och hälsa"}, expected_version=group.updated_at
    )

    response = client.post(
        url("working_group_edit", organisation, pk=group.pk),
        group_data(management_group, version=opened, focus_area="Brottsförebyggande"),
    )

    assert response.status_code == 200
    conflict = response.context["form"].edit_conflict
    assert [(c.field, c.theirs, c.yours) for c in conflict.changes] == [
        ("focus_area", "Trygghet och hälsa", "Brottsförebyggande")
    ]
    group.refresh_from_db()
    assert group.focus_area == "Trygghet och hälsa"


def test_the_list_runs_the_same_queries_for_few_and_many_groups(
    client, organisation, management_group, officer, chief, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_groups(count):
        for number in range(count):
            make_group(
                organisation,
                management_group,
                name=f"Grupp {number}",
                start=TODAY,
                end=TODAY,
                members=[{"user": officer, "role": "lead"}, {"external_name": "Eva Extern"}],
            )

    add_groups(1)
    with CaptureQueriesContext(connection) as few:
        client.get(url("working_group_list", organisation))
    add_groups(5)
    with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as many:
        response = client.get(url("working_group_list", organisation))

    assert response.status_code == 200
    assert len(many) == len(few)
