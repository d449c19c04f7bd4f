"""Signals the status analysis sends for later apps to act on.

`priorities_changed`: the organisation's prioritised targets changed (a target was
prioritised or no longer is, or an analysis with priorities was confirmed). Sent once per
committed transaction, with `organisation` (an `Organisation`) and `analysis` (the
`StatusAnalysis`; None when a draft holding priorities was removed for good). Goal-conflict detection (impact) listens to re-check open cases and
actions against the new priorities.
"""

from django.dispatch import Signal

priorities_changed = Signal()
