"""An edition's record (hallbar/core/records.py): its history with the section texts
and comments, the export, and deleting: a draft removed for good (with its report when it
was the only edition), a decided one kept and restorable, a published one never."""

import csv
import io

import pytest
from django.urls import reverse

from hallbar.core import records
from hallbar.core.versions import EditConflict
from hallbar.report import services
from hallbar.report.models import ReportEdition

pytestmark = pytest.mark.django_db


def url(setting, route, **kwargs):
    return reverse(route, kwargs={"org_code": setting.organisation.code, **kwargs})


def test_the_history_shows_who_wrote_which_section_text_and_exports_it(setting, draft, client):
    editor = setting.users["editor"]
    services.section_text_save(
        edition=draft, section="summary", text="Första utkastet.", version=None, user=editor
    )
    text = draft.texts.get(section="summary")
    services.section_text_save(
        edition=draft, section="summary", text="Andra utkastet.", version=text.version, user=editor
    )
    client.force_login(editor)

    page = client.get(url(setting, "report:edition_history", pk=draft.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Första utkastet." in html and "Andra utkastet." in html
    assert "Part changed" in html

    export = client.get(
        url(setting, "organisation:export", name="history-csv"), {"kind": "edition", "pk": draft.pk}
    )
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    texts = [(r["change"], r["old"], r["new"]) for r in rows if r["field"] == "text"]
    assert texts == [
        ("part_changed", "Första utkastet.", "Andra utkastet."),
        ("part_added", "", "Första utkastet."),
    ]
    assert {r["username"] for r in rows if r["field"] == "text"} == {editor.username}
    assert {r["object_type"] for r in rows} == {"edition"}


def test_a_draft_is_removed_for_good_and_the_year_can_start_again(setting, draft, client):
    client.force_login(setting.users["editor"])
    detail = client.get(url(setting, "report:edition_detail", pk=draft.pk)).content.decode()
    delete_url = url(setting, "report:edition_delete", pk=draft.pk)
    assert delete_url in detail

    confirm = client.get(delete_url)
    assert "removed for good" in confirm.content.decode()
    response = client.post(
        delete_url, {"version": confirm.context["form"].initial["version"]}, follow=True
    )

    assert "was removed. Its history is kept." in response.content.decode()
    assert not ReportEdition._base_manager.filter(pk=draft.pk).exists()
    # The year can be started again, on the same report.
    again = services.report_create(organisation=setting.organisation, year=2025)
    assert again.report_id == draft.report_id and again.number == 1
    history = client.get(url(setting, "report:edition_history", pk=draft.pk))
    assert "This was removed for good" in history.content.decode()


def test_a_published_edition_is_never_deleted(setting, draft, client):
    published = setting.published(draft)
    client.force_login(setting.users["editor"])

    detail = client.get(url(setting, "report:edition_detail", pk=published.pk)).content.decode()
    assert url(setting, "report:edition_delete", pk=published.pk) not in detail
    confirm = client.get(url(setting, "report:edition_delete", pk=published.pk))
    assert "A published edition is frozen" in confirm.content.decode()
    with pytest.raises(records.DeleteRefused):
        records.record_delete(
            obj=published, user=setting.users["editor"], expected_version=published.version
        )
    assert ReportEdition.objects.filter(pk=published.pk).exists()


def test_a_decided_edition_is_kept_when_deleted_and_can_be_restored(setting, draft, client):
    decided = setting.decided(draft)
    editor = setting.users["editor"]

    assert records.delete_plan(decided).soft
    with pytest.raises(EditConflict):
        records.record_delete(obj=decided, user=editor, expected_version=decided.version - 1)
    records.record_delete(obj=decided, user=editor, expected_version=decided.version)

    client.force_login(editor)
    listing = client.get(url(setting, "report:report_list")).content.decode()
    assert url(setting, "report:edition_detail", pk=decided.pk) not in listing
    assert client.get(url(setting, "report:edition_detail", pk=decided.pk)).status_code == 404
    deleted = client.get(url(setting, "organisation:deleted_records")).content.decode()
    assert str(decided) in deleted

    with pytest.raises(services.WorkflowError, match=r"was deleted\. Restore it"):
        services.report_create(organisation=setting.organisation, year=2025)
    client.post(url(setting, "report:edition_restore", pk=decided.pk))
    assert client.get(url(setting, "report:edition_detail", pk=decided.pk)).status_code == 200
    kinds = [
        e.kind
        for e in records.object_history(
            organisation=setting.organisation, kind="edition", pk=decided.pk
        )
    ]
    assert kinds[:2] == ["restored", "deleted"]


def test_a_corrected_edition_takes_the_next_number_after_a_deleted_correction(setting, draft):
    published = setting.published(draft)
    editor = setting.users["editor"]
    correction = services.edition_correct(edition=published, user=editor, note="Fel siffra.")
    correction = setting.decided(correction)
    records.record_delete(obj=correction, user=editor, expected_version=correction.version)

    again = services.edition_correct(edition=published, user=editor, note="Fel siffra igen.")

    assert again.number == 3
