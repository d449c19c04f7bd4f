"""The suggested assessment of a target, from its evidence, and of a goal, from its targets'
assessments (`suggest_goal`, the goal rule below). Pure functions: no database.

## The target rule (`suggest`)

Evidence: the organisation's indicators linked to the target, each with its stored
progress status toward its own target (METHODS.md §1, `ProgressRecord`) and its relative
position among municipalities (§2: best quarter green, middle half yellow, worst quarter
red, grey without a value). Hållbar reads both as stored; it computes nothing new here.

The rule, per indicator:

- **good**: in the best quarter (green) *and* on track (`on_track` or `target_achieved`);
- **bad**: in the worst quarter (red) *or* deteriorating (`deterioration`);
- **bad on both counts**: in the worst quarter *and* deteriorating;
- an indicator with neither a status (`not_available`) nor a position (grey) is no
  evidence and is left out of the count.

Then, over the n indicators that are evidence ("most" = more than half):

1. most are bad on both counts → **major challenge**;
2. most are good → **strength**;
3. most are bad → **challenge**;
4. otherwise (mixed, or most in the middle) → **neutral**;
5. no indicator is evidence → **no suggestion**: the analyst assesses from other knowledge.

The reasoning lists each indicator's contribution in the order given, so a reader sees
how the suggestion was reached. It is a suggestion: the analyst confirms it, or records
another assessment with a reason.

## The goal rule (`suggest_goal`)

The suggested assessment of a goal, from its targets' assessments in the same analysis:

- a target that is **not relevant** for the municipality is left out, and so is a target
  **not assessed** yet;
- each target counted weighs by its relevance: **high 3, medium 2, low 1**; a target whose
  relevance is not set yet weighs 1, like a low one;
- W is the total weight of the targets counted. Then, in this order:

1. the major challenges weigh more than half of W → **major challenge**;
2. the strengths weigh more than half of W → **strength**;
3. the challenges and major challenges together weigh more than half of W → **challenge**;
4. otherwise (mixed, or most neutral) → **neutral**;
5. no target counted (none assessed yet, or none relevant) → **no suggestion**: the analyst
   assesses the goal from the summary and other knowledge.

A carried-over target assessment (from last year, not reviewed yet) counts like any other.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

GOOD_STATUSES = frozenset({"on_track", "target_achieved"})
DETERIORATING = "deterioration"
NOT_AVAILABLE = "not_available"
BEST_QUARTER, WORST_QUARTER, NO_POSITION = "green", "red", "grey"

STRENGTH = "strength"
NEUTRAL = "neutral"
CHALLENGE = "challenge"
MAJOR_CHALLENGE = "major_challenge"


@dataclass(frozen=True)
class IndicatorEvidence:
    """One linked indicator as the rule reads it."""

    code: str
    title: str
    status: str  # a METHODS §1 status, "not_available" when none is stored
    band: str  # green / yellow / red / grey (METHODS §2)
    status_label: str = ""
    band_label: str = ""

    @property
    def is_evidence(self) -> bool:
        return self.status != NOT_AVAILABLE or self.band != NO_POSITION

    @property
    def is_good(self) -> bool:
        return self.band == BEST_QUARTER and self.status in GOOD_STATUSES

    @property
    def is_bad(self) -> bool:
        return self.band == WORST_QUARTER or self.status == DETERIORATING

    @property
    def is_bad_on_both(self) -> bool:
        return self.band == WORST_QUARTER and self.status == DETERIORATING

    def as_input(self) -> dict[str, str]:
        return {"code": self.code, "title": self.title, "status": self.status, "band": self.band}


@dataclass(frozen=True)
class Suggestion:
    assessment: str  # "" when there is no evidence
    reasoning: str
    inputs: list[dict[str, Any]]


def _most(count: int, total: int) -> bool:
    return total > 0 and count * 2 > total


def _contribution(item: IndicatorEvidence) -> str:
    if not item.is_evidence:
        verdict = _("no status and no position: not counted")
    elif item.is_bad_on_both:
        verdict = _("worst quarter and deteriorating: counts toward a major challenge")
    elif item.is_good:
        verdict = _("best quarter and on track: counts toward a strength")
    elif item.is_bad:
        verdict = _("worst quarter or deteriorating: counts toward a challenge")
    else:
        verdict = _("neither: counts toward neutral")
    status = item.status_label or item.status
    band = item.band_label or item.band
    return f"{item.code} {item.title} ({status}; {band}): {verdict}"


def suggest(evidence: Sequence[IndicatorEvidence]) -> Suggestion:
    """The suggested assessment for a target with these linked indicators (the rule in
    the module docstring), with its reasoning and the inputs to store."""
    counted = [item for item in evidence if item.is_evidence]
    n = len(counted)
    good = sum(item.is_good for item in counted)
    bad = sum(item.is_bad for item in counted)
    both = sum(item.is_bad_on_both for item in counted)
    if n == 0:
        assessment = ""
        conclusion = _("No linked indicator has a status or a position: no suggestion.")
    elif _most(both, n):
        assessment = MAJOR_CHALLENGE
        conclusion = _(
            "%(count)s of %(n)s indicators are in the worst quarter and deteriorating: "
            "major challenge."
        ) % {"count": both, "n": n}
    elif _most(good, n):
        assessment = STRENGTH
        conclusion = _(
            "%(count)s of %(n)s indicators are in the best quarter and on track: strength."
        ) % {"count": good, "n": n}
    elif _most(bad, n):
        assessment = CHALLENGE
        conclusion = _(
            "%(count)s of %(n)s indicators are in the worst quarter or deteriorating: challenge."
        ) % {"count": bad, "n": n}
    else:
        assessment = NEUTRAL
        conclusion = _(
            "Of %(n)s indicators, %(good)s point to a strength and %(bad)s to a challenge: "
            "no majority, neutral."
        ) % {"n": n, "good": good, "bad": bad}
    lines = [conclusion, *(f"- {_contribution(item)}" for item in evidence)]
    return Suggestion(
        assessment=assessment,
        reasoning="\n".join(lines),
        inputs=[item.as_input() for item in evidence],
    )


# --- the suggested assessment of a goal ------------------------------------------------------


RELEVANCE_WEIGHTS = {"high": 3, "medium": 2, "low": 1, "": 1}
NOT_RELEVANT = "not_relevant"


@dataclass(frozen=True)
class TargetInput:
    """One target of the goal as the goal rule reads it."""

    code: str
    relevance: str  # high / medium / low / not_relevant, "" not set
    assessment: str  # "" not assessed
    relevance_label: str = ""
    assessment_label: str = ""

    @property
    def is_counted(self) -> bool:
        return self.relevance != NOT_RELEVANT and bool(self.assessment)

    @property
    def weight(self) -> int:
        return RELEVANCE_WEIGHTS.get(self.relevance, 1) if self.is_counted else 0

    def as_input(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "relevance": self.relevance,
            "assessment": self.assessment,
            "weight": self.weight,
        }


def _target_line(item: TargetInput) -> str:
    relevance = item.relevance_label or item.relevance or _("relevance not set")
    if item.relevance == NOT_RELEVANT:
        return _("%(code)s (%(relevance)s): not counted") % {
            "code": item.code,
            "relevance": relevance,
        }
    if not item.assessment:
        return _("%(code)s (%(relevance)s): not assessed yet, not counted") % {
            "code": item.code,
            "relevance": relevance,
        }
    return _("%(code)s (%(relevance)s, weight %(weight)s): %(assessment)s") % {
        "code": item.code,
        "relevance": relevance,
        "weight": item.weight,
        "assessment": item.assessment_label or item.assessment,
    }


def suggest_goal(targets: Sequence[TargetInput]) -> Suggestion:
    """The suggested assessment of a goal with these targets (the goal rule in the module docstring),
    with its reasoning (the conclusion, then each target's part in target order) and the
    inputs to store."""
    counted = [item for item in targets if item.is_counted]
    total = sum(item.weight for item in counted)

    def weight_of(*values: str) -> int:
        return sum(item.weight for item in counted if item.assessment in values)

    major = weight_of(MAJOR_CHALLENGE)
    strength = weight_of(STRENGTH)
    bad = weight_of(CHALLENGE, MAJOR_CHALLENGE)
    numbers = {"n": len(counted), "total": total}
    if not targets:
        assessment = ""
        conclusion = _("The goal has no targets in the analysis: no suggestion.")
    elif all(item.relevance == NOT_RELEVANT for item in targets):
        assessment = ""
        conclusion = _("No target of the goal is relevant for the municipality: no suggestion.")
    elif not counted:
        assessment = ""
        conclusion = _("No relevant target of the goal is assessed yet: no suggestion.")
    elif _most(major, total):
        assessment = MAJOR_CHALLENGE
        conclusion = _(
            "Of %(n)s assessed relevant targets (weight %(total)s), major challenges weigh "
            "%(weight)s: major challenge."
        ) % {**numbers, "weight": major}
    elif _most(strength, total):
        assessment = STRENGTH
        conclusion = _(
            "Of %(n)s assessed relevant targets (weight %(total)s), strengths weigh "
            "%(weight)s: strength."
        ) % {**numbers, "weight": strength}
    elif _most(bad, total):
        assessment = CHALLENGE
        conclusion = _(
            "Of %(n)s assessed relevant targets (weight %(total)s), challenges and major "
            "challenges weigh %(weight)s: challenge."
        ) % {**numbers, "weight": bad}
    else:
        assessment = NEUTRAL
        conclusion = _(
            "Of %(n)s assessed relevant targets (weight %(total)s), strengths weigh "
            "%(strength)s and challenges %(bad)s: no majority, neutral."
        ) % {**numbers, "strength": strength, "bad": bad}
    lines = [conclusion, *(f"- {_target_line(item)}" for item in targets)]
    return Suggestion(
        assessment=assessment,
        reasoning="\n".join(lines),
        inputs=[item.as_input() for item in targets],
    )
