"""A matrix version's record (hallbar.core.records, kind "matrix"): its history with the
scores' changes, the CSV and JSON export, a draft removed for good, a published version
deleted softly (gone from the pages, the API and the apps to the right) and restored."""

import json

import pytest
from django.utils import translation

from hallbar.analysis.interactions import selectors, services
from hallbar.analysis.interactions.models import InteractionMatrix

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _rescore(draft, setting, score: int) -> None:
    t = services.agenda_targets(["1.3", "1.5"])
    cell = draft.scores.get(from_target=t["1.3"], to_target=t["1.5"])
    services.score_save(
        matrix=draft,
        from_target=t["1.3"],
        to_target=t["1.5"],
        score=score,
        rationale="Omprövad.",
        confidence="high",
        assessed_by=setting.analyst,
        expected_version=cell.version,
    )


def test_the_history_shows_who_changed_which_score(draft, setting, client_for):
    _rescore(draft, setting, -1)

    html = client_for(setting.analyst).get(f"/o/1961/matrices/{draft.pk}/history/").content
    text = html.decode()

    assert "History: Utkast (v1)" in text
    assert "Part changed: 1.3 → 1.5" in text
    assert "analyst" in text
    assert "Omprövad." in text and "<td>-1</td>" in text
    assert "Part added: 1.5 → 2.2" in text  # the scores the version was created with


def test_the_history_is_for_the_organisations_own_readers(draft, setting, client_for):
    services.matrix_publish(matrix=draft)

    assert (
        client_for(setting.council_member).get(f"/o/1961/matrices/{draft.pk}/history/").status_code
        == 200
    )
    assert client_for().get(f"/o/1961/matrices/{draft.pk}/history/").status_code in (302, 404)


def test_the_grid_links_the_history_and_the_delete_page(draft, setting, client_for):
    analyst = client_for(setting.analyst).get(f"/o/1961/matrices/{draft.pk}/grid/").content
    member = client_for(setting.council_member).get(f"/o/1961/matrices/{draft.pk}/").content

    assert f"/matrices/{draft.pk}/history/" in analyst.decode()
    assert f"/matrices/{draft.pk}/delete/" in analyst.decode()
    assert f"/matrices/{draft.pk}/history/" in member.decode()
    assert f"/matrices/{draft.pk}/delete/" not in member.decode()


def test_the_history_exports_as_csv_and_json(draft, setting, client_for):
    _rescore(draft, setting, 3)
    client = client_for(setting.analyst)

    csv_text = client.get(f"/o/1961/exports/history-csv/?kind=matrix&pk={draft.pk}").content.decode(
        "utf-8-sig"
    )
    document = json.loads(
        client.get(f"/o/1961/exports/history-json/?kind=matrix&pk={draft.pk}").content
    )

    assert "part_changed;matrix" in csv_text and "1.3 → 1.5;score" in csv_text
    changed = [v for v in document["versions"] if v["change"] == "part_changed"]
    assert changed[0]["subject"] == "1.3 → 1.5"
    assert any(
        (c["field"], c["old"], c["new"]) == ("score", "2", "3") for c in changed[0]["changes"]
    )


def test_a_goal_versions_history_names_the_goals(setting, client_for):
    goals = services.agenda_goals(["3", "11"])
    matrix = services.matrix_create(
        organisation=setting.organisation,
        title="Mål",
        goals=list(goals.values()),
        cells=[services.CellInput("3", "11", 2)],
        created_by=setting.analyst,
    )

    text = client_for(setting.analyst).get(f"/o/1961/matrices/{matrix.pk}/history/").content
    assert "Part added: 3 → 11" in text.decode()


def _delete(client, matrix, version=None):
    return client.post(
        f"/o/1961/matrices/{matrix.pk}/delete/",
        {"version": matrix.version if version is None else version, "reason": "Dubblett"},
    )


def test_a_draft_is_removed_for_good_its_history_kept(draft, setting, client_for):
    client = client_for(setting.analyst)
    page = client.get(f"/o/1961/matrices/{draft.pk}/delete/")
    assert page.status_code == 200

    response = _delete(client, draft)

    assert response.status_code == 302
    assert not InteractionMatrix._base_manager.filter(pk=draft.pk).exists()
    history = client.get(f"/o/1961/matrices/{draft.pk}/history/").content.decode()
    assert "This was removed for good" in history and "Part added: 1.3 → 1.5" in history
    removed = client.get("/o/1961/records/deleted/").content.decode()
    assert "Utkast (v1)" in removed


def test_a_published_version_is_deleted_softly_and_restored(draft, setting, client_for):
    services.matrix_publish(matrix=draft)
    draft.refresh_from_db()
    client, visitor = client_for(setting.analyst), client_for()

    assert _delete(client, draft).status_code == 302

    kept = InteractionMatrix._base_manager.get(pk=draft.pk)
    assert kept.deleted_at is not None and kept.deleted_by == setting.analyst
    assert kept.scores.count() == 3  # the record is kept whole
    assert visitor.get(f"/o/1961/matrices/{draft.pk}/").status_code == 404
    assert f"/matrices/{draft.pk}/" not in client.get("/o/1961/matrices/").content.decode()
    assert visitor.get("/api/v1/organisations/1961/matrices").json() == []
    assert visitor.get(f"/api/v1/organisations/1961/matrices/{draft.pk}").status_code == 404
    # It no longer feeds goal-conflict detection or the report.
    assert selectors.current_matrix(setting.organisation, published_only=True) is None
    assert "Utkast (v1)" in client.get("/o/1961/records/deleted/").content.decode()
    # A new version does not take its number.
    newer = services.matrix_create(
        organisation=setting.organisation,
        title="Ny",
        targets=list(services.agenda_targets(["1.3", "1.5"]).values()),
    )
    assert newer.number == 2

    restored = client.post(f"/o/1961/matrices/{draft.pk}/restore/")

    assert restored.status_code == 302
    assert visitor.get(f"/o/1961/matrices/{draft.pk}/").status_code == 200
    assert selectors.current_matrix(setting.organisation, published_only=True) == draft
    history = client.get(f"/o/1961/matrices/{draft.pk}/history/").content.decode()
    assert "Deleted" in history and "Restored" in history


def test_a_stale_delete_is_refused(draft, setting, client_for):
    client = client_for(setting.analyst)
    opened = draft.version
    client.post(f"/o/1961/matrices/{draft.pk}/edit/", {"title": "Ändrad", "version": opened})

    response = _delete(client, draft, version=opened)

    assert response.status_code == 200
    assert "Someone else saved this" in response.content.decode()
    assert InteractionMatrix.objects.filter(pk=draft.pk).exists()


def test_a_version_copied_from_a_draft_does_not_stop_its_removal(draft, setting, client_for):
    copy = services.matrix_create(
        organisation=setting.organisation, title="Kopia", based_on=draft, keep_order=True
    )

    assert _delete(client_for(setting.analyst), draft).status_code == 302

    copy.refresh_from_db()
    assert copy.based_on is None and copy.scores.count() == 3


def test_a_council_member_may_not_delete(draft, setting, client_for):
    services.matrix_publish(matrix=draft)
    draft.refresh_from_db()

    response = _delete(client_for(setting.council_member), draft)

    assert response.status_code == 403
    assert InteractionMatrix.objects.filter(pk=draft.pk).exists()
