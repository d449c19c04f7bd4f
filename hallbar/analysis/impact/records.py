"""Impact's kinds of record (`hallbar.core.records`): a case with its assessment, and a
goal conflict. History and its export for both; delete and restore.

- A case: its rated effects are parts of its history. Deleting keeps it (softly) when it
  is, or ever was, decided, or a conflict that stays on record refers to it (a decided
  one, or one raised by hand); then its open automatic conflicts are withdrawn ("the case
  was deleted") and reopen when it is restored (signals.py). A draft that never was is
  removed for good, the automatic conflicts it raised with it (their history stays).
- A goal conflict: only one raised by hand is deleted (removed, or kept softly if it
  was ever decided); an automatic one is withdrawn by detection instead.

Registered in `ImpactConfig.ready()`.
"""

from typing import Any

from django.utils.translation import gettext as _

from hallbar.analysis.impact.models import Case, EffectRating, GoalConflict, Remark
from hallbar.analysis.impact.selectors import cases_visible, conflicts_visible
from hallbar.core import records
from hallbar.core.history import Labels


def _rated(record: Any, labels: Labels) -> str:
    """A rated effect, by its target's code or its goal's number."""
    if record.target_id:
        return labels.format(EffectRating._meta.get_field("target"), record.target_id)
    return labels.format(EffectRating._meta.get_field("goal"), record.goal_id)


def _remark(record: Any, labels: Labels) -> str:
    """A remark (comment or proposal) by its kind."""
    return labels.format(Remark._meta.get_field("kind"), record.kind)


def _case_title(case: Any) -> str:
    return f"{case.diary_number} {case.title}"


def _remove_automatic_conflicts(case: Case) -> None:
    """A case removed for good takes the conflicts detection raised from it (none is
    decided: a case with a decided conflict is only ever deleted softly)."""
    for conflict in GoalConflict.with_deleted.filter(case=case).automatic():
        conflict.delete()


def _conflict_refusal(conflict: GoalConflict) -> str:
    if conflict.is_automatic:
        return _(
            "An automatically raised conflict is not deleted: it is withdrawn when its "
            "condition no longer holds."
        )
    return ""


CASE = records.RecordKind(
    name="case",
    model=Case,
    app="impact",
    list_route="impact:case_list",
    parts=(
        records.Part(EffectRating, parent="case", subject=_rated),
        records.Part(Remark, parent="case", subject=_remark, hidden=frozenset({"conflict"})),
    ),
    # Its conflicts are weighed on their own, and remarks go with what they remark on:
    # neither keeps a case from being deleted.
    owned=(GoalConflict, Remark),
    visible=lambda organisation, drafts: cases_visible(
        organisation=organisation, include_drafts=drafts
    ),
    title=_case_title,
    before_removal=_remove_automatic_conflicts,
)

CONFLICT = records.RecordKind(
    name="conflict",
    model=GoalConflict,
    app="impact",
    list_route="impact:conflict_list",
    visible=lambda organisation, drafts: conflicts_visible(
        organisation=organisation, include_drafts=drafts
    ),
    parts=(records.Part(Remark, parent="conflict", subject=_remark, hidden=frozenset({"case"})),),
    # Which rule raised it is bookkeeping; the origin says it in words.
    hidden=frozenset({"rule_key"}),
    refusal=_conflict_refusal,
)


def register_kinds() -> None:
    records.register(CASE)
    records.register(CONFLICT)
    # A conflict names the action (or case) that raised it as evidence: it never keeps
    # an action from being deleted, but keeps the delete soft; detection then withdraws
    # the conflict ("the action was deleted").
    records.register_reference(GoalConflict)
