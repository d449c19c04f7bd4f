import json

from hypothesis import given
from hypothesis import strategies as st

from hallbar.agenda.services import REFERENCE_DATA
from hallbar.lib.colour import contrast_ratio, readable_text_colour


def test_white_on_black_is_21_to_1():
    assert round(contrast_ratio("#FFFFFF", "#000000"), 1) == 21.0


def test_goal_7_yellow_gets_black_text_and_goal_13_green_gets_white():
    assert readable_text_colour("#FCC30B") == "#000000"
    assert readable_text_colour("#3F7E44") == "#FFFFFF"


def test_the_text_colour_with_the_higher_contrast_wins():
    # Goal 1 red: white reaches only 4.5:1, black 5.3:1.
    assert contrast_ratio("#E5243B", "#000000") > contrast_ratio("#E5243B", "#FFFFFF")
    assert readable_text_colour("#E5243B") == "#000000"


def test_every_sdg_colour_gets_text_meeting_wcag_aa():
    goal_sets = json.loads(REFERENCE_DATA.read_text(encoding="utf-8"))["goal_sets"]
    for goal in goal_sets[0]["goals"]:
        text = readable_text_colour(goal["colour"])
        assert contrast_ratio(goal["colour"], text) >= 4.5, goal["code"]


@given(st.integers(min_value=0, max_value=0xFFFFFF))
def test_the_chosen_text_colour_always_reaches_aa(value):
    background = f"#{value:06X}"
    assert contrast_ratio(background, readable_text_colour(background)) >= 4.5
