"""`/organisations/…`: the tenants and what each has decided."""

import re

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.errors import HttpError, ValidationError

from hallbar.agenda.models import Goal, Target
from hallbar.api import selectors
from hallbar.api.schemas import (
    ActionOut,
    BodyRef,
    CodeName,
    GoalRef,
    LocalGoalOut,
    Message,
    OrganisationOut,
    PlanRef,
    ValidationErrors,
)
from hallbar.api.texts import bilingual
from hallbar.organisation.models import Body, Organisation
from hallbar.steering.models import Action, LocalGoal

router = Router(tags=["Organisations"])

# The database allows only four-digit codes (constraint organisation_code_four_digits).
_FOUR_DIGITS = re.compile(r"[0-9]{4}")
_SHOWN_CHARS = 40

_CODE_PARAM = Path(
    description="The organisation's four-digit municipality code, e.g. 1961.", examples=["1961"]
)
_TARGET_PARAM = Query(
    None,
    description=(
        "Only items linked to this Agenda 2030 target, by code (e.g. 11.2). "
        "An unknown code is refused with 422, naming the code."
    ),
    examples=["11.2"],
)


def _get_organisation(code: str) -> Organisation:
    """The organisation with this code, or a 404 naming the code."""
    organisation = None
    if _FOUR_DIGITS.fullmatch(code):
        organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise HttpError(404, f"Unknown organisation code: {code[:_SHOWN_CHARS]!r}.")
    return organisation


def _get_target(code: str | None) -> Target | None:
    """The Agenda 2030 target to filter by, or a 422 naming the unknown code.

    Read as the forms read codes: "11.A" and "11.a." mean 11.a; empty means no filter."""
    if code is None or not code.strip():
        return None
    target = selectors.agenda_target(code.strip().rstrip(".").lower())
    if target is None:
        raise ValidationError(
            [
                {
                    "loc": ["query", "target"],
                    "msg": f"Unknown Agenda 2030 target code: {code[:_SHOWN_CHARS]!r}.",
                    "type": "unknown_target",
                }
            ]
        )
    return target


def _code_name(code: str, name: str) -> CodeName | None:
    return CodeName(code=code, name=name) if code else None


def _organisation(organisation: Organisation) -> OrganisationOut:
    return OrganisationOut(
        code=organisation.code,
        name=organisation.name,
        kind=organisation.kind,
        county=_code_name(organisation.county_code, organisation.county_name),
        municipality_group=_code_name(
            organisation.municipality_group_code, organisation.municipality_group_name
        ),
        example_data=organisation.is_example,
    )


def _body(body: Body) -> BodyRef:
    return BodyRef(id=body.pk, name=body.name, short_name=body.short_name)


def _goal_ref(goal: Goal) -> GoalRef:
    return GoalRef(
        goal_set=goal.goal_set.code, code=goal.code, title=bilingual(goal.title_sv, goal.title_en)
    )


def _local_goal(goal: LocalGoal) -> LocalGoalOut:
    return LocalGoalOut(
        id=goal.pk,
        level=goal.level,
        title=goal.title,
        description=goal.description,
        body=_body(goal.body),
        decision_date=goal.decision_date,
        decision_paragraph=goal.decision_paragraph,
        targets=[t.code for t in goal.targets.all()],
        other_goals=[_goal_ref(g) for g in goal.other_goals.all()],
    )


def _action(action: Action) -> ActionOut:
    return ActionOut(
        id=action.pk,
        title=action.title,
        description=action.description,
        status=action.status,
        body=_body(action.body),
        plan=PlanRef(id=action.plan.pk, title=action.plan.title),
        owner=action.owner,
        start=action.start,
        end=action.end,
        planned_cost=None if action.planned_cost is None else int(action.planned_cost),
        targets=[t.code for t in action.targets.all()],
    )


@router.get(
    "",
    response=list[OrganisationOut],
    operation_id="organisation_list",
    summary="Organisations (municipalities and regions) using Hållbar",
)
def organisation_list(request: HttpRequest) -> list[OrganisationOut]:
    """All organisations, by name."""
    return [_organisation(o) for o in Organisation.objects.order_by("name", "code")]


@router.get(
    "/{code}/goals",
    response={200: list[LocalGoalOut], 404: Message, 422: ValidationErrors},
    operation_id="organisation_goals",
    summary="An organisation's decided council and committee goals",
)
def organisation_goals(
    request: HttpRequest, code: str = _CODE_PARAM, target: str | None = _TARGET_PARAM
) -> list[LocalGoalOut]:
    """Decided council goals (KF-mål) and committee goals (nämndmål) of the organisation,
    with the Agenda 2030 targets and the national and regional goals they serve. Drafts
    are never shown."""
    organisation = _get_organisation(code)
    goals = selectors.decided_local_goals(organisation, target=_get_target(target))
    return [_local_goal(g) for g in goals]


@router.get(
    "/{code}/actions",
    response={200: list[ActionOut], 404: Message, 422: ValidationErrors},
    operation_id="organisation_actions",
    summary="An organisation's actions under decided plans",
)
def organisation_actions(
    request: HttpRequest, code: str = _CODE_PARAM, target: str | None = _TARGET_PARAM
) -> list[ActionOut]:
    """Actions (åtgärder) of the organisation whose plan is decided, with the Agenda 2030
    targets they serve."""
    organisation = _get_organisation(code)
    actions = selectors.actions_in_decided_plans(organisation, target=_get_target(target))
    return [_action(a) for a in actions]
