"""Signals the interaction matrix sends for later apps to act on.

`matrix_published`: the matrix in force changed: a version was published, or a
published version was deleted or restored. Sent after the transaction commits, with
`organisation` (an `Organisation`) and `matrix` (the `InteractionMatrix` concerned). Goal-conflict detection (impact) listens to re-check open cases and
actions against the new matrix.
"""

from django.dispatch import Signal

matrix_published = Signal()
