"""`/agenda/…`: the Agenda 2030 reference model."""

from django.http import HttpRequest
from ninja import Router

from hallbar.agenda.models import GlobalIndicator, Goal, Target
from hallbar.api import selectors
from hallbar.api.schemas import GoalOut, IndicatorOut, TargetOut
from hallbar.api.texts import bilingual, bilingual_or_none

router = Router(tags=["Agenda 2030"])


def _indicator(indicator: GlobalIndicator) -> IndicatorOut:
    return IndicatorOut(
        code=indicator.code,
        unsd_code=indicator.unsd_code,
        repeated=indicator.is_repeated,
        title=bilingual(indicator.title_sv, indicator.title_en),
    )


def _target(target: Target) -> TargetOut:
    return TargetOut(
        code=target.code,
        kind=target.kind,
        title=bilingual(target.text_sv, target.text_en),
        indicators=[_indicator(i) for i in target.indicators.all()],
    )


def _goal(goal: Goal) -> GoalOut:
    return GoalOut(
        number=goal.number,
        code=goal.code,
        title=bilingual(goal.title_sv, goal.title_en),
        long_title=bilingual_or_none(goal.long_title_sv, goal.long_title_en),
        colour=goal.colour,
        dimension=goal.dimension or None,
        targets=[_target(t) for t in goal.targets.all()],
    )


@router.get(
    "/goals",
    response=list[GoalOut],
    operation_id="agenda_goals",
    summary="The 17 Agenda 2030 goals with their targets and global indicators",
)
def goals(request: HttpRequest) -> list[GoalOut]:
    """The UN Sustainable Development Goals in goal order, each with its targets and
    their global indicators (2023 framework) in the official order. Swedish texts are
    the official ones where they exist; elsewhere `title.sv` holds the English text and
    `title.sv_fallback` is true."""
    return [_goal(goal) for goal in selectors.agenda_goals()]
