import json

import pytest

from hallbar.agenda.models import GlobalIndicator, Goal, GoalSet, Target
from hallbar.agenda.services import REFERENCE_DATA, reference_data_load

pytestmark = pytest.mark.django_db


def test_agenda_2030_has_17_goals_169_targets_and_every_indicator(reference_data):
    assert reference_data.goals.count() == 17
    assert Target.objects.agenda2030().count() == 169
    assert GlobalIndicator.objects.filter(target__goal_set=reference_data).count() == 248
    # 28 entries repeat an indicator listed under another target; 232 distinct UNSD codes.
    assert GlobalIndicator.objects.filter(is_repeated=True).count() == 28
    assert GlobalIndicator.objects.values("unsd_code").distinct().count() == 232


def test_every_target_has_a_swedish_or_fallback_title(reference_data):
    from django.utils import translation

    with translation.override("sv"):
        texts = [target.text for target in Target.objects.agenda2030()]
    assert all(text.text.strip() for text in texts)
    translated = [text for text in texts if not text.is_fallback]
    assert len(translated) == 103
    assert all(text.language == "en" for text in texts if text.is_fallback)


def test_goal_colours_and_dimensions_follow_the_wedding_cake(reference_data):
    goals = {goal.number: goal for goal in reference_data.goals.all()}
    assert goals[11].colour == "#FD9D24"
    assert goals[11].title_sv == "Hållbara städer och samhällen"
    assert {n for n, g in goals.items() if g.dimension == "ecological"} == {6, 13, 14, 15}
    assert {n for n, g in goals.items() if g.dimension == "economic"} == {8, 9, 10, 12}
    assert goals[17].dimension == ""


def test_means_of_implementation_targets_are_the_lettered_ones(reference_data):
    means = Target.objects.agenda2030().filter(kind="means_of_implementation")
    assert means.count() == 43
    assert all(target.code.split(".")[1].isalpha() for target in means)


def test_national_goal_sets_are_loaded():
    assert Goal.objects.filter(goal_set__code="miljokvalitetsmal").count() == 16
    assert Goal.objects.filter(goal_set__code="folkhalsa").count() == 8


def test_loading_twice_changes_nothing():
    summary = reference_data_load()
    assert summary.created == 0
    assert summary.updated == 0
    assert summary.counts["targets"] == 169


def test_a_changed_source_text_updates_in_place_and_keeps_links(tmp_path):
    payload = json.loads(REFERENCE_DATA.read_text(encoding="utf-8"))
    payload["goal_sets"][0]["goals"][10]["targets"][1]["text_sv"] = "Ny formulering."
    changed = tmp_path / "goal_sets.json"
    changed.write_text(json.dumps(payload), encoding="utf-8")
    before = Target.objects.agenda2030().get(code="11.2").pk
    summary = reference_data_load(path=changed)
    assert summary.updated == 1
    target = Target.objects.agenda2030().get(code="11.2")
    assert (target.pk, target.text_sv) == (before, "Ny formulering.")


def test_a_target_code_is_unique_in_its_goal_set(reference_data):
    from django.db import IntegrityError, transaction

    goal = reference_data.goals.get(number=11)
    with pytest.raises(IntegrityError, match="target_code_unique_in_set"), transaction.atomic():
        Target.objects.create(goal_set=reference_data, goal=goal, code="11.2", text_en="Duplicate")
    other_set = GoalSet.objects.create(code="rus", kind="regional", title_sv="RUS")
    other_goal = Goal.objects.create(goal_set=other_set, code="1", number=1, title_sv="Mål 1")
    Target.objects.create(
        goal_set=other_set, goal=other_goal, code="11.2", text_en="Same code, other set"
    )
