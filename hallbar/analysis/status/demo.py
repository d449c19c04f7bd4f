"""Demo data: Hallstahammar's status analysis for 2025, drafted from its evidence (the
indicators followed up when the demo is loaded), with a handful of assessments made, three
goals assessed (one differing from its suggestion, with the reason), and eight prioritised
targets whose motivations come from the strategy (Strategi och ramverk
för hållbar utveckling, KF 2021-10-25 § 129) and the council goals of the steering demo.

Called by `load_demo_data` after steering's and follow-up's demo data; idempotent: a
second run writes nothing. The analysis stays a draft (members see it; the public does not).
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from hallbar.analysis.status import services
from hallbar.analysis.status.models import AnalysisState, StatusAnalysis, TargetAssessment
from hallbar.organisation.models import Organisation
from hallbar.steering.demo import ORGANISATION_CODE, DemoDataError

YEAR = 2025
ANALYST_USERNAME = "analytiker"

STRATEGY = "Strategi och ramverk för hållbar utveckling (KF 2021-10-25 § 129)"

# Target → the analyst's values. Prioritised targets are those the council goals link to.
DEMO_ASSESSMENTS: dict[str, dict[str, object]] = {
    "4.1": {
        "relevance": "high",
        "assessment": "challenge",
        "text": "Andelen elever som är behöriga till gymnasiets yrkesprogram ligger under "
        "riket och kommungruppen.",
        "is_prioritised": True,
        "priority_motivation": "Fullmäktiges mål: alla barn och elever ges förutsättningar att "
        "nå sin fulla potential. Utbildning stöder mål 3, 8 och 10 (strategin, avsnittet om "
        "odelbarhet).",
    },
    "8.5": {
        "relevance": "high",
        "assessment": "challenge",
        "text": "Arbetslösheten är högre än i jämförbara kommuner, särskilt bland unga och "
        "utrikes födda.",
        "is_prioritised": True,
        "priority_motivation": "Fullmäktiges mål: fler invånare har arbete eller studerar och "
        "kan försörja sig själva. Tillväxt får inte ske på bekostnad av jämlikheten (mål 10).",
    },
    "10.2": {
        "relevance": "high",
        "is_prioritised": True,
        "priority_motivation": "Social hållbarhet: jämlikhet, delaktighet och social "
        "sammanhållning är centrala aspekter enligt strategin.",
    },
    "11.2": {
        "relevance": "high",
        "assessment": "neutral",
        "text": "Gång- och cykelvägnätet byggs ut men andelen resor med bil är fortsatt hög.",
        "is_prioritised": True,
        "priority_motivation": "Fullmäktiges mål: en trygg kommun med hållbara resor och "
        "transporter. Cykelinfrastruktur stöder mål 3, 8, 11, 13 och 16 (strategins exempel).",
    },
    "3.6": {
        "relevance": "medium",
        "is_prioritised": True,
        "priority_motivation": "Nämndmålet om att ingen ska dödas eller skadas allvarligt i "
        "trafiken på det kommunala vägnätet.",
    },
    "13.2": {
        "relevance": "high",
        "assessment": "challenge",
        "text": "Utsläppen från transporter minskar för långsamt för att nå målet till 2030.",
        "is_prioritised": True,
        "priority_motivation": "Fullmäktiges mål: kommunens klimatpåverkan minskar. Målkonflikt "
        "med tillväxt (mål 8) ska vägas öppet enligt strategin.",
    },
    "12.5": {
        "relevance": "medium",
        "is_prioritised": True,
        "priority_motivation": "Fullmäktiges mål: resurserna används hållbart; nämndmålet om "
        "minskat matsvinn i kommunens kök.",
    },
    "16.7": {
        "relevance": "high",
        "assessment": "neutral",
        "text": "Medborgardialoger genomförs, men deltagandet är ojämnt mellan kommundelarna.",
        "is_prioritised": True,
        "priority_motivation": "Fullmäktiges mål: invånarna är delaktiga och har inflytande i "
        "kommunens utveckling.",
    },
    "14.1": {
        "relevance": "not_relevant",
        "relevance_reason": "Hallstahammar är en inlandskommun utan kust; påverkan på havet sker "
        "via Mälaren och Kolbäcksån och hanteras under mål 6.",
    },
    "14.4": {
        "relevance": "not_relevant",
        "relevance_reason": "Kommunen bedriver inget havsfiske.",
    },
}


# Goal → the analyst's assessment and summary of the goal, made after the targets above
# (the suggestion then comes from them: goal 4 and 13 suggest a challenge, 11 neutral).
# Goal 13 differs from its suggestion, with the reason.
DEMO_GOALS: dict[int, dict[str, str]] = {
    4: {
        "assessment": "challenge",
        "text": "Behörigheten till gymnasiet är lägre än i riket; skolan är kommunens "
        "viktigaste långsiktiga insats för jämlikhet och arbete.",
    },
    11: {
        "assessment": "neutral",
        "text": "Hållbara resor byggs ut; bostadsförsörjning och trygghet följs i översiktsplanen.",
    },
    13: {
        "assessment": "major_challenge",
        "override_reason": "Transporternas utsläpp minskar för långsamt och "
        "klimatanpassningen saknar plan: analysgruppen bedömer målet som en stor utmaning "
        f"({STRATEGY}).",
        "text": "Klimatmålet nås inte i nuvarande takt; transporterna står för den största "
        "delen av utsläppen.",
    },
}


@dataclass
class StatusAnalysisDemoSummary:
    created: bool = False
    updated: list[str] = field(default_factory=list)
    goals: list[int] = field(default_factory=list)
    confirmed: bool = False

    def __str__(self) -> str:
        if not self.created and not self.updated and not self.goals and not self.confirmed:
            return f"Status analysis {YEAR} for Hallstahammar: unchanged."
        made = "created" if self.created else "kept"
        return (
            f"Status analysis {YEAR} for Hallstahammar: {made}; "
            f"{len(self.updated)} target assessments and {len(self.goals)} goals updated"
            + ("; confirmed." if self.confirmed else ".")
        )


def _values(row: TargetAssessment, wanted: dict[str, object]) -> dict[str, object]:
    """The wanted values that differ from the row's (none: nothing to write)."""
    full = {"override_reason": "", **wanted}
    if full.get("assessment") and full["assessment"] != row.suggested_assessment:
        full["override_reason"] = (
            "Bedömningen bygger på analysgruppens genomgång av fler underlag än de kopplade "
            f"nyckeltalen ({STRATEGY})."
        )
    elif not full.get("assessment"):
        full.pop("override_reason")
    return {name: value for name, value in full.items() if getattr(row, name) != value}


def demo_load() -> StatusAnalysisDemoSummary:
    summary = StatusAnalysisDemoSummary()
    organisation = Organisation.objects.filter(code=ORGANISATION_CODE).first()
    if organisation is None:
        raise DemoDataError(
            "Hallstahammar (1961) is missing: the steering demo data must load first."
        )
    # The demo's analyst (steering's demo logins) records the assessments.
    analyst = get_user_model().objects.filter(username=ANALYST_USERNAME).first()
    with transaction.atomic():
        analysis = StatusAnalysis.objects.for_organisation(organisation).filter(year=YEAR).first()
        if analysis is None:
            analysis = services.analysis_create(
                organisation=organisation, year=YEAR, created_by=analyst
            )
            summary.created = True
        rows = {
            row.target.code: row
            for row in analysis.assessments.select_related("target").filter(
                target__code__in=DEMO_ASSESSMENTS
            )
        }
        missing = sorted(set(DEMO_ASSESSMENTS) - set(rows))
        if missing:
            raise DemoDataError(f"Targets missing from the status analysis: {', '.join(missing)}")
        for code, wanted in DEMO_ASSESSMENTS.items():
            row = rows[code]
            changed = _values(row, wanted)
            if not changed:
                continue
            services.assessment_update(
                target_assessment=row, expected_version=row.version, user=analyst, **changed
            )
            summary.updated.append(code)
        goal_rows = analysis.goal_assessments.select_related("goal")
        for goal_assessment in goal_rows.filter(goal__number__in=DEMO_GOALS):
            wanted = {"override_reason": "", **DEMO_GOALS[goal_assessment.goal.number]}
            changed = {
                name: value
                for name, value in wanted.items()
                if getattr(goal_assessment, name) != value
            }
            if not changed:
                continue
            services.goal_assessment_update(
                goal_assessment=goal_assessment,
                expected_version=goal_assessment.version,
                user=analyst,
                **changed,
            )
            summary.goals.append(goal_assessment.goal.number)
        # Confirmed (published), as the analysis behind the demo's published 2025 report.
        analysis.refresh_from_db()
        if analysis.state != AnalysisState.CONFIRMED:
            services.analysis_confirm(
                analysis=analysis, expected_version=analysis.version, user=analyst
            )
            summary.confirmed = True
    return summary
