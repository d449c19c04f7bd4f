"""The record of cases and goal conflicts (hallbar/core/records.py): history pages with
the rated effects as parts, their CSV/JSON export, deleting a case (a draft for good, a
decided one softly, its open conflicts withdrawn and reopened on restore), deleting a
conflict raised by hand (never an automatic one)."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation

from hallbar.analysis.impact import selectors, services
from hallbar.analysis.impact.models import Case, ConflictStatus, GoalConflict, Remark
from hallbar.core import records
from tests.analysis.impact.conftest import assess, make_case, targets
from tests.personas import COMMITTEE_OFFICER, COUNCIL_INTERNAL, STRATEG

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Reasons and evidence are stored in the language detection runs in: English here,
    whatever the catalogue holds."""
    with translation.override("en"):
        yield


def url(route: str, **kwargs) -> str:
    return reverse(route, kwargs={"org_code": "1961", **kwargs})


def _delete(client, route: str, obj, **data):
    confirm = client.get(url(route, pk=obj.pk))
    assert confirm.status_code == 200
    version = confirm.context["form"].initial["version"]
    return confirm, client.post(url(route, pk=obj.pk), {"version": version, **data}, follow=True)


def test_the_case_history_shows_the_assessment_and_its_rated_effects(world, client_for):
    case = make_case(world)
    assess(case, ("11.1", "2"), ("2.4", "-2"), user=world.users[STRATEG])
    assess(case, ("11.1", "3"), ("2.4", "-2"), user=world.users[STRATEG])
    client = client_for(world.users[COUNCIL_INTERNAL])

    page = client.get(url("impact:case_history", pk=case.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert case.diary_number in text and "11.1" in text and "+3 strongly positive" in text

    export = client.get(
        url("organisation:export", name="history-csv"), {"kind": "case", "pk": case.pk}
    )
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    # A leading "+" is quoted for spreadsheets (records.spreadsheet_safe).
    ratings = [
        (r["subject"], r["old"].lstrip("'"), r["new"].lstrip("'"))
        for r in rows
        if r["field"] == "rating"
    ]
    assert ("11.1", "+2 positive", "+3 strongly positive") in ratings
    assert ("2.4", "", "−2 negative") in ratings
    as_json = client.get(
        url("organisation:export", name="history-json"), {"kind": "case", "pk": case.pk}
    ).json()
    assert {v["object_title"] for v in as_json["versions"]} == {f"{case.diary_number} {case.title}"}
    # Not for readers outside the organisation.
    assert client_for(None).get(url("impact:case_history", pk=case.pk)).status_code in (302, 404)


def test_a_draft_case_is_removed_for_good_with_its_automatic_conflicts(world, client_for):
    case = make_case(world, "TN 2026/3", deciding_body=world.bodies["tn"])
    [conflict] = assess(case, ("11.1", "2"), ("2.4", "-2")).created
    client = client_for(world.users[COMMITTEE_OFFICER])
    detail = client.get(url("impact:case_detail", pk=case.pk)).content.decode()
    assert url("impact:case_delete", pk=case.pk) in detail

    confirm, response = _delete(client, "impact:case_delete", case, reason="Registrerat två gånger")

    assert "removed for good" in confirm.content.decode()
    assert "was removed. Its history is kept." in response.content.decode()
    assert not Case.with_deleted.filter(pk=case.pk).exists()
    assert not GoalConflict.with_deleted.filter(pk=conflict.pk).exists()
    history = client.get(url("impact:case_history", pk=case.pk)).content.decode()
    assert "This was removed for good" in history and "Registrerat två gånger" in history
    assert conflict.history.filter(history_type="-").exists()
    removed = client.get(url("organisation:deleted_records")).content.decode()
    assert case.diary_number in removed


def test_a_decided_case_is_deleted_softly_its_open_conflicts_withdrawn_and_restored(
    world, client_for, django_capture_on_commit_callbacks
):
    case = make_case(world, "KS 2026/20")
    [open_one] = assess(case, ("11.1", "2"), ("2.4", "-2")).created
    services.case_save(
        organisation=world.organisation,
        case=case,
        fields={
            "status": "decided",
            "decision_date": dt.date(2026, 5, 4),
            "decision_paragraph": "9",
        },
        links={},
        expected_version=case.updated_at,
    )
    client = client_for(world.users[STRATEG])

    with django_capture_on_commit_callbacks(execute=True):
        _confirm, response = _delete(client, "impact:case_delete", case)
    assert "was deleted. An editor can restore it." in response.content.decode()

    kept = Case.with_deleted.get(pk=case.pk)
    assert kept.deleted_at is not None and kept.deleted_by == world.users[STRATEG]
    assert client.get(url("impact:case_detail", pk=case.pk)).status_code == 404
    assert case.diary_number not in client.get(url("impact:case_list")).content.decode()
    assert case.diary_number in client.get(url("organisation:deleted_records")).content.decode()
    open_one.refresh_from_db()
    assert (open_one.status, open_one.withdrawn_reason) == ("withdrawn", "The case was deleted.")
    # The conflict page names the deleted case without a link to it.
    page = client.get(url("impact:conflict_detail", pk=open_one.pk)).content.decode()
    assert "(deleted)" in page and url("impact:case_detail", pk=case.pk) not in page

    with django_capture_on_commit_callbacks(execute=True):
        restored = client.post(url("impact:case_restore", pk=case.pk), follow=True)
    assert "was restored" in restored.content.decode()
    open_one.refresh_from_db()
    assert open_one.status == ConflictStatus.OPEN
    assert GoalConflict.objects.filter(case=case).count() == 1


def test_a_decided_conflict_keeps_its_case_and_stays_as_precedent(world, client_for):
    case = make_case(world, "TN 2026/4", deciding_body=world.bodies["tn"])
    [conflict] = assess(case, ("11.1", "2"), ("2.4", "-2")).created
    services.conflict_decide(
        conflict=conflict,
        body=world.bodies["tn"],
        date=dt.date(2026, 4, 1),
        paragraph="12",
        trade_off="Bostäderna byggs.",
        reasoning="Bostadsbristen väger tyngst.",
    )
    client = client_for(world.users[COMMITTEE_OFFICER])

    _confirm, response = _delete(client, "impact:case_delete", case)

    assert "was deleted. An editor can restore it." in response.content.decode()
    assert Case.with_deleted.get(pk=case.pk).deleted_at is not None
    kept = GoalConflict.objects.get(pk=conflict.pk)
    assert (kept.status, kept.decision_paragraph) == ("decided", "12")


def test_a_deleted_case_keeps_its_diary_number(world, client_for):
    case = make_case(world, "KS 2026/30")
    services.case_save(
        organisation=world.organisation,
        case=case,
        fields={
            "status": "decided",
            "decision_date": dt.date(2026, 5, 4),
            "decision_paragraph": "9",
        },
        links={},
        expected_version=case.updated_at,
    )
    client = client_for(world.users[STRATEG])
    _delete(client, "impact:case_delete", case)

    response = client.post(
        url("impact:case_create"),
        {
            "title": "Ny",
            "diary_number": "KS 2026/30",
            "deciding_body": world.bodies["ks"].pk,
            "preparing_body": world.bodies["analysis"].pk,
            "date": "2026-06-01",
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assert "A deleted case has this diary number" in " ".join(
        response.context["form"].errors["diary_number"]
    )
    assert Case.with_deleted.filter(diary_number="KS 2026/30").count() == 1


def test_a_deleted_case_leaves_the_compilation(world):
    case = make_case(world, "KS 2026/31")
    assess(case, ("11.1", "2"))
    services.case_save(
        organisation=world.organisation,
        case=case,
        fields={
            "status": "decided",
            "decision_date": dt.date(2026, 5, 4),
            "decision_paragraph": "9",
        },
        links={},
        expected_version=case.updated_at,
    )
    assert selectors.compiled_by_body(world.organisation, 2026)
    from hallbar.core import records

    records.record_delete(obj=case, user=None, expected_version=case.updated_at)
    assert selectors.compiled_by_body(world.organisation, 2026) == []


def test_a_stale_delete_of_a_case_is_refused(world, client_for):
    case = make_case(world, "TN 2026/6", deciding_body=world.bodies["tn"])
    client = client_for(world.users[COMMITTEE_OFFICER])
    confirm = client.get(url("impact:case_delete", pk=case.pk))
    version = confirm.context["form"].initial["version"]
    assess(case, ("11.1", "2"))  # someone assesses it meanwhile

    response = client.post(url("impact:case_delete", pk=case.pk), {"version": version})

    assert "Someone else saved this after you opened the page" in response.content.decode()
    assert Case.objects.filter(pk=case.pk).exists()


# --- conflicts ---------------------------------------------------------------------------------


def _by_hand(world, **fields) -> GoalConflict:
    return services.conflict_save(
        organisation=world.organisation,
        fields={
            "title": "Laddinfrastruktur mot grönytor",
            "evidence": "Noterat i samrådet.",
            "status": ConflictStatus.OPEN,
            **fields,
        },
        targets=targets("11.2", "11.7"),
        user=world.users[STRATEG],
    )


def test_a_conflict_raised_by_hand_is_removed_for_good(world, client_for):
    conflict = _by_hand(world)
    client = client_for(world.users[STRATEG])
    detail = client.get(url("impact:conflict_detail", pk=conflict.pk)).content.decode()
    assert url("impact:conflict_delete", pk=conflict.pk) in detail

    _confirm, response = _delete(client, "impact:conflict_delete", conflict, reason="Dubblett")

    assert "was removed. Its history is kept." in response.content.decode()
    assert not GoalConflict.with_deleted.filter(pk=conflict.pk).exists()
    history = client.get(url("impact:conflict_history", pk=conflict.pk)).content.decode()
    assert "This was removed for good" in history and "Dubblett" in history


def test_a_decided_conflict_raised_by_hand_is_deleted_softly_and_restored(world, client_for):
    conflict = _by_hand(world)
    services.conflict_decide(
        conflict=conflict,
        body=world.bodies["ks"],
        date=dt.date(2026, 4, 1),
        paragraph="7",
        trade_off="Grönytorna sparas.",
        reasoning="Klimatanpassning väger tyngst.",
    )
    client = client_for(world.users[STRATEG])

    _confirm, response = _delete(client, "impact:conflict_delete", conflict)

    assert "was deleted. An editor can restore it." in response.content.decode()
    assert conflict.title not in client.get(url("impact:conflict_list")).content.decode()
    assert client.get(url("impact:conflict_detail", pk=conflict.pk)).status_code == 404
    # Not public any more either.
    assert client_for(None).get(url("impact:conflict_detail", pk=conflict.pk)).status_code in (
        302,
        404,
    )
    client.post(url("impact:conflict_restore", pk=conflict.pk))
    assert GoalConflict.objects.get(pk=conflict.pk).status == ConflictStatus.DECIDED


def test_an_automatic_conflict_is_not_deleted(world, client_for):
    case = make_case(world)
    [conflict] = assess(case, ("11.1", "2"), ("2.4", "-2")).created
    client = client_for(world.users[STRATEG])
    detail = client.get(url("impact:conflict_detail", pk=conflict.pk)).content.decode()
    assert url("impact:conflict_delete", pk=conflict.pk) not in detail

    confirm, response = _delete(client, "impact:conflict_delete", conflict)

    refusal = "An automatically raised conflict is not deleted"
    assert refusal in confirm.content.decode() and refusal in response.content.decode()
    assert GoalConflict.objects.filter(pk=conflict.pk).exists()


def test_a_remark_shows_in_the_history_of_what_it_remarks_on_only(world):
    case = world.objects["ia_case"]
    Remark.objects.create(
        organisation=world.organisation, case=case, kind="comment", text="Vad kostar det?"
    )

    entries = records.object_history(organisation=world.organisation, kind="case", pk=case.pk)
    remark_entries = [e for e in entries if e.subject and "Vad kostar det?" in str(e.changes)]
    assert [e.kind for e in remark_entries] == ["part_added"]
    whole = records.organisation_history(organisation=world.organisation, kinds=["conflict"])
    assert not any("Vad kostar det?" in str(e.changes) for e in whole)
