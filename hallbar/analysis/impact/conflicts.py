"""Raising goal conflicts automatically (METHODS.md §5), and withdrawing them.

(a) The same case has both positive and negative effects (on goals, targets, or the
    three dimensions; a rating "both" is both).
(b) A case or an action supports a target i (a positive rating; an action linked to i)
    while the organisation's published interaction matrix has a_ij ≤ −2 for a target j
    the organisation has prioritised.

Every automatic conflict has a `rule_key` naming its rule and source (and for (b) the
pair i, j), unique in the organisation. Detection runs the rules over a set of sources
(cases, actions) and reconciles what it finds with the automatic conflicts already
raised from those sources:

- found, not raised yet: raised (open);
- found and open: its title, evidence and targets follow the facts;
- found and under preparation or decided: left as it is (a decided one is precedent);
- found and withdrawn: reopened, the same conflict (its history shows it);
- no longer found, open or under preparation: withdrawn ("avskriven"), with the date
  and why (the effect changed, the target is no longer prioritised, the published
  matrix no longer scores the pair ≤ −2, the action no longer supports the target, the
  case or the action was deleted);
- no longer found, decided or withdrawn: left alone.

Conflicts raised by hand are never touched. Detection writes as the system (no user),
one recorded version per conflict it changes.

Entry points: `detect_for_case` (an assessment was saved), `detect_for_action` (an
action or its targets were saved: signals.py), `detect_conflicts` (the organisation's
open cases and its actions at once: when the prioritised targets change, when a matrix
is published, and the `detect_conflicts` command). Each runs a fixed number of queries
however many cases, actions and conflicts it covers.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hallbar.agenda.models import Goal, Target
from hallbar.analysis.impact.models import (
    ACTIVE_STATUSES,
    Case,
    CaseStatus,
    ConflictOrigin,
    ConflictStatus,
    EffectRating,
    GoalConflict,
    is_negative,
    is_positive,
    rating_label,
)
from hallbar.organisation.mandates import STEERING_SCOPES
from hallbar.organisation.models import Mandate, MandateArea, MandateKind, Organisation
from hallbar.steering.models import Action

# A supporting target i counteracts a prioritised target j when a_ij is at most this.
THRESHOLD = -2


@dataclass
class Detection:
    """What a detection run did, conflict by conflict."""

    created: list[GoalConflict] = field(default_factory=list)
    updated: list[GoalConflict] = field(default_factory=list)
    unchanged: list[GoalConflict] = field(default_factory=list)
    withdrawn: list[GoalConflict] = field(default_factory=list)
    reopened: list[GoalConflict] = field(default_factory=list)

    def __iadd__(self, other: "Detection") -> "Detection":
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.withdrawn += other.withdrawn
        self.reopened += other.reopened
        return self

    def __str__(self) -> str:
        return _(
            "%(created)s conflicts raised, %(updated)s updated, %(reopened)s reopened, "
            "%(withdrawn)s withdrawn, %(unchanged)s unchanged."
        ) % {
            "created": len(self.created),
            "updated": len(self.updated),
            "reopened": len(self.reopened),
            "withdrawn": len(self.withdrawn),
            "unchanged": len(self.unchanged),
        }


# --- entry points ---------------------------------------------------------------------------


def detect_for_case(case: Case) -> Detection:
    """Both rules for one assessed case. A deleted case raises nothing: its open
    conflicts are withdrawn."""
    if case.deleted_at is not None:
        return _detect(case.organisation, gone_cases={case.pk})
    return _detect(case.organisation, cases=[case])


def detect_for_action(action: Action) -> Detection:
    """Rule (b) for one action: it supports every target it is linked to. A deleted
    action supports nothing: its open conflicts are withdrawn."""
    if action.deleted_at is not None:
        return _detect(action.organisation, gone_actions={action.pk})
    return _detect(action.organisation, actions=[action])


def detect_conflicts(organisation: Organisation) -> Detection:
    """Both rules over the organisation's assessed cases not yet decided, and rule (b)
    over its actions; the open conflicts of deleted cases and actions are withdrawn.

    A decided case is left out: its conflicts were weighed, or left open, on the facts
    of its decision; later priorities or matrices do not rewrite them. Run when the
    prioritised targets change or a matrix is published (signals.py), and by the
    `detect_conflicts` command."""
    cases = list(
        Case.objects.for_organisation(organisation)
        .filter(assessed_at__isnull=False)
        .exclude(status=CaseStatus.DECIDED)
    )
    actions = list(Action.objects.for_organisation(organisation).select_related("body"))
    return _detect(organisation, cases=cases, actions=actions, include_gone=True)


# --- what the rules find --------------------------------------------------------------------


@dataclass(frozen=True)
class _Finding:
    """A conflict the rules find now."""

    rule_key: str
    origin: str
    title: str
    evidence: str
    targets: tuple[Target, ...]
    goals: tuple[Goal, ...] = ()
    case: Case | None = None
    action: Action | None = None
    weighing_body_id: int | None = None


@dataclass
class _Support:
    """What one case or action supports, for rule (b): target id → why."""

    key: str  # the rule key's prefix, e.g. "b:case:12"
    label: str
    reasons: dict[int, str]
    case: Case | None = None
    action: Action | None = None
    weighing_body_id: int | None = None


class _Weighers:
    """Which body weighs a conflict: the body that decides its source, when it holds a
    decide mandate reaching the source (as `selectors.weighing_bodies`). One query,
    made only when a conflict is raised."""

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self._mandates: list[tuple[int, str]] | None = None

    def choose(self, body_id: int | None, owner_id: int | None) -> int | None:
        if body_id is None:
            return None
        if self._mandates is None:
            self._mandates = list(
                Mandate.objects.for_organisation(self.organisation)
                .filter(kind=MandateKind.DECIDE, scope__in=STEERING_SCOPES, body__is_active=True)
                .values_list("body_id", "area")
            )
        for mandate_body, area in self._mandates:
            if mandate_body == body_id and (
                area == MandateArea.ORGANISATION or body_id == owner_id
            ):
                return body_id
        return None


def _effect_line(effect: EffectRating) -> str:
    subject = (
        _("target %(code)s") % {"code": effect.target.code}
        if effect.target_id
        else _("goal %(number)s") % {"number": effect.goal.number}
    )
    return f"{subject}: {rating_label(effect.rating)} – {effect.motivation}"


def _rule_a(case: Case, effects: list[EffectRating], weigher: int | None) -> _Finding | None:
    positive = [e for e in effects if is_positive(e.rating)]
    negative = [e for e in effects if is_negative(e.rating)]
    dimensions = [
        (label.lower(), rating) for _code, label, rating, _m in case.dimension_rows() if rating
    ]
    dim_positive = [label for label, rating in dimensions if is_positive(rating)]
    dim_negative = [label for label, rating in dimensions if is_negative(rating)]
    if not ((positive or dim_positive) and (negative or dim_negative)):
        return None
    lines = [
        _("The case “%(title)s” (%(number)s) is assessed with both positive and negative effects.")
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
    return _Finding(
        rule_key=f"a:case:{case.pk}",
        origin=ConflictOrigin.MIXED_EFFECTS,
        title=_("%(number)s: supports %(positive)s, works against %(negative)s")
        % {"number": case.diary_number, "positive": codes_pos, "negative": codes_neg},
        evidence="\n".join(lines),
        targets=tuple({e.target.pk: e.target for e in mixed if e.target_id}.values()),
        goals=tuple({e.goal.pk: e.goal for e in mixed if e.goal_id}.values()),
        case=case,
        weighing_body_id=weigher,
    )


def _case_support(case: Case, effects: list[EffectRating], weigher: int | None) -> _Support:
    supported = {e.target_id: e for e in effects if e.target_id and is_positive(e.rating)}
    return _Support(
        key=f"b:case:{case.pk}",
        label=case.diary_number,
        reasons={
            pk: _("The case “%(title)s” (%(number)s) rates %(code)s %(rating)s: %(motivation)s")
            % {
                "title": case.title,
                "number": case.diary_number,
                "code": e.target.code,
                "rating": rating_label(e.rating),
                "motivation": e.motivation,
            }
            for pk, e in supported.items()
        },
        case=case,
        weighing_body_id=weigher,
    )


def _action_support(action: Action, targets: list[Target], weigher: int | None) -> _Support:
    return _Support(
        key=f"b:action:{action.pk}",
        label=action.title,
        reasons={
            target.pk: _("The action “%(title)s” (%(body)s) is linked to target %(code)s.")
            % {"title": action.title, "body": action.body, "code": target.code}
            for target in targets
        },
        action=action,
        weighing_body_id=weigher,
    )


@dataclass
class _Gone:
    """Deleted sources: their open conflicts are withdrawn."""

    cases: set[int]
    actions: set[int]

    def __bool__(self) -> bool:
        return bool(self.cases or self.actions)


@dataclass
class _Facts:
    """The organisation's published matrix and prioritised targets."""

    matrix: object | None
    prioritised: set[int]

    @classmethod
    def load(cls, organisation: Organisation) -> "_Facts":
        from hallbar.analysis.interactions.selectors import current_matrix
        from hallbar.analysis.status.selectors import prioritised_targets

        # The published matrix: a half-scored draft version raises nothing.
        matrix = current_matrix(organisation, published_only=True)
        prioritised = set(prioritised_targets(organisation).values_list("pk", flat=True))
        return cls(matrix=matrix, prioritised=prioritised)


def _rule_b(supports: list[_Support], facts: _Facts) -> list[_Finding]:
    """Rule (b) for every source at once: one query for the counteracting scores, one
    for the targets named."""
    from hallbar.analysis.interactions.selectors import counteracted_targets

    supported = {pk for support in supports for pk in support.reasons}
    if facts.matrix is None or not facts.prioritised or not supported:
        return []
    pairs = [
        (i, j, score, rationale)
        for i, j, score, rationale in counteracted_targets(
            facts.matrix, sorted(supported), threshold=THRESHOLD
        )
        if j in facts.prioritised and i != j
    ]
    if not pairs:
        return []
    targets = Target.objects.in_bulk({pk for i, j, *_rest in pairs for pk in (i, j)})
    matrix_title = str(facts.matrix)
    findings = []
    for support in supports:
        for i, j, score, rationale in pairs:
            if i not in support.reasons:
                continue
            ti, tj = targets[i], targets[j]
            evidence = "\n".join(
                line
                for line in (
                    support.reasons[i],
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
            findings.append(
                _Finding(
                    rule_key=f"{support.key}:{ti.code}:{tj.code}"[:120],
                    origin=ConflictOrigin.COUNTERACTS_PRIORITY,
                    title=_("%(label)s: %(i)s counteracts prioritised %(j)s")
                    % {"label": support.label, "i": ti.code, "j": tj.code},
                    evidence=evidence,
                    targets=(ti, tj),
                    case=support.case,
                    action=support.action,
                    weighing_body_id=support.weighing_body_id,
                )
            )
    return findings


# --- why a conflict no longer holds ---------------------------------------------------------


def _pair_codes(rule_key: str) -> tuple[str, str] | None:
    """The codes of i and j in a rule (b) key `b:<source>:<pk>:<i>:<j>`."""
    parts = rule_key.split(":")
    return (parts[3], parts[4]) if len(parts) == 5 and parts[0] == "b" else None


def _withdrawal_reasons(
    stale: list[GoalConflict],
    supports: dict[tuple[str, int], _Support],
    gone: _Gone,
    facts: _Facts,
) -> dict[int, str]:
    """conflict id → why its condition no longer holds. At most two queries: the
    targets named by code, and the matrix's scores of the pairs."""
    from hallbar.analysis.interactions.models import InteractionScore

    codes: dict[int, tuple[Target | None, Target | None]] = {}
    by_code: dict[str, Target] = {}
    wanted: set[str] = set()
    for conflict in stale:
        pair = _pair_codes(conflict.rule_key)
        if pair is None:
            continue
        named = {t.code: t for t in conflict.targets.all()}
        by_code.update(named)
        wanted.update(code for code in pair if code not in named)
    if wanted:
        for target in Target.objects.agenda2030().filter(code__in=wanted):
            by_code.setdefault(target.code, target)
    scores: dict[tuple[int, int], int] = {}
    pairs: list[tuple[int, int]] = []
    for conflict in stale:
        pair = _pair_codes(conflict.rule_key)
        if pair is not None:
            ti, tj = by_code.get(pair[0]), by_code.get(pair[1])
            codes[conflict.pk] = (ti, tj)
            if ti is not None and tj is not None:
                pairs.append((ti.pk, tj.pk))
    if pairs and facts.matrix is not None:
        rows = InteractionScore.objects.filter(
            matrix=facts.matrix,
            from_target_id__in={i for i, _j in pairs},
            to_target_id__in={j for _i, j in pairs},
        ).values_list("from_target_id", "to_target_id", "score")
        scores = {(i, j): score for i, j, score in rows}

    found: dict[int, str] = {}
    for conflict in stale:
        if conflict.case_id in gone.cases:
            found[conflict.pk] = _("The case was deleted.")
            continue
        if conflict.action_id in gone.actions:
            found[conflict.pk] = _("The action was deleted.")
            continue
        if conflict.rule_key.startswith("a:"):
            found[conflict.pk] = _(
                "The assessment of the case no longer has both positive and negative effects."
            )
            continue
        reasons = []
        ti, tj = codes.get(conflict.pk, (None, None))
        source = ("case", conflict.case_id) if conflict.case_id else ("action", conflict.action_id)
        support = supports.get(source)
        if ti is not None and (support is None or ti.pk not in support.reasons):
            reasons.append(
                _("The case no longer rates target %(code)s as positively affected.")
                % {"code": ti.code}
                if conflict.case_id
                else _("The action is no longer linked to target %(code)s.") % {"code": ti.code}
            )
        if tj is not None and tj.pk not in facts.prioritised:
            reasons.append(
                _("Target %(code)s is no longer prioritised by the municipality.")
                % {"code": tj.code}
            )
        if facts.matrix is None:
            reasons.append(_("No interaction matrix is published."))
        elif ti is not None and tj is not None:
            score = scores.get((ti.pk, tj.pk))
            values = {"matrix": facts.matrix, "i": ti.code, "j": tj.code}
            if score is None:
                reasons.append(
                    _(
                        "The interaction matrix “%(matrix)s” has no score for the influence "
                        "of %(i)s on %(j)s."
                    )
                    % values
                )
            elif score > THRESHOLD:
                reasons.append(
                    _(
                        "The interaction matrix “%(matrix)s” scores the influence of %(i)s on "
                        "%(j)s as %(score)+d: no longer counteracting (−2 or lower)."
                    )
                    % {**values, "score": score}
                )
        found[conflict.pk] = " ".join(reasons) or _(
            "The condition that raised the conflict no longer holds."
        )
    return found


# --- one run --------------------------------------------------------------------------------


@transaction.atomic
def _detect(
    organisation: Organisation,
    *,
    cases: Sequence[Case] = (),
    actions: Sequence[Action] = (),
    gone_cases: Collection[int] = (),
    gone_actions: Collection[int] = (),
    include_gone: bool = False,
) -> Detection:
    """The rules over the given cases and actions, reconciled with the automatic
    conflicts raised from them, and from the deleted cases and actions named (with
    `include_gone`, from every deleted case and action of the organisation)."""
    cases = [case for case in cases if case.assessed_at is not None]
    case_ids = [case.pk for case in cases]
    action_ids = [action.pk for action in actions]
    gone = _Gone(set(gone_cases), set(gone_actions))
    if not case_ids and not action_ids and not gone and not include_gone:
        return Detection()
    scope = Q(case_id__in=[*case_ids, *gone.cases]) | Q(action_id__in=[*action_ids, *gone.actions])
    if include_gone:
        scope |= Q(case__deleted_at__isnull=False) | Q(action__deleted_at__isnull=False)
    # One run at a time per organisation: two would raise the same conflict twice. A
    # "no key" lock, so rows that merely refer to the organisation are not blocked.
    list(
        Organisation.objects.select_for_update(no_key=True)
        .filter(pk=organisation.pk)
        .values_list("pk", flat=True)
    )
    existing = list(
        GoalConflict.with_deleted.for_organisation(organisation)
        .automatic()
        .filter(scope)
        .select_for_update(of=("self",))
        .prefetch_related("targets", "goals")
        .order_by("pk")
    )
    live_cases, live_actions = set(case_ids), set(action_ids)
    gone.cases |= {c.case_id for c in existing if c.case_id and c.case_id not in live_cases}
    gone.actions |= {
        c.action_id for c in existing if c.action_id and c.action_id not in live_actions
    }

    facts = _Facts.load(organisation)
    weighers = _Weighers(organisation)
    effects: dict[int, list[EffectRating]] = defaultdict(list)
    if case_ids:
        for effect in EffectRating.objects.filter(case_id__in=case_ids).select_related(
            "target", "goal"
        ):
            effects[effect.case_id].append(effect)
    linked: dict[int, list[Target]] = defaultdict(list)
    if action_ids:
        through = Action.targets.through
        for link in (
            through.objects.filter(action_id__in=action_ids)
            .select_related("target")
            .order_by("action_id", "target__position")
        ):
            linked[link.action_id].append(link.target)

    findings: list[_Finding] = []
    supports: dict[tuple[str, int], _Support] = {}
    for case in cases:
        weigher = weighers.choose(case.deciding_body_id, case.preparing_body_id)
        mixed = _rule_a(case, effects[case.pk], weigher)
        if mixed is not None:
            findings.append(mixed)
        supports[("case", case.pk)] = _case_support(case, effects[case.pk], weigher)
    for action in actions:
        weigher = weighers.choose(action.body_id, action.body_id)
        supports[("action", action.pk)] = _action_support(action, linked[action.pk], weigher)
    findings += _rule_b(list(supports.values()), facts)

    return _reconcile(organisation, findings, existing, supports, gone, facts)


def _reconcile(
    organisation: Organisation,
    findings: list[_Finding],
    existing: list[GoalConflict],
    supports: dict[tuple[str, int], _Support],
    gone: _Gone,
    facts: _Facts,
) -> Detection:
    result = Detection()
    by_key = {conflict.rule_key: conflict for conflict in existing}
    found_keys = set()
    new: list[tuple[GoalConflict, _Finding]] = []
    changed: list[tuple[GoalConflict, _Finding | None, str]] = []  # (conflict, links, reason)
    for finding in findings:
        if finding.rule_key in found_keys:
            continue
        found_keys.add(finding.rule_key)
        conflict = by_key.get(finding.rule_key)
        title = finding.title[:300]
        if conflict is None:
            conflict = GoalConflict(
                organisation=organisation,
                rule_key=finding.rule_key,
                origin=finding.origin,
                title=title,
                evidence=finding.evidence,
                case=finding.case,
                action=finding.action,
                weighing_body_id=finding.weighing_body_id,
                status=ConflictStatus.OPEN,
            )
            new.append((conflict, finding))
            result.created.append(conflict)
        elif conflict.status == ConflictStatus.WITHDRAWN:
            conflict.status = ConflictStatus.OPEN
            conflict.withdrawn_at, conflict.withdrawn_reason = None, ""
            conflict.title, conflict.evidence = title, finding.evidence
            changed.append(
                (
                    conflict,
                    finding,
                    _("Reopened automatically: the condition that raised it holds again."),
                )
            )
            result.reopened.append(conflict)
        elif conflict.status == ConflictStatus.OPEN and not _same(conflict, title, finding):
            conflict.title, conflict.evidence = title, finding.evidence
            changed.append(
                (conflict, finding, _("Updated automatically: the facts behind it changed."))
            )
            result.updated.append(conflict)
        else:
            # The same, or under preparation or decided: the weighing works on it as is.
            result.unchanged.append(conflict)

    stale = [c for c in existing if c.rule_key not in found_keys and c.status in ACTIVE_STATUSES]
    if stale:
        now = timezone.now()
        reasons = _withdrawal_reasons(stale, supports, gone, facts)
        for conflict in stale:
            conflict.status = ConflictStatus.WITHDRAWN
            conflict.withdrawn_at = now
            conflict.withdrawn_reason = reasons[conflict.pk]
            changed.append(
                (
                    conflict,
                    None,
                    _("Withdrawn automatically: the condition that raised it no longer holds."),
                )
            )
            result.withdrawn.append(conflict)
    _write(new, changed)
    return result


def _same(conflict: GoalConflict, title: str, finding: _Finding) -> bool:
    return (
        conflict.evidence == finding.evidence
        and conflict.title == title
        and {t.pk for t in conflict.targets.all()} == {t.pk for t in finding.targets}
        and {g.pk for g in conflict.goals.all()} == {g.pk for g in finding.goals}
    )


# --- writing, in bulk -----------------------------------------------------------------------

_LINKS = (("targets", "target_id"), ("goals", "goal_id"))


def _write(
    new: list[tuple[GoalConflict, _Finding]],
    changed: list[tuple[GoalConflict, _Finding | None, str]],
) -> None:
    """Insert the new conflicts, update the changed ones, set their links, and record one
    version of each (by the system, with the reason): a fixed number of queries."""
    if not new and not changed:
        return
    now = timezone.now()
    if new:
        GoalConflict.objects.bulk_create([conflict for conflict, _finding in new])
    if changed:
        for conflict, _finding, _reason in changed:
            conflict.updated_at = now
        GoalConflict.objects.bulk_update(
            [conflict for conflict, _finding, _reason in changed],
            ["title", "evidence", "status", "withdrawn_at", "withdrawn_reason", "updated_at"],
        )
    # New conflicts get their links; changed ones that were found again get the links
    # found (a withdrawn one keeps the links it had).
    refound = [(c, f) for c, f, _reason in changed if f is not None]
    relinked = [*new, *refound]
    for name, column in _LINKS:
        through = getattr(GoalConflict, name).through
        if refound:
            through.objects.filter(goalconflict_id__in=[c.pk for c, _f in refound]).delete()
        rows = [
            through(goalconflict_id=conflict.pk, **{column: row.pk})
            for conflict, finding in relinked
            for row in getattr(finding, name)
        ]
        if rows:
            through.objects.bulk_create(rows)
    _record_versions(
        [(conflict, "+", "") for conflict, _finding in new]
        + [(conflict, "~", reason) for conflict, _finding, reason in changed]
    )


def _record_versions(versions: Iterable[tuple[GoalConflict, str, str]]) -> None:
    """One history row per conflict with its links, as `core.versions.one_version`
    records it, by the system (no user)."""
    history = GoalConflict.history.model  # type: ignore[attr-defined]
    now = timezone.now()
    rows = [
        history(
            history_date=now,
            history_type=history_type,
            history_user=None,
            history_change_reason=reason[:100],
            **{f.attname: getattr(conflict, f.attname) for f in history.tracked_fields},
        )
        for conflict, history_type, reason in versions
    ]
    if not rows:
        return
    history.objects.bulk_create(rows)
    history_of = {row.id: row.history_id for row in rows}
    for name, column in _LINKS:
        through = getattr(GoalConflict, name).through
        m2m_history = getattr(history, name).model
        links = through.objects.filter(goalconflict_id__in=list(history_of)).values_list(
            "id", "goalconflict_id", column
        )
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    history_id=history_of[conflict_id],
                    id=link_id,
                    goalconflict_id=conflict_id,
                    **{column: linked_id},
                )
                for link_id, conflict_id, linked_id in links
            ]
        )
