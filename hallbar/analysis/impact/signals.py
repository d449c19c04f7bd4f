"""Rule (b) of METHODS §5 for actions, whenever an action or its targets are saved.

Steering saves actions and knows nothing of goal conflicts (it sits left of this app in the
dependency order), so the impact app listens: after the transaction that saved an action
or changed its targets commits, the action is checked against the published matrix and
the prioritised targets (`conflicts.detect_for_action`, idempotent). Once per action and
transaction, however many saves and link changes it made.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save

from hallbar.steering.models import Action

_pending: set[int] = set()


def _detect_later(action_id: int) -> None:
    if action_id in _pending:
        return
    _pending.add(action_id)

    def detect() -> None:
        from hallbar.analysis.impact.conflicts import detect_for_action

        _pending.discard(action_id)
        action = Action.objects.filter(pk=action_id).select_related("organisation").first()
        if action is not None:
            detect_for_action(action)

    transaction.on_commit(detect)


def action_saved(sender: Any, instance: Action, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _detect_later(instance.pk)


def action_targets_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # target.actions.add(...): each action named
        for action_id in pk_set or ():
            _detect_later(action_id)
    else:
        _detect_later(instance.pk)


def connect() -> None:
    post_save.connect(action_saved, sender=Action, dispatch_uid="impact.action_saved")
    m2m_changed.connect(
        action_targets_changed,
        sender=Action.targets.through,
        dispatch_uid="impact.action_targets_changed",
    )
