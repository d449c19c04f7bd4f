"""Demo data: Hallstahammar's steering chain as example data, a smaller second
organisation (Surahammar) that proves tenants are sealed from each other, the bodies'
standard mandates, and one login per role.

Only the strategy's decision facts are real (Strategi och ramverk för hållbar utveckling,
KF 2021-10-25 § 129); every other document, goal and action is invented, plausible
example data and says so in its text. Loaded by `manage.py load_demo_data`, only in demo
mode (`HALLBAR_DEMO=true`), so the demo logins never exist in production.

Everything is upserted by natural key (a body's name, a document's, goal's or action's
title within the organisation, a username), so a second run finds nothing to change
and writes nothing. Mandates are seeded for bodies that have none, so an administrator's
changes to them survive a rerun.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import translation

from hallbar.agenda.models import Goal, Target
from hallbar.organisation.models import (
    Body,
    BodyKind,
    DemoAccount,
    Mandate,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationRole,
    OrganisationRoleKind,
)
from hallbar.organisation.services import STANDARD_BODIES, mandates_seed, organisation_create
from hallbar.steering.models import (
    Action,
    ActionStatus,
    DecisionStatus,
    DocumentLevel,
    GoalLevel,
    LocalGoal,
    ReviewRule,
    SteeringDocument,
    WorkingGroup,
    WorkingGroupMember,
    WorkingGroupRole,
)

ORGANISATION_CODE = "1961"  # Hallstahammar
SECOND_ORGANISATION_CODE = "1907"  # Surahammar: proves that tenants are sealed
DEMO_PASSWORD = "hallbar-demo"  # noqa: S105 - demo logins exist only in demo mode
EXAMPLE_NOTE = "Exempeldata i Hållbars demo – inte ett beslut av Hallstahammars kommun."
SURAHAMMAR_NOTE = "Exempeldata i Hållbars demo – inte ett beslut av Surahammars kommun."

ECOLOGICAL, SOCIAL, ECONOMIC = "ecological", "social", "economic"
ALL_DIMENSIONS = (ECOLOGICAL, SOCIAL, ECONOMIC)

# Goal-set codes of the national goals shipped with the reference data.
ENVIRONMENT = "miljokvalitetsmal"
PUBLIC_HEALTH = "folkhalsa"

KF = "Kommunfullmäktige"
KS = "Kommunstyrelsen"
KSAU = "Kommunstyrelsens arbetsutskott (hållbarhetsutskott)"
COUNCIL = "Hållbarhetsrådet"
MANAGEMENT = "Kommunchefens ledningsgrupp"
ANALYSIS = "Analysgruppen"
BUN = "Barn- och utbildningsnämnden"
SN = "Socialnämnden"
BMN = "Bygg- och miljönämnden"
TN = "Tekniska nämnden"
KFN = "Kultur- och fritidsnämnden"
HALLSTAHEM = "Hallstahem AB"
RESCUE = "Räddningstjänsten Mälardalen"
VAFAB = "VafabMiljö Kommunalförbund"
TRAVEL_GROUP = "Arbetsgrupp hållbart resande"

# "Gäller för: Styrelse och nämnder" - the strategy binds KS and every nämnd.
BOARD_AND_COMMITTEES = (KS, BUN, SN, BMN, TN, KFN)


@dataclass(frozen=True)
class DemoBody:
    name: str
    kind: BodyKind
    short_name: str = ""
    parent: str | None = None
    description: str = ""


@dataclass(frozen=True)
class DemoDocument:
    title: str
    level: DocumentLevel
    decided_by: str | None
    decision_date: dt.date | None
    decision_paragraph: str
    owner: str
    dimensions: tuple[str, ...]
    applies_to: tuple[str, ...]
    summary: str
    valid_until: dt.date | None = None
    review_rule: ReviewRule = ReviewRule.AS_NEEDED
    last_reviewed: dt.date | None = None
    parent: str | None = None
    responsible_body: str | None = None  # None: municipality-wide
    targets: tuple[str, ...] = ()
    is_example: bool = True
    status: DecisionStatus = DecisionStatus.DECIDED


@dataclass(frozen=True)
class DemoGoal:
    title: str
    level: GoalLevel
    body: str
    decision_date: dt.date | None
    decision_paragraph: str
    targets: tuple[str, ...]
    description: str
    document: str | None = None
    parent: str | None = None
    other_goals: tuple[tuple[str, str], ...] = ()  # (goal-set code, goal code)
    status: DecisionStatus = DecisionStatus.DECIDED


@dataclass(frozen=True)
class DemoAction:
    title: str
    plan: str
    body: str
    owner: str
    start: dt.date
    end: dt.date
    planned_cost: int | None
    status: ActionStatus
    targets: tuple[str, ...]
    description: str
    local_goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoSeat:
    body: str
    role: MembershipRole
    title: str
    organisation: str = ORGANISATION_CODE


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    seats: tuple[DemoSeat, ...] = ()
    is_superuser: bool = False
    administers: tuple[str, ...] = ()  # organisation codes


@dataclass(frozen=True)
class DemoOrganisation:
    code: str
    note: str
    bodies: tuple[DemoBody, ...]
    documents: tuple[DemoDocument, ...]
    goals: tuple[DemoGoal, ...]
    actions: tuple[DemoAction, ...]


# --- Bodies --------------------------------------------------------------------------

BODIES: tuple[DemoBody, ...] = (
    *(DemoBody(b.name, b.kind, b.short_name, b.parent, b.description) for b in STANDARD_BODIES),
    DemoBody(
        BUN,
        BodyKind.COMMITTEE,
        "BUN",
        description="Ansvarar för förskola, grundskola, gymnasieskola och vuxenutbildning.",
    ),
    DemoBody(
        SN,
        BodyKind.COMMITTEE,
        "SN",
        description="Ansvarar för individ- och familjeomsorg, äldreomsorg, funktionsstöd "
        "och arbetsmarknadsinsatser.",
    ),
    DemoBody(
        BMN,
        BodyKind.COMMITTEE,
        "BMN",
        description="Ansvarar för bygglov, detaljplaner och tillsyn enligt miljöbalken.",
    ),
    DemoBody(
        TN,
        BodyKind.COMMITTEE,
        "TN",
        description="Ansvarar för gator, parker, trafik, kommunens fastigheter och kost.",
    ),
    DemoBody(
        KFN,
        BodyKind.COMMITTEE,
        "KFN",
        description="Ansvarar för bibliotek, kulturskola, fritidsgårdar och stöd till "
        "föreningslivet.",
    ),
    DemoBody(
        HALLSTAHEM,
        BodyKind.COMPANY,
        description="Kommunens bostadsbolag. Representerat i hållbarhetsrådet.",
    ),
    DemoBody(
        RESCUE,
        BodyKind.FEDERATION,
        description="Kommunalförbund för räddningstjänst som kommunen är medlem i. "
        "Representerat i hållbarhetsrådet.",
    ),
    DemoBody(
        VAFAB,
        BodyKind.FEDERATION,
        description="Kommunalförbund för avfallshantering och återvinning i Västmanland "
        "som kommunen är medlem i.",
    ),
    DemoBody(
        TRAVEL_GROUP,
        BodyKind.WORKING_GROUP,
        parent=MANAGEMENT,
        description=(
            "Tillfällig arbetsgrupp tillsatt av kommunchefens ledningsgrupp för 2025–2026. "
            "Uppdrag: samordna genomförandet av handlingsplanen för hållbart resande mellan "
            "förvaltningarna och följa upp resvanorna. Förväntad effekt: fler resor till fots, "
            "med cykel och kollektivtrafik. Har analysgruppen som bollplank. " + EXAMPLE_NOTE
        ),
    ),
)


# --- Steering documents (parents before children) ------------------------------------

STRATEGY = "Strategi och ramverk för hållbar utveckling"
BUDGET = "Mål och budget 2026"
ENVIRONMENT_PROGRAMME = "Miljö- och klimatprogram 2023–2030"
SOCIAL_PROGRAMME = "Program för social hållbarhet och folkhälsa 2024–2027"
BUSINESS_PROGRAMME = "Näringslivsprogram 2024–2028"
TRAVEL_PLAN = "Handlingsplan för hållbart resande 2025–2027"
ROAD_SAFETY_PLAN = "Trafiksäkerhetsplan 2023–2026"
SAFETY_PLAN = "Handlingsplan för folkhälsa och trygghet 2024–2027"
SCHOOL_PLAN = "Handlingsplan för ökad måluppfyllelse i grundskolan 2025–2027"
LABOUR_PLAN = "Handlingsplan för arbetsmarknad och kompetensförsörjning 2025–2028"
ENERGY_PLAN = "Handlingsplan för energi och resurshushållning i kommunens verksamheter 2025–2027"

DOCUMENTS: tuple[DemoDocument, ...] = (
    DemoDocument(
        title=STRATEGY,
        level=DocumentLevel.STRATEGY,
        decided_by=KF,
        decision_date=dt.date(2021, 10, 25),
        decision_paragraph="129",
        valid_until=dt.date(2027, 12, 31),
        review_rule=ReviewRule.ONCE_PER_TERM,
        owner="Kommunstrateg, Kommunstyrelseförvaltningen",
        dimensions=ALL_DIMENSIONS,
        applies_to=BOARD_AND_COMMITTEES,
        is_example=False,
        summary=(
            "Beskriver hur Hallstahammars kommun arbetar med hållbar utveckling utifrån "
            "Agenda 2030 och SiS vägledning SS 854000:2021: en gemensam syn på de tre "
            "hållbarhetsdimensionerna, fem övergripande principer, ramverket med program och "
            "planer under varje dimension, och organisationens ansvar och roller. Gäller för "
            "styrelse och nämnder och är vägledande för övriga aktörer inom koncernen. "
            "Granskas en gång per mandatperiod och revideras vid behov."
        ),
    ),
    DemoDocument(
        title=BUDGET,
        level=DocumentLevel.BUDGET,
        decided_by=KF,
        decision_date=dt.date(2025, 11, 24),
        decision_paragraph="141",
        valid_until=dt.date(2026, 12, 31),
        owner="Ekonomichef, Kommunstyrelseförvaltningen",
        dimensions=ALL_DIMENSIONS,
        applies_to=BOARD_AND_COMMITTEES,
        summary=(
            "Fullmäktiges mål och budget för 2026 med plan för 2027–2028. Fullmäktiges mål "
            "utgår från Agenda 2030 och bryts ned i nämndernas mål."
        ),
    ),
    DemoDocument(
        title=ENVIRONMENT_PROGRAMME,
        level=DocumentLevel.PROGRAMME,
        parent=STRATEGY,
        decided_by=KF,
        decision_date=dt.date(2023, 4, 24),
        decision_paragraph="52",
        valid_until=dt.date(2030, 12, 31),
        review_rule=ReviewRule.YEARLY,
        last_reviewed=dt.date(2026, 6, 15),
        owner="Miljöstrateg, Kommunstyrelseförvaltningen",
        dimensions=(ECOLOGICAL,),
        applies_to=(*BOARD_AND_COMMITTEES, HALLSTAHEM),
        targets=("7.2", "11.6", "12.5", "13.1", "13.2", "15.5"),
        summary=(
            "Samlar kommunens arbete för minskad klimatpåverkan, klimatanpassning, "
            "resurshushållning och biologisk mångfald under den ekologiska dimensionen. "
            "Utgår från de nationella miljökvalitetsmålen. Följs upp årligen."
        ),
    ),
    DemoDocument(
        title=SOCIAL_PROGRAMME,
        level=DocumentLevel.PROGRAMME,
        parent=STRATEGY,
        decided_by=KF,
        decision_date=dt.date(2024, 2, 26),
        decision_paragraph="14",
        valid_until=dt.date(2027, 12, 31),
        review_rule=ReviewRule.YEARLY,
        last_reviewed=dt.date(2026, 6, 15),
        owner="Folkhälsostrateg, Kommunstyrelseförvaltningen",
        dimensions=(SOCIAL,),
        applies_to=BOARD_AND_COMMITTEES,
        targets=("3.4", "4.1", "10.2", "16.1", "16.7"),
        summary=(
            "Samlar arbetet för jämlik hälsa, trygghet, delaktighet och goda "
            "uppväxtvillkor under den sociala dimensionen. Utgår från de "
            "folkhälsopolitiska målområdena och integrerar arbetet med Trygg och säker."
        ),
    ),
    DemoDocument(
        title=BUSINESS_PROGRAMME,
        level=DocumentLevel.PROGRAMME,
        parent=STRATEGY,
        decided_by=KS,
        decision_date=dt.date(2024, 5, 13),
        decision_paragraph="87",
        valid_until=dt.date(2028, 12, 31),
        owner="Näringslivschef, Kommunstyrelseförvaltningen",
        dimensions=(ECONOMIC,),
        applies_to=(KS, BUN, SN, BMN),
        targets=("8.3", "8.5", "8.6", "9.1"),
        summary=(
            "Inriktning för ett gott företagsklimat, kompetensförsörjning och fler "
            "arbetstillfällen under den ekonomiska dimensionen, med hänsyn till "
            "målkonflikter mot mål 10 och 13."
        ),
    ),
    DemoDocument(
        title=TRAVEL_PLAN,
        level=DocumentLevel.ACTION_PLAN,
        parent=ENVIRONMENT_PROGRAMME,
        decided_by=TN,
        decision_date=dt.date(2025, 3, 18),
        decision_paragraph="23",
        valid_until=dt.date(2027, 12, 31),
        review_rule=ReviewRule.YEARLY,
        last_reviewed=dt.date(2026, 6, 16),
        owner="Trafikplanerare, Tekniska förvaltningen",
        responsible_body=TN,
        dimensions=(ECOLOGICAL, SOCIAL),
        applies_to=(TN, KS, BMN),
        targets=("11.2", "3.6", "13.2"),
        summary=(
            "Åtgärder för fler resor till fots, med cykel och kollektivtrafik: "
            "sammanhängande gång- och cykelvägar, trygga skolvägar och samverkan med "
            "Region Västmanland om kollektivtrafiken."
        ),
    ),
    DemoDocument(
        title=ROAD_SAFETY_PLAN,
        level=DocumentLevel.ACTION_PLAN,
        parent=SOCIAL_PROGRAMME,
        decided_by=TN,
        decision_date=dt.date(2023, 2, 21),
        decision_paragraph="12",
        valid_until=dt.date(2026, 12, 31),
        owner="Trafikingenjör, Tekniska förvaltningen",
        responsible_body=TN,
        dimensions=(SOCIAL,),
        applies_to=(TN,),
        targets=("3.6", "11.2"),
        summary=(
            "Nollvisionen på det kommunala vägnätet: säkra passager vid skolor, belysning "
            "och anpassade hastighetsgränser. Giltighetstiden löper snart ut."
        ),
    ),
    DemoDocument(
        title=SAFETY_PLAN,
        level=DocumentLevel.ACTION_PLAN,
        parent=SOCIAL_PROGRAMME,
        decided_by=KS,
        decision_date=dt.date(2024, 5, 13),
        decision_paragraph="88",
        valid_until=dt.date(2027, 12, 31),
        review_rule=ReviewRule.YEARLY,
        last_reviewed=dt.date(2025, 5, 12),
        owner="Trygghetssamordnare, Kommunstyrelseförvaltningen",
        dimensions=(SOCIAL,),
        applies_to=(KS, SN, BUN, KFN, HALLSTAHEM, RESCUE),
        targets=("3.4", "11.7", "16.1"),
        summary=(
            "Förebyggande arbete för trygghet och folkhälsa i samverkan med polisen, "
            "Räddningstjänsten Mälardalen och Hallstahem AB (Säker och trygg kommun). "
            "Den årliga översynen är försenad."
        ),
    ),
    DemoDocument(
        title=SCHOOL_PLAN,
        level=DocumentLevel.ACTION_PLAN,
        parent=SOCIAL_PROGRAMME,
        decided_by=BUN,
        decision_date=dt.date(2025, 1, 28),
        decision_paragraph="8",
        valid_until=dt.date(2027, 12, 31),
        owner="Utvecklingsstrateg, Barn- och utbildningsförvaltningen",
        responsible_body=BUN,
        dimensions=(SOCIAL,),
        applies_to=(BUN,),
        targets=("4.1", "10.2"),
        summary="Tidiga insatser, läsutveckling och minskad frånvaro i grundskolan.",
    ),
    DemoDocument(
        title=LABOUR_PLAN,
        level=DocumentLevel.ACTION_PLAN,
        parent=BUSINESS_PROGRAMME,
        decided_by=KS,
        decision_date=dt.date(2025, 6, 9),
        decision_paragraph="101",
        valid_until=dt.date(2028, 12, 31),
        owner="Arbetsmarknadschef, Socialförvaltningen",
        dimensions=(ECONOMIC, SOCIAL),
        applies_to=(KS, SN, BUN),
        targets=("4.4", "8.5", "8.6", "10.2"),
        summary=(
            "Vägar till arbete och egen försörjning, feriearbete för unga och samverkan "
            "med näringslivet om kompetensförsörjning."
        ),
    ),
    DemoDocument(
        title=ENERGY_PLAN,
        level=DocumentLevel.ACTION_PLAN,
        parent=ENVIRONMENT_PROGRAMME,
        decided_by=KS,
        decision_date=dt.date(2025, 2, 10),
        decision_paragraph="20",
        valid_until=dt.date(2027, 12, 31),
        owner="Miljöstrateg, Kommunstyrelseförvaltningen",
        dimensions=(ECOLOGICAL, ECONOMIC),
        applies_to=(KS, TN),
        targets=("7.2", "7.3", "12.5", "13.2"),
        summary=(
            "Fossilfri fordonsflotta, förnybar energi och energieffektivisering i "
            "kommunens fastigheter, samt återbruk och minskat avfall i verksamheterna."
        ),
    ),
)


# --- Council goals (KF-mål) and committee goals (nämndmål); council goals first ------

KF_SCHOOL = "Alla barn och elever ges förutsättningar att nå sin fulla potential"
KF_WORK = "Fler invånare har arbete eller studerar och kan försörja sig själva"
KF_SAFE = "Hallstahammar är en trygg kommun med hållbara resor och transporter"
KF_CLIMATE = "Kommunens klimatpåverkan minskar och resurserna används hållbart"
KF_DEMOCRACY = "Invånarna är delaktiga och har inflytande i kommunens utveckling"

NG_ELIGIBLE = "Andelen elever i årskurs 9 som är behöriga till gymnasiets yrkesprogram ökar"
NG_ABSENCE = "Frånvaron i grundskolan minskar"
NG_SELF_SUPPORT = "Fler hushåll med försörjningsstöd går vidare till arbete eller studier"
NG_TRAVEL = "Andelen resor till fots, med cykel och kollektivtrafik ökar"
NG_ROAD_SAFETY = "Ingen dödas eller skadas allvarligt i trafiken på det kommunala vägnätet"
NG_FOOD_WASTE = "Matsvinnet i kommunens kök minskar"
NG_FOSSIL_FREE = "Kommunens fordonsflotta är fossilfri 2030"
NG_LAND_USE = "Nya bostäder och verksamheter planeras nära kollektivtrafik och service"
NG_LEISURE = "Fler barn och unga deltar i fritids- och kulturaktiviteter"
NG_DIALOGUE = "Fler invånare deltar i kommunens medborgardialoger"

_KF_DATE, _KF_PARAGRAPH = dt.date(2025, 11, 24), "141"


def _council_goal(title: str, targets: tuple[str, ...], other, description: str) -> DemoGoal:
    return DemoGoal(
        title=title,
        level=GoalLevel.COUNCIL,
        body=KF,
        document=BUDGET,
        decision_date=_KF_DATE,
        decision_paragraph=_KF_PARAGRAPH,
        targets=targets,
        other_goals=other,
        description=description,
    )


GOALS: tuple[DemoGoal, ...] = (
    _council_goal(
        KF_SCHOOL,
        ("4.1", "4.2", "10.2"),
        ((PUBLIC_HEALTH, "1"), (PUBLIC_HEALTH, "2")),
        "Förskola och skola ger alla barn goda förutsättningar, oavsett bakgrund.",
    ),
    _council_goal(
        KF_WORK,
        ("8.5", "8.6", "10.2"),
        ((PUBLIC_HEALTH, "3"), (PUBLIC_HEALTH, "4")),
        "Fler går från utanförskap till arbete eller studier; färre unga står utanför.",
    ),
    _council_goal(
        KF_SAFE,
        ("11.2", "3.6", "16.1"),
        ((ENVIRONMENT, "15"), (PUBLIC_HEALTH, "5")),
        "Trygga offentliga miljöer och ett transportsystem som är säkert och hållbart "
        "för alla, också för barn, äldre och personer med funktionsnedsättning.",
    ),
    _council_goal(
        KF_CLIMATE,
        ("13.2", "7.2", "12.5"),
        ((ENVIRONMENT, "1"), (ENVIRONMENT, "15")),
        "Kommunkoncernens utsläpp av växthusgaser och avfallsmängder minskar.",
    ),
    _council_goal(
        KF_DEMOCRACY,
        ("16.7", "10.2"),
        ((PUBLIC_HEALTH, "7"),),
        "Fler invånare, också unga, deltar i dialog och påverkar beslut.",
    ),
    DemoGoal(
        title=NG_ELIGIBLE,
        level=GoalLevel.COMMITTEE,
        body=BUN,
        parent=KF_SCHOOL,
        decision_date=dt.date(2025, 12, 16),
        decision_paragraph="98",
        targets=("4.1",),
        other_goals=((PUBLIC_HEALTH, "2"),),
        description="Nämndmål i barn- och utbildningsnämndens verksamhetsplan 2026.",
    ),
    DemoGoal(
        title=NG_ABSENCE,
        level=GoalLevel.COMMITTEE,
        body=BUN,
        parent=KF_SCHOOL,
        decision_date=dt.date(2025, 12, 16),
        decision_paragraph="98",
        targets=("4.1", "10.2"),
        description="Nämndmål i barn- och utbildningsnämndens verksamhetsplan 2026.",
    ),
    DemoGoal(
        title=NG_SELF_SUPPORT,
        level=GoalLevel.COMMITTEE,
        body=SN,
        parent=KF_WORK,
        decision_date=dt.date(2025, 12, 17),
        decision_paragraph="120",
        targets=("8.5", "10.2"),
        other_goals=((PUBLIC_HEALTH, "4"),),
        description="Nämndmål i socialnämndens verksamhetsplan 2026.",
    ),
    DemoGoal(
        title=NG_TRAVEL,
        level=GoalLevel.COMMITTEE,
        body=TN,
        parent=KF_SAFE,
        decision_date=dt.date(2025, 12, 9),
        decision_paragraph="88",
        targets=("11.2", "13.2"),
        other_goals=((ENVIRONMENT, "1"), (ENVIRONMENT, "15"), (PUBLIC_HEALTH, "6")),
        description="Nämndmål i tekniska nämndens verksamhetsplan 2026. Mäts med "
        "resvaneundersökningen.",
    ),
    DemoGoal(
        title=NG_ROAD_SAFETY,
        level=GoalLevel.COMMITTEE,
        body=TN,
        parent=KF_SAFE,
        decision_date=dt.date(2025, 12, 9),
        decision_paragraph="88",
        targets=("3.6", "11.2"),
        description="Nämndmål i tekniska nämndens verksamhetsplan 2026 (nollvisionen).",
    ),
    DemoGoal(
        title=NG_FOOD_WASTE,
        level=GoalLevel.COMMITTEE,
        body=TN,
        parent=KF_CLIMATE,
        decision_date=dt.date(2025, 12, 9),
        decision_paragraph="88",
        targets=("12.3", "12.5"),
        other_goals=((ENVIRONMENT, "15"),),
        description="Nämndmål i tekniska nämndens verksamhetsplan 2026 (kostenheten).",
    ),
    DemoGoal(
        title=NG_FOSSIL_FREE,
        level=GoalLevel.COMMITTEE,
        body=KS,
        parent=KF_CLIMATE,
        decision_date=dt.date(2025, 12, 8),
        decision_paragraph="190",
        targets=("13.2", "7.2"),
        other_goals=((ENVIRONMENT, "1"),),
        description="Kommunstyrelsens mål för det egna verksamhetsområdet 2026.",
    ),
    DemoGoal(
        title=NG_LAND_USE,
        level=GoalLevel.COMMITTEE,
        body=BMN,
        parent=KF_SAFE,
        decision_date=dt.date(2025, 12, 11),
        decision_paragraph="77",
        targets=("11.2", "11.3"),
        other_goals=((ENVIRONMENT, "15"),),
        description="Nämndmål i bygg- och miljönämndens verksamhetsplan 2026.",
    ),
    DemoGoal(
        title=NG_LEISURE,
        level=GoalLevel.COMMITTEE,
        body=KFN,
        parent=KF_DEMOCRACY,
        decision_date=dt.date(2025, 12, 10),
        decision_paragraph="54",
        targets=("10.2", "3.4"),
        other_goals=((PUBLIC_HEALTH, "6"),),
        description="Nämndmål i kultur- och fritidsnämndens verksamhetsplan 2026.",
    ),
    DemoGoal(
        title=NG_DIALOGUE,
        level=GoalLevel.COMMITTEE,
        body=KS,
        parent=KF_DEMOCRACY,
        decision_date=dt.date(2025, 12, 8),
        decision_paragraph="190",
        targets=("16.7",),
        description="Kommunstyrelsens mål för det egna verksamhetsområdet 2026.",
    ),
)


# --- Actions --------------------------------------------------------------------------

_D = dt.date
NOT_STARTED, STARTED, DONE = ActionStatus.NOT_STARTED, ActionStatus.STARTED, ActionStatus.DONE
DELAYED, CANCELLED = ActionStatus.DELAYED, ActionStatus.CANCELLED

# A table: title, plan, body, owner, start, end, planned cost (SEK), status, targets,
# description, local goals.
# fmt: off
ACTIONS: tuple[DemoAction, ...] = (
    DemoAction(
        "Ny gång- och cykelväg mellan Kolbäck och Hallstahammar",
        TRAVEL_PLAN, TN, "Gatu- och parkchef, Tekniska förvaltningen",
        _D(2025, 4, 1), _D(2027, 10, 31), 8_500_000, STARTED, ("11.2", "3.6", "13.2"),
        "Sammanhängande, belyst cykelväg som knyter ihop tätorterna.",
        (NG_TRAVEL,),
    ),
    DemoAction(
        "Säker cykelparkering vid Kolbäcks station",
        TRAVEL_PLAN, TN, "Trafikplanerare, Tekniska förvaltningen",
        _D(2025, 5, 1), _D(2026, 6, 30), 650_000, DONE, ("11.2", "13.2"),
        "Väderskyddad och låsbar cykelparkering för pendlare.",
        (NG_TRAVEL,),
    ),
    DemoAction(
        "Trygga skolvägar – kartläggning och åtgärder vid grundskolorna",
        TRAVEL_PLAN, TN, "Trafikplanerare, Tekniska förvaltningen",
        _D(2026, 1, 1), _D(2026, 12, 31), 400_000, STARTED, ("11.2", "3.6"),
        "Kartläggning tillsammans med elever och föräldrar, följd av åtgärder vid de "
        "mest otrygga passagerna.",
        (NG_ROAD_SAFETY, NG_TRAVEL),
    ),
    DemoAction(
        "Resvaneundersökning 2026",
        TRAVEL_PLAN, TRAVEL_GROUP, "Sammankallande, Arbetsgrupp hållbart resande",
        _D(2026, 3, 1), _D(2026, 11, 30), 250_000, DELAYED, ("11.2",),
        "Ger utfallet för nämndmålet om andelen hållbara resor. Försenad: "
        "upphandlingen drog ut på tiden.",
        (NG_TRAVEL,),
    ),
    DemoAction(
        "Cykelvänlig arbetsplats för kommunens medarbetare",
        TRAVEL_PLAN, KS, "HR-chef, Kommunstyrelseförvaltningen",
        _D(2025, 4, 1), _D(2025, 10, 31), 120_000, DONE, ("11.2", "3.4", "13.2"),
        "Kampanj, tjänstecyklar och cykelservice på de största arbetsplatserna.",
        (NG_TRAVEL,),
    ),
    DemoAction(
        "Dialog med Region Västmanland om tätare busstrafik mot Västerås",
        TRAVEL_PLAN, KS, "Kommunstrateg, Kommunstyrelseförvaltningen",
        _D(2026, 9, 1), _D(2027, 6, 30), None, NOT_STARTED, ("11.2",),
        "Underlag och dialog inför regionens trafikförsörjningsprogram.",
        (NG_TRAVEL,),
    ),
    DemoAction(
        "Hastighetssäkrade övergångsställen vid skolor och förskolor",
        ROAD_SAFETY_PLAN, TN, "Trafikingenjör, Tekniska förvaltningen",
        _D(2023, 5, 1), _D(2026, 10, 31), 2_400_000, DELAYED, ("3.6", "11.2"),
        "Upphöjda övergångsställen och avsmalningar. Fyra av sex platser klara; två "
        "flyttas till 2027.",
        (NG_ROAD_SAFETY,),
    ),
    DemoAction(
        "Ny belysning längs gång- och cykelvägar",
        ROAD_SAFETY_PLAN, TN, "Gatu- och parkchef, Tekniska förvaltningen",
        _D(2024, 3, 1), _D(2025, 11, 30), 1_800_000, DONE, ("11.2", "3.6", "7.3"),
        "Energieffektiv LED-belysning på de mest använda stråken.",
        (NG_ROAD_SAFETY,),
    ),
    DemoAction(
        "Översyn av hastighetsgränser i tätorterna",
        ROAD_SAFETY_PLAN, TN, "Trafikingenjör, Tekniska förvaltningen",
        _D(2023, 9, 1), _D(2024, 6, 30), 150_000, DONE, ("3.6",),
        "Ny hastighetsplan med 30 km/tim vid skolor och i bostadsområden.",
        (NG_ROAD_SAFETY,),
    ),
    DemoAction(
        "Fossilfria fordon i kommunens fordonsflotta",
        ENERGY_PLAN, KS, "Fordonssamordnare, Kommunstyrelseförvaltningen",
        _D(2024, 1, 1), _D(2027, 12, 31), 3_200_000, STARTED, ("13.2", "7.2"),
        "Leasade fordon byts vid avtalsslut mot el- eller biogasfordon; laddplatser vid "
        "kommunens arbetsplatser.",
        (NG_FOSSIL_FREE,),
    ),
    DemoAction(
        "Solceller på kommunala fastigheter",
        ENERGY_PLAN, TN, "Fastighetschef, Tekniska förvaltningen",
        _D(2025, 4, 1), _D(2026, 12, 31), 4_500_000, STARTED, ("7.2", "13.2"),
        "Solcellsanläggningar på tre skolor och ett äldreboende.",
        (KF_CLIMATE,),
    ),
    DemoAction(
        "Energieffektivisering av ventilation i skolor",
        ENERGY_PLAN, TN, "Fastighetschef, Tekniska förvaltningen",
        _D(2027, 1, 1), _D(2027, 12, 31), 2_000_000, NOT_STARTED, ("7.3", "13.2"),
        "Behovsstyrd ventilation i de skolor som har högst energianvändning.",
        (KF_CLIMATE,),
    ),
    DemoAction(
        "Återbruk av möbler inom kommunens verksamheter",
        ENERGY_PLAN, KS, "Upphandlingschef, Kommunstyrelseförvaltningen",
        _D(2025, 3, 1), _D(2025, 12, 31), 90_000, DONE, ("12.5",),
        "Intern återbruksportal; nyköp först när återbruk inte är möjligt.",
        (KF_CLIMATE,),
    ),
    DemoAction(
        "Utsortering av matavfall i alla kommunala verksamheter",
        ENVIRONMENT_PROGRAMME, VAFAB, "Verksamhetsutvecklare, VafabMiljö Kommunalförbund",
        _D(2025, 9, 1), _D(2026, 12, 31), 300_000, STARTED, ("12.5",),
        "Matavfallsinsamling införs i skolor, förskolor och äldreboenden.",
        (KF_CLIMATE,),
    ),
    DemoAction(
        "Minskat matsvinn i skolköken",
        ENVIRONMENT_PROGRAMME, TN, "Kostchef, Tekniska förvaltningen",
        _D(2025, 8, 15), _D(2026, 12, 31), 180_000, STARTED, ("12.3", "12.5"),
        "Daglig mätning av tallriks- och serveringssvinn och svinnveckor med eleverna.",
        (NG_FOOD_WASTE,),
    ),
    DemoAction(
        "Skyfallskartering och plan för klimatanpassning",
        ENVIRONMENT_PROGRAMME, BMN, "Planchef, Bygg- och miljöförvaltningen",
        _D(2026, 4, 1), _D(2027, 9, 30), 600_000, NOT_STARTED, ("13.1", "11.5"),
        "Kartläggning av översvämningsrisker som underlag för den fysiska planeringen.",
        (KF_CLIMATE,),
    ),
    DemoAction(
        "Trygghetsvandringar i bostadsområdena",
        SAFETY_PLAN, HALLSTAHEM, "Trygghetsansvarig, Hallstahem AB",
        _D(2025, 3, 1), _D(2025, 10, 31), 60_000, DONE, ("16.1", "11.7"),
        "Vandringar med boende, polisen och kommunen; åtgärder i belysning och "
        "utemiljö.",
        (KF_SAFE,),
    ),
    DemoAction(
        "Brandskyddsinformation till äldre i ordinärt boende",
        SAFETY_PLAN, RESCUE, "Brandinspektör, Räddningstjänsten Mälardalen",
        _D(2025, 1, 15), _D(2025, 12, 15), 50_000, DONE, ("11.5", "3.4"),
        "Hembesök tillsammans med hemtjänsten, med kontroll av brandvarnare.",
        (KF_SAFE,),
    ),
    DemoAction(
        "Fritidsbank – fritidsutrustning att låna gratis",
        SAFETY_PLAN, KFN, "Fritidschef, Kultur- och fritidsförvaltningen",
        _D(2024, 9, 1), _D(2025, 6, 30), 150_000, DONE, ("10.2", "3.4"),
        "Fritidsbanken öppnar i samverkan med en lokal förening.",
        (NG_LEISURE,),
    ),
    DemoAction(
        "Föräldraskapsstöd i förskolan",
        SAFETY_PLAN, SN, "Enhetschef förebyggande, Socialförvaltningen",
        _D(2025, 8, 1), _D(2026, 12, 31), 350_000, STARTED, ("4.2", "10.2"),
        "Föräldragrupper i samverkan mellan socialtjänsten och förskolan.",
        (KF_SCHOOL,),
    ),
    DemoAction(
        "Läsfrämjande insatser i årskurs 1–3",
        SCHOOL_PLAN, BUN, "Rektor, Barn- och utbildningsförvaltningen",
        _D(2025, 8, 15), _D(2027, 6, 15), 900_000, STARTED, ("4.1",),
        "Läsombud, skolbibliotekarie och tidig kartläggning av läsförmåga.",
        (NG_ELIGIBLE,),
    ),
    DemoAction(
        "Tidiga insatser mot problematisk skolfrånvaro",
        SCHOOL_PLAN, BUN, "Elevhälsochef, Barn- och utbildningsförvaltningen",
        _D(2025, 8, 15), _D(2026, 12, 31), 1_200_000, STARTED, ("4.1", "10.2"),
        "Gemensam rutin för frånvaroutredning och ett närvaroteam med socialtjänsten.",
        (NG_ABSENCE,),
    ),
    DemoAction(
        "Steget vidare – arbetsmarknadsinsatser för personer med försörjningsstöd",
        LABOUR_PLAN, SN, "Arbetsmarknadschef, Socialförvaltningen",
        _D(2025, 9, 1), _D(2027, 12, 31), 2_100_000, STARTED, ("8.5", "10.2"),
        "Individuellt stöd, praktik och utbildning i samverkan med Arbetsförmedlingen.",
        (NG_SELF_SUPPORT,),
    ),
    DemoAction(
        "Feriearbete för ungdomar 16–18 år",
        LABOUR_PLAN, KS, "Arbetsmarknadschef, Socialförvaltningen",
        _D(2026, 6, 1), _D(2026, 8, 31), 1_400_000, DONE, ("8.6", "8.5"),
        "Sommarjobb i kommunens verksamheter och hos lokala företag.",
        (KF_WORK,),
    ),
    DemoAction(
        "Yrkesmässa med det lokala näringslivet",
        LABOUR_PLAN, BUN, "Studie- och yrkesvägledare, Barn- och utbildningsförvaltningen",
        _D(2025, 10, 1), _D(2025, 10, 31), 80_000, CANCELLED, ("4.4", "8.6"),
        "Inställd; ersätts av företagsbesök i årskurs 8.",
        (KF_WORK,),
    ),
)
# fmt: on

HALLSTAHAMMAR = DemoOrganisation(
    code=ORGANISATION_CODE,
    note=EXAMPLE_NOTE,
    bodies=BODIES,
    documents=DOCUMENTS,
    goals=GOALS,
    actions=ACTIONS,
)


# --- Surahammar: a second, smaller organisation -----------------------------------------
# Invented from end to end. Its drafts and its goals must never show in Hallstahammar's
# pages, nor Hallstahammar's in its own; the titles differ so that tests can tell.

SURA_BIN = "Bildningsnämnden"
SURA_KTN = "Kommunens tekniska nämnd"
SURA_BUDGET = "Surahammars mål och budget 2026"
SURA_PROGRAMME = "Hållbarhetsprogram för Surahammar 2025–2030"
SURA_CLIMATE_PLAN = "Handlingsplan för klimatanpassning i Surahammar 2026–2028"
SURA_DRAFT_PLAN = "Utkast: Handlingsplan för biologisk mångfald i Surahammar"
SURA_KF_GOAL = "Surahammar är en attraktiv och hållbar kommun att bo och verka i"
SURA_SCHOOL_GOAL = "Fler elever i Surahammar blir behöriga till gymnasiet"
SURA_DRAFT_GOAL = "Utkast: Kommunens lokaler i Surahammar använder mindre energi"

SURAHAMMAR = DemoOrganisation(
    code=SECOND_ORGANISATION_CODE,
    note=SURAHAMMAR_NOTE,
    bodies=(
        *(DemoBody(b.name, b.kind, b.short_name, b.parent, b.description) for b in STANDARD_BODIES),
        DemoBody(SURA_BIN, BodyKind.COMMITTEE, "BIN", description="Förskola och skola."),
        DemoBody(SURA_KTN, BodyKind.COMMITTEE, "KTN", description="Gator, parker och lokaler."),
    ),
    documents=(
        DemoDocument(
            title=SURA_BUDGET,
            level=DocumentLevel.BUDGET,
            decided_by=KF,
            decision_date=dt.date(2025, 11, 17),
            decision_paragraph="98",
            valid_until=dt.date(2026, 12, 31),
            owner="Ekonomichef",
            dimensions=ALL_DIMENSIONS,
            applies_to=(KS, SURA_BIN, SURA_KTN),
            summary="Fullmäktiges mål och budget för 2026.",
        ),
        DemoDocument(
            title=SURA_PROGRAMME,
            level=DocumentLevel.PROGRAMME,
            decided_by=KF,
            decision_date=dt.date(2025, 3, 24),
            decision_paragraph="31",
            valid_until=dt.date(2030, 12, 31),
            owner="Hållbarhetsstrateg",
            dimensions=ALL_DIMENSIONS,
            applies_to=(KS, SURA_BIN, SURA_KTN),
            targets=("11.6", "13.1", "4.1"),
            summary="Kommunens samlade program för hållbar utveckling.",
        ),
        DemoDocument(
            title=SURA_CLIMATE_PLAN,
            level=DocumentLevel.ACTION_PLAN,
            parent=SURA_PROGRAMME,
            decided_by=KS,
            decision_date=dt.date(2025, 12, 1),
            decision_paragraph="201",
            valid_until=dt.date(2028, 12, 31),
            owner="Hållbarhetsstrateg",
            dimensions=(ECOLOGICAL,),
            applies_to=(KS, SURA_KTN),
            targets=("13.1", "11.5"),
            summary="Skyfall, värmeböljor och översvämningsrisker längs Kolbäcksån.",
        ),
        DemoDocument(
            title=SURA_DRAFT_PLAN,
            level=DocumentLevel.ACTION_PLAN,
            parent=SURA_PROGRAMME,
            status=DecisionStatus.DRAFT,
            decided_by=None,
            decision_date=None,
            decision_paragraph="",
            owner="Hållbarhetsstrateg",
            dimensions=(ECOLOGICAL,),
            applies_to=(SURA_KTN,),
            targets=("15.5",),
            summary="Utkast under beredning; inte beslutat.",
        ),
    ),
    goals=(
        DemoGoal(
            title=SURA_KF_GOAL,
            level=GoalLevel.COUNCIL,
            body=KF,
            document=SURA_BUDGET,
            decision_date=dt.date(2025, 11, 17),
            decision_paragraph="98",
            targets=("11.3", "13.1"),
            description="Fullmäktiges mål i mål och budget 2026.",
        ),
        DemoGoal(
            title=SURA_SCHOOL_GOAL,
            level=GoalLevel.COMMITTEE,
            body=SURA_BIN,
            parent=SURA_KF_GOAL,
            decision_date=dt.date(2025, 12, 10),
            decision_paragraph="44",
            targets=("4.1",),
            description="Nämndmål i bildningsnämndens verksamhetsplan 2026.",
        ),
        DemoGoal(
            title=SURA_DRAFT_GOAL,
            level=GoalLevel.COMMITTEE,
            body=SURA_KTN,
            parent=SURA_KF_GOAL,
            status=DecisionStatus.DRAFT,
            decision_date=None,
            decision_paragraph="",
            targets=("7.3",),
            description="Förslag till nämndmål; inte beslutat.",
        ),
    ),
    actions=(
        DemoAction(
            "Skyfallskartering för centrala Surahammar",
            SURA_CLIMATE_PLAN,
            SURA_KTN,
            "Stadsbyggnadschef",
            dt.date(2026, 1, 1),
            dt.date(2026, 12, 31),
            300_000,
            ActionStatus.STARTED,
            ("13.1", "11.5"),
            "Kartering av var vatten samlas vid skyfall, som underlag för åtgärder.",
        ),
        DemoAction(
            "Inventering av skyddsvärda träd",
            SURA_DRAFT_PLAN,
            SURA_KTN,
            "Kommunekolog",
            dt.date(2026, 4, 1),
            dt.date(2026, 10, 31),
            90_000,
            ActionStatus.NOT_STARTED,
            ("15.5",),
            "Planerad åtgärd under ett plan-utkast; syns inte för allmänheten.",
        ),
    ),
)

DEMO_ORGANISATIONS: tuple[DemoOrganisation, ...] = (HALLSTAHAMMAR, SURAHAMMAR)


# --- Demo logins ------------------------------------------------------------------------

USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "strateg",
        "Demo",
        "Kommunstrateg",
        (
            DemoSeat(KS, MembershipRole.OFFICER, "Kommunstrateg"),
            DemoSeat(ANALYSIS, MembershipRole.OFFICER, "Kommunstrateg"),
        ),
    ),
    DemoUser(
        "analytiker",
        "Demo",
        "Analytiker",
        (DemoSeat(ANALYSIS, MembershipRole.OFFICER, "Analytiker, Socialförvaltningen"),),
    ),
    DemoUser(
        "handlaggare",
        "Demo",
        "Handläggare",
        (DemoSeat(TN, MembershipRole.OFFICER, "Trafikplanerare, Tekniska förvaltningen"),),
    ),
    DemoUser(
        "radsledamot",
        "Demo",
        "Rådsledamot",
        (DemoSeat(COUNCIL, MembershipRole.EXTERNAL, "Representant för Region Västmanland"),),
    ),
    DemoUser(
        "ledamot",
        "Demo",
        "Ledamot",
        (DemoSeat(COUNCIL, MembershipRole.MEMBER, "Kommunal representant i rådet"),),
    ),
    # Chairs ledningsgruppen: appoints working groups, reviews the sustainability report.
    DemoUser(
        "kommunchef",
        "Demo",
        "Kommunchef",
        (DemoSeat(MANAGEMENT, MembershipRole.CHAIR, "Kommunchef"),),
    ),
    # Keeps Hallstahammar's mandates at /o/1961/mandates/; no seat in any body.
    DemoUser("orgadmin", "Demo", "Organisationsadministratör", administers=(ORGANISATION_CODE,)),
    DemoUser(
        "surahammar",
        "Demo",
        "Analytiker Surahammar",
        (
            DemoSeat(
                ANALYSIS,
                MembershipRole.OFFICER,
                "Analytiker, Surahammars kommun",
                organisation=SECOND_ORGANISATION_CODE,
            ),
        ),
    ),
    # For the staff admin (/admin/); no seat in any body.
    DemoUser("admin", "Demo", "Administratör", is_superuser=True),
)


# --- Loader -----------------------------------------------------------------------------


# --- Working groups (appointed by kommunchefens ledningsgrupp) ---------------------------


@dataclass(frozen=True)
class DemoWorkingGroupMember:
    username: str = ""  # a demo login of the organisation, or
    external_name: str = ""  # an external member, by name and organisation
    external_organisation: str = ""
    role: WorkingGroupRole = WorkingGroupRole.MEMBER


@dataclass(frozen=True)
class DemoWorkingGroup:
    name: str
    focus_area: str
    mandate_text: str
    expected_effect: str
    start_date: dt.date
    end_date: dt.date
    targets: tuple[str, ...]
    members: tuple[DemoWorkingGroupMember, ...]


WORKING_GROUPS: tuple[DemoWorkingGroup, ...] = (
    DemoWorkingGroup(
        TRAVEL_GROUP,
        "Hållbart resande",
        "Samordna genomförandet av handlingsplanen för hållbart resande mellan "
        "förvaltningarna, genomföra resvaneundersökningen 2026 och följa upp resvanorna. "
        "Analysgruppen är bollplank. Rapporterar till kommunchefens ledningsgrupp varje "
        "tertial. " + EXAMPLE_NOTE,
        "Fler resor till fots, med cykel och med kollektivtrafik; andelen hållbara resor "
        "till arbete och skola ökar mot nämndmålet.",
        dt.date(2025, 1, 15),
        dt.date(2026, 12, 31),
        ("11.2", "3.6"),
        (
            DemoWorkingGroupMember("handlaggare", role=WorkingGroupRole.LEAD),
            DemoWorkingGroupMember("analytiker"),
            DemoWorkingGroupMember(
                external_name="Kollektivtrafikplanerare",
                external_organisation="Region Västmanland",
            ),
        ),
    ),
    DemoWorkingGroup(
        "Arbetsgrupp klimatanpassning",
        "Klimatanpassning",
        "Ta fram ett underlag om risker för översvämning och värmeböljor i kommunens "
        "verksamheter och föreslå åtgärder till kommunchefens ledningsgrupp. " + EXAMPLE_NOTE,
        "Förvaltningarna känner sina klimatrisker; prioriterade åtgärder finns med i "
        "nämndernas planer.",
        dt.date(2025, 2, 1),
        dt.date(2026, 6, 30),
        ("13.1", "11.5"),
        (
            DemoWorkingGroupMember("strateg", role=WorkingGroupRole.LEAD),
            DemoWorkingGroupMember(
                external_name="Beredskapssamordnare",
                external_organisation="Räddningstjänsten Mälardalen",
            ),
        ),
    ),
)


class DemoDataError(Exception):
    """The demo data cannot be loaded; the message says why and what to do."""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    body: str
    password: str = DEMO_PASSWORD


@dataclass
class DemoLoadSummary:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        def listing(counter: Counter[str]) -> str:
            return ", ".join(f"{count} {name}" for name, count in counter.items()) or "nothing"

        codes = " and ".join(data.code for data in DEMO_ORGANISATIONS)
        return (
            f"Demo data for Hallstahammar and Surahammar ({codes}): "
            f"created {listing(self.created)}; updated {listing(self.updated)}; "
            f"{self.unchanged} rows unchanged."
        )


def _organisation_name(code: str) -> str:
    return {ORGANISATION_CODE: "Hallstahammar", SECOND_ORGANISATION_CODE: "Surahammar"}[code]


def demo_logins() -> list[DemoLogin]:
    """One row per seat or role (a login with two seats has two rows)."""
    rows: list[DemoLogin] = []
    for user in USERS:
        if user.is_superuser:
            rows.append(DemoLogin(user.username, "superuser (staff admin)", "–"))
        for code in user.administers:
            rows.append(
                DemoLogin(user.username, "organisation administrator", _organisation_name(code))
            )
        for seat in user.seats:
            body = seat.body
            if seat.organisation != ORGANISATION_CODE:
                body = f"{body} ({_organisation_name(seat.organisation)})"
            rows.append(DemoLogin(user.username, f"{seat.role.value} ({seat.title})", body))
    return rows


M = TypeVar("M", bound=models.Model)


def _label(model: type[models.Model]) -> str:
    with translation.override("en"):
        return str(model._meta.verbose_name_plural)


def _upsert(
    summary: DemoLoadSummary,
    model: type[M],
    lookup: dict[str, Any],
    values: dict[str, Any],
    links: dict[str, Iterable[int]] | None = None,
) -> M:
    """Create or update one row by its natural key; save only what differs.

    Foreign keys are given as `<name>_id` so comparing needs no extra queries. `links` are
    many-to-many fields as primary keys; they are replaced only when they differ.
    """
    label = _label(model)
    obj = model._default_manager.filter(**lookup).order_by("pk").first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
        summary.created[label] += 1
        for name, pks in (links or {}).items():
            getattr(obj, name).set(sorted(set(pks)))
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    for name, pks in (links or {}).items():
        wanted = set(pks)
        if set(getattr(obj, name).values_list("pk", flat=True)) != wanted:
            getattr(obj, name).set(sorted(wanted))
            changed.append(name)
    if changed:
        summary.updated[label] += 1
    else:
        summary.unchanged += 1
    return obj


def _note(text: str, note: str | None) -> str:
    return f"{text}\n\n{note}" if note else text


def _reference_targets() -> dict[str, int]:
    codes = {
        code
        for data in DEMO_ORGANISATIONS
        for item in (*data.documents, *data.goals, *data.actions)
        for code in item.targets
    }
    found = dict(Target.objects.agenda2030().filter(code__in=codes).values_list("code", "pk"))
    if not found:
        raise DemoDataError(
            "The Agenda 2030 reference data is not loaded: run load_reference_data first."
        )
    missing = sorted(codes - set(found))
    if missing:
        raise DemoDataError(
            f"Agenda 2030 targets missing from the reference data: {', '.join(missing)}. "
            "Run load_reference_data first."
        )
    return found


def _reference_goals() -> dict[tuple[str, str], int]:
    wanted = {key for data in DEMO_ORGANISATIONS for goal in data.goals for key in goal.other_goals}
    rows = Goal.objects.filter(
        goal_set__organisation__isnull=True,
        goal_set__code__in={set_code for set_code, _ in wanted},
    ).values_list("goal_set__code", "code", "pk")
    found = {(set_code, code): pk for set_code, code, pk in rows}
    missing = sorted(f"{set_code} {code}" for set_code, code in wanted - set(found))
    if missing:
        raise DemoDataError(
            f"National goals missing from the reference data: {', '.join(missing)}. "
            "Run load_reference_data first."
        )
    return found


def _load_bodies(
    summary: DemoLoadSummary, organisation: Organisation, data: DemoOrganisation
) -> dict[str, Body]:
    bodies: dict[str, Body] = {}
    for item in data.bodies:
        values = {
            "kind": item.kind,
            "short_name": item.short_name,
            "parent_id": bodies[item.parent].pk if item.parent else None,
            "description": item.description,
            "is_active": True,
        }
        lookup = {"organisation": organisation, "name": item.name}
        bodies[item.name] = _upsert(summary, Body, lookup, values)
    # The strategy's mandates, for bodies without any: an administrator's own changes
    # to them survive the next run.
    created = mandates_seed(organisation=organisation, bodies=bodies.values())
    if created:
        summary.created[_label(Mandate)] += len(created)
    return bodies


def _load_documents(
    summary: DemoLoadSummary,
    organisation: Organisation,
    data: DemoOrganisation,
    bodies: dict[str, Body],
    targets: dict[str, int],
) -> dict[str, SteeringDocument]:
    documents: dict[str, SteeringDocument] = {}
    for item in data.documents:
        values = {
            "level": item.level,
            "summary": _note(item.summary, data.note if item.is_example else None),
            "parent_id": documents[item.parent].pk if item.parent else None,
            "status": item.status,
            "decided_by_id": bodies[item.decided_by].pk if item.decided_by else None,
            "decision_date": item.decision_date,
            "decision_paragraph": item.decision_paragraph,
            "valid_until": item.valid_until,
            "review_rule": item.review_rule,
            "last_reviewed": item.last_reviewed,
            "owner": item.owner,
            "responsible_body_id": (
                bodies[item.responsible_body].pk if item.responsible_body else None
            ),
            **{f"is_{code}": code in item.dimensions for code in ALL_DIMENSIONS},
        }
        links = {
            "applies_to": [bodies[name].pk for name in item.applies_to],
            "targets": [targets[code] for code in item.targets],
        }
        lookup = {"organisation": organisation, "title": item.title}
        documents[item.title] = _upsert(summary, SteeringDocument, lookup, values, links)
    return documents


def _load_goals(
    summary: DemoLoadSummary,
    organisation: Organisation,
    data: DemoOrganisation,
    bodies: dict[str, Body],
    documents: dict[str, SteeringDocument],
    targets: dict[str, int],
    other_goals: dict[tuple[str, str], int],
) -> dict[str, LocalGoal]:
    goals: dict[str, LocalGoal] = {}
    for item in data.goals:
        values = {
            "level": item.level,
            "description": _note(item.description, data.note),
            "body_id": bodies[item.body].pk,
            "document_id": documents[item.document].pk if item.document else None,
            "parent_id": goals[item.parent].pk if item.parent else None,
            "status": item.status,
            "decision_date": item.decision_date,
            "decision_paragraph": item.decision_paragraph,
        }
        links = {
            "targets": [targets[code] for code in item.targets],
            "other_goals": [other_goals[key] for key in item.other_goals],
        }
        lookup = {"organisation": organisation, "title": item.title}
        goals[item.title] = _upsert(summary, LocalGoal, lookup, values, links)
    return goals


def _load_actions(
    summary: DemoLoadSummary,
    organisation: Organisation,
    data: DemoOrganisation,
    bodies: dict[str, Body],
    documents: dict[str, SteeringDocument],
    goals: dict[str, LocalGoal],
    targets: dict[str, int],
) -> None:
    for item in data.actions:
        values = {
            "description": _note(item.description, data.note),
            "plan_id": documents[item.plan].pk,
            "body_id": bodies[item.body].pk,
            "owner": item.owner,
            "start": item.start,
            "end": item.end,
            "planned_cost": None if item.planned_cost is None else Decimal(item.planned_cost),
            "status": item.status,
        }
        links = {
            "targets": [targets[code] for code in item.targets],
            "local_goals": [goals[title].pk for title in item.local_goals],
        }
        lookup = {"organisation": organisation, "title": item.title}
        _upsert(summary, Action, lookup, values, links)


def _load_users(
    summary: DemoLoadSummary,
    organisations: dict[str, Organisation],
    bodies: dict[str, dict[str, Body]],
) -> None:
    user_model = get_user_model()
    for item in USERS:
        values = {
            "first_name": item.first_name,
            "last_name": item.last_name,
            "is_active": True,
            "is_staff": item.is_superuser,
            "is_superuser": item.is_superuser,
        }
        exists = user_model._default_manager.filter(username=item.username).exists()
        user = _upsert(summary, user_model, {"username": item.username}, values)
        if not exists:
            # Only a new login gets the demo password: hashing is slow (a rerun stays
            # fast), and a password someone set on purpose is never overwritten.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        DemoAccount.objects.get_or_create(user=user)
        for seat in item.seats:
            lookup = {"user": user, "body": bodies[seat.organisation][seat.body]}
            _upsert(summary, Membership, lookup, {"role": seat.role, "title": seat.title})
        for code in item.administers:
            lookup = {
                "user": user,
                "organisation": organisations[code],
                "role": OrganisationRoleKind.ADMINISTRATOR,
            }
            _upsert(summary, OrganisationRole, lookup, {})


def _load_working_groups(
    summary: DemoLoadSummary, organisation: Organisation, bodies: dict[str, Body]
) -> None:
    """Hallstahammar's working groups, appointed by ledningsgruppen, with members; the
    second has ended (its memberships have lapsed)."""
    codes = {code for group in WORKING_GROUPS for code in group.targets}
    targets = dict(Target.objects.agenda2030().filter(code__in=codes).values_list("code", "pk"))
    missing = sorted(codes - set(targets))
    if missing:
        raise DemoDataError(
            f"Agenda 2030 targets missing from the reference data: {', '.join(missing)}. "
            "Run load_reference_data first."
        )
    users = dict(
        get_user_model()
        ._default_manager.filter(
            username__in={m.username for g in WORKING_GROUPS for m in g.members if m.username}
        )
        .values_list("username", "pk")
    )
    for item in WORKING_GROUPS:
        values = {
            "focus_area": item.focus_area,
            "mandate_text": item.mandate_text,
            "expected_effect": item.expected_effect,
            "appointed_by_id": bodies[MANAGEMENT].pk,
            "start_date": item.start_date,
            "end_date": item.end_date,
        }
        links = {"targets": [targets[code] for code in item.targets]}
        lookup = {"organisation": organisation, "name": item.name}
        group = _upsert(summary, WorkingGroup, lookup, values, links)
        for member in item.members:
            if member.username:
                lookup = {"working_group": group, "user_id": users[member.username]}
            else:
                lookup = {"working_group": group, "external_name": member.external_name}
            values = {
                "organisation_id": organisation.pk,
                "external_organisation": member.external_organisation,
                "role": member.role,
                "ends_on": item.end_date,
            }
            _upsert(summary, WorkingGroupMember, lookup, values)


def _organisation(summary: DemoLoadSummary, code: str) -> Organisation:
    result = organisation_create(code=code)
    organisation = result.organisation
    if result.created:
        summary.created[_label(Organisation)] += 1
    if not organisation.is_example:
        organisation.is_example = True
        organisation.save(update_fields=["is_example"])
        if not result.created:
            summary.updated[_label(Organisation)] += 1
    return organisation


def demo_data_load() -> DemoLoadSummary:
    """Load or update the demo organisations' example data and the demo logins;
    idempotent.

    Refuses outside demo mode, and before the reference data is loaded; writes nothing
    then.
    """
    if not settings.DEMO_MODE:
        raise DemoDataError(
            "Demo mode is off: the demo data and demo logins are only loaded when "
            "HALLBAR_DEMO=true (make run sets it), never in production. Nothing was written."
        )
    summary = DemoLoadSummary()
    with transaction.atomic():
        targets = _reference_targets()
        other_goals = _reference_goals()
        organisations: dict[str, Organisation] = {}
        bodies: dict[str, dict[str, Body]] = {}
        for data in DEMO_ORGANISATIONS:
            organisation = _organisation(summary, data.code)
            organisations[data.code] = organisation
            bodies[data.code] = _load_bodies(summary, organisation, data)
            documents = _load_documents(summary, organisation, data, bodies[data.code], targets)
            goals = _load_goals(
                summary, organisation, data, bodies[data.code], documents, targets, other_goals
            )
            _load_actions(summary, organisation, data, bodies[data.code], documents, goals, targets)
        _load_users(summary, organisations, bodies)
        _load_working_groups(summary, organisations[ORGANISATION_CODE], bodies[ORGANISATION_CODE])
    return summary
