"""The record of a status analysis (hallbar/analysis/status/records.py, the generic
machinery of hallbar.core.records): its History page with the versions of its target
assessments and goal summaries as parts, and the CSV/JSON history exports. For the
organisation's own readers only."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hallbar.analysis.status import selectors, services
from hallbar.analysis.status.models import StatusAnalysis, TargetAssessment
from hallbar.core import records
from hallbar.steering import focus

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysis(analysis_world):
    analyst = analysis_world.users["analytiker"]
    analysis = services.analysis_create(organisation=analysis_world.organisation, year=2025)
    target = analysis.assessments.get(target__code="4.1", target__goal_set__code="agenda2030")
    services.assessment_update(
        target_assessment=target,
        expected_version=1,
        user=analyst,
        is_prioritised=True,
        priority_motivation="Skolan först.",
    )
    goal = analysis.goal_assessments.get(goal__number=4)
    services.goal_assessment_update(
        goal_assessment=goal,
        expected_version=1,
        user=analyst,
        assessment="major_challenge",
        text="Skolan.",
    )
    services.analysis_confirm(analysis=analysis, expected_version=1, user=analyst)
    return analysis


def history_url(analysis) -> str:
    return reverse(
        "status_analysis:status_analysis_history",
        kwargs={"org_code": "1961", "pk": analysis.pk},
    )


def export_url(name: str) -> str:
    return reverse("organisation:export", kwargs={"org_code": "1961", "name": name})


def test_the_history_has_the_analysis_and_its_parts(analysis):
    entries = records.object_history(
        organisation=analysis.organisation, kind="status_analysis", pk=analysis.pk
    )

    newest = entries[0]
    assert (newest.kind, newest.object_title, newest.username) == (
        "changed",
        "Status analysis 2025",
        "analytiker",
    )
    assert [(c.field, c.new) for c in newest.changes if c.field == "state"] == [
        ("state", "Confirmed (published)")
    ]
    goal = next(e for e in entries if e.subject.startswith("Goal 4.") and e.kind == "part_changed")
    assert {(c.field, c.new) for c in goal.changes} >= {
        ("assessment", "Major challenge"),
        ("text", "Skolan."),
        ("assessed_by", "analytiker"),
    }
    target = next(e for e in entries if e.subject == "Target 4.1" and e.kind == "part_changed")
    assert ("is_prioritised", "Yes") in {(c.field, c.new) for c in target.changes}
    # The computed reasoning stays on the target's own page.
    assert all(c.field != "suggestion_reasoning" for e in entries for c in e.changes)


def test_the_history_page_is_for_the_organisations_own_readers(client, analysis_world, analysis):
    assert client.get(history_url(analysis)).status_code == 302  # log in first
    client.force_login(analysis_world.users["radsledamot"])

    response = client.get(history_url(analysis))

    assert response.status_code == 200
    page = response.content.decode()
    assert "History: Status analysis 2025" in page
    assert "Target 4.1" in page and "Skolan först." in page
    assert "Goal 4." in page and "Major challenge" in page
    analysis_page = client.get(
        reverse("status_analysis:analysis_detail", kwargs={"org_code": "1961", "pk": analysis.pk})
    ).content.decode()
    assert history_url(analysis) in analysis_page


def test_the_history_exports_as_csv_and_json(client, analysis_world, analysis):
    client.force_login(analysis_world.users["analytiker"])
    query = {"kind": "status_analysis", "pk": analysis.pk}

    response = client.get(export_url("history-csv"), query)

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert {row["object_title"] for row in rows} == {"Status analysis 2025"}
    assert any(
        row["subject"] == "Target 4.1" and row["field"] == "priority_motivation" for row in rows
    )
    assert any(
        row["subject"].startswith("Goal 4.") and row["new"] == "Major challenge" for row in rows
    )

    document = json.loads(client.get(export_url("history-json"), query).content)
    assert document["organisation"] == "1961"
    assert any(version["subject"] == "Target 4.1" for version in document["versions"])


# --- deleting and restoring -------------------------------------------------------------------


def record_url(page: str, analysis) -> str:
    return reverse(
        f"status_analysis:status_analysis_{page}", kwargs={"org_code": "1961", "pk": analysis.pk}
    )


def analysis_page(client, analysis):
    return client.get(
        reverse("status_analysis:analysis_detail", kwargs={"org_code": "1961", "pk": analysis.pk})
    )


def test_a_draft_analysis_is_removed_for_good_with_its_history_kept(client, analysis_world):
    draft = services.analysis_create(organisation=analysis_world.organisation, year=2026)
    client.force_login(analysis_world.users["analytiker"])
    assert record_url("delete", draft) in analysis_page(client, draft).content.decode()
    page = client.get(record_url("delete", draft)).content.decode()
    assert "removed for good" in page

    response = client.post(record_url("delete", draft), {"version": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "status_analysis:analysis_list", kwargs={"org_code": "1961"}
    )
    assert not StatusAnalysis.with_deleted.filter(pk=draft.pk).exists()
    assert not TargetAssessment.objects.filter(analysis_id=draft.pk).exists()
    assert draft.history.filter(history_type="-").exists()
    deleted_page = client.get(reverse("organisation:deleted_records", kwargs={"org_code": "1961"}))
    assert "Status analysis 2026" in deleted_page.content.decode()
    # The year is free again.
    services.analysis_create(organisation=analysis_world.organisation, year=2026)


def test_a_confirmed_analysis_is_deleted_softly_and_restored(client, analysis_world, analysis):
    organisation = analysis_world.organisation
    client.force_login(analysis_world.users["analytiker"])
    assert "It is a public record" in client.get(record_url("delete", analysis)).content.decode()

    response = client.post(record_url("delete", analysis), {"version": "2"})

    assert response.status_code == 302
    kept = StatusAnalysis.with_deleted.get(pk=analysis.pk)
    assert kept.deleted_at is not None and kept.deleted_by.username == "analytiker"
    # Gone from its pages, the selectors other apps read, and steering's focus.
    assert analysis_page(client, analysis).status_code == 404
    assert selectors.latest_analysis(organisation) is None
    assert list(selectors.prioritised_targets(organisation)) == []
    assert focus.focus_for(organisation, sees_drafts=True) is None
    # Its year cannot be started again: it is to be restored.
    with pytest.raises(ValidationError) as error:
        services.analysis_create(organisation=organisation, year=2025)
    assert "is deleted: restore it" in error.value.message_dict["year"][0]

    response = client.post(record_url("restore", analysis))

    assert response.status_code == 302
    assert analysis_page(client, analysis).status_code == 200
    assert [t.code for t in selectors.prioritised_targets(organisation)] == ["4.1"]


def test_a_delete_from_an_outdated_page_is_refused(client, analysis_world, analysis):
    client.force_login(analysis_world.users["analytiker"])

    response = client.post(record_url("delete", analysis), {"version": "1"})

    assert response.status_code == 200
    assert "Someone else saved this after you opened the page" in response.content.decode()
    assert StatusAnalysis.objects.filter(pk=analysis.pk).exists()


def test_only_the_analysts_delete(client, analysis_world, analysis):
    for username in ("handlaggare", "radsledamot"):
        client.force_login(analysis_world.users[username])
        assert client.post(record_url("delete", analysis), {"version": "2"}).status_code == 403
        assert (
            record_url("delete", analysis) not in analysis_page(client, analysis).content.decode()
        )
    assert StatusAnalysis.objects.filter(pk=analysis.pk).exists()


def test_an_analysis_a_later_year_was_copied_from_can_still_be_deleted(analysis_world, analysis):
    later = services.analysis_create(organisation=analysis_world.organisation, year=2026)
    assert later.based_on_id == analysis.pk
    analysis.refresh_from_db()

    plan = records.delete_plan(analysis)

    assert plan.allowed and plan.soft  # confirmed: kept as a record
