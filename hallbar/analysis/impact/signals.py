"""Detection (METHODS §5) when its inputs change elsewhere.

Steering saves actions, the status analysis sets the prioritised targets and the
interaction matrix publishes versions; none of them knows of goal conflicts (they sit
left of this app in the dependency order), so the impact app listens:

- an action saved, or its targets changed: that action is checked again
  (`conflicts.detect_for_action`); a deleted action's open conflicts are withdrawn;
- a case deleted or restored (hallbar.core.records): its conflicts are withdrawn, or
  reopened (`conflicts.detect_for_case`); its assessment runs detection itself;
- `priorities_changed` (status analysis) or `matrix_published` (interactions): every
  open case and every action of the organisation is checked again in one pass
  (`conflicts.detect_conflicts`): conflicts raised, reopened or withdrawn.

Each runs after the transaction that made the change commits, once per action or
organisation and transaction however many saves it made. A failure is logged, not
raised: the change itself is committed, and `manage.py detect_conflicts` repeats the
check.
"""

from collections.abc import Callable
from typing import Any

from django.db.models.signals import m2m_changed, post_save

from hallbar.analysis.interactions.signals import matrix_published
from hallbar.analysis.status.signals import priorities_changed
from hallbar.core.commit import on_commit_once
from hallbar.steering.models import Action


def _later(key: tuple[str, int], run: Callable[[], None]) -> None:
    on_commit_once(("impact.detect", *key), run)


def _detect_action(action_id: int) -> None:
    from hallbar.analysis.impact.conflicts import detect_for_action

    # Deleted ones too: their open conflicts are withdrawn.
    action = Action.with_deleted.filter(pk=action_id).select_related("organisation", "body").first()
    if action is not None:
        detect_for_action(action)


def _detect_case(case_id: int) -> None:
    from hallbar.analysis.impact.conflicts import detect_for_case
    from hallbar.analysis.impact.models import Case

    case = Case.with_deleted.filter(pk=case_id).select_related("organisation").first()
    if case is not None:
        detect_for_case(case)


def _detect_organisation(organisation_id: int) -> None:
    from hallbar.analysis.impact.conflicts import detect_conflicts
    from hallbar.organisation.models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is not None:
        detect_conflicts(organisation)


def _action_later(action_id: int) -> None:
    _later(("action", action_id), lambda: _detect_action(action_id))


def organisation_later(organisation_id: int) -> None:
    """Check all the organisation's open cases and its actions after the commit."""
    _later(("organisation", organisation_id), lambda: _detect_organisation(organisation_id))


def action_saved(sender: Any, instance: Action, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _action_later(instance.pk)


def action_targets_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # target.actions.add(...): each action named
        for action_id in pk_set or ():
            _action_later(action_id)
    else:
        _action_later(instance.pk)


def case_deleted_or_restored(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    # records.record_delete / record_restore save exactly these; other saves of a case
    # change nothing detection reads (the assessment detects by itself).
    if not raw and update_fields and "deleted_at" in update_fields:
        _later(("case", instance.pk), lambda: _detect_case(instance.pk))


def inputs_changed(sender: Any, organisation: Any, **kwargs: Any) -> None:
    """`priorities_changed` or `matrix_published`: check the organisation again."""
    organisation_later(organisation.pk)


def connect() -> None:
    post_save.connect(action_saved, sender=Action, dispatch_uid="impact.action_saved")
    m2m_changed.connect(
        action_targets_changed,
        sender=Action.targets.through,
        dispatch_uid="impact.action_targets_changed",
    )
    from hallbar.analysis.impact.models import Case

    post_save.connect(
        case_deleted_or_restored, sender=Case, dispatch_uid="impact.case_deleted_or_restored"
    )
    priorities_changed.connect(inputs_changed, dispatch_uid="impact.priorities_changed")
    matrix_published.connect(inputs_changed, dispatch_uid="impact.matrix_published")
