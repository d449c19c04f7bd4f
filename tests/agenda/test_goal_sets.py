"""An organisation keeps its own goal sets (e.g. the regional development strategy, RUS)
next to the read-only reference sets shipped with Hållbar."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from hallbar.agenda.models import Goal, GoalSet
from hallbar.agenda.services import (
    GOAL_FIELDS,
    edit_fingerprint,
    goal_create,
    goal_set_create,
    goal_update,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(reference_data):
    return OrganisationFactory()


@pytest.fixture
def member(organisation):
    # Own goal sets are kept by the analysis group (an organisation-wide mandate).
    return MembershipFactory(body__organisation=organisation, body__kind="analysis_group").user


@pytest.fixture
def outsider():
    other = OrganisationFactory(code="1980", name="Västerås")
    return MembershipFactory(body__organisation=other).user


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def rus(organisation):
    goal_set = goal_set_create(
        organisation=organisation,
        code="rus-vastmanland",
        kind="regional",
        title_sv="RUS Västmanland",
        title_en="Regional development strategy Västmanland",
        source="Region Västmanland, Regional utvecklingsstrategi 2030",
    )
    goal_create(goal_set=goal_set, code="2", number=2, title_sv="Hållbar tillväxt")
    goal_create(goal_set=goal_set, code="1", number=1, title_sv="Attraktiv region")
    return goal_set


def _url(name: str, **kwargs) -> str:
    return reverse(f"agenda:{name}", kwargs={"org_code": "1961", **kwargs})


def _reference(code: str = "miljokvalitetsmal") -> GoalSet:
    return GoalSet.objects.get(code=code, organisation__isnull=True)


# Reading


def test_anyone_sees_the_reference_sets_and_the_organisations_own(english, rus):
    page = english.get(_url("goal_set_list")).content.decode()
    assert "Regional development strategy Västmanland" in page
    assert escape(_reference().title_en) in page
    assert _reference("agenda2030").title_en in page
    assert _url("goal_set_create") not in page


def test_a_member_is_offered_to_create_a_goal_set(english, member):
    english.force_login(member)
    assert _url("goal_set_create") in english.get(_url("goal_set_list")).content.decode()


def test_the_detail_page_lists_the_goals_in_number_order(english, rus):
    page = english.get(_url("goal_set_detail", pk=rus.pk)).content.decode()
    assert page.index("Attraktiv region") < page.index("Hållbar tillväxt")
    assert "Region Västmanland, Regional utvecklingsstrategi 2030" in page


def test_another_organisations_goal_set_is_not_found(client, organisation):
    other = OrganisationFactory(code="1980", name="Västerås")
    theirs = goal_set_create(organisation=other, code="rus", kind="regional", title_sv="Deras RUS")
    assert client.get(_url("goal_set_detail", pk=theirs.pk)).status_code == 404


def test_the_list_and_detail_pages_run_a_fixed_number_of_queries(client, rus):
    with CaptureQueriesContext(connection) as few:
        client.get(_url("goal_set_detail", pk=rus.pk))
    for number in range(3, 12):
        goal_create(goal_set=rus, code=str(number), number=number, title_sv=f"Mål {number}")
    with CaptureQueriesContext(connection) as many:
        client.get(_url("goal_set_detail", pk=rus.pk))
    assert len(many.captured_queries) == len(few.captured_queries)
    with CaptureQueriesContext(connection) as listing:
        client.get(_url("goal_set_list"))
    assert len(listing.captured_queries) <= 3


# Creating and editing


def test_a_member_creates_a_regional_goal_set_and_adds_its_goals(english, organisation, member):
    english.force_login(member)
    response = english.post(
        _url("goal_set_create"),
        {
            "title_sv": "RUS Västmanland",
            "title_en": "Regional development strategy Västmanland",
            "code": "",
            "kind": "regional",
            "source": "https://regionvastmanland.se/",
            "fingerprint": "new",
        },
    )
    goal_set = GoalSet.objects.get(organisation=organisation)
    assert response["Location"] == _url("goal_set_detail", pk=goal_set.pk)
    assert (goal_set.code, goal_set.kind) == ("rus-vastmanland", "regional")

    response = english.post(
        _url("goal_create", pk=goal_set.pk),
        {"number": 1, "code": "", "title_sv": "Attraktiv region", "fingerprint": "new"},
    )
    assert response.status_code == 302
    goal = goal_set.goals.get()
    assert (goal.code, goal.number, goal.title_sv) == ("1", 1, "Attraktiv region")
    page = english.get(_url("goal_set_detail", pk=goal_set.pk)).content.decode()
    assert "Attraktiv region" in page
    assert _url("goal_edit", pk=goal_set.pk, goal_pk=goal.pk) in page


def test_the_add_goal_form_suggests_the_next_number(english, member, rus):
    english.force_login(member)
    response = english.get(_url("goal_create", pk=rus.pk))
    assert response.context["form"]["number"].value() == 3


def test_a_duplicate_goal_set_code_is_refused_on_the_field(english, member, rus):
    english.force_login(member)
    response = english.post(
        _url("goal_set_create"),
        {
            "title_sv": "RUS igen",
            "code": "rus-vastmanland",
            "kind": "regional",
            "fingerprint": "new",
        },
    )
    assert "Short code: Your organisation already has a goal set with this code." in (
        response.content.decode()
    )
    response = english.post(
        _url("goal_set_create"),
        {
            "title_sv": "Miljömål",
            "code": "miljokvalitetsmal",
            "kind": "local",
            "fingerprint": "new",
        },
    )
    assert "Short code: A reference goal set has this code; choose another." in (
        response.content.decode()
    )
    assert GoalSet.objects.filter(organisation__isnull=False).count() == 1


def test_an_own_goal_set_is_regional_or_local_and_has_a_swedish_title(english, member):
    english.force_login(member)
    response = english.post(
        _url("goal_set_create"), {"title_sv": "", "kind": "national", "fingerprint": "new"}
    )
    page = response.content.decode()
    assert "Title in Swedish: This field is required." in page
    assert "Kind: Select a valid choice. national is not one of the available choices." in page
    assert not GoalSet.objects.filter(organisation__isnull=False).exists()


def test_a_duplicate_goal_code_or_a_missing_title_is_refused(english, member, rus):
    english.force_login(member)
    response = english.post(
        _url("goal_create", pk=rus.pk),
        {"number": 7, "code": "1", "title_sv": "", "fingerprint": "new"},
    )
    page = response.content.decode()
    assert "Code: The goal set already has a goal with this code." in page
    assert "Title in Swedish: This field is required." in page
    assert rus.goals.count() == 2


def test_a_member_edits_a_goal_and_the_goal_set(english, member, rus):
    english.force_login(member)
    goal = rus.goals.get(code="1")
    response = english.post(
        _url("goal_edit", pk=rus.pk, goal_pk=goal.pk),
        {
            "number": 1,
            "code": "1",
            "title_sv": "En attraktiv och hållbar region",
            "title_en": "An attractive region",
            "fingerprint": edit_fingerprint(goal, GOAL_FIELDS),
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.title_sv, goal.title_en) == (
        "En attraktiv och hållbar region",
        "An attractive region",
    )

    edit_url = _url("goal_set_edit", pk=rus.pk)
    form = english.get(edit_url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    response = english.post(edit_url, {**data, "kind": "local", "title_sv": "RUS Västmanland 2030"})
    assert response.status_code == 302
    rus.refresh_from_db()
    assert (rus.title_sv, rus.kind, rus.code) == (
        "RUS Västmanland 2030",
        "local",
        "rus-vastmanland",
    )


def test_a_goal_changed_by_someone_else_meanwhile_is_not_overwritten(english, member, rus):
    english.force_login(member)
    goal = rus.goals.get(code="1")
    stale = edit_fingerprint(goal, GOAL_FIELDS)
    goal_update(goal=goal, title_sv="Kollegans titel")
    response = english.post(
        _url("goal_edit", pk=rus.pk, goal_pk=goal.pk),
        {"number": 1, "code": "1", "title_sv": "Min titel", "fingerprint": stale},
    )
    assert "Someone else saved this while you were editing" in response.content.decode()
    goal.refresh_from_db()
    assert goal.title_sv == "Kollegans titel"


# Who may write


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("goal_set_create", {}),
        ("goal_set_edit", {"pk": "own"}),
        ("goal_create", {"pk": "own"}),
    ],
)
def test_writing_needs_a_login_and_a_membership(client, outsider, rus, name, kwargs):
    url = _url(name, **dict.fromkeys(kwargs, rus.pk))
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"title_sv": "Intrång", "kind": "local", "number": 9}).status_code == 403
    )
    assert GoalSet.objects.filter(organisation__isnull=False).count() == 1
    assert rus.goals.count() == 2


def test_reference_goal_sets_are_read_only(english, member):
    english.force_login(member)
    reference = _reference()
    goal = reference.goals.first()
    page = english.get(_url("goal_set_detail", pk=reference.pk)).content.decode()
    assert _url("goal_create", pk=reference.pk) not in page
    assert "reference data, read-only" in page
    assert english.get(_url("goal_set_edit", pk=reference.pk)).status_code == 403
    assert english.post(_url("goal_create", pk=reference.pk), {"number": 99}).status_code == 403
    edit_goal = _url("goal_edit", pk=reference.pk, goal_pk=goal.pk)
    assert english.post(edit_goal, {"title_sv": "Ändrat"}).status_code == 403
    goal.refresh_from_db()
    assert goal.title_sv != "Ändrat"


def test_the_services_refuse_to_change_a_reference_set(reference_data):
    with pytest.raises(PermissionError):
        goal_create(goal_set=reference_data, code="18", number=18, title_sv="Mål 18")
    with pytest.raises(PermissionError):
        goal_update(goal=reference_data.goals.get(number=1), title_sv="Ändrat")
    assert not Goal.objects.filter(goal_set=reference_data, number=18).exists()


def test_the_admin_shows_reference_sets_read_only_and_own_sets_editable(client, rus):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("admin:agenda_goalset_changelist")).status_code == 200
    reference_page = client.get(reverse("admin:agenda_goalset_change", args=[_reference().pk]))
    assert reference_page.context["has_change_permission"] is False
    own_page = client.get(reverse("admin:agenda_goalset_change", args=[rus.pk]))
    assert own_page.context["has_change_permission"] is True
    assert client.get(reverse("admin:agenda_globalindicator_changelist")).status_code == 200


# The record


def test_the_history_of_an_own_goal_set_shows_its_goals_changes_and_exports(english, member, rus):
    goal = rus.goals.get(code="1")
    goal_update(
        goal=goal,
        expected_fingerprint=edit_fingerprint(goal, GOAL_FIELDS),
        title_sv="Attraktiv och hållbar region",
    )
    english.force_login(member)

    detail = english.get(_url("goal_set_detail", pk=rus.pk)).content.decode()
    assert _url("goal_set_history", pk=rus.pk) in detail
    page = english.get(_url("goal_set_history", pk=rus.pk)).content.decode()
    assert "Attraktiv region" in page and "Attraktiv och hållbar region" in page

    export = english.get(
        reverse("organisation:export", kwargs={"org_code": "1961", "name": "history-csv"}),
        {"kind": "goal_set", "pk": rus.pk},
    ).content.decode("utf-8-sig")
    assert "part_changed" in export and "Attraktiv och hållbar region" in export


def test_a_reference_set_has_no_history_here(english, member):
    english.force_login(member)
    reference = _reference()

    assert english.get(_url("goal_set_history", pk=reference.pk)).status_code == 404
    detail = english.get(_url("goal_set_detail", pk=reference.pk)).content.decode()
    assert _url("goal_set_history", pk=reference.pk) not in detail
