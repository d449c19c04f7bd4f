"""The report's workflow and who may take each step: draft → ready for review → reviewed
(ledningsgruppen) → decided (a body with the decide mandate: body, date, §) → published."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hallbar.organisation.permissions import Actor
from hallbar.report import services
from hallbar.report.models import EditionStatus, ReportEdition, SectionComment

pytestmark = pytest.mark.django_db


def _url(name: str, edition: ReportEdition, **kwargs) -> str:
    return reverse(
        f"report:{name}", kwargs={"org_code": edition.organisation.code, "pk": edition.pk, **kwargs}
    )


def _client(client, user):
    client.force_login(user)
    return client


def _reload(edition: ReportEdition) -> ReportEdition:
    return ReportEdition.objects.get(pk=edition.pk)


@pytest.mark.parametrize("member", ["council_internal", "council_external"])
def test_a_council_member_cannot_review_decide_or_publish(setting, draft, client, member):
    user = setting.users[member]
    actor = Actor(user, setting.organisation)
    assert actor.may("report.comment")
    assert not actor.may("report.review")
    assert not actor.may("report.record_decision", draft)
    assert not actor.may("report.publish")
    assert not actor.may("report.edit")

    c = _client(client, user)
    setting.write_required_texts(draft)
    services.edition_mark_ready(edition=draft, user=setting.users["editor"])
    assert c.post(_url("edition_step", draft, step="review")).status_code == 403
    assert _reload(draft).status == EditionStatus.READY_FOR_REVIEW

    services.edition_mark_reviewed(
        edition=draft, user=setting.users["reviewer"], body=setting.bodies["management"]
    )
    response = c.post(
        _url("edition_decide", draft),
        {"decided_by": setting.bodies["ks"].pk, "decision_date": "2026-03-30", "paragraph": "1"},
    )
    assert response.status_code == 403
    assert _reload(draft).status == EditionStatus.REVIEWED

    services.edition_record_decision(
        edition=draft,
        user=setting.users["editor"],
        body=setting.bodies["ks"],
        decision_date=dt.date(2026, 3, 30),
    )
    assert c.post(_url("edition_step", draft, step="publish")).status_code == 403
    assert _reload(draft).status == EditionStatus.DECIDED


def test_a_council_member_comments_and_the_editor_resolves(setting, draft, client):
    c = _client(client, setting.users["council_external"])
    response = c.post(
        _url("comment_add", draft), {"section": "summary", "text": "Nämn cykelstråket."}
    )
    assert response.status_code == 302
    comment = SectionComment.objects.get(edition=draft)
    assert comment.author == setting.users["council_external"]
    page = c.get(_url("edition_detail", draft)).content.decode()
    assert "Nämn cykelstråket." in page
    # Resolving is the editors' work, not the council's.
    assert c.post(_url("comment_resolve", draft, comment_id=comment.pk)).status_code == 403
    editor = _client(client, setting.users["editor"])
    assert editor.post(_url("comment_resolve", draft, comment_id=comment.pk)).status_code == 302
    assert SectionComment.objects.get(pk=comment.pk).resolved


def test_publishing_an_undecided_edition_is_refused_with_a_clear_message(setting, draft, client):
    with pytest.raises(services.WorkflowError, match="Only a decided report can be published"):
        services.edition_publish(edition=draft, user=setting.users["editor"])
    c = _client(client, setting.users["editor"])
    response = c.post(_url("edition_step", draft, step="publish"), follow=True)
    assert "Only a decided report can be published" in response.content.decode()
    edition = _reload(draft)
    assert edition.status == EditionStatus.DRAFT
    assert edition.snapshot is None and edition.content_hash == ""


def test_a_decision_needs_a_body_with_the_decide_mandate(setting, draft, client):
    setting.write_required_texts(draft)
    services.edition_mark_ready(edition=draft, user=setting.users["editor"])
    services.edition_mark_reviewed(
        edition=draft, user=setting.users["reviewer"], body=setting.bodies["management"]
    )
    # The council assembly and the sustainability council hold no decide mandate over it.
    for body in ("kf", "council", "tn"):
        with pytest.raises(ValidationError, match="no mandate to decide the sustainability report"):
            services.edition_record_decision(
                edition=draft,
                user=setting.users["editor"],
                body=setting.bodies[body],
                decision_date=dt.date(2026, 3, 30),
            )
    c = _client(client, setting.users["editor"])
    response = c.post(
        _url("edition_decide", draft),
        {"decided_by": setting.bodies["council"].pk, "decision_date": "2026-03-30"},
    )
    assert response.status_code == 200
    assert "no mandate to decide the sustainability report" in response.content.decode()
    assert _reload(draft).status == EditionStatus.REVIEWED

    response = c.post(
        _url("edition_decide", draft),
        {"decided_by": setting.bodies["ks"].pk, "decision_date": "2026-03-30", "paragraph": "42"},
    )
    assert response.status_code == 302
    edition = _reload(draft)
    assert (edition.status, edition.decided_by, edition.decision_paragraph) == (
        EditionStatus.DECIDED,
        setting.bodies["ks"],
        "42",
    )
    assert edition.decision_recorded_by == setting.users["editor"]


def test_ready_for_review_needs_every_required_text(setting, draft):
    with pytest.raises(services.WorkflowError, match="still lack text") as refused:
        services.edition_mark_ready(edition=draft, user=setting.users["editor"])
    assert "Summary" in str(refused.value)
    checklist = services.checklist(draft)
    assert [key for key, _t, has, required in checklist if required and not has][:2] == [
        "summary",
        "governance",
    ]
    setting.write_required_texts(draft)
    edition = services.edition_mark_ready(edition=draft, user=setting.users["editor"])
    assert edition.status == EditionStatus.READY_FOR_REVIEW
    assert edition.ready_by == setting.users["editor"] and edition.ready_at is not None


def test_only_the_management_group_reviews_and_each_step_records_who_and_when(
    setting, draft, client
):
    setting.write_required_texts(draft)
    services.edition_mark_ready(edition=draft, user=setting.users["editor"])
    # The analysis group prepared it; it does not review its own work.
    editor = _client(client, setting.users["editor"])
    assert editor.post(_url("edition_step", draft, step="review")).status_code == 403
    reviewer = _client(client, setting.users["reviewer"])
    assert reviewer.post(_url("edition_step", draft, step="review")).status_code == 302
    edition = _reload(draft)
    assert edition.status == EditionStatus.REVIEWED
    assert edition.reviewed_by == setting.users["reviewer"]
    assert edition.reviewed_body == setting.bodies["management"]
    assert edition.reviewed_at is not None


def test_texts_can_be_edited_in_draft_only_and_a_stale_edit_keeps_the_input(setting, draft, client):
    c = _client(client, setting.users["editor"])
    url = _url("section_text", draft, section="summary")
    assert c.post(url, {"text": "Första versionen", "version": "0"}).status_code == 302
    # Someone else saves meanwhile.
    services.section_text_save(
        edition=draft, section="summary", text="Någon annans text", version=1, user=None
    )
    response = c.post(url, {"text": "Min ändring", "version": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Någon annans text" in page and "Min ändring" in page
    assert draft.texts.get(section="summary").text == "Någon annans text"

    setting.write_required_texts(draft)
    services.edition_mark_ready(edition=draft, user=setting.users["editor"])
    with pytest.raises(services.WorkflowError):
        services.section_text_save(
            edition=draft, section="summary", text="Sent", version=None, user=None
        )


def test_a_committee_officer_cannot_edit_the_report(setting, draft, client):
    c = _client(client, setting.users["committee_officer"])
    assert c.get(_url("section_text", draft, section="summary")).status_code == 403
    assert c.post(_url("edition_step", draft, step="ready")).status_code == 403


def test_a_draft_is_hidden_from_the_public_and_previewed_by_members(setting, draft, client):
    setting.indicator("EGET-1", {2020: 10.0, 2025: 14.0})
    assert client.get(_url("edition_detail", draft)).status_code == 404
    assert client.get(_url("edition_pdf", draft)).status_code == 404
    c = _client(client, setting.users["council_internal"])
    page = c.get(_url("edition_detail", draft)).content.decode()
    assert "Preview: this edition is not published" in page
    assert "Indicator EGET-1" in page
