"""The demo: Hallstahammar's example cases, their conflicts, one decided; idempotent."""

import pytest

from hallbar.analysis.impact import demo
from hallbar.analysis.impact.models import Case, GoalConflict
from hallbar.analysis.interactions import demo as interactions_demo
from hallbar.steering import demo as steering_demo

pytestmark = pytest.mark.django_db


def test_the_demo_loads_cases_and_conflicts_once(reference_data, settings):
    settings.DEMO_MODE = True
    steering_demo.demo_data_load()
    interactions_demo.demo_load()
    first = demo.demo_load()
    assert "3 cases assessed" in str(first)
    cases = Case.objects.filter(organisation__code="1961")
    assert cases.count() == 3 and all(case.assessed_at for case in cases)
    decided = GoalConflict.objects.get(organisation__code="1961", status="decided")
    assert (decided.decision_body.short_name, decided.decision_paragraph) == ("KS", "58")
    count = GoalConflict.objects.count()

    second = demo.demo_load()
    assert str(second) == "impact: the demo cases were already loaded; nothing written"
    assert GoalConflict.objects.count() == count
