"""Demo data: Hallstahammar's sustainability report for the previous year, published, so a
first look at the product shows a finished bokslut. Called by `load_demo_data` after the
other apps' demos (their figures and analyses go into the snapshot).

Idempotent: a report of the year with a published edition is left alone (a published
edition is frozen; publishing again would make a new hash). An unfinished one is taken
through the remaining steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hallbar.organisation.models import Body, BodyKind, MandateKind, MandateScope, Organisation
from hallbar.report import services
from hallbar.report.models import EditionStatus, Report, ReportEdition, SectionText
from hallbar.steering.demo import EXAMPLE_NOTE, ORGANISATION_CODE, DemoDataError

YEAR = 2025

DECISION_DATE = dt.date(2026, 4, 27)
DECISION_PARAGRAPH = "58"
EDITOR = "strateg"

TEXTS: dict[str, tuple[str, str]] = {
    "summary": (
        "Hallstahammar arbetar vidare med de prioriterade målen inom ramverket för hållbar "
        "utveckling. Året präglades av arbetet med hållbart resande och klimatanpassning. "
        + EXAMPLE_NOTE,
        "Hallstahammar continued its work on the prioritised goals of the sustainability "
        "framework; the year centred on sustainable travel and climate adaptation. "
        "Example data, not a decision of the municipality.",
    ),
    "governance": (
        "Kommunfullmäktige beslutade strategin och ramverket. Kommunstyrelsen leder och "
        "samordnar, hållbarhetsutskottet bereder, och hållbarhetsrådet ger råd.",
        "The council decided the strategy and framework; the executive board leads and "
        "coordinates, the sustainability committee prepares and the council advises.",
    ),
    "ecological": (
        "Klimatanpassningen har tagit steg framåt med skyfallskartering. Utsläppen från "
        "transporter minskar men inte i den takt som krävs.",
        "Climate adaptation advanced with cloudburst mapping. Transport emissions fall, but "
        "not as fast as needed.",
    ),
    "social": (
        "Skolresultaten och folkhälsan följs noga. Trygghet och delaktighet är fortsatta "
        "utmaningar.",
        "School results and public health are followed closely; safety and participation "
        "remain challenges.",
    ),
    "economic": (
        "Sysselsättningen ligger nära jämförbara kommuner. Hållbar upphandling utvecklas.",
        "Employment is close to similar municipalities; sustainable procurement develops.",
    ),
    "conflicts": (
        "Målkonflikter mellan tillväxt och utsläpp har vägts i kommunstyrelsen.",
        "Conflicts between growth and emissions were weighed by the executive board.",
    ),
    "resources": (
        "Kostnaderna för åtgärderna redovisas bredvid indikatorernas utveckling. Sambandet "
        "är inte ett bevis för effekt.",
        "The actions' costs are shown beside the indicators' movement; the association is "
        "not proof of effect.",
    ),
    "focus": (
        "Fokus framåt: hållbart resande, klimatanpassning och trygghet.",
        "Focus ahead: sustainable travel, climate adaptation and safety.",
    ),
    "method": (
        "Uppgifterna kommer från Kolada och kommunens egna mätningar.",
        "The figures come from Kolada and the municipality's own measurements.",
    ),
    "goal-11": (
        "Gott exempel: cykelstråket mellan centrum och stationen blev klart och används mer "
        "än väntat. Lärdom: involvera trafikplanerare tidigt.",
        "Good example: the cycle path between the centre and the station was finished and is "
        "used more than expected. Lesson: involve traffic planners early.",
    ),
}


@dataclass
class ReportDemoSummary:
    created: bool = False
    published: bool = False
    content_hash: str = ""

    def __str__(self) -> str:
        if not self.published:
            return f"Sustainability report {YEAR} (Hallstahammar): already published, unchanged."
        return (
            f"Sustainability report {YEAR} (Hallstahammar): "
            f"{'created and ' if self.created else ''}published, hash {self.content_hash[:16]}…"
        )


def _deciding_body(organisation: Organisation) -> Body:
    body = (
        Body.objects.for_organisation(organisation)
        .filter(
            mandates__kind=MandateKind.DECIDE,
            mandates__scope=MandateScope.REPORT,
            mandates__area="organisation",
            is_active=True,
        )
        .order_by("pk")
        .first()
    )
    if body is None:
        raise DemoDataError(
            "No body of Hallstahammar holds the mandate to decide the sustainability report "
            "(seeded for Kommunstyrelsen): run `seed_mandates` or add it at /o/1961/mandates/."
        )
    return body


def demo_load() -> ReportDemoSummary:
    organisation = Organisation.objects.filter(code=ORGANISATION_CODE).first()
    if organisation is None:
        raise DemoDataError("Load the steering demo data first (Hallstahammar is missing).")
    summary = ReportDemoSummary()
    if ReportEdition.objects.filter(
        report__organisation=organisation, report__year=YEAR, status=EditionStatus.PUBLISHED
    ).exists():
        return summary
    editor = get_user_model()._default_manager.filter(username=EDITOR).first()
    with transaction.atomic():
        report = Report.objects.filter(organisation=organisation, year=YEAR).first()
        if report is None:
            edition = services.report_create(organisation=organisation, year=YEAR, user=editor)
            summary.created = True
        else:
            edition = report.editions.order_by("-number").first()
        if edition.status == EditionStatus.DRAFT:
            existing = set(
                SectionText.objects.filter(edition=edition).values_list("section", flat=True)
            )
            for section, (text, text_en) in TEXTS.items():
                if section not in existing:
                    services.section_text_save(
                        edition=edition,
                        section=section,
                        text=text,
                        text_en=text_en,
                        version=None,
                        user=editor,
                    )
            edition = services.edition_mark_ready(edition=edition, user=editor)
        if edition.status == EditionStatus.READY_FOR_REVIEW:
            management = (
                Body.objects.for_organisation(organisation)
                .filter(kind=BodyKind.MANAGEMENT_GROUP)
                .order_by("pk")
                .first()
            )
            if management is None:
                raise DemoDataError("Hallstahammar has no management group to review the report.")
            edition = services.edition_mark_reviewed(edition=edition, user=None, body=management)
        if edition.status == EditionStatus.REVIEWED:
            decision_date = min(DECISION_DATE, timezone.localdate())
            edition = services.edition_record_decision(
                edition=edition,
                user=editor,
                body=_deciding_body(organisation),
                decision_date=decision_date,
                paragraph=DECISION_PARAGRAPH,
            )
        edition = services.edition_publish(edition=edition, user=editor)
    summary.published = True
    summary.content_hash = edition.content_hash
    return summary
