"""Work to do after the current transaction commits, once per key.

A service that changes what later apps derive from (the priorities in force, the
published matrix, an action's targets) asks for the follow-up work with
`on_commit_once(key, run)`: it runs after the commit, once however many changes the
transaction makes with the same key, and never if the transaction (or the savepoint that
asked) rolls back: Django drops those callbacks. A failure is logged, not raised: the
change itself has committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable

from django.db import transaction

logger = logging.getLogger("hallbar.commit")


class _Once:
    def __init__(self, key: Hashable, run: Callable[[], None]) -> None:
        self.key = key
        self.run = run
        self.done = False

    def __call__(self) -> None:
        self.done = True
        try:
            self.run()
        except Exception:
            logger.exception("after-commit work %r failed", self.key)


def _pending(key: Hashable) -> bool:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    return any(
        isinstance(func, _Once) and func.key == key and not func.done
        for _savepoints, func, *_rest in connection.run_on_commit
    )


def on_commit_once(key: Hashable, run: Callable[[], None]) -> None:
    """Run `run` after the commit (at once outside a transaction), once per `key`."""
    if not _pending(key):
        transaction.on_commit(_Once(key, run))
