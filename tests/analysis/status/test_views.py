"""The status analysis pages: who may read, assess and propose; the table's filters; bad
input; the CSV; and the Agenda target and goal pages showing the latest assessment."""

import csv
import io

import pytest
from django.urls import reverse

from hallbar.analysis.status import services
from hallbar.analysis.status.models import AssessmentProposal, TargetAssessment

pytestmark = pytest.mark.django_db


def url(view: str, analysis=None, **kwargs) -> str:
    if analysis is not None:
        kwargs["pk"] = analysis.pk
    return reverse(f"status_analysis:{view}", kwargs={"org_code": "1961", **kwargs})


def row(analysis, code: str) -> TargetAssessment:
    return analysis.assessments.get(target__code=code, target__goal_set__code="agenda2030")


@pytest.fixture
def analysis(analysis_world):
    return services.analysis_create(organisation=analysis_world.organisation, year=2025)


def login(client, world, username: str):
    client.force_login(world.users[username])
    return client


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_an_analyst_creates_the_years_analysis(client, analysis_world):
    login(client, analysis_world, "analytiker")

    response = client.post(url("analysis_create"), {"year": "2025"})

    assert response.status_code == 302
    assert analysis_world.organisation.statusanalysis_set.get().assessments.count() == 169


def test_a_year_out_of_range_is_refused_by_name(client, analysis_world):
    login(client, analysis_world, "analytiker")

    page = html(client.post(url("analysis_create"), {"year": "20255"}))

    assert "Year: Ensure this value is less than or equal to 2100." in page


def test_a_draft_is_for_members_only(client, analysis_world, analysis):
    assert client.get(url("analysis_detail", analysis)).status_code == 404
    assert "2025" not in html(client.get(url("analysis_list")))

    login(client, analysis_world, "extern")
    assert "Draft" in html(client.get(url("analysis_detail", analysis)))


def test_a_confirmed_analysis_is_published(client, analysis_world, analysis):
    login(client, analysis_world, "analytiker")
    response = client.post(url("analysis_state", analysis), {"version": "1", "summary": "Klar."})
    assert response.status_code == 302
    client.logout()  # clears every cookie, the language's too
    client.cookies["django_language"] = "en"

    page = html(client.get(url("analysis_detail", analysis)))

    assert "Status analysis 2025" in page and "Klar." in page
    # The public does not see the suggestion's reasoning (it can name internal indicators).
    target_page = html(client.get(url("target_detail", analysis, code="4.1")))
    assert "Reasoning" not in target_page and "Strength" in target_page


def test_the_table_filters_by_goal_assessment_and_priority(client, analysis_world, analysis):
    user = analysis_world.users["analytiker"]
    services.assessment_update(
        target_assessment=row(analysis, "4.1"),
        expected_version=1,
        user=user,
        assessment="challenge",
        override_reason="Lokala skillnader.",
        is_prioritised=True,
        priority_motivation="KF-mål.",
    )
    login(client, analysis_world, "extern")

    def codes(**query) -> list[str]:
        page = html(client.get(url("analysis_detail", analysis), query))
        table = page.split('id="assessment-table"')[1] if 'id="assessment-table"' in page else ""
        return [part.split('"')[0] for part in table.split('data-target="')[1:]]

    assert len(codes()) == 169
    goal_4 = analysis.goal_assessments.get(goal__number=4).goal_id
    assert len(codes(goal=goal_4)) == 10
    assert codes(assessment="challenge") == ["4.1"]
    assert codes(prioritised="yes") == ["4.1"]
    assert codes(differs="on") == ["4.1"]
    assert len(codes(assessment="not_assessed")) == 168
    # Sorting: the best suggestion first.
    assert codes(sort="suggestion")[:2] == ["4.1", "13.2"]
    # An unknown choice is shown as an error, not ignored silently.
    page = html(client.get(url("analysis_detail", analysis), {"assessment": "great"}))
    assert "Select a valid choice" in page


def test_htmx_gets_only_the_table(client, analysis_world, analysis):
    login(client, analysis_world, "analytiker")

    response = client.get(
        url("analysis_detail", analysis),
        {"assessment": "not_assessed"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="sa-results",
    )

    page = html(response)
    assert "<h1" not in page and 'id="assessment-table"' in page


def test_the_analysis_page_runs_a_bounded_number_of_queries(
    client, analysis_world, analysis, django_assert_max_num_queries
):
    login(client, analysis_world, "analytiker")
    with django_assert_max_num_queries(20):
        html(client.get(url("analysis_detail", analysis)))


def test_the_analyst_confirms_the_suggestion(client, analysis_world, analysis):
    login(client, analysis_world, "analytiker")
    page = html(client.get(url("target_edit", analysis, code="4.1")))
    assert "N00001" in page and "Confirm the suggestion: Strength" in page

    response = client.post(
        url("target_edit", analysis, code="4.1"), {"action": "confirm", "version": "1"}
    )

    assert response.status_code == 302
    assert row(analysis, "4.1").assessment == "strength"


def test_an_override_without_a_reason_is_refused_and_nothing_is_saved(
    client, analysis_world, analysis
):
    login(client, analysis_world, "analytiker")

    page = html(
        client.post(
            url("target_edit", analysis, code="4.1"),
            {"action": "save", "version": "1", "assessment": "challenge", "text": "Text"},
        )
    )

    assert "The assessment differs from the suggestion (Strength): give a reason." in page
    assert 'value="challenge" selected' in page  # the input is kept
    target = row(analysis, "4.1")
    assert (target.assessment, target.text, target.version) == ("", "", 1)


def test_a_stale_edit_shows_what_changed_and_keeps_the_input(client, analysis_world, analysis):
    services.assessment_update(
        target_assessment=row(analysis, "4.1"), expected_version=1, user=None, text="Annans text."
    )
    login(client, analysis_world, "analytiker")

    page = html(
        client.post(
            url("target_edit", analysis, code="4.1"),
            {"action": "save", "version": "1", "text": "Min text."},
        )
    )

    assert "Someone else saved this after you opened it" in page
    assert "Annans text." in page and "Min text." in page
    assert "Their value (saved)" in page and "Your value (not saved)" in page
    assert 'name="version" value="2"' in page  # saving again is a deliberate choice
    assert row(analysis, "4.1").text == "Annans text."


def test_an_unknown_target_code_is_not_found(client, analysis_world, analysis):
    login(client, analysis_world, "analytiker")

    response = client.get(url("target_edit", analysis, code="99.9"))

    assert response.status_code == 404


def test_a_council_member_proposes_but_cannot_assess(client, analysis_world, analysis):
    for username in ("radsledamot", "extern"):
        login(client, analysis_world, username)
        before = row(analysis, "13.2")

        refused = client.post(
            url("target_edit", analysis, code="13.2"),
            {"action": "save", "version": "1", "assessment": "challenge", "override_reason": "x"},
        )
        confirm = client.post(
            url("target_edit", analysis, code="13.2"), {"action": "confirm", "version": "1"}
        )
        proposed = client.post(
            url("target_propose", analysis, code="13.2"),
            {"proposed_assessment": "challenge", "reason": f"Skäl från {username}."},
        )

        assert (refused.status_code, confirm.status_code, proposed.status_code) == (403, 403, 302)
        after = row(analysis, "13.2")
        assert (after.assessment, after.version, after.history.count()) == (
            before.assessment,
            before.version,
            before.history.count(),
        )
    assert AssessmentProposal.objects.filter(assessment__target__code="13.2").count() == 2

    # The analyst sees the proposals on the form and adopts one.
    login(client, analysis_world, "analytiker")
    page = html(client.get(url("target_edit", analysis, code="13.2")))
    assert "Skäl från radsledamot." in page and "Skäl från extern." in page
    proposal = AssessmentProposal.objects.get(reason="Skäl från extern.")
    response = client.post(
        url("target_edit", analysis, code="13.2"),
        {
            "action": "answer",
            "proposal": proposal.pk,
            "decision": "adopt",
            "response": "Antaget.",
            "version": "1",
        },
    )
    assert response.status_code == 302
    assert row(analysis, "13.2").assessment == "challenge"


def test_a_proposal_without_a_reason_is_refused(client, analysis_world, analysis):
    login(client, analysis_world, "extern")

    page = html(
        client.post(url("target_propose", analysis, code="4.1"), {"proposed_assessment": "neutral"})
    )

    assert "Reason: This field is required." in page
    assert not AssessmentProposal.objects.exists()


def test_a_committee_officer_cannot_edit_the_organisation_wide_analysis(
    client, analysis_world, analysis
):
    login(client, analysis_world, "handlaggare")

    assert client.get(url("target_edit", analysis, code="4.1")).status_code == 403
    assert client.post(url("analysis_create"), {"year": "2026"}).status_code == 403
    assert (
        client.post(url("goal_edit", analysis, number=4), {"version": 1, "text": "x"}).status_code
        == 403
    )
    assert analysis.goal_assessments.get(goal__number=4).text == ""


def test_the_goal_summary_text_is_saved(client, analysis_world, analysis):
    login(client, analysis_world, "analytiker")

    response = client.post(
        url("goal_edit", analysis, number=4), {"version": "1", "text": "Skolan."}
    )

    assert response.status_code == 302
    assert "Skolan." in html(client.get(url("analysis_detail", analysis)))


def test_the_csv_has_a_row_per_target(client, analysis_world, analysis):
    login(client, analysis_world, "analytiker")

    response = client.get(url("analysis_export", analysis, name="csv"))

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 169
    by_code = {r["target"]: r for r in rows}
    assert by_code["4.1"]["suggested_assessment"] == "strength"
    assert "N00001" in by_code["4.1"]["suggestion_reasoning"]


def test_the_priorities_and_changes_pages(client, analysis_world):
    organisation = analysis_world.organisation
    last = services.analysis_create(organisation=organisation, year=2024)
    services.assessment_update(
        target_assessment=row(last, "11.2"),
        expected_version=1,
        user=None,
        is_prioritised=True,
        priority_motivation="Hållbara resor är ett KF-mål.",
    )
    this = services.analysis_create(organisation=organisation, year=2025)
    services.assessment_update(
        target_assessment=row(this, "14.1"),
        expected_version=1,
        user=None,
        relevance="not_relevant",
        relevance_reason="Kommunen har ingen kust.",
    )
    login(client, analysis_world, "analytiker")

    priorities = html(client.get(url("analysis_priorities", this)))
    changes = html(client.get(url("analysis_changes", this)))

    assert "Hållbara resor är ett KF-mål." in priorities
    assert "1 target changed since 2024." in changes
    assert "Not relevant</strong>" in changes


def test_the_agenda_target_and_goal_pages_show_the_latest_assessment(
    client, analysis_world, analysis
):
    services.assessment_update(
        target_assessment=row(analysis, "4.1"),
        expected_version=1,
        user=analysis_world.users["analytiker"],
        assessment="strength",
        relevance="high",
        text="Behörigheten ökar.",
        is_prioritised=True,
        priority_motivation="Skolan först.",
    )
    target_url = reverse("steering:target", kwargs={"org_code": "1961", "code": "4.1"})
    goal_url = reverse("steering:goal", kwargs={"org_code": "1961", "number": 4})
    # A draft: not for the public.
    assert "Behörigheten ökar." not in html(client.get(target_url))

    login(client, analysis_world, "extern")
    page = html(client.get(target_url))
    section = page.split('id="status-analysis"')[1]
    assert "In the status analysis 2025" in section and "draft" in section
    assert "Strength" in section and "High" in section and "Skolan först." in section
    assert url("target_detail", analysis, code="4.1") in section
    # The indicators section is still there, through the same registry.
    assert 'id="followed-indicators"' in page and "N00001" in page

    goal_page = html(client.get(goal_url))
    assert "1 of 10 targets assessed, 1 prioritised." in goal_page


def test_the_history_shows_who_changed_what(client, analysis_world, analysis):
    analyst = analysis_world.users["analytiker"]
    services.assessment_update(
        target_assessment=row(analysis, "4.1"), expected_version=1, user=analyst, text="Första."
    )
    services.assessment_update(
        target_assessment=row(analysis, "4.1"),
        expected_version=2,
        user=analyst,
        assessment="strength",
    )
    login(client, analysis_world, "radsledamot")

    page = html(client.get(url("target_history", analysis, code="4.1")))

    table = page.split('id="history-table"')[1]
    assert table.index("Assessment: – → Strength") < table.index("Analysis text: – → Första.")
    assert "analytiker" in table
    client.logout()
    assert client.get(url("target_history", analysis, code="4.1")).status_code == 404
