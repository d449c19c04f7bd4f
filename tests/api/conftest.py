"""Test data for the API, built in code: a small Agenda 2030 set and two municipalities."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test import Client

from hallbar.agenda.models import GlobalIndicator, Goal, GoalSet, Target
from hallbar.organisation.models import Body, Organisation
from hallbar.steering.models import Action, LocalGoal, SteeringDocument
from tests.factories import (
    ActionFactory,
    BodyFactory,
    LocalGoalFactory,
    OrganisationFactory,
    SteeringDocumentFactory,
)


@dataclass
class AgendaSample:
    goal_set: GoalSet
    goal_3: Goal
    goal_11: Goal
    goal_17: Goal
    target_3_6: Target
    target_11_2: Target
    target_11_a: Target
    indicator_11_2_1: GlobalIndicator
    indicator_11_a_1: GlobalIndicator
    national_goal: Goal


def make_goal(goal_set: GoalSet, number: int, **fields: Any) -> Goal:
    return Goal.objects.create(goal_set=goal_set, code=str(number), number=number, **fields)


def make_target(goal: Goal, code: str, position: int, **fields: Any) -> Target:
    return Target.objects.create(
        goal_set=goal.goal_set, goal=goal, code=code, position=position, **fields
    )


@pytest.fixture
def agenda_sample(db) -> AgendaSample:
    """Three Agenda 2030 goals with targets and indicators (11.a without Swedish text),
    and one national environmental objective, in place of the shipped reference sets.

    The session loads the shipped sets (tests/conftest.py); they step aside by a rename
    that the test's rollback undoes, so the contract is checked on data fixed here.
    """
    GoalSet.objects.filter(organisation__isnull=True).update(code=Concat(F("code"), Value("~")))
    # Indicator codes are unique across all sets.
    GlobalIndicator.objects.update(code=Concat(F("code"), Value("~")))
    agenda = GoalSet.objects.create(
        code="agenda2030", kind="agenda2030", title_sv="Agenda 2030", title_en="The 2030 Agenda"
    )
    goal_3 = make_goal(
        agenda,
        3,
        title_sv="God hälsa och välbefinnande",
        title_en="Good health and well-being",
        long_title_sv="Säkerställa att alla kan leva ett hälsosamt liv",
        long_title_en="Ensure healthy lives and promote well-being for all at all ages",
        colour="#4C9F38",
        dimension="social",
    )
    goal_11 = make_goal(
        agenda,
        11,
        title_sv="Hållbara städer och samhällen",
        title_en="Sustainable cities and communities",
        long_title_sv="Städer och bosättningar ska vara inkluderande och hållbara",
        long_title_en="Make cities and human settlements inclusive, safe, resilient and sustainable",
        colour="#FD9D24",
        dimension="social",
    )
    goal_17 = make_goal(
        agenda,
        17,
        title_sv="Genomförande och globalt partnerskap",
        title_en="Partnerships for the goals",
        colour="#19486A",
    )
    target_3_6 = make_target(
        goal_3,
        "3.6",
        36,
        text_sv="Halvera antalet dödsfall och skador i vägtrafiken",
        text_en="Halve the number of global deaths and injuries from road traffic accidents",
    )
    target_11_2 = make_target(
        goal_11,
        "11.2",
        112,
        text_sv="Tillgång till säkra och hållbara transportsystem för alla",
        text_en="Provide access to safe, affordable, accessible and sustainable transport systems",
    )
    target_11_a = make_target(
        goal_11,
        "11.a",
        119,
        kind="means_of_implementation",
        text_en="Support positive economic, social and environmental links between areas",
    )
    indicator_11_2_1 = GlobalIndicator.objects.create(
        target=target_11_2,
        code="11.2.1",
        unsd_code="C110201",
        title_sv="Andel av befolkningen med god tillgång till kollektivtrafik",
        title_en="Proportion of population that has convenient access to public transport",
    )
    indicator_11_a_1 = GlobalIndicator.objects.create(
        target=target_11_a,
        code="11.a.1",
        unsd_code="C110a01",
        title_en="Number of countries that have national urban policies",
    )
    national = GoalSet.objects.create(
        code="miljokvalitetsmal",
        kind="national",
        title_sv="Miljökvalitetsmålen",
        title_en="Environmental quality objectives",
    )
    national_goal = make_goal(
        national, 1, title_sv="Begränsad klimatpåverkan", title_en="Reduced climate impact"
    )
    return AgendaSample(
        goal_set=agenda,
        goal_3=goal_3,
        goal_11=goal_11,
        goal_17=goal_17,
        target_3_6=target_3_6,
        target_11_2=target_11_2,
        target_11_a=target_11_a,
        indicator_11_2_1=indicator_11_2_1,
        indicator_11_a_1=indicator_11_a_1,
        national_goal=national_goal,
    )


@dataclass
class Municipality:
    organisation: Organisation
    council: Body
    committee: Body
    decided_plan: SteeringDocument
    draft_plan: SteeringDocument


def make_municipality(code: str, name: str) -> Municipality:
    organisation = OrganisationFactory(code=code, name=name)
    council = BodyFactory(
        organisation=organisation,
        name="Kommunfullmäktige",
        short_name="KF",
        kind="council_assembly",
    )
    committee = BodyFactory(organisation=organisation, name="Samhällsbyggnadsnämnden")
    decided_plan = SteeringDocumentFactory(
        organisation=organisation,
        title="Handlingsplan för trafiksäkerhet",
        status="decided",
        decided_by=council,
        decision_date=dt.date(2024, 3, 18),
    )
    draft_plan = SteeringDocumentFactory(organisation=organisation, title="Utkast till cykelplan")
    return Municipality(organisation, council, committee, decided_plan, draft_plan)


@pytest.fixture
def hallstahammar(agenda_sample: AgendaSample) -> Municipality:
    return make_municipality("1961", "Hallstahammar")


@pytest.fixture
def vasteras(agenda_sample: AgendaSample) -> Municipality:
    return make_municipality("1980", "Västerås")


def make_goal_for(
    municipality: Municipality, title: str, targets: list[Target], **fields: Any
) -> LocalGoal:
    goal = LocalGoalFactory(
        organisation=municipality.organisation,
        body=fields.pop("body", municipality.committee),
        title=title,
        **fields,
    )
    goal.targets.set(targets)
    return goal


def make_action_for(
    municipality: Municipality, title: str, targets: list[Target], **fields: Any
) -> Action:
    action = ActionFactory(
        organisation=municipality.organisation,
        body=fields.pop("body", municipality.committee),
        plan=fields.pop("plan", municipality.decided_plan),
        title=title,
        **fields,
    )
    action.targets.set(targets)
    return action


@pytest.fixture
def api_get(client: Client):
    """GET an API path over HTTPS (production settings redirect plain HTTP)."""

    def get(path: str, **params: str):
        return client.get(f"/api/v1/{path}", params, secure=True)

    return get
