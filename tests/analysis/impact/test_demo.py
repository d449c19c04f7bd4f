"""The demo: Hallstahammar's example cases, their conflicts, one decided; idempotent."""

import pytest
from django.utils import translation

from hallbar.analysis.impact import demo
from hallbar.analysis.impact.models import Case, GoalConflict
from hallbar.analysis.interactions import demo as interactions_demo
from hallbar.steering import demo as steering_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Reasons and evidence are stored in the language detection runs in: English here,
    whatever the catalogue holds."""
    with translation.override("en"):
        yield


def test_the_demo_loads_cases_and_conflicts_once(reference_data, settings):
    settings.DEMO_MODE = True
    steering_demo.demo_data_load()
    interactions_demo.demo_load()
    first = demo.demo_load()
    assert "4 cases assessed" in str(first) and "1 withdrawn" in str(first)
    cases = Case.objects.filter(organisation__code="1961")
    assert cases.count() == 4 and all(case.assessed_at for case in cases)
    decided = GoalConflict.objects.get(organisation__code="1961", status="decided")
    assert (decided.decision_body.short_name, decided.decision_paragraph) == ("KS", "58")
    # The bridge's first assessment felled trees; the revised one does not: withdrawn.
    withdrawn = GoalConflict.objects.get(organisation__code="1961", status="withdrawn")
    assert withdrawn.case.diary_number == "TN 2026/31"
    assert withdrawn.withdrawn_reason == (
        "The assessment of the case no longer has both positive and negative effects."
    )
    count = GoalConflict.objects.count()

    second = demo.demo_load()
    assert str(second) == "impact: the demo cases were already loaded; nothing written"
    assert GoalConflict.objects.count() == count
