"""The goal-level view of a target version (mean over the scored pairs, with coverage) as
stored, shown and served; the recompute's queries; the stored metrics recomputed by the
migration."""

import importlib
import re

import pytest
from django.apps import apps
from django.utils import translation

from hallbar.analysis.interactions import selectors, services
from hallbar.analysis.interactions.models import MatrixMetrics

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def four(setting):
    """1.3, 1.5 (goal 1), 2.2, 2.4 (goal 2): 1.3→1.5 +2, 1.5→2.2 −2, 1.3→2.4 +3,
    2.2→1.3 +1, 2.2→2.4 scored 0. Seven of the twelve pairs are unscored."""
    return services.matrix_create(
        organisation=setting.organisation,
        title="Fyra delmål",
        targets=list(services.agenda_targets(["1.3", "1.5", "2.2", "2.4"]).values()),
        cells=[
            services.CellInput("1.3", "1.5", 2),
            services.CellInput("1.5", "2.2", -2, "Konkurrens om resurser."),
            services.CellInput("1.3", "2.4", 3),
            services.CellInput("2.2", "1.3", 1),
            services.CellInput("2.2", "2.4", 0),
        ],
    )


def test_the_stored_goal_means_leave_unscored_pairs_out(four):
    blocks = selectors.goal_blocks(four.metrics.data)

    # By hand: 1→1 {+2} of 2 pairs; 1→2 {−2, +3} of 4; 2→1 {+1} of 4; 2→2 {0} of 2.
    assert [[(b.mean, b.scored, b.pairs) for b in row] for row in blocks] == [
        [(2, 1, 2), (0.5, 2, 4)],
        [(1, 1, 4), (0, 1, 2)],
    ]
    assert [[b.coverage for b in row] for row in blocks] == [[0.5, 0.5], [0.25, 0.5]]


def test_a_new_score_moves_the_mean_and_the_coverage(four, setting):
    t = services.agenda_targets(["2.4", "1.5"])
    services.score_save(
        matrix=four,
        from_target=t["2.4"],
        to_target=t["1.5"],
        score=-3,
        rationale="",
        confidence="low",
        assessed_by=setting.analyst,
        expected_version=0,
    )

    four.refresh_from_db()
    block = selectors.goal_blocks(four.metrics.data)[1][0]
    # 2→1 now {+1, −3}: mean −1, 2 of 4 pairs.
    assert (block.mean, block.scored, block.pairs) == (-1, 2, 4)


def test_the_results_page_shows_each_mean_with_its_coverage(four, setting, client_for):
    html = client_for(setting.analyst).get(f"/o/1961/matrices/{four.pk}/").content.decode()

    def block(g: int, h: int) -> str:
        cell = re.search(rf'<td id="goal-block-{g}-{h}">(.*?)</td>', html, re.S).group(1)
        return re.sub(r"<[^>]+>", "", cell).strip()

    assert block(1, 1) == "2.00 (1 of 2 scored)"
    assert block(1, 2) == "0.50 (2 of 4 scored)"
    assert block(2, 1) == "1.00 (1 of 4 scored)"
    assert block(2, 2) == "0.00 (1 of 2 scored)"
    assert "Unscored pairs are left out of the mean" in html
    assert "2/4" in html  # the chart's cell label: mean, then the coverage


def test_the_api_returns_the_goal_view_with_coverage(four, setting, client_for):
    body = client_for(setting.analyst).get(f"/api/v1/organisations/1961/matrices/{four.pk}").json()

    assert body["goal_view"] == [
        {"from_goal": 1, "to_goal": 1, "mean": 2, "scored_pairs": 1, "pairs": 2, "coverage": 0.5},
        {"from_goal": 1, "to_goal": 2, "mean": 0.5, "scored_pairs": 2, "pairs": 4, "coverage": 0.5},
        {"from_goal": 2, "to_goal": 1, "mean": 1, "scored_pairs": 1, "pairs": 4, "coverage": 0.25},
        {"from_goal": 2, "to_goal": 2, "mean": 0, "scored_pairs": 1, "pairs": 2, "coverage": 0.5},
    ]


def test_a_goal_without_a_scored_pair_shows_no_mean(setting, client_for):
    matrix = services.matrix_create(
        organisation=setting.organisation,
        title="Glest",
        targets=list(services.agenda_targets(["1.3", "2.2"]).values()),
        cells=[services.CellInput("1.3", "2.2", 2)],
    )
    html = client_for(setting.analyst).get(f"/o/1961/matrices/{matrix.pk}/").content.decode()

    cell = re.search(r'<td id="goal-block-2-1">(.*?)</td>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", cell).strip() == "– (0 of 1 scored)"


# --- the recompute ------------------------------------------------------------------------------


def test_the_recompute_reads_in_a_fixed_number_of_queries(four, setting, django_assert_num_queries):
    big = services.example_matrix_load(organisation=setting.organisation)

    # The nodes, the scores (one query, plain tuples), the stored row: for 5 or 1,122 scores.
    with django_assert_num_queries(3):
        services.metrics_refresh(matrix=four)
    with django_assert_num_queries(3):
        services.metrics_refresh(matrix=big)
    assert big.metrics.scored_pairs == 1122


def test_the_migration_recomputes_stored_metrics_in_the_new_form(four):
    """Metrics stored before the goal view had coverage (and unscored pairs counted as 0)
    are rewritten from the unchanged scores."""
    old = dict(four.metrics.data)
    old.pop("level")
    old["goal_view"] = {"goals": [1, 2], "means": [[1, 0.25], [0.25, 0]], "cells": [[2, 4], [4, 2]]}
    MatrixMetrics.objects.filter(matrix=four).update(data=old)
    migration = importlib.import_module("hallbar.analysis.interactions.migrations.0002_goal_level")

    migration.recompute_metrics(apps, None)

    data = MatrixMetrics.objects.get(matrix=four).data
    assert data["level"] == "targets"
    assert data["goal_view"]["means"] == [[2, 0.5], [1, 0]]
    assert data["goal_view"]["scored"] == [[1, 2], [1, 1]]
    assert data["trade_offs"] == [
        {"from": "1.5", "to": "2.2", "score": -2, "rationale": "Konkurrens om resurser."}
    ]
