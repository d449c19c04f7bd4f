"""Writes of the impact app: cases, their assessments, conflicts and decisions, remarks.

Each write is one transaction and one recorded version. Updates take the version the
edit started from (`expected_version`, the row's `updated_at`): an edit from an older
version raises `EditConflict` listing what changed meanwhile (hallbar.core.versions).
The forms check the same rules first; the services check again, so a caller without a
form (a test, a command) cannot save half an assessment either.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallbar.agenda.models import Goal, Target
from hallbar.analysis.impact.conflicts import Detection, detect_for_case
from hallbar.analysis.impact.models import (
    DIMENSIONS,
    Case,
    ConflictOrigin,
    ConflictStatus,
    EffectOrigin,
    EffectRating,
    GoalConflict,
    Principle,
    PrincipleAnswer,
    Rating,
    Remark,
)
from hallbar.analysis.impact.selectors import weighing_bodies
from hallbar.core.versions import check_version, one_version
from hallbar.organisation.models import Body, Organisation

CASE_LINKS = ("steering_documents", "local_goals", "actions")

WITHDRAWN_NOT_DECIDED = gettext_lazy(
    "The conflict is withdrawn: the condition that raised it no longer holds, so there is "
    "nothing to weigh. It reopens by itself if the condition returns."
)


def _check_own(organisation: Organisation, **related: Any) -> None:
    errors = {}
    for name, value in related.items():
        values = value if isinstance(value, list | tuple | set) else [value]
        if any(v is not None and v.organisation_id != organisation.pk for v in values):
            errors[name] = _("Choose one of your organisation's own.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_save(
    *,
    organisation: Organisation,
    case: Case | None = None,
    fields: Mapping[str, Any],
    links: Mapping[str, Sequence[Any]],
    expected_version: dt.datetime | None = None,
) -> Case:
    """Create (case=None) or update a case with its links to the steering chain."""
    if case is None:
        case = Case(organisation=organisation)
    else:
        check_version(case, expected_version, {**fields, **links})
    _check_own(organisation, **{k: v for k, v in fields.items() if isinstance(v, Body)}, **links)
    for name, value in fields.items():
        setattr(case, name, value)
    case.full_clean()
    with one_version(case, created=case.pk is None):
        case.save()
        for name in CASE_LINKS:
            if name in links:
                getattr(case, name).set(links[name])
    return case


@dataclass(frozen=True)
class EffectInput:
    """One rated goal or target of an assessment."""

    rating: str
    motivation: str
    target: Target | None = None
    goal: Goal | None = None
    origin: str = EffectOrigin.MANUAL
    reason: str = ""

    @property
    def code(self) -> str:
        return self.target.code if self.target else str(self.goal.number if self.goal else "?")


def _validate_rating(errors: dict[str, list[str]], field: str, name: str, rating: str) -> None:
    if rating not in Rating.values:
        errors.setdefault(field, []).append(
            _(
                "%(name)s: “%(rating)s” is not on the scale. Use −3…+3, or positive, "
                "negative, both or unknown."
            )
            % {"name": name, "rating": rating}
        )


def validate_assessment(
    *,
    dimensions: Mapping[str, tuple[str, str]],
    principles: Mapping[str, tuple[str, str]],
    effects: Sequence[EffectInput],
    knowledge_gaps: tuple[bool, str],
) -> None:
    """Every rating on the scale, a motivation with every rating, a comment where a
    principle is not (fully) followed, a description of flagged knowledge gaps.
    Raises one ValidationError naming each field and reason."""
    errors: dict[str, list[str]] = {}
    for dimension in DIMENSIONS:
        rating, motivation = dimensions.get(dimension, ("", ""))
        if rating:
            _validate_rating(errors, f"{dimension}_rating", dimension, rating)
            if not motivation.strip():
                errors.setdefault(f"{dimension}_motivation", []).append(
                    _("Give a motivation for the rating.")
                )
    for principle in Principle.values:
        answer, comment = principles.get(principle, ("", ""))
        if answer and answer not in PrincipleAnswer.values:
            errors.setdefault(principle, []).append(_("Answer yes, partly or no."))
        if answer in (PrincipleAnswer.NO, PrincipleAnswer.PARTLY) and not comment.strip():
            errors.setdefault(f"{principle}_comment", []).append(
                _("Explain why the case does not fully follow the principle.")
            )
    seen: set[tuple[str, int]] = set()
    for effect in effects:
        key = ("t", effect.target.pk) if effect.target else ("g", effect.goal.pk)
        field = f"effect_{effect.code}"
        if key in seen:
            errors.setdefault(field, []).append(
                _("%(code)s is rated twice.") % {"code": effect.code}
            )
        seen.add(key)
        _validate_rating(errors, field, effect.code, effect.rating)
        if not effect.motivation.strip():
            errors.setdefault(field, []).append(
                _("%(code)s: give a motivation for the rating.") % {"code": effect.code}
            )
    has_gaps, gaps = knowledge_gaps
    if has_gaps and not gaps.strip():
        errors.setdefault("knowledge_gaps", []).append(_("Describe what is not known."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assessment_save(
    *,
    case: Case,
    user: Any,
    dimensions: Mapping[str, tuple[str, str]],
    principles: Mapping[str, tuple[str, str]],
    effects: Sequence[EffectInput],
    discarded: Sequence[Target] = (),
    knowledge_gaps: tuple[bool, str] = (False, ""),
    expected_version: dt.datetime | None = None,
) -> Detection:
    """Save the whole assessment of a case, or nothing; then raise the conflicts it
    shows (conflicts.detect_for_case)."""
    check_version(case, expected_version)
    validate_assessment(
        dimensions=dimensions,
        principles=principles,
        effects=effects,
        knowledge_gaps=knowledge_gaps,
    )
    for dimension in DIMENSIONS:
        rating, motivation = dimensions.get(dimension, ("", ""))
        setattr(case, f"{dimension}_rating", rating)
        setattr(case, f"{dimension}_motivation", motivation.strip())
    for principle in Principle.values:
        answer, comment = principles.get(principle, ("", ""))
        setattr(case, principle, answer)
        setattr(case, f"{principle}_comment", comment.strip())
    case.has_knowledge_gaps, case.knowledge_gaps = knowledge_gaps[0], knowledge_gaps[1].strip()
    case.assessed_at = timezone.now()
    case.assessed_by = user if getattr(user, "is_authenticated", False) else None
    with one_version(case, created=False):
        case.save()
        case.discarded_targets.set(discarded)
    existing = {(e.target_id, e.goal_id): e for e in case.effects.all()}
    kept = set()
    for effect in effects:
        key = (effect.target.pk if effect.target else None, effect.goal.pk if effect.goal else None)
        kept.add(key)
        row = existing.get(key)
        if row is None:
            EffectRating.objects.create(
                organisation=case.organisation,
                case=case,
                target=effect.target,
                goal=effect.goal,
                rating=effect.rating,
                motivation=effect.motivation.strip(),
                origin=effect.origin,
                reason=effect.reason,
            )
        elif (row.rating, row.motivation) != (effect.rating, effect.motivation.strip()):
            row.rating, row.motivation = effect.rating, effect.motivation.strip()
            row.save()
    for key, row in existing.items():
        if key not in kept:
            row.delete()
    return detect_for_case(case)


# --- conflicts -------------------------------------------------------------------------------


def _check_weigher(organisation: Organisation, body: Body | None, owner_id, field: str) -> None:
    if body is not None and not weighing_bodies(organisation, owner_id).filter(pk=body.pk).exists():
        raise ValidationError(
            {
                field: ValidationError(
                    _("%(body)s has no mandate to decide this, so it cannot weigh the conflict.")
                    % {"body": body},
                    code="no_decide_mandate",
                )
            }
        )


def _check_withdrawal_by_hand(before: str, after: str) -> None:
    """Only detection withdraws a conflict or reopens a withdrawn one."""
    withdrawn = ConflictStatus.WITHDRAWN
    if after == withdrawn and before != withdrawn:
        raise ValidationError(
            {
                "status": _(
                    "Only Hållbar withdraws a conflict, when the condition that raised it "
                    "no longer holds."
                )
            }
        )
    if before == withdrawn and after != withdrawn:
        raise ValidationError(
            {
                "status": _(
                    "A withdrawn conflict reopens by itself when the condition that raised "
                    "it holds again."
                )
            }
        )


@transaction.atomic
def conflict_save(
    *,
    organisation: Organisation,
    conflict: GoalConflict | None = None,
    fields: Mapping[str, Any],
    targets: Sequence[Target],
    user: Any = None,
    expected_version: dt.datetime | None = None,
) -> GoalConflict:
    """Raise a conflict by hand (conflict=None), or edit one: evidence, targets, the body
    that must weigh it, whether it is open or under preparation."""
    if conflict is None:
        conflict = GoalConflict(organisation=organisation, origin=ConflictOrigin.MANUAL)
        conflict.raised_by = user if getattr(user, "is_authenticated", False) else None
    else:
        check_version(conflict, expected_version, {**fields, "targets": targets})
    _check_withdrawal_by_hand(conflict.status, fields.get("status", conflict.status))
    _check_own(organisation, **{k: v for k, v in fields.items() if hasattr(v, "organisation_id")})
    for name, value in fields.items():
        setattr(conflict, name, value)
    if conflict.status == ConflictStatus.DECIDED and not conflict.decision_body_id:
        raise ValidationError({"status": _("Record the decision on the decision page.")})
    _check_weigher(organisation, conflict.weighing_body, conflict.owner_id, "weighing_body")
    if not targets:
        raise ValidationError({"target_codes": _("Name at least two targets in conflict.")})
    with one_version(conflict, created=conflict.pk is None):
        conflict.save()
        conflict.targets.set(targets)
    return conflict


@transaction.atomic
def conflict_decide(
    *,
    conflict: GoalConflict,
    body: Body,
    date: dt.date,
    paragraph: str,
    trade_off: str,
    reasoning: str,
    expected_version: dt.datetime | None = None,
) -> GoalConflict:
    """Record how a body with the decide mandate weighed the conflict. A withdrawn
    conflict is not decided: there is nothing left to weigh."""
    check_version(conflict, expected_version)
    if conflict.status == ConflictStatus.WITHDRAWN:
        raise ValidationError(WITHDRAWN_NOT_DECIDED)
    _check_own(conflict.organisation, decision_body=body)
    _check_weigher(conflict.organisation, body, conflict.owner_id, "decision_body")
    errors = {}
    if not paragraph.strip():
        errors["decision_paragraph"] = _("Enter the paragraph (§) of the minutes.")
    if not trade_off.strip():
        errors["trade_off"] = _("Describe the trade-off chosen.")
    if not reasoning.strip():
        errors["reasoning"] = _("Give the reasoning behind the trade-off.")
    if errors:
        raise ValidationError(errors)
    conflict.status = ConflictStatus.DECIDED
    conflict.decision_body = body
    conflict.decision_date = date
    conflict.decision_paragraph = paragraph.strip()
    conflict.trade_off = trade_off.strip()
    conflict.reasoning = reasoning.strip()
    if conflict.weighing_body_id is None:
        conflict.weighing_body = body
    with one_version(conflict, created=False):
        conflict.save()
    return conflict


def remark_add(
    *,
    organisation: Organisation,
    author: Any,
    kind: str,
    text: str,
    case: Case | None = None,
    conflict: GoalConflict | None = None,
) -> Remark:
    if not text.strip():
        raise ValidationError({"text": _("Write the remark.")})
    return Remark.objects.create(
        organisation=organisation,
        author=author,
        kind=kind,
        text=text.strip(),
        case=case,
        conflict=conflict,
    )
