"""Hallstahammar's demo status analysis: drafted for 2025 and confirmed (the published
2025 report stands on it), eight prioritised targets with motivations, a few assessments
made; a second load writes nothing."""

import pytest

from hallbar.analysis.status import demo, selectors
from hallbar.analysis.status.models import StatusAnalysis, TargetAssessment
from hallbar.organisation.models import Organisation
from hallbar.steering.demo import DemoDataError, demo_data_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_mode(settings, reference_data):
    settings.DEMO_MODE = True
    return settings


def test_the_demo_analysis_loads_once(demo_mode):
    demo_data_load()

    first = demo.demo_load()
    history = TargetAssessment.history.count()
    second = demo.demo_load()

    assert first.created and len(first.updated) == len(demo.DEMO_ASSESSMENTS)
    assert str(second) == "Status analysis 2025 for Hallstahammar: unchanged."
    assert TargetAssessment.history.count() == history
    hallstahammar = Organisation.objects.get(code="1961")
    analysis = selectors.latest_analysis(hallstahammar)
    assert (analysis.year, analysis.state) == (2025, "confirmed")
    prioritised = selectors.prioritised_targets(hallstahammar)
    assert [t.code for t in prioritised] == [
        "3.6",
        "4.1",
        "8.5",
        "10.2",
        "11.2",
        "12.5",
        "13.2",
        "16.7",
    ]
    assert all(row.priority_motivation for row in analysis.assessments.filter(is_prioritised=True))
    assert analysis.assessments.exclude(assessment="").count() == 5
    assert StatusAnalysis.objects.count() == 1
    # Three goals assessed; goal 13 differs from the suggestion its targets make, with a reason.
    assert first.goals == [4, 11, 13] and second.goals == []
    goals = {s.goal.number: s for s in selectors.goal_summaries(analysis)}
    assert [(n, goals[n].assessment, goals[n].suggested) for n in (4, 11, 13)] == [
        (4, "challenge", "challenge"),
        (11, "neutral", "neutral"),
        (13, "major_challenge", "challenge"),
    ]
    assert goals[13].goal_assessment.override_reason
    assert goals[13].goal_assessment.assessed_by.username == demo.ANALYST_USERNAME
    assert goals[8].assessment == "" and goals[8].suggested == "challenge"


def test_the_demo_needs_the_steering_demo_first(demo_mode):
    with pytest.raises(DemoDataError):
        demo.demo_load()
