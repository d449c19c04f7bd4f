"""A goal's assessment in the status analysis: the suggestion its targets make, the
analyst's assessment with who and when, a reason when it differs, stale edits, the
17-goal overview, the exports, the copy to next year with what changed, the history and
the Agenda goal page."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from hallbar.analysis.status import selectors, services
from hallbar.analysis.status.models import GoalAssessment, StatusAnalysis, TargetAssessment
from hallbar.core.versions import EditConflict

pytestmark = pytest.mark.django_db


def url(view: str, analysis=None, **kwargs) -> str:
    if analysis is not None:
        kwargs["pk"] = analysis.pk
    return reverse(f"status_analysis:{view}", kwargs={"org_code": "1961", **kwargs})


def row(analysis: StatusAnalysis, code: str) -> TargetAssessment:
    return analysis.assessments.get(target__code=code, target__goal_set__code="agenda2030")


def goal(analysis: StatusAnalysis, number: int) -> GoalAssessment:
    return analysis.goal_assessments.get(goal__number=number)


def assess(target: TargetAssessment, **values) -> TargetAssessment:
    return services.assessment_update(
        target_assessment=target, expected_version=target.version, user=None, **values
    )


def assess_goal(goal_assessment: GoalAssessment, user=None, **values) -> GoalAssessment:
    return services.goal_assessment_update(
        goal_assessment=goal_assessment,
        expected_version=goal_assessment.version,
        user=user,
        **values,
    )


def summary_of(analysis: StatusAnalysis, number: int) -> selectors.GoalSummary:
    return selectors.goal_summaries(analysis)[number - 1]


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def analysis(analysis_world):
    """2025: goal 4 with 4.1 a challenge (high) and 4.2 a strength (low): suggestion
    challenge. Goal 13 with nothing assessed: no suggestion."""
    analysis = services.analysis_create(organisation=analysis_world.organisation, year=2025)
    assess(row(analysis, "4.1"), relevance="high", assessment="challenge", override_reason="Ny.")
    assess(row(analysis, "4.2"), relevance="low", assessment="strength")
    return analysis


@pytest.fixture
def analyst(analysis_world):
    return analysis_world.users["analytiker"]


# --- the suggestion and the service ---------------------------------------------------------


def test_the_goal_suggestion_follows_its_targets_assessments(analysis):
    four, thirteen = summary_of(analysis, 4), summary_of(analysis, 13)

    assert (four.suggested, four.assessment, four.shown_is_suggestion) == (
        "challenge",
        "",
        True,
    )
    assert four.suggestion.reasoning.splitlines()[:3] == [
        "Of 2 assessed relevant targets (weight 4), challenges and major challenges weigh "
        "3: challenge.",
        "- 4.1 (High, weight 3): Challenge",
        "- 4.2 (Low, weight 1): Strength",
    ]
    assert thirteen.suggested == "" and thirteen.shown == ""


def test_assessing_a_goal_records_who_when_and_the_suggestion(analysis, analyst):
    saved = assess_goal(goal(analysis, 4), analyst, assessment="challenge", text="Skolan.")

    assert (saved.assessment, saved.suggested_assessment, saved.override_reason) == (
        "challenge",
        "challenge",
        "",
    )
    assert saved.assessed_by == analyst and saved.assessed_at is not None
    assert saved.suggestion_reasoning.startswith("Of 2 assessed relevant targets")
    assert (saved.version, saved.history.count()) == (2, 2)
    assert saved.history.first().history_user == analyst


def test_an_assessment_differing_from_the_suggestion_needs_a_reason(analysis, analyst):
    with pytest.raises(ValidationError) as error:
        assess_goal(goal(analysis, 4), analyst, assessment="strength", text="Skolan.")

    assert error.value.message_dict["override_reason"] == [
        "The assessment differs from the suggestion (Challenge): give a reason."
    ]
    unchanged = goal(analysis, 4)
    assert (unchanged.assessment, unchanged.text, unchanged.version) == ("", "", 1)

    saved = assess_goal(
        goal(analysis, 4), analyst, assessment="strength", override_reason="Lokal kunskap."
    )
    assert saved.differs_from_suggestion and saved.override_reason == "Lokal kunskap."


def test_without_a_suggestion_any_assessment_needs_no_reason(analysis):
    saved = assess_goal(goal(analysis, 13), assessment="major_challenge")

    assert (saved.assessment, saved.suggested_assessment) == ("major_challenge", "")


def test_an_unknown_assessment_is_refused(analysis):
    with pytest.raises(ValidationError) as error:
        assess_goal(goal(analysis, 4), assessment="great")

    assert "Choose one of the listed assessments" in error.value.message_dict["assessment"][0]


def test_the_database_refuses_an_override_without_a_reason(analysis):
    assess_goal(goal(analysis, 4), assessment="challenge")

    with pytest.raises(IntegrityError), transaction.atomic():
        GoalAssessment.objects.filter(pk=goal(analysis, 4).pk).update(assessment="strength")


def test_a_text_change_alone_keeps_the_assessment_as_it_was_made(analysis, analyst):
    first = assess_goal(goal(analysis, 4), assessment="challenge")
    # A target is assessed since: the suggestion is now a strength.
    assess(row(analysis, "4.3"), relevance="high", assessment="strength")
    assess(row(analysis, "4.4"), relevance="high", assessment="strength")
    assert summary_of(analysis, 4).suggested == "strength"
    assert summary_of(analysis, 4).suggestion_changed

    saved = assess_goal(goal(analysis, 4), analyst, text="Ny sammanfattning.")

    assert (saved.assessment, saved.suggested_assessment) == ("challenge", "challenge")
    assert (saved.assessed_by, saved.assessed_at) == (None, first.assessed_at)
    assert saved.updated_by == analyst


def test_a_stale_goal_edit_is_refused_with_what_changed(analysis):
    opened = goal(analysis, 4)  # both open version 1
    assess_goal(goal(analysis, 4), assessment="challenge", text="Först sparad.")

    with pytest.raises(EditConflict) as error:
        services.goal_assessment_update(
            goal_assessment=opened, expected_version=1, user=None, text="Min text."
        )

    assert error.value.current_version == 2
    assert {(c.field, c.theirs) for c in error.value.changes} == {
        ("assessment", "Challenge"),
        ("text", "Först sparad."),
    }
    assert goal(analysis, 4).text == "Först sparad."


# --- the pages --------------------------------------------------------------------------------


def test_the_analyst_assesses_a_goal_on_its_form(client, analysis, analyst):
    client.force_login(analyst)
    page = html(client.get(url("goal_edit", analysis, number=4)))
    assert 'id="goal-suggestion"' in page and "- 4.1 (High, weight 3): Challenge" in page

    refused = html(
        client.post(
            url("goal_edit", analysis, number=4),
            {"version": "1", "assessment": "strength", "text": "Skolan lyfter."},
        )
    )
    assert "The assessment differs from the suggestion (Challenge): give a reason." in refused
    assert 'value="strength" selected' in refused and "Skolan lyfter." in refused
    assert goal(analysis, 4).version == 1

    response = client.post(
        url("goal_edit", analysis, number=4),
        {"version": "1", "assessment": "strength", "override_reason": "Lokalt.", "text": "Ok."},
    )
    assert response.status_code == 302
    assert response["Location"] == url("goal_detail", analysis, number=4)
    detail = html(client.get(response["Location"]))
    assert "Lokalt." in detail and "analytiker" in detail


def test_a_stale_goal_form_shows_what_changed_and_keeps_the_input(client, analysis, analyst):
    assess_goal(goal(analysis, 4), text="Annans text.")
    client.force_login(analyst)

    page = html(
        client.post(
            url("goal_edit", analysis, number=4),
            {"version": "1", "assessment": "", "text": "Min text."},
        )
    )

    assert "Someone else saved this after you opened it" in page
    assert "Annans text." in page and "Min text." in page
    assert 'name="version" value="2"' in page
    assert goal(analysis, 4).text == "Annans text."


def test_the_overview_colours_goals_by_assessment_else_by_suggestion(client, analysis, analyst):
    assess(row(analysis, "13.2"), assessment="major_challenge")
    assess_goal(goal(analysis, 13), assessment="major_challenge")
    client.force_login(analyst)

    page = html(client.get(url("analysis_detail", analysis)))

    def tile(number: int) -> str:
        return page.split(f'id="goal-{number}"')[1].split("</li>")[0]

    thirteen, four, one = tile(13), tile(4), tile(1)
    # Assessed: coloured by its own assessment, labelled.
    assert "sa-goal-major_challenge sa-goal-assessed" in thirteen
    assert "background:#B3261E" in thirteen and "Assessment: <strong>Major challenge" in thirteen
    # Not assessed: coloured by the suggestion, marked as one.
    assert "sa-goal-challenge sa-goal-suggested" in four
    assert "dashed #9E5400" in four
    assert "<em>Suggestion:</em> <strong>Challenge</strong>" in four
    assert "not assessed yet" in four
    # Neither: plain, said in words.
    assert "sa-goal-none" in one and "Not assessed, no suggestion" in one
    # The count of prioritised targets stays.
    assert "0 prioritised targets" in four


def test_the_goal_page_is_public_once_confirmed(client, analysis, analyst):
    assess_goal(goal(analysis, 4), analyst, assessment="challenge", text="Skolan först.")
    assert client.get(url("goal_detail", analysis, number=4)).status_code == 404
    services.analysis_confirm(analysis=analysis, expected_version=analysis.version, user=None)

    page = html(client.get(url("goal_detail", analysis, number=4)))

    assert "Skolan först." in page and "Challenge" in page
    assert "- 4.2 (Low, weight 1): Strength" in page  # the reasoning
    assert "analytiker" not in page  # who assessed: for the organisation's own readers
    assert url("goal_history", analysis, number=4) not in page
    assert client.get(url("goal_detail", analysis, number=99)).status_code == 404


def test_the_goal_history_shows_the_assessment_fields(client, analysis, analyst):
    assess_goal(goal(analysis, 4), analyst, text="Första.")
    assess_goal(goal(analysis, 4), analyst, assessment="strength", override_reason="Lokalt.")
    client.force_login(analyst)

    page = html(client.get(url("goal_history", analysis, number=4)))

    table = page.split('id="history-table"')[1].split("<tbody>")[1]
    newest = table.split("</tr>")[0]
    assert "Assessment: – → Strength" in newest
    assert "Suggested assessment: – → Challenge" in newest
    assert "Reason for overriding the suggestion: – → Lokalt." in newest
    assert "Summary of the goal: – → Första." in table
    assert "analytiker" in newest
    assert "Created with the analysis" in table
    client.logout()
    assert client.get(url("goal_history", analysis, number=4)).status_code == 404


def test_the_agenda_goal_page_shows_the_goal_assessment(client, analysis_world, analysis):
    assess_goal(goal(analysis, 4), assessment="strength", override_reason="Lokal kunskap.")
    client.force_login(analysis_world.users["extern"])

    page = html(client.get(reverse("steering:goal", kwargs={"org_code": "1961", "number": 4})))

    section = page.split('id="status-analysis"')[1]
    assert "Assessment of the goal" in section and "Strength" in section
    assert "Lokal kunskap." in section
    assert url("goal_detail", analysis, number=4) in section
    # Goal 13 is not assessed and its targets make no suggestion.
    page = html(client.get(reverse("steering:goal", kwargs={"org_code": "1961", "number": 13})))
    section = page.split('id="status-analysis"')[1]
    assert "Not assessed yet" in section and "No suggestion" in section


# --- exports ----------------------------------------------------------------------------------


def test_the_goals_csv_has_a_row_per_goal_with_its_assessment(client, analysis, analyst):
    assess_goal(goal(analysis, 4), analyst, assessment="strength", override_reason="Lokalt.")
    client.force_login(analyst)

    response = client.get(url("analysis_export", analysis, name="goals-csv"))

    assert response["Content-Type"].startswith("text/csv")
    assert "goals" in response["Content-Disposition"]
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    rows = list(reader)
    assert reader.fieldnames == [
        "goal",
        "title",
        "assessment",
        "suggested_assessment",
        "suggestion_reasoning",
        "assessed_against",
        "override_reason",
        "carried_over",
        "assessed_by",
        "assessed_at",
        "targets",
        "strength",
        "neutral",
        "challenge",
        "major_challenge",
        "not_assessed",
        "not_relevant",
        "prioritised",
        "text",
    ]
    assert len(rows) == 17
    four = rows[3]
    assert (four["goal"], four["assessment"], four["suggested_assessment"]) == (
        "4",
        "strength",
        "challenge",
    )
    assert (four["override_reason"], four["assessed_by"], four["carried_over"]) == (
        "Lokalt.",
        "analytiker",
        "no",
    )
    assert (four["targets"], four["strength"], four["challenge"], four["not_assessed"]) == (
        "10",
        "1",
        "1",
        "8",
    )
    assert rows[12]["assessment"] == "" and rows[12]["suggested_assessment"] == ""


def test_the_json_has_the_analysis_with_goals_and_targets(client, analysis, analyst):
    assess_goal(goal(analysis, 4), analyst, assessment="challenge")
    services.analysis_confirm(analysis=analysis, expected_version=analysis.version, user=None)

    response = client.get(url("analysis_export", analysis, name="json"))  # the public's

    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert (document["year"], document["state"], document["organisation"]["code"]) == (
        2025,
        "confirmed",
        "1961",
    )
    assert len(document["goals"]) == 17 and len(document["targets"]) == 169
    assert document["goals"][3]["assessment"] == "challenge"
    target = next(t for t in document["targets"] if t["target"] == "4.1")
    assert (target["assessment"], target["prioritised"]) == ("challenge", False)
    # The target suggestion's reasoning can name internal indicators: not for the public.
    assert "suggestion_reasoning" not in target
    assert client.get(url("analysis_export", analysis, name="xml")).status_code == 404


# --- next year --------------------------------------------------------------------------------


def test_next_year_carries_the_goal_assessments_over_and_shows_what_changed(
    client, analysis_world, analysis, analyst
):
    assess_goal(goal(analysis, 4), analyst, assessment="challenge", text="Skolan.")
    assess_goal(goal(analysis, 13), analyst, assessment="major_challenge")

    this = services.analysis_create(organisation=analysis_world.organisation, year=2026)

    copied = goal(this, 4)
    assert (copied.assessment, copied.suggested_assessment, copied.text) == (
        "challenge",
        "challenge",
        "Skolan.",
    )
    assert copied.is_carried_over and copied.assessed_by == analyst
    assert selectors.goal_changes_since(this, analysis) == []

    assess_goal(goal(this, 13), analyst, assessment="challenge")
    assess_goal(goal(this, 4), analyst, text="Skolan, nya siffror.")

    changes = selectors.goal_changes_since(this, analysis)
    assert [(c.goal.number, c.fields) for c in changes] == [(4, ["text"]), (13, ["assessment"])]
    client.force_login(analyst)
    page = html(client.get(url("analysis_changes", this)))
    table = page.split('id="goal-changes-table"')[1].split("</table>")[0]
    assert "Major challenge → <strong>Challenge</strong>" in table
    assert 'data-goal="4"' in table and 'data-goal="1"' not in table
