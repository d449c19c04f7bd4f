"""The goal rule (hallbar/analysis/status/suggestion.py, `suggest_goal`), on hand-built
goals, without a database: only relevant, assessed targets count, weighed by relevance."""

from hallbar.analysis.status.suggestion import TargetInput, suggest_goal


def t(code: str, relevance: str, assessment: str) -> TargetInput:
    return TargetInput(code=code, relevance=relevance, assessment=assessment)


def rule(*rows: tuple[str, str]) -> str:
    return suggest_goal([t(f"4.{i}", *row) for i, row in enumerate(rows, 1)]).assessment


def test_most_weight_in_strengths_is_a_strength():
    assert rule(("high", "strength"), ("low", "challenge"), ("low", "neutral")) == "strength"


def test_relevance_weighs_one_high_challenge_against_two_low_strengths():
    # 3 (challenge) against 1 + 1 (strengths): the challenge weighs more than half.
    assert rule(("high", "challenge"), ("low", "strength"), ("low", "strength")) == "challenge"
    # Counted per target it would be two strengths against one challenge.
    assert rule(("low", "challenge"), ("low", "strength"), ("low", "strength")) == "strength"


def test_major_challenges_weighing_more_than_half_make_a_major_challenge():
    assert rule(("high", "major_challenge"), ("medium", "challenge")) == "major_challenge"


def test_challenges_and_major_challenges_together_make_a_challenge():
    # Major 2 of 6, challenge 2: together 4 of 6.
    assert (
        rule(("medium", "major_challenge"), ("medium", "challenge"), ("medium", "strength"))
        == "challenge"
    )


def test_no_majority_is_neutral():
    assert rule(("medium", "strength"), ("medium", "challenge")) == "neutral"
    assert rule(("high", "neutral"), ("low", "strength")) == "neutral"


def test_not_relevant_and_not_assessed_targets_are_left_out():
    # Only 4.3 counts: the not-relevant strengths and the unassessed target do not.
    suggestion = suggest_goal(
        [
            t("4.1", "not_relevant", "strength"),
            t("4.2", "not_relevant", "strength"),
            t("4.3", "low", "challenge"),
            t("4.4", "high", ""),
        ]
    )

    assert suggestion.assessment == "challenge"
    lines = suggestion.reasoning.splitlines()
    assert lines[0] == (
        "Of 1 assessed relevant targets (weight 1), challenges and major challenges "
        "weigh 1: challenge."
    )
    assert lines[1:] == [
        "- 4.1 (not_relevant): not counted",
        "- 4.2 (not_relevant): not counted",
        "- 4.3 (low, weight 1): challenge",
        "- 4.4 (high): not assessed yet, not counted",
    ]
    assert suggestion.inputs[2] == {
        "code": "4.3",
        "relevance": "low",
        "assessment": "challenge",
        "weight": 1,
    }


def test_relevance_not_set_weighs_like_low():
    assert rule(("", "challenge"), ("low", "strength")) == "neutral"
    assert rule(("", "challenge"), ("", "challenge"), ("low", "strength")) == "challenge"


def test_no_relevant_target_assessed_gives_no_suggestion():
    suggestion = suggest_goal([t("4.1", "high", ""), t("4.2", "not_relevant", "strength")])

    assert suggestion.assessment == ""
    assert suggestion.reasoning.startswith("No relevant target of the goal is assessed yet")


def test_all_targets_not_relevant_gives_no_suggestion():
    suggestion = suggest_goal(
        [t("14.1", "not_relevant", ""), t("14.2", "not_relevant", "challenge")]
    )

    assert suggestion.assessment == ""
    assert suggestion.reasoning.startswith("No target of the goal is relevant")


def test_a_goal_without_targets_gives_no_suggestion():
    assert suggest_goal([]).assessment == ""


def test_labels_are_used_in_the_reasoning_when_given():
    suggestion = suggest_goal(
        [
            TargetInput(
                code="13.2",
                relevance="high",
                assessment="challenge",
                relevance_label="Hög",
                assessment_label="Utmaning",
            )
        ]
    )

    assert "- 13.2 (Hög, weight 3): Utmaning" in suggestion.reasoning
