"""Prioritised targets in steering's registers (hallbar/steering/focus.py): the status
analysis registers which targets are prioritised; the goal and action registers mark
them ("Prioritised target") and filter on them, with and without htmx. Steering alone
(no provider) shows neither."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hallbar.agenda.models import Target
from hallbar.analysis.status import services as status_services
from hallbar.steering import focus
from tests.factories import (
    ActionFactory,
    BodyFactory,
    LocalGoalFactory,
    MembershipFactory,
    OrganisationFactory,
    SteeringDocumentFactory,
)

pytestmark = pytest.mark.django_db

BADGE = '<span class="badge badge-prioritised">Prioritised target</span>'


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def organisation(reference_data):
    return OrganisationFactory()


@pytest.fixture
def committee(organisation):
    return BodyFactory(organisation=organisation, name="Tekniska nämnden")


@pytest.fixture
def member(committee):
    return MembershipFactory(body=committee).user


def targets(*codes):
    return list(Target.objects.agenda2030().filter(code__in=codes))


@pytest.fixture
def registers(organisation, committee):
    """Two decided goals and two actions under a decided plan, on different targets."""
    plan = SteeringDocumentFactory(
        organisation=organisation,
        title="Handlingsplan för resor",
        status="decided",
        decided_by=committee,
        decision_date=dt.date(2025, 2, 10),
    )
    for title, codes in (("Cykelmålet", ("11.2", "3.6")), ("Skolmålet", ("4.1",))):
        LocalGoalFactory(organisation=organisation, body=committee, title=title).targets.set(
            targets(*codes)
        )
    for title, codes in (("Cykelvägen", ("11.2",)), ("Ungdomsjobb", ("8.5",))):
        ActionFactory(
            organisation=organisation, plan=plan, body=committee, title=title
        ).targets.set(targets(*codes))


def analysis(organisation, year: int, prioritised: tuple[str, ...], confirm: bool):
    made = status_services.analysis_create(organisation=organisation, year=year)
    for code in prioritised:
        row = made.assessments.get(target__code=code, target__goal_set__code="agenda2030")
        status_services.assessment_update(
            target_assessment=row,
            expected_version=row.version,
            user=None,
            is_prioritised=True,
            priority_motivation="KF-mål.",
        )
    if confirm:
        made = status_services.analysis_confirm(
            analysis=made, expected_version=made.version, user=None
        )
    return made


def url(name, organisation):
    return reverse(f"steering:{name}", kwargs={"org_code": organisation.code})


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def rows(page: str) -> list[str]:
    """The titles of the register's rows."""
    body = page.split("<tbody>")[1] if "<tbody>" in page else ""
    return [part.split("</a>")[0].split(">")[-1] for part in body.split('<th scope="row">')[1:]]


def row_of(page: str, title: str) -> str:
    return page.split(f">{title}</a>")[1].split("</tr>")[0]


def test_the_goal_register_marks_and_filters_prioritised_targets(client, organisation, registers):
    confirmed = analysis(organisation, 2025, ("11.2",), confirm=True)

    page = html(client.get(url("goal_list", organisation)))

    assert BADGE in row_of(page, "Cykelmålet")
    assert "Prioritised" not in row_of(page, "Skolmålet")
    assert row_of(page, "Cykelmålet").index("11.2") < row_of(page, "Cykelmålet").index(BADGE)
    note = page.split('id="focus-note"')[1].split("</p>")[0]
    assert "prioritised in Status analysis 2025" in note
    priorities_url = reverse(
        "status_analysis:analysis_priorities",
        kwargs={"org_code": organisation.code, "pk": confirmed.pk},
    )
    assert priorities_url in note and "draft" not in note
    assert 'name="prioritised"' in page and "Only prioritised targets" in page

    # Without JavaScript: the form's GET.
    filtered = html(client.get(url("goal_list", organisation), {"prioritised": "on"}))
    assert rows(filtered) == ["Cykelmålet"]
    checkbox = filtered.split('name="prioritised"')[1].split(">")[0]
    assert "checked" in checkbox

    # With htmx: only the results, filtered the same way.
    fragment = html(
        client.get(
            url("goal_list", organisation),
            {"prioritised": "on"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="goal-results",
        )
    )
    assert "<h1" not in fragment and rows(fragment) == ["Cykelmålet"]
    assert BADGE in fragment


def test_the_action_register_marks_and_filters_prioritised_targets(client, organisation, registers):
    analysis(organisation, 2025, ("8.5",), confirm=True)

    page = html(client.get(url("action_list", organisation)))
    assert BADGE in row_of(page, "Ungdomsjobb") and BADGE not in row_of(page, "Cykelvägen")

    assert rows(html(client.get(url("action_list", organisation), {"prioritised": "on"}))) == [
        "Ungdomsjobb"
    ]
    fragment = html(
        client.get(
            url("action_list", organisation),
            {"prioritised": "on", "q": "Ungdom"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="action-results",
        )
    )
    assert "<h1" not in fragment and rows(fragment) == ["Ungdomsjobb"]


def test_the_latest_confirmed_analysis_counts_not_a_newer_draft(
    client, organisation, registers, member
):
    analysis(organisation, 2025, ("11.2",), confirm=True)
    analysis(organisation, 2026, ("4.1",), confirm=False)
    client.force_login(member)

    page = html(client.get(url("goal_list", organisation)))

    assert BADGE in row_of(page, "Cykelmålet") and BADGE not in row_of(page, "Skolmålet")
    assert "Status analysis 2025" in page.split('id="focus-note"')[1].split("</p>")[0]


def test_a_draft_analysis_is_marked_for_members_and_unknown_to_the_public(
    client, organisation, registers, member
):
    analysis(organisation, 2025, ("4.1",), confirm=False)

    public = html(client.get(url("goal_list", organisation)))
    assert BADGE not in public and 'name="prioritised"' not in public
    assert 'id="focus-note"' not in public
    # The public's filter is not there: asking for it filters nothing.
    assert len(rows(html(client.get(url("goal_list", organisation), {"prioritised": "on"})))) == 2

    client.force_login(member)
    page = html(client.get(url("goal_list", organisation)))
    assert BADGE in row_of(page, "Skolmålet")
    note = page.split('id="focus-note"')[1].split("</p>")[0]
    assert '<span class="badge">draft</span>' in note
    assert "Prioritised in Status analysis 2025 (draft)." in page


def test_an_analysis_without_priorities_filters_to_nothing(client, organisation, registers):
    analysis(organisation, 2025, (), confirm=True)

    page = html(client.get(url("goal_list", organisation), {"prioritised": "on"}))

    assert rows(page) == [] and "0 goals" in page


def test_one_query_for_the_prioritised_targets_whatever_the_rows(
    client, organisation, registers, committee
):
    analysis(organisation, 2025, ("11.2", "4.1"), confirm=True)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            html(client.get(url("goal_list", organisation)))
        reads = [q["sql"] for q in queries.captured_queries if "status_analysis" in q["sql"]]
        return len(queries.captured_queries), len(reads)

    before = count()
    for n in range(5):
        LocalGoalFactory(organisation=organisation, body=committee, title=f"Mål {n}").targets.set(
            targets("11.2")
        )
    after = count()

    assert before[1] == after[1] == 1
    assert before[0] == after[0]


def test_steering_alone_shows_no_badge_and_no_filter(client, organisation, registers, monkeypatch):
    analysis(organisation, 2025, ("11.2",), confirm=True)
    # Steering without the status analysis: no provider registered.
    monkeypatch.setattr(focus, "_registry", {})
    assert focus.focus_for(organisation, sees_drafts=True) is None

    for name in ("goal_list", "action_list"):
        page = html(client.get(url(name, organisation), {"prioritised": "on"}))
        assert "Prioritised" not in page and 'name="prioritised"' not in page
        assert 'id="focus-note"' not in page
        assert len(rows(page)) == 2  # an unknown filter filters nothing


def test_the_status_analysis_registers_its_provider():
    assert "status_analysis.priorities" in focus.registered()
