"""The bodies' mandates: the standard set from the strategy, and what they mean.

`STANDARD_MANDATES` is the strategy's section "Ansvar och roller i organisationen"
(Strategi och ramverk för hållbar utveckling, KF 2021-10-25 § 129) as data, per kind of
body. It is seeded when bodies are created (`services.mandates_seed`) and by a data
migration, and is plain data on purpose: the migration reads it too. After seeding, an
organisation administrator edits each body's mandates; nothing here is consulted again.
"""

from dataclasses import dataclass

from hallbar.organisation.models import Body, BodyKind, Mandate, MandateArea, MandateKind
from hallbar.organisation.models import MandateScope as S

ORG, OWN = MandateArea.ORGANISATION, MandateArea.OWN

# The scopes of the steering chain, grouped as the forms and rules use them.
DOCUMENT_SCOPES = frozenset({S.BUDGET, S.STRATEGY, S.PROGRAMME, S.ACTION_PLAN})
GOAL_SCOPES = frozenset({S.COUNCIL_GOAL, S.COMMITTEE_GOAL})
ACTION_SCOPES = frozenset({S.ACTION})
STEERING_SCOPES = DOCUMENT_SCOPES | GOAL_SCOPES | ACTION_SCOPES
ALL_WORK = (*STEERING_SCOPES, S.ANALYSIS, S.INDICATOR, S.REPORT)

# Mandates that let a body's officers write the objects in scope. Preparing, advising
# and initiating are done through proposals: the sustainability council prepares and
# advises but never edits the organisation's records.
EDITING_KINDS = frozenset({MandateKind.DECIDE, MandateKind.IMPLEMENT, MandateKind.COORDINATE})


@dataclass(frozen=True)
class StandardMandate:
    kind: str
    scopes: tuple[str, ...]
    area: str
    note: str


def _m(kind: str, scopes, area: str, note: str) -> StandardMandate:
    return StandardMandate(kind, tuple(sorted(str(s) for s in scopes)), str(area), note)


_COMMITTEE = (
    _m(
        MandateKind.DECIDE,
        (S.COMMITTEE_GOAL, S.ACTION_PLAN, S.ACTION),
        OWN,
        "Nämnderna kan själva besluta om mål och aktiviteter som specifikt berör deras verksamhet.",
    ),
    _m(
        MandateKind.IMPLEMENT,
        (S.ACTION_PLAN, S.ACTION, S.ANALYSIS),
        OWN,
        "Nämnderna och styrelserna ansvarar för genomförande och samordning av det arbete "
        "som ingår i deras grunduppdrag.",
    ),
    _m(
        MandateKind.INITIATE,
        (S.COMMITTEE_GOAL, S.ACTION),
        OWN,
        "Nämnderna lyfter och initierar hållbarhetsfrågor inom sitt ansvarsområde.",
    ),
    _m(
        MandateKind.FOLLOW_UP,
        (S.COMMITTEE_GOAL, S.ACTION),
        OWN,
        "Nämnderna följer upp sina mål och åtgärder.",
    ),
)

STANDARD_MANDATES: dict[str, tuple[StandardMandate, ...]] = {
    BodyKind.COUNCIL_ASSEMBLY: (
        _m(
            MandateKind.DECIDE,
            (S.BUDGET, S.STRATEGY, S.PROGRAMME, S.COUNCIL_GOAL),
            ORG,
            "Kommunfullmäktige ansvarar övergripande för hållbarhetsarbetet och beslutar om "
            "strategin och ramverket, mål och budget och fullmäktiges mål.",
        ),
    ),
    BodyKind.EXECUTIVE_BOARD: (
        _m(
            MandateKind.DECIDE,
            (S.PROGRAMME, S.ACTION_PLAN, S.REPORT),
            ORG,
            "Kommunstyrelsen beslutar om tvärsektoriella hållbarhetsprogram och andra "
            "strategier, planer och program som gäller hela kommunkoncernen.",
        ),
        _m(
            MandateKind.DECIDE,
            (S.COMMITTEE_GOAL, S.ACTION),
            OWN,
            "Kommunstyrelsen beslutar om planer inom ramen för sitt grunduppdrag.",
        ),
        _m(
            MandateKind.PREPARE,
            (S.BUDGET, S.STRATEGY, S.COUNCIL_GOAL),
            ORG,
            "Kommunstyrelsen bereder fullmäktiges ärenden.",
        ),
        _m(
            MandateKind.FOLLOW_UP,
            ALL_WORK,
            ORG,
            "Kommunstyrelsen är processägare och ansvarar för samordnad årsplanering och "
            "uppföljning.",
        ),
    ),
    BodyKind.SUSTAINABILITY_COMMITTEE: (
        _m(
            MandateKind.PREPARE,
            (S.STRATEGY, S.PROGRAMME, S.ACTION_PLAN, S.COUNCIL_COMPOSITION),
            ORG,
            "Hållbarhetsutskottet bereder förslag till beslut i frågor som kräver gemensam "
            "hantering och föreslår hållbarhetsrådets sammansättning.",
        ),
    ),
    BodyKind.SUSTAINABILITY_COUNCIL: (
        _m(
            MandateKind.ADVISE,
            (S.STRATEGY, S.PROGRAMME, S.ACTION_PLAN),
            ORG,
            "Hållbarhetsrådet är referensgrupp och har en rådgivande roll. Rådet har inget "
            "beslutsmandat.",
        ),
        _m(
            MandateKind.INITIATE,
            (S.PROGRAMME, S.ACTION_PLAN, S.ACTION),
            ORG,
            "Hållbarhetsrådet lyfter och initierar förslag till utvecklingsområden.",
        ),
        _m(
            MandateKind.PREPARE,
            (S.PROGRAMME, S.ACTION_PLAN),
            ORG,
            "Hållbarhetsrådet involveras kring större planer och program och kan ha en "
            "beredande roll.",
        ),
    ),
    BodyKind.COMMITTEE: _COMMITTEE,
    BodyKind.COMPANY: _COMMITTEE,
    BodyKind.FEDERATION: _COMMITTEE,
    BodyKind.MANAGEMENT_GROUP: (
        _m(
            MandateKind.FOLLOW_UP,
            ALL_WORK,
            ORG,
            "Kommunchefens ledningsgrupp leder och följer upp det övergripande hållbarhetsarbetet.",
        ),
        _m(
            MandateKind.APPOINT,
            (S.WORKING_GROUP,),
            ORG,
            "Kommunchefens ledningsgrupp utser och tillsätter arbetsgrupper och ger dem uppdrag.",
        ),
        _m(
            MandateKind.INITIATE,
            (S.ANALYSIS,),
            ORG,
            "Kommunchefens ledningsgrupp ger uppdrag till analysgruppen.",
        ),
    ),
    BodyKind.ANALYSIS_GROUP: (
        _m(
            MandateKind.COORDINATE,
            (*ALL_WORK, S.GOAL_SET),
            ORG,
            "Analysgruppen håller samman, samordnar, strukturerar och planerar det "
            "strategiska arbetet för hela kommunen.",
        ),
        _m(
            MandateKind.FOLLOW_UP,
            ALL_WORK,
            ORG,
            "Analysgruppen ansvarar för det övergripande planerings- och uppföljningsarbetet.",
        ),
    ),
    BodyKind.WORKING_GROUP: (
        _m(
            MandateKind.IMPLEMENT,
            (S.ACTION, S.ANALYSIS),
            OWN,
            "Arbetsgruppen arbetar inom ramen för sitt uppdrag från kommunchefens ledningsgrupp.",
        ),
    ),
}


def standard_mandates(kind: str) -> list[tuple[str, str, str, str]]:
    """(kind, scope, area, note) rows of the standard mandates of a kind of body."""
    return [
        (m.kind, scope, m.area, m.note)
        for m in STANDARD_MANDATES.get(kind, ())
        for scope in m.scopes
    ]


def scope_of_document_level(level: str) -> str:
    """Document levels use the scope codes of the same name."""
    return str(S(level))


def scope_of_goal_level(level: str) -> str:
    return f"{level}_goal"


def body_may_decide(body: Body, scope: str, *, owner: Body | None = None) -> bool:
    """Whether `body` holds the decide mandate over objects of `scope`.

    `owner` is the body the object belongs to (a committee's own goal, a document for one
    body); an own-area mandate counts only when that is `body` itself, an
    organisation-wide one always. One query.
    """
    mandates = Mandate.objects.filter(body=body, kind=MandateKind.DECIDE, scope=scope)
    if owner is None or owner.pk != body.pk:
        mandates = mandates.filter(area=MandateArea.ORGANISATION)
    return mandates.exists()
