"""Raising goal conflicts automatically (METHODS.md §5).

(a) The same case has both positive and negative effects (on goals, targets, or the
    three dimensions; a rating "both" is both).
(b) A case or an action supports a target i (a positive rating; an action linked to i)
    while the organisation's current interaction matrix has a_ij ≤ −2 for a target j the
    organisation has prioritised.

Detection is idempotent: every automatic conflict has a `rule_key` naming its rule and
source (and for (b) the pair i, j), unique in the organisation. Running it again updates
an open conflict's evidence if the facts changed, and never touches one under
preparation or decided: the precedent stays as it was weighed.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from hallbar.agenda.models import Goal, Target
from hallbar.analysis.impact.models import (
    Case,
    ConflictOrigin,
    ConflictStatus,
    EffectRating,
    GoalConflict,
    is_negative,
    is_positive,
    rating_label,
)
from hallbar.analysis.impact.selectors import weighing_bodies
from hallbar.core.versions import one_version
from hallbar.organisation.models import Body, Organisation
from hallbar.steering.models import Action


@dataclass
class Detection:
    created: list[GoalConflict] = field(default_factory=list)
    updated: list[GoalConflict] = field(default_factory=list)
    unchanged: list[GoalConflict] = field(default_factory=list)

    def __iadd__(self, other: "Detection") -> "Detection":
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self

    def __str__(self) -> str:
        return _("%(created)s conflicts raised, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


def _effect_line(effect: EffectRating) -> str:
    subject = (
        _("target %(code)s") % {"code": effect.target.code}
        if effect.target_id
        else _("goal %(number)s") % {"number": effect.goal.number}
    )
    return f"{subject}: {rating_label(effect.rating)} – {effect.motivation}"


def _default_weigher(organisation: Organisation, body: Body | None, owner_id: int | None):
    if body is not None and weighing_bodies(organisation, owner_id).filter(pk=body.pk).exists():
        return body
    return None


def _raise(
    *,
    organisation: Organisation,
    rule_key: str,
    origin: str,
    title: str,
    evidence: str,
    targets: Sequence[Target] = (),
    goals: Sequence[Goal] = (),
    case: Case | None = None,
    action: Action | None = None,
    weighing_body: Body | None = None,
) -> tuple[str, GoalConflict]:
    existing = (
        GoalConflict.objects.select_for_update()
        .filter(organisation=organisation, rule_key=rule_key)
        .first()
    )
    if existing is not None:
        if existing.status != ConflictStatus.OPEN:
            return "unchanged", existing
        same = (
            existing.evidence == evidence
            and existing.title == title
            and set(existing.targets.values_list("pk", flat=True)) == {t.pk for t in targets}
            and set(existing.goals.values_list("pk", flat=True)) == {g.pk for g in goals}
        )
        if same:
            return "unchanged", existing
        with one_version(existing, created=False):
            existing.title, existing.evidence = title, evidence
            existing.save()
            existing.targets.set(targets)
            existing.goals.set(goals)
        return "updated", existing
    conflict = GoalConflict(
        organisation=organisation,
        rule_key=rule_key,
        origin=origin,
        title=title[:300],
        evidence=evidence,
        case=case,
        action=action,
        weighing_body=weighing_body,
    )
    with one_version(conflict, created=True):
        conflict.save()
        conflict.targets.set(targets)
        conflict.goals.set(goals)
    return "created", conflict


def _record(result: Detection, outcome: tuple[str, GoalConflict]) -> None:
    getattr(result, outcome[0]).append(outcome[1])


@transaction.atomic
def detect_for_case(case: Case) -> Detection:
    """Both rules for one assessed case."""
    result = Detection()
    effects = list(case.effects.select_related("target__goal", "goal"))
    weigher = _default_weigher(case.organisation, case.deciding_body, case.preparing_body_id)
    positive = [e for e in effects if is_positive(e.rating)]
    negative = [e for e in effects if is_negative(e.rating)]
    dimensions = [
        (label.lower(), rating) for _code, label, rating, _m in case.dimension_rows() if rating
    ]
    dim_positive = [label for label, rating in dimensions if is_positive(rating)]
    dim_negative = [label for label, rating in dimensions if is_negative(rating)]
    if (positive or dim_positive) and (negative or dim_negative):
        lines = [
            _(
                "The case “%(title)s” (%(number)s) is assessed with both positive and negative effects."
            )
            % {"title": case.title, "number": case.diary_number}
        ]
        lines += [_("Positive: %(line)s") % {"line": _effect_line(e)} for e in positive]
        lines += [_("Negative: %(line)s") % {"line": _effect_line(e)} for e in negative]
        for label, rating in dimensions:
            if is_positive(rating) or is_negative(rating):
                lines.append(
                    _("Dimension %(dimension)s: %(rating)s")
                    % {"dimension": label, "rating": rating_label(rating)}
                )
        mixed = positive + negative
        codes_pos = ", ".join(dict.fromkeys(e.subject_code for e in positive)) or ", ".join(
            dim_positive
        )
        codes_neg = ", ".join(dict.fromkeys(e.subject_code for e in negative)) or ", ".join(
            dim_negative
        )
        _record(
            result,
            _raise(
                organisation=case.organisation,
                rule_key=f"a:case:{case.pk}",
                origin=ConflictOrigin.MIXED_EFFECTS,
                title=_("%(number)s: supports %(positive)s, works against %(negative)s")
                % {"number": case.diary_number, "positive": codes_pos, "negative": codes_neg},
                evidence="\n".join(lines),
                targets=list({e.target.pk: e.target for e in mixed if e.target_id}.values()),
                goals=list({e.goal.pk: e.goal for e in mixed if e.goal_id}.values()),
                case=case,
                weighing_body=weigher,
            ),
        )
    supported = {e.target_id: e for e in positive if e.target_id}
    reasons = {
        pk: _("The case “%(title)s” (%(number)s) rates %(code)s %(rating)s: %(motivation)s")
        % {
            "title": case.title,
            "number": case.diary_number,
            "code": e.target.code,
            "rating": rating_label(e.rating),
            "motivation": e.motivation,
        }
        for pk, e in supported.items()
    }
    result += _rule_b(
        organisation=case.organisation,
        key=f"b:case:{case.pk}",
        label=case.diary_number,
        supported=reasons,
        case=case,
        weighing_body=weigher,
    )
    return result


@transaction.atomic
def detect_for_action(action: Action) -> Detection:
    """Rule (b) for one action: it supports every target it is linked to."""
    weigher = _default_weigher(action.organisation, action.body, action.body_id)
    reasons = {
        target.pk: _("The action “%(title)s” (%(body)s) is linked to target %(code)s.")
        % {"title": action.title, "body": action.body, "code": target.code}
        for target in action.targets.all()
    }
    return _rule_b(
        organisation=action.organisation,
        key=f"b:action:{action.pk}",
        label=action.title,
        supported=reasons,
        action=action,
        weighing_body=weigher,
    )


def _rule_b(
    *,
    organisation: Organisation,
    key: str,
    label: str,
    supported: dict[int, str],
    case: Case | None = None,
    action: Action | None = None,
    weighing_body: Body | None = None,
) -> Detection:
    result = Detection()
    if not supported:
        return result
    from hallbar.analysis.interactions.selectors import counteracted_targets, current_matrix
    from hallbar.analysis.status.selectors import prioritised_targets

    # The published matrix: a half-scored draft version raises nothing.
    matrix = current_matrix(organisation, published_only=True)
    if matrix is None:
        return result
    prioritised = set(prioritised_targets(organisation).values_list("pk", flat=True))
    if not prioritised:
        return result
    pairs = [
        (i, j, score, rationale)
        for i, j, score, rationale in counteracted_targets(matrix, sorted(supported), threshold=-2)
        if j in prioritised and i != j
    ]
    targets = Target.objects.in_bulk({pk for i, j, *_ in pairs for pk in (i, j)})
    matrix_title = str(matrix)
    for i, j, score, rationale in pairs:
        ti, tj = targets[i], targets[j]
        evidence = "\n".join(
            line
            for line in (
                supported[i],
                _(
                    "The interaction matrix “%(matrix)s” scores the influence of %(i)s on "
                    "%(j)s as %(score)+d (counteracting)."
                )
                % {"matrix": matrix_title, "i": ti.code, "j": tj.code, "score": score},
                _("Rationale: %(rationale)s") % {"rationale": rationale} if rationale else "",
                _("Target %(j)s is prioritised by the municipality.") % {"j": tj.code},
            )
            if line
        )
        _record(
            result,
            _raise(
                organisation=organisation,
                rule_key=f"{key}:{ti.code}:{tj.code}"[:120],
                origin=ConflictOrigin.COUNTERACTS_PRIORITY,
                title=_("%(label)s: %(i)s counteracts prioritised %(j)s")
                % {"label": label, "i": ti.code, "j": tj.code},
                evidence=evidence,
                targets=[ti, tj],
                case=case,
                action=action,
                weighing_body=weighing_body,
            ),
        )
    return result


def detect_conflicts(
    organisation: Organisation, *, actions: Iterable[Action] | None = None
) -> Detection:
    """Both rules over the organisation's assessed cases and rule (b) over its actions."""
    result = Detection()
    cases = Case.objects.for_organisation(organisation).filter(assessed_at__isnull=False)
    for case in cases.select_related("organisation", "deciding_body"):
        result += detect_for_case(case)
    if actions is None:
        actions = Action.objects.for_organisation(organisation).select_related(
            "organisation", "body"
        )
    for action in actions:
        result += detect_for_action(action)
    return result
