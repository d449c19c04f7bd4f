"""The matrix pages: the grid and its cells (htmx and without JavaScript), the results,
new versions, CSV import, exports, and who may do what."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hallbar.analysis.interactions import selectors, services
from hallbar.analysis.interactions.models import InteractionMatrix

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "cell-editor"}


def _grid(draft) -> str:
    return f"/o/1961/matrices/{draft.pk}/grid/"


def _cell(draft, origin="1.3", destination="1.5") -> str:
    return f"/o/1961/matrices/{draft.pk}/cells/{origin}/{destination}/"


def _metrics_row(html: str, code: str) -> list[str]:
    row = re.search(rf'<tr id="metrics-{re.escape(code)}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r"<td>([^<]*)</td>", row)


def test_the_grid_shows_every_score_as_a_number_on_its_colour(draft, setting, client_for):
    html = client_for(setting.analyst).get(_grid(draft)).content.decode()

    cell = re.search(
        r'<a id="cell-\d+-\d+" class="im-cell" href="[^"]*/cells/1.3/1.5/"[^>]*>(.*?)</a>', html
    )
    assert cell is not None
    assert "+2" in cell.group(1) and "reinforcing" in cell.group(1)
    assert "background:#2E8540" in cell.group(0)
    assert "−2" in html  # 1.5 → 2.2


def test_readers_see_the_grid_without_edit_links(draft, setting, client_for):
    html = client_for(setting.council_member).get(_grid(draft)).content.decode()

    assert "/cells/" not in html
    assert "+2" in html


def test_a_council_member_reads_but_never_edits(draft, setting, client_for):
    client = client_for(setting.council_member)

    assert client.get(_cell(draft)).status_code == 403
    response = client.post(_cell(draft), {"score": 0, "version": 1, "confidence": "low"})
    assert response.status_code == 403
    assert draft.scores.get(from_target__code="1.3", to_target__code="1.5").score == 2


def test_a_cell_saved_through_htmx_updates_the_cell_and_the_metrics(draft, setting, client_for):
    client = client_for(setting.analyst)
    form = client.get(_cell(draft), **HTMX).content.decode()
    assert "<html" not in form and 'name="score"' in form and "autofocus" in form

    response = client.post(
        _cell(draft),
        {"score": "-3", "rationale": "Tar resurser.", "confidence": "high", "version": "1"},
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Saved: 1.3 → 1.5 scored −3." in html
    assert re.search(r'<a id="cell-\d+-\d+"[^>]*hx-swap-oob="true"', html)
    assert 'id="im-metrics"' in html and 'hx-swap-oob="true"' in html
    # 1.3 now: OUT −3 (OUT⁺ 0, OUT⁻ −3), IN +1, NET −4.
    assert _metrics_row(html, "1.3")[:7] == ["-3", "0", "-3", "1", "1", "0", "-4"]


def test_a_cell_saved_without_javascript_returns_to_the_grid(draft, setting, client_for):
    client = client_for(setting.analyst)
    page = client.get(_cell(draft)).content.decode()
    assert "<h1>" in page and 'name="version" value="1"' in page

    response = client.post(_cell(draft), {"score": "1", "confidence": "low", "version": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith(_grid(draft))
    grid = client.get(_grid(draft)).content.decode()
    assert _metrics_row(grid, "1.3")[0] == "1"


def test_a_stale_cell_edit_is_refused_and_the_input_kept(draft, setting, client_for):
    client = client_for(setting.analyst)
    client.post(_cell(draft), {"score": "3", "confidence": "low", "version": "1"})

    response = client.post(
        _cell(draft), {"score": "-1", "rationale": "Min text", "confidence": "high", "version": "1"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else scored this cell" in html
    assert "Their value (saved)" in html and "Your value (not saved)" in html
    assert "Min text" in html and 'value="-1"' in html
    assert 'name="version" value="2"' in html  # saving again is a deliberate choice
    assert draft.scores.get(from_target__code="1.3", to_target__code="1.5").score == 3


def test_a_score_outside_the_scale_is_refused_on_the_form(draft, setting, client_for):
    response = client_for(setting.analyst).post(
        _cell(draft), {"score": "5", "confidence": "low", "version": "1"}
    )

    assert response.status_code == 200
    assert "less than or equal to 3" in response.content.decode()


def test_a_cell_outside_the_version_or_on_the_diagonal_is_not_found(draft, setting, client_for):
    client = client_for(setting.analyst)

    assert client.get(_cell(draft, "1.3", "3.4")).status_code == 404
    assert client.get(_cell(draft, "1.3", "1.3")).status_code == 404


def test_the_results_page_shows_every_chart_with_its_table(draft, setting, client_for):
    html = client_for(setting.analyst).get(f"/o/1961/matrices/{draft.pk}/").content.decode()

    for title in (
        "Heat map of the interaction scores",
        "Influence of each target",
        "Network of strong interactions",
    ):
        assert f">{title}</title>" in html
    assert "Konkurrerar om samma resurser." in html  # the trade-off with its rationale
    assert "Negative chains" in html and "Goal-level view" in html
    assert 'id="im-metrics"' in html
    assert "/export/metrics-csv/" in html


def test_visitors_read_only_published_versions(draft, setting, client_for):
    visitor = client_for()
    assert visitor.get(f"/o/1961/matrices/{draft.pk}/").status_code == 404
    assert "Utkast" not in visitor.get("/o/1961/matrices/").content.decode()

    services.matrix_publish(matrix=draft)

    assert visitor.get(f"/o/1961/matrices/{draft.pk}/").status_code == 200
    assert "Utkast" in visitor.get("/o/1961/matrices/").content.decode()


def test_a_published_version_cannot_be_edited(draft, setting, client_for):
    services.matrix_publish(matrix=draft)

    assert client_for(setting.analyst).get(_cell(draft)).status_code == 403


def test_publishing_needs_the_version_shown(draft, setting, client_for):
    client = client_for(setting.analyst)

    assert client.post(f"/o/1961/matrices/{draft.pk}/publish/").status_code == 200
    stale = {"version": draft.version + 1}
    assert client.post(f"/o/1961/matrices/{draft.pk}/publish/", stale).status_code == 200
    assert not InteractionMatrix.objects.get(pk=draft.pk).is_published
    response = client.post(f"/o/1961/matrices/{draft.pk}/publish/", {"version": draft.version})

    assert response.status_code == 302
    assert InteractionMatrix.objects.get(pk=draft.pk).is_published


def test_a_new_version_as_a_copy(draft, setting, client_for):
    response = client_for(setting.analyst).post(
        "/o/1961/matrices/new/", {"title": "Version 2", "start": "copy", "based_on": draft.pk}
    )

    assert response.status_code == 302
    copy = selectors.current_matrix(setting.organisation)
    assert copy.based_on == draft and copy.scores.count() == 3


def test_a_new_empty_version_over_listed_targets_refuses_unknown_codes(setting, client_for):
    client = client_for(setting.analyst)

    response = client.post(
        "/o/1961/matrices/new/", {"title": "Tom", "start": "codes", "target_codes": "11.2, 11.99"}
    )
    assert "Unknown target codes: 11.99." in response.content.decode()
    assert not InteractionMatrix.objects.exists()

    client.post(
        "/o/1961/matrices/new/", {"title": "Tom", "start": "codes", "target_codes": "11.2, 3.6"}
    )
    matrix = InteractionMatrix.objects.get()
    assert [t.code for t in selectors.matrix_targets(matrix, setting.organisation)] == [
        "3.6",
        "11.2",
    ]


def test_a_new_version_from_the_example(setting, client_for):
    client_for(setting.analyst).post(
        "/o/1961/matrices/new/", {"title": "Exempel", "start": "example"}
    )

    matrix = InteractionMatrix.objects.get()
    assert matrix.title == "Exempel" and matrix.scores.count() == 1122


def test_a_csv_import_with_errors_saves_nothing_and_names_the_rows(setting, client_for):
    content = b"from_target,to_target,score,rationale,confidence\n11.2,3.6,2,,\n11.2,3.6,1,,\n3.6,3.6,1,,\n"

    response = client_for(setting.analyst).post(
        "/o/1961/matrices/import/",
        {"title": "Import", "file": SimpleUploadedFile("m.csv", content, "text/csv")},
    )

    html = response.content.decode()
    assert "Row 3: the pair 11.2 → 3.6 is already on row 2." in html
    assert "Row 4: a target is not scored against itself (3.6)." in html
    assert not InteractionMatrix.objects.exists()


def test_a_csv_import_creates_a_version(setting, client_for):
    content = "from_target,to_target,score,rationale,confidence\n11.2,3.6,2,Färre olyckor,high\n"

    response = client_for(setting.analyst).post(
        "/o/1961/matrices/import/",
        {"title": "Import", "file": SimpleUploadedFile("m.csv", content.encode(), "text/csv")},
    )

    assert response.status_code == 302
    matrix = InteractionMatrix.objects.get()
    assert matrix.scores.get().rationale == "Färre olyckor"


def test_the_cells_export_is_the_import_format(draft, setting, client_for):
    response = client_for(setting.analyst).get(f"/o/1961/matrices/{draft.pk}/export/cells-csv/")

    lines = response.content.decode().splitlines()
    assert lines[0] == "from_target,to_target,score,rationale,confidence"
    assert "1.5,2.2,-2,Konkurrerar om samma resurser.,low" in lines
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_grid_needs_a_fixed_number_of_queries(
    draft, setting, client_for, django_assert_max_num_queries
):
    services.example_matrix_load(organisation=setting.organisation)
    big = selectors.current_matrix(setting.organisation)
    client = client_for(setting.analyst)

    with django_assert_max_num_queries(15):
        client.get(f"/o/1961/matrices/{big.pk}/grid/")
    with django_assert_max_num_queries(15):
        client.get(f"/o/1961/matrices/{big.pk}/")


def test_a_stale_edit_of_the_title_is_refused_and_the_input_kept(draft, setting, client_for):
    client = client_for(setting.analyst)
    url = f"/o/1961/matrices/{draft.pk}/edit/"
    opened = draft.version
    client.post(url, {"title": "Deras titel", "version": opened})

    response = client.post(url, {"title": "Min titel", "version": opened})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Deras titel" in html and 'value="Min titel"' in html
    assert "Saved meanwhile by someone else" in html  # before / theirs / yours
    assert f'name="version" value="{opened + 1}"' in html
    assert InteractionMatrix.objects.get(pk=draft.pk).title == "Deras titel"


def test_the_create_form_says_when_there_are_no_prioritised_targets(setting, client_for):
    html = client_for(setting.analyst).get("/o/1961/matrices/new/").content.decode()

    assert "no prioritised targets to start from yet" in html
    assert 'value="prioritised"' not in html


def test_a_forged_version_of_another_organisation_is_refused(draft, setting, client_for):
    from tests.factories import OrganisationFactory

    other = OrganisationFactory(code="1907", name="Surahammar")
    foreign = services.matrix_create(
        organisation=other,
        title="Annan",
        targets=list(services.agenda_targets(["1.3", "1.5"]).values()),
    )

    response = client_for(setting.analyst).post(
        "/o/1961/matrices/new/", {"title": "Kopia", "start": "copy", "based_on": foreign.pk}
    )

    assert response.status_code == 200
    assert InteractionMatrix.objects.filter(organisation=setting.organisation).count() == 1
