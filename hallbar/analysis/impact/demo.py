"""Demo data: four invented but realistic cases of Hallstahammar with their impact
assessments, the goal conflicts they raise, one conflict decided by the municipal
executive board and one withdrawn when a revised assessment no longer showed it. Runs
after the interactions demo (the example matrix) and the status analysis demo
(prioritised targets), so rule (b) sees both when they are there.

Idempotent: a case is found by its diary number and left alone if it exists; the
conflicts are raised by the idempotent detection; the decision is recorded once.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from hallbar.agenda.models import Target
from hallbar.analysis.impact import services
from hallbar.analysis.impact.conflicts import Detection, detect_conflicts
from hallbar.analysis.impact.models import Case, ConflictOrigin, ConflictStatus, GoalConflict
from hallbar.organisation.models import Body, Organisation
from hallbar.steering.demo import DemoDataError

ORGANISATION_CODE = "1961"
NOTE = "Exempeldata i Hållbars demo – inte ett ärende hos Hallstahammars kommun."

KS = "Kommunstyrelsen"
BMN = "Bygg- och miljönämnden"
TN = "Tekniska nämnden"


@dataclass(frozen=True)
class DemoCase:
    diary_number: str
    title: str
    deciding: str
    preparing: str
    date: dt.date
    description: str
    dimensions: dict[str, tuple[str, str]]
    effects: tuple[tuple[str, str, str], ...]  # (target code, rating, motivation)
    principles: dict[str, tuple[str, str]]
    gaps: tuple[bool, str] = (False, "")
    decided: tuple[dt.date, str] | None = None  # (date, §)
    # The effects of a second, revised assessment: its conflict no longer holding is
    # withdrawn ("avskriven") by detection.
    revised: tuple[tuple[str, str, str], ...] = ()


CASES: tuple[DemoCase, ...] = (
    DemoCase(
        diary_number="KS 2026/41",
        title="Detaljplan för bostäder vid Sörgärdet, etapp 2",
        deciding=KS,
        preparing=BMN,
        date=dt.date(2026, 3, 2),
        description=(
            "Planen ger plats för cirka 180 bostäder, varav 60 hyresrätter, på 9 hektar "
            "åkermark söder om Sörgärdet. " + NOTE
        ),
        dimensions={
            "social": ("2", "Bostadsbristen minskar, särskilt för unga och nyanlända."),
            "ecological": (
                "-2",
                "Brukningsvärd jordbruksmark tas i anspråk; dagvatten till Kolbäcksån ökar.",
            ),
            "economic": ("1", "Fler invånare ger skatteintäkter; exploateringen bär gatorna."),
        },
        effects=(
            ("11.1", "2", "Fler bostäder med rimlig hyra i ett läge nära service."),
            ("2.4", "-2", "Nio hektar åkermark av god klass försvinner permanent."),
            ("15.5", "-1", "Åkerholmar och brynmiljöer med fågelliv påverkas."),
            ("11.2", "1", "Gång- och cykelväg till stationen ingår i planen."),
        ),
        principles={
            "whole_picture": (
                "partly",
                "Alternativa lägen på redan exploaterad mark utreddes kort.",
            ),
            "collaboration": ("yes", "Samråd med Hallstahem, LRF och Länsstyrelsen."),
            "systematic": ("partly", "Jordbruksmarkens värde är inte klassat i kommunen."),
            "prioritisation": ("yes", "Bostadsförsörjningsprogrammet prioriterar området."),
            "communication": ("yes", "Samrådsmöte och webbsida för planen."),
        },
        gaps=(True, "Ingen kommunal klassning av jordbruksmarkens värde finns ännu."),
        decided=(dt.date(2026, 4, 13), "58"),
    ),
    DemoCase(
        diary_number="TN 2026/12",
        title="Upphandling av livsmedel till skolor och förskolor 2027–2030",
        deciding=TN,
        preparing=TN,
        date=dt.date(2026, 5, 18),
        description=(
            "Nytt livsmedelsavtal med krav på andel ekologiskt, svensk djurhållning och "
            "mindre matsvinn. " + NOTE
        ),
        dimensions={
            "social": ("2", "Näringsriktiga måltider för alla barn, oavsett hemförhållanden."),
            "ecological": ("2", "Högre andel ekologiskt och säsongsanpassad meny."),
            "economic": ("-1", "Livsmedelskostnaden beräknas öka med cirka 4 procent."),
        },
        effects=(
            ("2.2", "2", "Skolmåltiden är dagens viktigaste måltid för många elever."),
            ("2.4", "1", "Krav på hållbar produktion hos leverantörerna."),
            ("12.5", "1", "Avtalet kräver mätning och minskning av matsvinn."),
            (
                "17.11",
                "1",
                "Krav på rättvisemärkt kaffe, te och bananer ökar handeln med utvecklingsländer.",
            ),
        ),
        principles={
            "whole_picture": ("yes", "Kost, ekonomi och miljö har tagit fram underlaget ihop."),
            "collaboration": ("partly", "Elevråden har inte tillfrågats ännu."),
            "systematic": ("yes", "Bygger på uppföljningen av nuvarande avtal."),
            "prioritisation": ("yes", ""),
            "communication": ("yes", "Information till vårdnadshavare i samband med start."),
        },
    ),
    DemoCase(
        diary_number="KS 2026/77",
        title="Effekthöjning av vattenkraftverket vid Trångfors",
        deciding=KS,
        preparing=KS,
        date=dt.date(2026, 9, 7),
        description=("Ny turbin ger cirka 2 GWh mer förnybar el per år; dammen byggs om. " + NOTE),
        dimensions={
            "social": ("0", "Ingen märkbar påverkan för invånarna."),
            "ecological": ("both", "Mer förnybar el, men sämre vandringsvägar för fisk."),
            "economic": ("1", "Intäkter från elförsäljningen."),
        },
        effects=(
            ("7.2", "2", "Mer förnybar elproduktion i kommunen."),
            ("13.2", "1", "Bidrar till kommunens klimatmål."),
            ("6.6", "-1", "Kolbäcksåns vattenmiljö påverkas av regleringen."),
        ),
        principles={
            "whole_picture": ("partly", "Fiskvägen utreds separat."),
            "collaboration": ("yes", "Samråd med fiskevårdsområdet."),
            "systematic": ("yes", ""),
            "prioritisation": ("yes", ""),
            "communication": ("partly", "Ingen plan för information ännu."),
        },
        gaps=(True, "Effekten på ålens och laxöringens vandring är inte utredd."),
    ),
    DemoCase(
        diary_number="TN 2026/31",
        title="Ny gång- och cykelbro över Kolbäcksån vid Eriksberg",
        deciding=TN,
        preparing=TN,
        date=dt.date(2026, 6, 8),
        description=(
            "En gång- och cykelbro kortar vägen mellan Eriksberg och skolorna med 1,2 km. "
            "Den första bedömningen visade att fem alléträd skulle fällas vid brofästet; "
            "efter omprojektering flyttas brofästet och träden står kvar. " + NOTE
        ),
        dimensions={
            "social": ("2", "Säkrare skolväg för barn i Eriksberg."),
            "ecological": ("1", "Fler väljer cykel i stället för bil till skolan."),
            "economic": ("0", "Ryms i investeringsbudgeten för gång- och cykelvägar."),
        },
        effects=(
            ("11.2", "2", "Säker och tillgänglig gång- och cykelväg till skolorna."),
            ("3.6", "1", "Färre barn korsar Strömsholmsvägen."),
            ("15.5", "-1", "Fem alléträd med hackspettsbon fälls vid det norra brofästet."),
        ),
        principles={
            "whole_picture": ("yes", "Trafik, skola och natur har bedömt förslaget ihop."),
            "collaboration": ("yes", "Samråd med skolorna och Naturskyddsföreningen."),
            "systematic": ("yes", ""),
            "prioritisation": ("yes", ""),
            "communication": ("yes", "Information till vårdnadshavare via skolorna."),
        },
        revised=(
            ("11.2", "2", "Säker och tillgänglig gång- och cykelväg till skolorna."),
            ("3.6", "1", "Färre barn korsar Strömsholmsvägen."),
            ("15.5", "0", "Brofästet flyttas 15 meter söderut; alléträden står kvar."),
        ),
    ),
)

DECISION = {
    "diary_number": "KS 2026/41",
    "body": KS,
    "date": dt.date(2026, 4, 13),
    "paragraph": "58",
    "trade_off": (
        "Bostäderna byggs. Planen krymps med 2 hektar så att den bästa åkermarken "
        "sparas, och kommunen tar fram en klassning av jordbruksmarken före nästa plan."
    ),
    "reasoning": (
        "Bostadsbristen är akut och området ligger nära stationen. Förlusten av "
        "jordbruksmark vägs upp delvis genom den mindre planen; frågan ska inte avgöras "
        "plan för plan utan genom en kommunövergripande klassning."
    ),
}


@dataclass
class ImpactDemoSummary:
    cases_created: list[str] = field(default_factory=list)
    conflicts: Detection = field(default_factory=Detection)
    decided: bool = False

    def __str__(self) -> str:
        if not self.cases_created and not self.conflicts.created and not self.decided:
            return "impact: the demo cases were already loaded; nothing written"
        return (
            f"impact: {len(self.cases_created)} cases assessed, "
            f"{len(self.conflicts.created)} goal conflicts raised"
            + (f", {len(self.conflicts.withdrawn)} withdrawn" if self.conflicts.withdrawn else "")
            + (", one decided by KS" if self.decided else "")
        )


def demo_load() -> ImpactDemoSummary:
    organisation = Organisation.objects.filter(code=ORGANISATION_CODE).first()
    if organisation is None:
        raise DemoDataError(
            f"Organisation {ORGANISATION_CODE} is missing: the steering demo creates it first."
        )
    bodies = {b.name: b for b in Body.objects.for_organisation(organisation)}
    missing = {KS, BMN, TN} - set(bodies)
    if missing:
        raise DemoDataError(f"Bodies missing in {ORGANISATION_CODE}: {', '.join(sorted(missing))}")
    officer = get_user_model().objects.filter(username="strateg").first()
    summary = ImpactDemoSummary()
    with transaction.atomic():
        for item in CASES:
            if Case.with_deleted.filter(
                organisation=organisation, diary_number=item.diary_number
            ).exists():
                continue
            summary.conflicts += _load_case(organisation, bodies, officer, item)
            summary.cases_created.append(item.diary_number)
        summary.decided = _decide(organisation, bodies)
        # Rule (b) over the demo's actions (needs prioritised targets and the matrix), in
        # one pass with the open cases.
        summary.conflicts += detect_conflicts(organisation)
    return summary


def _load_case(organisation, bodies, officer, item: DemoCase) -> Detection:
    fields = {
        "title": item.title,
        "diary_number": item.diary_number,
        "deciding_body": bodies[item.deciding],
        "preparing_body": bodies[item.preparing],
        "preparing_officer": officer,
        "date": item.date,
        "description": item.description,
        "status": "decided" if item.decided else "ready",
        "decision_date": item.decided[0] if item.decided else None,
        "decision_paragraph": item.decided[1] if item.decided else "",
    }
    case = services.case_save(organisation=organisation, fields=fields, links={})
    codes = [e[0] for e in (*item.effects, *item.revised)]
    targets = {t.code: t for t in Target.objects.agenda2030().filter(code__in=codes)}
    unknown = [code for code in codes if code not in targets]
    if unknown:
        raise DemoDataError(f"Unknown targets in the demo case {item.diary_number}: {unknown}")
    detection = Detection()
    for rated in (item.effects, item.revised) if item.revised else (item.effects,):
        detection += services.assessment_save(
            case=case,
            user=officer,
            dimensions=item.dimensions,
            principles=item.principles,
            effects=[
                services.EffectInput(target=targets[code], rating=rating, motivation=motivation)
                for code, rating, motivation in rated
            ],
            knowledge_gaps=item.gaps,
            expected_version=case.updated_at,
        )
    return detection


def _decide(organisation, bodies) -> bool:
    conflict = GoalConflict.objects.filter(
        organisation=organisation,
        case__diary_number=DECISION["diary_number"],
        origin=ConflictOrigin.MIXED_EFFECTS,
    ).first()
    if conflict is None or conflict.status == ConflictStatus.DECIDED:
        return False
    services.conflict_decide(
        conflict=conflict,
        body=bodies[DECISION["body"]],
        date=DECISION["date"],
        paragraph=DECISION["paragraph"],
        trade_off=DECISION["trade_off"],
        reasoning=DECISION["reasoning"],
    )
    return True
