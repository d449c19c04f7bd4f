"""Versions over goals (level `goals`): creation, the grid and its cells, CSV in and out
with goal numbers, the metrics, the read API, and what the other apps read of them."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from hallbar.agenda.models import Goal, Target
from hallbar.analysis.interactions import csv_io, selectors, services
from hallbar.analysis.interactions.models import (
    InteractionMatrix,
    InteractionScore,
    MatrixLevel,
    MatrixTarget,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "cell-editor"}
API = "/api/v1/organisations/1961/matrices"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _goal(code: str) -> Goal:
    return services.agenda_goals([code])[code]


@pytest.fixture
def goal_draft(setting) -> InteractionMatrix:
    """Goals 3, 11, 13: 3 → 11 +2, 11 → 13 −2 (with a rationale), 13 → 3 +1."""
    return services.matrix_create(
        organisation=setting.organisation,
        title="Mål mot mål",
        goals=list(services.agenda_goals(["13", "3", "11"]).values()),
        cells=[
            services.CellInput("3", "11", 2, "Hälsa i städer."),
            services.CellInput("11", "13", -2, "Byggande ger utsläpp.", "low"),
            services.CellInput("13", "3", 1),
        ],
        created_by=setting.analyst,
    )


def _metrics_row(html: str, code: str) -> list[str]:
    row = re.search(rf'<tr id="metrics-{re.escape(code)}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r"<td>([^<]*)</td>", row)


# --- the service --------------------------------------------------------------------------------


def test_a_goal_version_keeps_its_goals_in_order_and_its_metrics_per_goal(goal_draft):
    stored = goal_draft.metrics.data

    assert goal_draft.level == MatrixLevel.GOALS and goal_draft.is_goal_level
    assert [row.goal.code for row in goal_draft.matrix_targets.order_by("position")] == [
        "3",
        "11",
        "13",
    ]
    assert [row["code"] for row in stored["targets"]] == ["3", "11", "13"]
    # OUT/IN by hand: 3 out +2 in +1; 11 out −2 in +2; 13 out +1 in −2.
    assert [
        (stored["per_target"][c]["out"], stored["per_target"][c]["in"]) for c in ["3", "11", "13"]
    ] == [
        (2, 1),
        (-2, 2),
        (1, -2),
    ]
    assert goal_draft.metrics.scored_pairs == 3
    assert stored["trade_offs"] == [
        {"from": "11", "to": "13", "score": -2, "rationale": "Byggande ger utsläpp."}
    ]


def test_the_goal_view_of_a_goal_version_is_the_matrix_itself(goal_draft):
    view = goal_draft.metrics.data["goal_view"]

    assert view["goals"] == [3, 11, 13]
    assert view["means"] == [[None, 2, None], [None, None, -2], [1, None, None]]
    assert view["scored"] == [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    assert view["cells"] == [[0, 1, 1], [1, 0, 1], [1, 1, 0]]


def test_a_goal_cell_is_saved_and_a_target_is_refused_in_a_goal_version(goal_draft, setting):
    arguments = {
        "matrix": goal_draft,
        "rationale": "",
        "confidence": "medium",
        "assessed_by": setting.analyst,
        "expected_version": 0,
    }
    services.score_save(from_target=_goal("11"), to_target=_goal("3"), score=3, **arguments)

    assert selectors.metrics_for(goal_draft)["11"]["out"] == 1
    target = Target.objects.agenda2030().get(code="3.6")
    with pytest.raises(ValidationError, match="over goals"):
        services.score_save(from_target=target, to_target=_goal("3"), score=1, **arguments)
    with pytest.raises(ValidationError, match="Both goals"):
        services.score_save(from_target=_goal("3"), to_target=_goal("5"), score=1, **arguments)
    with pytest.raises(ValidationError, match="against itself"):
        services.score_save(from_target=_goal("3"), to_target=_goal("3"), score=1, **arguments)
    assert goal_draft.scores.count() == 4


def test_a_copy_of_a_goal_version_is_a_goal_version_with_its_scores(goal_draft, setting):
    copy = services.matrix_create(
        organisation=setting.organisation, title="Kopia", based_on=goal_draft
    )

    assert copy.level == MatrixLevel.GOALS and copy.scores.count() == 3
    with pytest.raises(ValidationError, match="level"):
        services.matrix_create(
            organisation=setting.organisation,
            title="Blandad",
            based_on=goal_draft,
            targets=list(services.agenda_targets(["1.3", "1.5"]).values()),
        )


def test_a_goal_version_needs_two_goals_and_never_mixes_targets_and_goals(setting):
    with pytest.raises(ValidationError, match="two goals"):
        services.matrix_create(organisation=setting.organisation, title="En", goals=[_goal("3")])
    with pytest.raises(ValidationError, match="not both"):
        services.matrix_create(
            organisation=setting.organisation,
            title="Båda",
            goals=[_goal("3"), _goal("4")],
            targets=list(services.agenda_targets(["1.3", "1.5"]).values()),
        )


def test_the_database_refuses_a_mixed_or_half_pair(goal_draft):
    target = Target.objects.agenda2030().get(code="3.6")
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionScore.objects.create(
            matrix=goal_draft, from_target=target, to_goal=_goal("3"), score=1, assessed_at=now
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionScore.objects.create(
            matrix=goal_draft, from_goal=_goal("3"), to_goal=_goal("3"), score=1, assessed_at=now
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        MatrixTarget.objects.create(matrix=goal_draft, target=target, goal=_goal("5"), position=9)


def test_other_apps_read_target_versions_only(draft, goal_draft, setting):
    """Rule (b) of goal conflicts, impact's suggestions and the report read targets: a
    goal version is never the current matrix for them, and gives no target pairs."""
    services.matrix_publish(matrix=draft)
    services.matrix_publish(matrix=goal_draft)
    newest = services.matrix_create(
        organisation=setting.organisation,
        title="Nyast, mål",
        goals=[_goal("1"), _goal("2")],
    )

    assert newest.number == 3  # the latest version of all is over goals
    assert selectors.current_matrix(setting.organisation) == draft
    assert selectors.current_matrix(setting.organisation, published_only=True) == draft
    assert selectors.current_matrix(setting.organisation, level=MatrixLevel.GOALS) == newest
    goal_ids = [_goal("11").pk, _goal("3").pk]
    assert selectors.counteracted_targets(goal_draft, goal_ids) == []
    assert selectors.influenced_targets(goal_draft, goal_ids, threshold=1) == {}


# --- CSV ----------------------------------------------------------------------------------------


def _csv(*rows: str) -> bytes:
    return ("from_target,to_target,score,rationale,confidence\n" + "\n".join(rows)).encode()


def test_a_goal_version_exports_goal_numbers_and_reads_them_back(goal_draft):
    _filename, _type, content = csv_io.render_cells(goal_draft)

    lines = content.decode().splitlines()
    assert lines == [
        "from_target,to_target,score,rationale,confidence",
        "3,11,2,Hälsa i städer.,medium",
        "11,13,-2,Byggande ger utsläpp.,low",
        "13,3,1,,medium",
    ]
    parsed = csv_io.parse_cells(content, level=MatrixLevel.GOALS)
    assert parsed.errors == []
    assert list(parsed.nodes) == ["3", "11", "13"]
    assert all(isinstance(node, Goal) for node in parsed.nodes.values())
    assert [(c.from_code, c.to_code, c.score) for c in parsed.cells] == [
        ("3", "11", 2),
        ("11", "13", -2),
        ("13", "3", 1),
    ]


def test_target_codes_in_a_goal_file_and_goal_numbers_in_a_target_file_are_refused():
    goals = csv_io.parse_cells(
        _csv("3,11,1,,", "3.6,11,1,,", "3,18,1,,", "03,13,2,,"), level=MatrixLevel.GOALS
    )
    targets = csv_io.parse_cells(_csv("3.6,11.2,1,,", "3.6,11,1,,"))

    assert goals.errors == [
        "Row 3: “3.6” in from_target is a target code, but this version is over goals: "
        "use goal numbers 1–17.",
        "Row 4: unknown goal “18” in to_target.",
    ]
    assert [(c.from_code, c.to_code) for c in goals.cells] == [("3", "11"), ("3", "13")]
    assert targets.errors == [
        "Row 3: “11” in to_target is a goal number, but this version is over targets: "
        "use target codes such as 11.2."
    ]


def test_replacing_a_goal_drafts_scores_names_only_its_goals(goal_draft, setting):
    allowed = csv_io.allowed_codes(goal_draft)
    refused = csv_io.parse_cells(_csv("3,5,1,,", "13,13,1,,"), level="goals", allowed=allowed)
    parsed = csv_io.parse_cells(_csv("13,11,-1,,high"), level="goals", allowed=allowed)
    services.cells_replace(matrix=goal_draft, cells=parsed.cells, assessed_by=setting.analyst)

    assert allowed == {"3", "11", "13"}
    assert refused.errors == [
        "Row 2: goal 5 is not part of this version.",
        "Row 3: a goal is not scored against itself (13).",
    ]
    assert [(s.from_goal.code, s.to_goal.code, s.score) for s in goal_draft.scores.all()] == [
        ("13", "11", -1)
    ]
    assert selectors.metrics_for(goal_draft)["13"]["out"] == -1


def test_the_goal_metrics_export_has_one_row_per_goal(goal_draft):
    _name, _type, content = csv_io.render_metrics(goal_draft)

    lines = content.decode().splitlines()
    assert lines[0].startswith("goal,out,out_pos,out_neg,in,")
    assert lines[1].startswith("3,2,2,0,1,")


# --- pages --------------------------------------------------------------------------------------


def test_a_goal_version_is_created_on_the_form(setting, client_for):
    client = client_for(setting.analyst)
    form = {"title": "Mål", "start": "codes", "level": "goals"}

    unknown = client.post("/o/1961/matrices/new/", {**form, "target_codes": "3, 18, 3.6"})
    example = client.post("/o/1961/matrices/new/", {**form, "start": "example"})
    assert "Unknown goals: 18, 3.6" in unknown.content.decode()
    assert "The example matrix is over targets" in example.content.decode()
    assert not InteractionMatrix.objects.exists()

    response = client.post("/o/1961/matrices/new/", {**form, "target_codes": "13, 3, 11"})

    matrix = InteractionMatrix.objects.get()
    assert response.status_code == 302
    assert matrix.level == MatrixLevel.GOALS
    assert [n.code for n in selectors.matrix_nodes(matrix, setting.organisation)] == [
        "3",
        "11",
        "13",
    ]


def test_the_level_is_fixed_a_copy_keeps_it(goal_draft, setting, client_for):
    client = client_for(setting.analyst)
    client.post(
        f"/o/1961/matrices/{goal_draft.pk}/edit/",
        {"title": "Ny titel", "version": goal_draft.version, "level": "targets"},
    )
    client.post(
        "/o/1961/matrices/new/",
        {"title": "Kopia", "start": "copy", "based_on": goal_draft.pk, "level": "targets"},
    )

    goal_draft.refresh_from_db()
    copy = selectors.current_matrix(setting.organisation, level=MatrixLevel.GOALS)
    assert goal_draft.title == "Ny titel" and goal_draft.level == MatrixLevel.GOALS
    assert copy.based_on == goal_draft and copy.scores.count() == 3


def test_the_goal_grid_is_scored_cell_by_cell(goal_draft, setting, client_for):
    client = client_for(setting.analyst)
    grid = client.get(f"/o/1961/matrices/{goal_draft.pk}/grid/").content.decode()
    assert "the row's goal influences the column's goal" in grid
    assert f'href="/o/1961/matrices/{goal_draft.pk}/cells/3/11/"' in grid
    assert "Influence per goal" in grid

    cell = f"/o/1961/matrices/{goal_draft.pk}/cells/13/11/"
    form = client.get(cell, **HTMX).content.decode()
    assert "How does progress on goal 13 influence goal 11?" in form
    response = client.post(
        cell, {"score": "2", "rationale": "", "confidence": "high", "version": "0"}, **HTMX
    )

    html = response.content.decode()
    assert "Saved: 13 → 11 scored +2." in html
    # 13 now: OUT +1 +2 = 3, IN −2.
    assert _metrics_row(html, "13")[:4] == ["3", "3", "0", "-2"]
    assert client.get(f"/o/1961/matrices/{goal_draft.pk}/cells/3/5/").status_code == 404
    assert client.get(f"/o/1961/matrices/{goal_draft.pk}/cells/3.1/11/").status_code == 404


def test_the_goal_results_page_says_the_goal_view_is_the_matrix(goal_draft, setting, client_for):
    html = client_for(setting.analyst).get(f"/o/1961/matrices/{goal_draft.pk}/").content.decode()

    assert "its goal-level view is the matrix itself" in html
    assert 'id="goal-caption"' not in html
    assert ">Heat map of the interaction scores</title>" in html
    assert "Byggande ger utsläpp." in html  # the trade-off 11 → 13
    assert "Metrics per goal (CSV)" in html


def test_a_goal_csv_is_imported_as_a_new_goal_version(setting, client_for):
    client = client_for(setting.analyst)
    bad = _csv("3,11,2,,", "3.6,11,1,,")
    good = _csv("3,11,2,Hälsa,high", "11,3,-1,,")

    refused = client.post(
        "/o/1961/matrices/import/",
        {"title": "Mål", "level": "goals", "file": SimpleUploadedFile("m.csv", bad, "text/csv")},
    )
    assert "Row 3: “3.6” in from_target is a target code" in refused.content.decode()
    assert not InteractionMatrix.objects.exists()

    client.post(
        "/o/1961/matrices/import/",
        {"title": "Mål", "level": "goals", "file": SimpleUploadedFile("m.csv", good, "text/csv")},
    )

    matrix = InteractionMatrix.objects.get()
    assert matrix.level == MatrixLevel.GOALS
    assert matrix.scores.get(from_goal__code="3").rationale == "Hälsa"
    exported = client.get(f"/o/1961/matrices/{matrix.pk}/export/cells-csv/").content
    assert exported == _csv("3,11,2,Hälsa,high", "11,3,-1,,medium") + b"\n"


def test_the_import_form_explains_goal_numbers(goal_draft, setting, client_for):
    html = client_for(setting.analyst).get(f"/o/1961/matrices/{goal_draft.pk}/import/").content
    text = html.decode()

    assert "from_target and to_target hold goal numbers 1–17" in text
    assert "goals, by their numbers 1–17" in text


# --- the API ------------------------------------------------------------------------------------


def test_the_api_lists_the_level_and_the_goal_codes(goal_draft, draft, setting, client_for):
    versions = client_for(setting.analyst).get(API).json()

    by_id = {v["id"]: v for v in versions}
    assert by_id[goal_draft.pk]["level"] == "goals"
    assert by_id[goal_draft.pk]["targets"] == ["3", "11", "13"]
    assert by_id[draft.pk]["level"] == "targets"


def test_the_api_gives_a_goal_versions_cells_metrics_and_view(goal_draft, setting, client_for):
    body = client_for(setting.analyst).get(f"{API}/{goal_draft.pk}").json()

    assert body["level"] == "goals"
    assert {
        "from": "11",
        "to": "13",
        "score": -2,
        "rationale": "Byggande ger utsläpp.",
        "confidence": "low",
    } in body["cells"]
    assert body["metrics"]["3"]["out"] == 2
    block = next(b for b in body["goal_view"] if (b["from_goal"], b["to_goal"]) == (3, 11))
    assert block == {
        "from_goal": 3,
        "to_goal": 11,
        "mean": 2,
        "scored_pairs": 1,
        "pairs": 1,
        "coverage": 1,
    }


def test_the_schema_documents_the_level(client_for):
    schema = client_for().get("/api/v1/openapi.json").json()["components"]["schemas"]

    assert schema["MatrixVersionOut"]["properties"]["level"]
    assert "level" in schema["MatrixOut"]["properties"]
    assert set(schema["GoalBlockOut"]["properties"]) == {
        "from_goal",
        "to_goal",
        "mean",
        "scored_pairs",
        "pairs",
        "coverage",
    }
