"""Working groups (arbetsgrupper): who may appoint them, their reads and writes.

The strategy: kommunchefens ledningsgrupp appoints temporary working groups for decided
focus areas and gives each a written mandate with the expected effect; members may be
internal or external. A group ends at its end date and its memberships lapse with it:
each membership carries the group's end date (`WorkingGroupMember.ends_on`), kept equal
to it here, and `WorkingGroupMember.objects.active(today)` is what counts.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hallbar.agenda.models import Target
from hallbar.core.versions import check_version, one_version
from hallbar.organisation.models import Membership, Organisation
from hallbar.steering.models import WorkingGroup, WorkingGroupMember

WORKING_GROUP_FIELDS = (
    "name",
    "focus_area",
    "mandate_text",
    "expected_effect",
    "appointed_by",
    "start_date",
    "end_date",
)
MEMBER_FIELDS = ("user", "external_name", "external_organisation", "role")


def may_appoint_working_group(user: Any, organisation: Organisation) -> bool:
    """Whether the user acts for a body with the appoint mandate (ledningsgruppen, per
    the strategy): the rule `steering.appoint_working_group` of organisation.permissions.
    Views call only this function."""
    from hallbar.organisation.permissions import Actor

    return Actor(user, organisation).may("steering.appoint_working_group")


# Reads


def _members() -> Prefetch:
    return Prefetch("members", queryset=WorkingGroupMember.objects.select_related("user"))


def working_group_list(*, organisation: Organisation) -> QuerySet[WorkingGroup]:
    """The organisation's groups, the latest ending first, with members (3 queries)."""
    return (
        WorkingGroup.objects.for_organisation(organisation)
        .select_related("appointed_by")
        .prefetch_related(_members())
        .order_by("-end_date", "name", "pk")
    )


def working_group_get(*, organisation: Organisation, pk: int) -> WorkingGroup | None:
    return (
        WorkingGroup.objects.for_organisation(organisation)
        .select_related("appointed_by", "created_by")
        .prefetch_related(_members(), Prefetch("targets", queryset=Target.objects.all()))
        .filter(pk=pk)
        .first()
    )


def split_by_state(
    groups: Iterable[WorkingGroup], today: dt.date | None = None
) -> dict[str, list[WorkingGroup]]:
    """Groups as the list page shows them: active, not yet started, ended."""
    today = today or timezone.localdate()
    found: dict[str, list[WorkingGroup]] = {"active": [], "planned": [], "ended": []}
    for group in groups:
        found[group.state(today)].append(group)
    return found


# Writes


def _check_organisation(organisation: Organisation, group: WorkingGroup, members) -> None:
    errors: dict[str, str] = {}
    if group.appointed_by_id and group.appointed_by.organisation_id != organisation.pk:
        errors["appointed_by"] = _("Choose one of the organisation's own.")
    member_users = [member["user"] for member in members if member.get("user") is not None]
    if member_users:
        belonging = set(
            Membership.objects.filter(
                user__in=member_users, body__organisation=organisation
            ).values_list("user_id", flat=True)
        )
        if any(user.pk not in belonging for user in member_users):
            errors["members"] = _("Internal members must be people of the organisation.")
    if errors:
        raise ValidationError(errors)


def _assign(group: WorkingGroup, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(WORKING_GROUP_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(group, name, value)


def _member_key(user_id: int | None, name: str, organisation: str) -> tuple:
    if user_id is not None:
        return ("user", user_id)
    return ("external", name.strip().casefold(), organisation.strip().casefold())


def _sync_members(group: WorkingGroup, members: Sequence[Mapping[str, Any]]) -> None:
    """Make the group's members those listed: added, changed and removed one by one,
    so each shows in the history. Every membership ends with the group."""
    existing = {
        _member_key(m.user_id, m.external_name, m.external_organisation): m
        for m in group.members.all()
    }
    wanted = set()
    for data in members:
        user = data.get("user")
        key = _member_key(
            user.pk if user else None,
            data.get("external_name", ""),
            data.get("external_organisation", ""),
        )
        wanted.add(key)
        member = existing.get(key) or WorkingGroupMember(
            organisation_id=group.organisation_id, working_group=group
        )
        values = {
            "user": user,
            "external_name": "" if user else data.get("external_name", "").strip(),
            "external_organisation": "" if user else data.get("external_organisation", ""),
            "role": data.get("role") or "member",
            "ends_on": group.end_date,
        }
        changed = member.pk is None or any(
            getattr(member, name) != value for name, value in values.items()
        )
        if changed:
            for name, value in values.items():
                setattr(member, name, value)
            member.full_clean()
            member.save()
    for key, member in existing.items():
        if key not in wanted:
            member.delete()


@transaction.atomic
def working_group_create(
    *,
    organisation: Organisation,
    created_by: AbstractBaseUser | None,
    fields: Mapping[str, Any],
    targets: Iterable[Target] = (),
    members: Sequence[Mapping[str, Any]] = (),
) -> WorkingGroup:
    group = WorkingGroup(organisation=organisation, created_by=created_by)
    return _save(group, fields, list(targets), members)


@transaction.atomic
def working_group_update(
    *,
    group: WorkingGroup,
    fields: Mapping[str, Any],
    targets: Iterable[Target] = (),
    members: Sequence[Mapping[str, Any]] = (),
    expected_version: dt.datetime | None = None,
) -> WorkingGroup:
    targets = list(targets)
    check_version(group, expected_version, {**fields, "targets": targets})
    return _save(group, fields, targets, members)


def _save(
    group: WorkingGroup,
    fields: Mapping[str, Any],
    targets: list[Target],
    members: Sequence[Mapping[str, Any]],
) -> WorkingGroup:
    _assign(group, fields)
    _check_organisation(group.organisation, group, members)
    group.full_clean()
    with one_version(group, created=group.pk is None):
        group.save()
        group.targets.set(targets)
    _sync_members(group, members)
    return group
