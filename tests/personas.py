"""Personas for access tests: one organisation's bodies (with the strategy's standard
mandates), a user per role, and objects of every kind, public and draft, belonging to
different bodies. Built in code with the factories; `build_world` twice gives two
sealed tenants.

The roles (the issue's matrix):
- anonymous            a visitor, not logged in
- council_external     co-opted external member of hållbarhetsrådet
- council_internal     member (politician) of hållbarhetsrådet
- committee_officer    officer of Tekniska nämnden (own area)
- analyst              officer of Analysgruppen (organisation-wide)
- strateg              officer of Kommunstyrelsen and of Analysgruppen
- org_admin            administrator of the organisation, no seat in a body
- outsider             analyst of the *other* organisation
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from hallbar.agenda.models import Goal, GoalSet
from hallbar.followup.models import Indicator, Kpi
from hallbar.organisation.models import Body, Organisation
from hallbar.steering.models import WorkingGroup
from tests.factories import (
    ActionFactory,
    BodyFactory,
    LocalGoalFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
    SteeringDocumentFactory,
    UserFactory,
)

ANONYMOUS = "anonymous"
COUNCIL_EXTERNAL = "council_external"
COUNCIL_INTERNAL = "council_internal"
COMMITTEE_OFFICER = "committee_officer"
ANALYST = "analyst"
STRATEG = "strateg"
ORG_ADMIN = "org_admin"
OUTSIDER = "outsider"

PERSONAS = (
    ANONYMOUS,
    COUNCIL_EXTERNAL,
    COUNCIL_INTERNAL,
    COMMITTEE_OFFICER,
    ANALYST,
    STRATEG,
    ORG_ADMIN,
    OUTSIDER,
)
# Those who read the organisation's internal drafts.
INTERNAL = frozenset(
    {COUNCIL_EXTERNAL, COUNCIL_INTERNAL, COMMITTEE_OFFICER, ANALYST, STRATEG, ORG_ADMIN}
)
EVERYONE = frozenset(PERSONAS)
NOBODY: frozenset[str] = frozenset()
ORGANISATION_WIDE_WRITERS = frozenset({ANALYST, STRATEG})
OWN_AREA_WRITERS = frozenset({COMMITTEE_OFFICER, ANALYST, STRATEG})
ADMINISTRATORS = frozenset({ORG_ADMIN})

DECIDED = dt.date(2025, 3, 10)


@dataclass
class World:
    organisation: Organisation
    bodies: dict[str, Body] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.organisation.code


def build_world(code: str = "1961", name: str = "Hallstahammar") -> World:
    organisation = OrganisationFactory(code=code, name=name)
    world = World(organisation)
    b = world.bodies
    for key, body_name, kind in (
        ("kf", "Kommunfullmäktige", "council_assembly"),
        ("ks", "Kommunstyrelsen", "executive_board"),
        ("ksau", "Kommunstyrelsens arbetsutskott", "sustainability_committee"),
        ("council", "Hållbarhetsrådet", "sustainability_council"),
        ("management", "Kommunchefens ledningsgrupp", "management_group"),
        ("analysis", "Analysgruppen", "analysis_group"),
        ("tn", "Tekniska nämnden", "committee"),
        ("sn", "Socialnämnden", "committee"),
    ):
        b[key] = BodyFactory(organisation=organisation, name=body_name, kind=kind)

    def user(persona: str, *seats: tuple[str, str]):
        account = UserFactory(username=f"{persona}-{code}")
        for body, role in seats:
            MembershipFactory(user=account, body=b[body], role=role)
        world.users[persona] = account
        return account

    user(COUNCIL_EXTERNAL, ("council", "external"))
    user(COUNCIL_INTERNAL, ("council", "member"))
    user(COMMITTEE_OFFICER, ("tn", "officer"))
    user(ANALYST, ("analysis", "officer"))
    user(STRATEG, ("ks", "officer"), ("analysis", "officer"))
    OrganisationRoleFactory(organisation=organisation, user=user(ORG_ADMIN))

    o = world.objects
    decided = {"status": "decided", "decision_date": DECIDED}
    o["strategy"] = SteeringDocumentFactory(
        organisation=organisation,
        title=f"Strategi {code}",
        level="strategy",
        decided_by=b["kf"],
        **decided,
    )
    o["programme_draft"] = SteeringDocumentFactory(
        organisation=organisation, title=f"Programutkast {code}", level="programme"
    )
    o["plan_tn"] = SteeringDocumentFactory(
        organisation=organisation,
        title=f"Tekniska nämndens plan {code}",
        responsible_body=b["tn"],
        decided_by=b["tn"],
        **decided,
    )
    o["plan_sn_draft"] = SteeringDocumentFactory(
        organisation=organisation,
        title=f"Socialnämndens planutkast {code}",
        responsible_body=b["sn"],
    )
    o["council_goal"] = LocalGoalFactory(
        organisation=organisation, level="council", title=f"KF-mål {code}", body=b["kf"]
    )
    o["goal_tn_draft"] = LocalGoalFactory(
        organisation=organisation,
        title=f"Tekniska nämndens målutkast {code}",
        body=b["tn"],
        status="draft",
        decision_date=None,
    )
    o["goal_sn"] = LocalGoalFactory(
        organisation=organisation, title=f"Socialnämndens mål {code}", body=b["sn"]
    )
    o["action_tn"] = ActionFactory(
        organisation=organisation,
        title=f"Tekniska nämndens åtgärd {code}",
        plan=o["plan_tn"],
        body=b["tn"],
    )
    o["action_sn_draft"] = ActionFactory(
        organisation=organisation,
        title=f"Socialnämndens åtgärd under utkast {code}",
        plan=o["plan_sn_draft"],
        body=b["sn"],
    )
    o["goal_set"] = GoalSet.objects.create(
        organisation=organisation,
        code=f"rus-{code}",
        kind="regional",
        title_sv=f"Regional utvecklingsstrategi {code}",
    )
    o["goal_set_goal"] = Goal.objects.create(
        goal_set=o["goal_set"], number=1, code="1", title_sv=f"Regionalt mål {code}"
    )
    o["reference_goal_set"] = GoalSet.objects.get(code="agenda2030", organisation__isnull=True)
    o["mandate"] = b["tn"].mandates.order_by("pk").first()
    # Follow-up: an own measurement the organisation publishes, and one it keeps inside.
    for key, is_public in (("indicator", True), ("indicator_private", False)):
        kpi = Kpi.objects.create(
            organisation=organisation,
            source="own",
            code=f"{key.upper().replace('_', '-')}-{code}",
            title_sv=f"Eget nyckeltal {key} {code}",
        )
        o[key] = Indicator.objects.create(organisation=organisation, kpi=kpi, is_public=is_public)
    o["working_group"] = WorkingGroup.objects.create(
        organisation=organisation,
        name=f"Arbetsgrupp hållbart resande {code}",
        focus_area="Hållbart resande",
        mandate_text="Samordna handlingsplanen för hållbart resande.",
        expected_effect="Fler resor till fots och med cykel.",
        appointed_by=b["management"],
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2030, 12, 31),
    )
    o["body_tn"] = b["tn"]
    for extend in _extensions():
        extend(world)
    return world


def _extensions():
    """Each later app adds its own objects in `tests/worlds/<app>.py` (`extend(world)`),
    in dependency order, so the security tests cover its URLs with real rows."""
    from tests.worlds import analysis, engagement, report

    return (engagement.extend, analysis.extend, report.extend)


def public_titles(world: World) -> set[str]:
    o = world.objects
    return {o[key].title for key in ("strategy", "plan_tn", "council_goal", "goal_sn", "action_tn")}


def internal_names(world: World) -> set[str]:
    """Names only the organisation's own people should ever see of it."""
    o = world.objects
    return {o["working_group"].name, o["indicator_private"].kpi.title_sv}


def indicator_code(world: World, key: str = "indicator") -> str:
    return world.objects[key].kpi.code


def draft_titles(world: World) -> set[str]:
    o = world.objects
    return {
        o[key].title
        for key in ("programme_draft", "plan_sn_draft", "goal_tn_draft", "action_sn_draft")
    }
