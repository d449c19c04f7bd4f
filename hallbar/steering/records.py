"""Steering's kinds of record (`hallbar.core.records`): documents, local goals and
actions (history, delete, restore) and working groups (history, their members' changes
included). Registered in `SteeringConfig.ready()`."""

from typing import Any

from hallbar.core import records
from hallbar.core.history import Labels
from hallbar.steering.models import (
    Action,
    LocalGoal,
    SteeringDocument,
    WorkingGroup,
    WorkingGroupMember,
)
from hallbar.steering.visibility import actions_visible, documents_visible, goals_visible


def _member(record: Any, labels: Labels) -> str:
    # A member by name if a user, else the external name.
    user = labels.format(WorkingGroupMember._meta.get_field("user"), record.user_id)
    return user or record.external_name


def _visible(visible):
    return lambda organisation, drafts: visible(organisation=organisation, include_drafts=drafts)


def register_kinds() -> None:
    for name, model, visible in (
        ("document", SteeringDocument, documents_visible),
        ("goal", LocalGoal, goals_visible),
        ("action", Action, actions_visible),
    ):
        records.register(
            records.RecordKind(
                name=name,
                model=model,
                app="steering",
                list_route=f"steering:{name}_list",
                visible=_visible(visible),
            )
        )
    records.register(
        records.RecordKind(
            name="working_group",
            model=WorkingGroup,
            app="steering",
            list_route="steering:working_group_list",
            parts=(
                records.Part(
                    WorkingGroupMember, parent="working_group", subject=_member, labels="member"
                ),
            ),
        )
    )
