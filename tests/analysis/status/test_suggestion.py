"""The suggestion rule (hallbar/analysis/status/suggestion.py), without a database."""

from hallbar.analysis.status.suggestion import IndicatorEvidence, suggest


def ev(code: str, status: str, band: str) -> IndicatorEvidence:
    return IndicatorEvidence(code=code, title=f"Indikator {code}", status=status, band=band)


GOOD = ("on_track", "green")
ACHIEVED = ("target_achieved", "green")
WORST = ("limited_progress", "red")
FALLING = ("deterioration", "yellow")
BOTH = ("deterioration", "red")
MIDDLE = ("progress_needs_acceleration", "yellow")
NOTHING = ("not_available", "grey")


def rule(*rows: tuple[str, str]) -> str:
    return suggest([ev(f"K{i}", *row) for i, row in enumerate(rows)]).assessment


def test_most_in_the_best_quarter_and_on_track_is_a_strength():
    assert rule(GOOD, ACHIEVED, MIDDLE) == "strength"


def test_best_quarter_alone_is_not_enough_for_a_strength():
    assert rule(("limited_progress", "green"), ("limited_progress", "green")) == "neutral"


def test_most_in_the_worst_quarter_or_deteriorating_is_a_challenge():
    assert rule(WORST, FALLING, GOOD) == "challenge"


def test_most_in_the_worst_quarter_and_deteriorating_is_a_major_challenge():
    assert rule(BOTH, BOTH, GOOD) == "major_challenge"


def test_half_is_not_most():
    assert rule(GOOD, BOTH) == "neutral"
    assert rule(BOTH, BOTH, WORST, GOOD) == "challenge"


def test_mixed_evidence_is_neutral():
    assert rule(GOOD, WORST, MIDDLE) == "neutral"
    assert rule(MIDDLE) == "neutral"


def test_no_linked_indicator_gives_no_suggestion():
    suggestion = suggest([])

    assert suggestion.assessment == ""
    assert "no suggestion" in suggestion.reasoning


def test_indicators_without_status_or_position_are_no_evidence():
    assert rule(NOTHING, NOTHING) == ""
    # Left out of the count: one good of one counted is most.
    assert rule(NOTHING, NOTHING, GOOD) == "strength"


def test_a_status_without_a_position_still_counts():
    assert rule(("deterioration", "grey")) == "challenge"


def test_the_reasoning_lists_every_indicator_and_its_contribution():
    suggestion = suggest([ev("N1", *GOOD), ev("N2", *BOTH), ev("N3", *NOTHING)])

    lines = suggestion.reasoning.splitlines()
    assert lines[0].startswith("Of 2 indicators")
    assert lines[1].startswith("- N1 Indikator N1") and "strength" in lines[1]
    assert lines[2].startswith("- N2") and "major challenge" in lines[2]
    assert lines[3].startswith("- N3") and "not counted" in lines[3]
    assert [row["code"] for row in suggestion.inputs] == ["N1", "N2", "N3"]
    assert suggestion.inputs[1] == {
        "code": "N2",
        "title": "Indikator N2",
        "status": "deterioration",
        "band": "red",
    }
