"""The interaction matrix's kind of record (`hallbar.core.records`): a matrix version,
its scores' versions included in its history (who scored which pair how, and when). A
draft that was never published is removed for good when deleted (its history stays); a
published version is deleted softly — kept, hidden from the registers, pages, API and
`current_matrix` (so it no longer feeds goal-conflict detection), restorable. Registered
in InteractionsConfig.ready()."""

from typing import Any

from hallbar.analysis.interactions import services
from hallbar.analysis.interactions.models import (
    InteractionMatrix,
    InteractionScore,
    MatrixMetrics,
    MatrixTarget,
)
from hallbar.core import records
from hallbar.core.history import Labels


def _node(labels: Labels, record: Any, end: str) -> str:
    """A score's row or column by code: a target's code, or a goal's number (a goal is
    labelled "3. Title"; the number is enough beside the arrow)."""
    goal_id = getattr(record, f"{end}_goal_id")
    if goal_id is not None:
        label = labels.format(InteractionScore._meta.get_field(f"{end}_goal"), goal_id)
        return label.split(".", 1)[0]
    target_id = getattr(record, f"{end}_target_id")
    return labels.format(InteractionScore._meta.get_field(f"{end}_target"), target_id)


def _score(record: Any, labels: Labels) -> str:
    return f"{_node(labels, record, 'from')} → {_node(labels, record, 'to')}"


def _visible(organisation: Any, include_drafts: bool):
    from hallbar.analysis.interactions.selectors import matrices

    return matrices(organisation, include_drafts=include_drafts)


def _title(matrix: Any) -> str:
    """A version, or a recorded version of it: "Title (v2)"."""
    return f"{matrix.title} (v{matrix.number})"


MATRIX = records.RecordKind(
    name="matrix",
    model=InteractionMatrix,
    app="interactions",
    list_route="interactions:matrix_list",
    parts=(records.Part(InteractionScore, parent="matrix", subject=_score),),
    # Its nodes and stored metrics go with it; a later version copied from it only
    # names it as its origin (`based_on`, emptied if it is removed), so it does not
    # stand in the way.
    owned=(MatrixTarget, MatrixMetrics, InteractionMatrix),
    visible=_visible,
    version_field="version",
    title=_title,
)


def deletion_changed(sender: Any, instance: InteractionMatrix, **kwargs: Any) -> None:
    """Deleting or restoring a published version changes the matrix in force: the
    listeners of `matrix_published` (goal-conflict detection) check again on commit."""
    if instance.is_published:
        services.send_matrix_published(instance.pk)


def register_kinds() -> None:
    records.register(MATRIX)
    records.deletion_changed.connect(
        deletion_changed, sender=InteractionMatrix, dispatch_uid="interactions.deletion_changed"
    )
