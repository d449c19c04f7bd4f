"""Versions, scores, metrics, CSV import and export, and the selectors other apps use."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from hallbar.agenda.models import Target
from hallbar.analysis.interactions import csv_io, demo, selectors, services
from hallbar.analysis.interactions.models import InteractionMatrix, InteractionScore
from hallbar.core.versions import EditConflict
from hallbar.steering.demo import DemoDataError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted by their English msgids (the default language is sv)."""
    with translation.override("en"):
        yield


def _target(code: str) -> Target:
    return Target.objects.agenda2030().get(code=code)


# --- the example matrix -----------------------------------------------------------------------


def test_loading_the_example_gives_34_targets_and_1122_scored_pairs(setting):
    matrix = services.example_matrix_load(organisation=setting.organisation)

    assert matrix.matrix_targets.count() == 34
    assert matrix.scores.count() == 1122
    assert matrix.metrics.scored_pairs == 1122
    assert "Weitz" in matrix.source and "Sustainability Science" in matrix.source
    assert matrix.number == 1 and not matrix.is_published


def test_the_example_metrics_agree_with_the_published_row_and_column_sums(setting):
    matrix = services.example_matrix_load(organisation=setting.organisation)

    stored = selectors.metrics_for(matrix)

    # shared/data/interactions/sei_sweden_targets.csv: 1.3 out 25 (25, 0), in 26; 1.5 out 26, in 37
    assert (stored["1.3"]["out"], stored["1.3"]["out_pos"], stored["1.3"]["out_neg"]) == (25, 25, 0)
    assert stored["1.3"]["in"] == 26
    assert (stored["1.5"]["out"], stored["1.5"]["in"]) == (26, 37)
    assert sum(row["net"] for row in stored.values()) == 0
    # The example has five pairs at −2, and no rationale in the source.
    assert len(matrix.metrics.data["trade_offs"]) == 5


def test_the_command_loads_the_example_for_an_organisation(setting):
    out = io.StringIO()

    call_command("load_example_matrix", "--organisation", "1961", "--publish", stdout=out)

    matrix = selectors.current_matrix(setting.organisation, published_only=True)
    assert matrix is not None and matrix.scores.count() == 1122
    assert "34 targets, 1122 scored pairs, published" in out.getvalue()


def test_the_demo_loads_the_example_once_as_the_first_published_version(setting):
    first = demo.demo_load()
    second = demo.demo_load()

    assert first.created and not second.created
    assert "nothing written" in str(second)
    assert InteractionMatrix.objects.filter(organisation=setting.organisation).count() == 1
    assert first.matrix.is_published and first.matrix.number == 1


def test_the_demo_stops_with_a_message_without_hallstahammar(reference_data):
    with pytest.raises(DemoDataError, match="1961"):
        demo.demo_load()


# --- scores and versions ------------------------------------------------------------------------


def test_saving_a_score_updates_the_stored_metrics(draft, setting):
    cell = draft.scores.get(from_target__code="1.3", to_target__code="1.5")

    services.score_save(
        matrix=draft,
        from_target=_target("1.3"),
        to_target=_target("1.5"),
        score=-1,
        rationale="Ändrad bedömning.",
        confidence="high",
        assessed_by=setting.analyst,
        expected_version=cell.version,
    )

    stored = selectors.metrics_for(draft)
    assert stored["1.3"]["out"] == -1
    assert stored["1.5"]["in"] == -1
    assert draft.scores.get(pk=cell.pk).assessed_by == setting.analyst


def test_a_stale_edit_of_a_cell_is_refused_with_what_is_saved_now(draft, setting):
    cell = draft.scores.get(from_target__code="1.3", to_target__code="1.5")
    arguments = {
        "matrix": draft,
        "from_target": _target("1.3"),
        "to_target": _target("1.5"),
        "rationale": "",
        "confidence": "medium",
        "assessed_by": setting.analyst,
        "expected_version": cell.version,
    }
    services.score_save(score=3, **arguments)

    with pytest.raises(EditConflict) as refused:
        services.score_save(score=-3, **arguments)

    assert refused.value.current_version == cell.version + 1
    assert [(c.field, c.before, c.theirs, c.yours) for c in refused.value.changes] == [
        ("score", "2", "3", "-3"),
        ("rationale", "Socialt skydd stärker motståndskraften.", "", ""),
    ]
    assert draft.scores.get(pk=cell.pk).score == 3


def test_a_new_cell_is_saved_from_version_zero_and_only_once(draft, setting):
    arguments = {
        "matrix": draft,
        "from_target": _target("2.2"),
        "to_target": _target("1.5"),
        "score": 1,
        "rationale": "",
        "confidence": "low",
        "assessed_by": setting.analyst,
        "expected_version": 0,
    }
    services.score_save(**arguments)

    with pytest.raises(EditConflict) as refused:
        services.score_save(**{**arguments, "score": -1})

    assert refused.value.current_version == 1
    assert [(c.field, c.before, c.theirs, c.yours) for c in refused.value.changes] == [
        ("score", "", "1", "-1"),
        ("confidence", "", "Low", "Low"),
    ]


@pytest.mark.parametrize(
    ("origin", "destination", "score"),
    [("1.3", "1.3", 1), ("1.3", "3.4", 1), ("1.3", "1.5", 4)],
    ids=["itself", "not in the version", "outside the scale"],
)
def test_bad_cells_are_refused(draft, setting, origin, destination, score):
    with pytest.raises(ValidationError):
        services.score_save(
            matrix=draft,
            from_target=_target(origin),
            to_target=_target(destination),
            score=score,
            rationale="",
            confidence="medium",
            assessed_by=setting.analyst,
            expected_version=1,
        )
    assert draft.scores.count() == 3


def test_a_published_version_is_never_changed(draft, setting):
    services.matrix_publish(matrix=draft)

    with pytest.raises(ValidationError, match="new version"):
        services.score_save(
            matrix=InteractionMatrix.objects.get(pk=draft.pk),
            from_target=_target("1.3"),
            to_target=_target("1.5"),
            score=0,
            rationale="",
            confidence="medium",
            assessed_by=setting.analyst,
            expected_version=1,
        )


def test_a_new_version_copies_the_scores_and_leaves_the_original_alone(draft, setting):
    copy = services.matrix_create(
        organisation=setting.organisation,
        title="Version 2",
        targets=[row.target for row in draft.matrix_targets.select_related("target__goal")],
        based_on=draft,
        keep_order=True,
    )
    cell = copy.scores.get(from_target__code="1.3", to_target__code="1.5")
    services.score_save(
        matrix=copy,
        from_target=_target("1.3"),
        to_target=_target("1.5"),
        score=0,
        rationale="",
        confidence="medium",
        assessed_by=setting.analyst,
        expected_version=cell.version,
    )

    assert copy.number == 2 and copy.based_on == draft
    assert copy.scores.count() == 3
    assert draft.scores.get(from_target__code="1.3", to_target__code="1.5").score == 2
    assert selectors.metrics_for(draft)["1.3"]["out"] == 2


def test_scores_keep_their_history(draft, setting):
    cell = draft.scores.get(from_target__code="1.3", to_target__code="1.5")
    services.score_save(
        matrix=draft,
        from_target=_target("1.3"),
        to_target=_target("1.5"),
        score=1,
        rationale="Omprövad.",
        confidence="medium",
        assessed_by=setting.analyst,
        expected_version=cell.version,
    )

    assert [h.score for h in cell.history.order_by("history_date")] == [2, 1]


# --- CSV ----------------------------------------------------------------------------------------


def _csv(*rows: str) -> bytes:
    return ("from_target,to_target,score,rationale,confidence\n" + "\n".join(rows)).encode()


def test_a_csv_in_the_long_form_is_read_with_its_targets():
    parsed = csv_io.parse_cells(_csv("11.2,3.6,2,Färre olyckor,high", "3.6,11.2,+1,,"))

    assert parsed.errors == []
    assert list(parsed.nodes) == ["11.2", "3.6"]
    assert [(c.from_code, c.to_code, c.score, c.confidence) for c in parsed.cells] == [
        ("11.2", "3.6", 2, "high"),
        ("3.6", "11.2", 1, "medium"),
    ]


def test_every_bad_row_is_refused_with_its_row_number_and_reason():
    parsed = csv_io.parse_cells(
        _csv(
            "11.2,3.6,4,,",
            "11.2,11.2,1,,",
            "11.99,3.6,1,,",
            "3.6,11.2,1,,",
            "3.6,11.2,2,,",
            "3.6,1.3,x,,",
            "1.3,3.6,1,,sure",
        )
    )

    assert parsed.errors == [
        "Row 2: score 4 is outside −3…+3.",
        "Row 3: a target is not scored against itself (11.2).",
        "Row 4: unknown target code “11.99” in from_target.",
        "Row 6: the pair 3.6 → 11.2 is already on row 5.",
        "Row 7: score “x” is not a whole number.",
        "Row 8: confidence “sure” is not one of low, medium, high.",
    ]


def test_a_file_without_the_columns_is_refused_by_its_header():
    parsed = csv_io.parse_cells(b"fran,till,varde\n1.3,1.5,1\n")

    assert parsed.errors and parsed.errors[0].startswith("Row 1:")
    assert parsed.cells == []


def test_the_exported_cells_read_back_as_the_same_scores(draft):
    filename, content_type, content = csv_io.render_cells(draft)

    parsed = csv_io.parse_cells(content)

    assert filename == f"interactions-1961-v{draft.number}.csv"
    assert content_type.startswith("text/csv")
    assert parsed.errors == []
    assert {(c.from_code, c.to_code, c.score, c.rationale, c.confidence) for c in parsed.cells} == {
        (s.from_target.code, s.to_target.code, s.score, s.rationale, s.confidence)
        for s in draft.scores.select_related("from_target", "to_target")
    }


def test_replacing_a_drafts_cells_is_all_or_nothing(draft, setting):
    parsed = csv_io.parse_cells(_csv("1.3,2.2,3,,"), allowed={"1.3", "1.5", "2.2"})
    services.cells_replace(matrix=draft, cells=parsed.cells, assessed_by=setting.analyst)

    assert [(s.from_target.code, s.to_target.code, s.score) for s in draft.scores.all()] == [
        ("1.3", "2.2", 3)
    ]
    refused = csv_io.parse_cells(_csv("1.3,2.2,3,,", "1.3,3.4,1,,"), allowed={"1.3", "1.5", "2.2"})
    assert refused.errors == ["Row 3: target 3.4 is not part of this version."]


def test_the_metrics_export_has_one_row_per_target(draft):
    _name, _type, content = csv_io.render_metrics(draft)

    lines = content.decode().splitlines()
    assert lines[0] == (
        "target,goal,out,out_pos,out_neg,in,in_pos,in_neg,net,second_order,second_order_neg"
    )
    # 1.3: out +2, in +1, S2 = (1.3→1.5→2.2) 2·(−2) = −4.
    assert lines[1] == "1.3,1,2,2,0,1,1,0,1,-4,-4"


# --- selectors for other apps ---------------------------------------------------------------


def test_current_matrix_is_the_latest_version_or_the_latest_published(draft, setting):
    assert selectors.current_matrix(setting.organisation) == draft
    assert selectors.current_matrix(setting.organisation, published_only=True) is None
    services.matrix_publish(matrix=draft)
    newer = services.matrix_create(
        organisation=setting.organisation, title="Nyare", targets=[_target("1.3"), _target("1.5")]
    )

    assert selectors.current_matrix(setting.organisation) == newer
    assert selectors.current_matrix(setting.organisation, published_only=True) == draft


def test_influenced_and_counteracted_targets(draft):
    t13, t15, t22 = _target("1.3"), _target("1.5"), _target("2.2")

    assert selectors.influenced_targets(draft, {t13.pk}) == {t15.pk: 2}
    assert selectors.influenced_targets(draft, {t13.pk, t15.pk}) == {}  # 1.5 is chosen itself
    assert selectors.influenced_targets(draft, {t22.pk}, threshold=1) == {t13.pk: 1}
    assert selectors.counteracted_targets(draft, [t15.pk]) == [
        (t15.pk, t22.pk, -2, "Konkurrerar om samma resurser.")
    ]
    assert selectors.counteracted_targets(draft, [t13.pk]) == []


def test_most_influential_ranks_by_out(draft):
    ranked = selectors.most_influential(draft, n=2)

    assert [code for code, _metrics in ranked] == ["1.3", "2.2"]
    assert ranked[0][1]["out"] == 2


def test_a_cell_cannot_be_stored_twice_or_against_itself(draft):
    from django.db import IntegrityError, transaction

    t13 = _target("1.3")
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionScore.objects.create(
            matrix=draft, from_target=t13, to_target=t13, score=1, assessed_at=draft.created_at
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionScore.objects.create(
            matrix=draft,
            from_target=t13,
            to_target=_target("1.5"),
            score=-4,
            assessed_at=draft.created_at,
        )


def test_publishing_a_version_changed_meanwhile_is_refused(draft):
    with pytest.raises(EditConflict):
        services.matrix_publish(matrix=draft, expected_version=draft.version + 1)

    assert not InteractionMatrix.objects.get(pk=draft.pk).is_published
