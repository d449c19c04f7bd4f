"""Benchmarks of issue 6 (`make bench`): the sustainability report.

1. PDF of a full report — 17 goals, 100 indicators × 10 years (with the country as a
   comparison series), 200 actions, long texts — end to end, as the PDF view does it for a
   published edition: read the edition, take its content from the snapshot, render the
   HTML, render the PDF. At most 1.5× the time WeasyPrint alone takes for the same,
   already-rendered HTML, measured in the same run (the fastest of RUNS each).
2. The web page of a published edition is served from its snapshot with a constant
   number of queries: the same count for a small and for the full report.

Printed for the report, not a target: the time to compile and publish the full report.

Run with `make bench` (a throwaway PostgreSQL cluster, like `make test`), or
`HALLBAR_TESTING=true scripts/with-postgres .venv/bin/python bench/report.py`.
"""

import datetime as dt
import sys
import time

from common import best_of, migrated, report
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hallbar.agenda.models import Target
from hallbar.agenda.services import reference_data_load
from hallbar.followup.models import Area, Indicator, Kpi, Observation
from hallbar.lib.pdf import render_pdf
from hallbar.organisation.models import Body, Organisation
from hallbar.organisation.services import mandates_seed
from hallbar.report import outputs, selectors, services
from hallbar.report.models import ReportEdition
from hallbar.report.sections import SECTIONS
from hallbar.steering.models import Action, SteeringDocument

RUNS = 3
INDICATORS, YEARS, ACTIONS = 100, 10, 200
FIRST_YEAR = 2016
LIMIT = 1.5
LONG_TEXT = (
    "Hållbarhetsarbetet i kommunen bygger på ordinarie planering och uppföljning. "
    "Analysen visar både styrkor och utmaningar, och lärdomarna används för att förbättra "
    "arbetet framåt. "
) * 12


def organisation_with_bodies(code: str, name: str) -> tuple[Organisation, dict[str, Body]]:
    organisation, _ = Organisation.objects.get_or_create(
        code=code, defaults={"name": name, "county_code": "19"}
    )
    bodies = {}
    for key, body_name, kind in (
        ("ks", "Kommunstyrelsen", "executive_board"),
        ("management", "Kommunchefens ledningsgrupp", "management_group"),
        ("analysis", "Analysgruppen", "analysis_group"),
        ("tn", "Tekniska nämnden", "committee"),
    ):
        bodies[key], _ = Body.objects.get_or_create(
            organisation=organisation, name=body_name, defaults={"kind": kind}
        )
    mandates_seed(organisation=organisation, bodies=list(bodies.values()))
    return organisation, bodies


def full_data(organisation: Organisation, bodies: dict[str, Body], indicators: int, actions: int):
    own, _ = Area.objects.get_or_create(
        code=organisation.code, defaults={"kind": "municipality", "title": organisation.name}
    )
    country, _ = Area.objects.get_or_create(
        code="0000", defaults={"kind": "country", "title": "Riket"}
    )
    targets = list(Target.objects.agenda2030().order_by("position"))
    kpis = Kpi.objects.bulk_create(
        Kpi(
            organisation=organisation,
            source="own",
            code=f"B{organisation.code}-{number:03}",
            title_sv=f"Nyckeltal {number} för uppföljning av målen, andel (%)",
            title_en=f"Indicator {number} following the goals, share (%)",
            unit="%",
        )
        for number in range(indicators)
    )
    Observation.objects.bulk_create(
        Observation(
            kpi=kpi,
            area=area,
            year=FIRST_YEAR + year,
            gender="T",
            value=round(40 + number % 13 + (number % 5 - 2) * year * 0.7 + offset, 2),
        )
        for number, kpi in enumerate(kpis)
        for year in range(YEARS)
        for area, offset in ((own, 0.0), (country, 3.0))
    )
    created = Indicator.objects.bulk_create(
        Indicator(
            organisation=organisation,
            kpi=kpi,
            base_year=FIRST_YEAR,
            target_value=60.0 if number % 3 else None,
            direction="negative" if number % 4 == 0 else "positive",
        )
        for number, kpi in enumerate(kpis)
    )
    links = Indicator.targets.through
    links.objects.bulk_create(
        links(indicator_id=indicator.pk, target_id=targets[(number * 7) % len(targets)].pk)
        for number, indicator in enumerate(created)
    )
    plan = SteeringDocument.objects.create(
        organisation=organisation,
        title="Handlingsplan för hållbar utveckling",
        level="action_plan",
        owner="Kommunstrateg",
        is_social=True,
        status="decided",
        decided_by=bodies["ks"],
        decision_date=dt.date(2024, 12, 1),
    )
    made = Action.objects.bulk_create(
        Action(
            organisation=organisation,
            title=f"Åtgärd {number}: insats för hållbar utveckling",
            description=LONG_TEXT[:400],
            plan=plan,
            body=bodies["tn"],
            owner="Enhetschef",
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 12, 31),
            planned_cost=10_000 * (number % 17 + 1),
            status=("started", "done", "delayed", "not_started")[number % 4],
        )
        for number in range(actions)
    )
    action_links = Action.targets.through
    action_links.objects.bulk_create(
        action_links(action_id=action.pk, target_id=targets[(number * 11) % len(targets)].pk)
        for number, action in enumerate(made)
    )


def published_edition(organisation: Organisation, bodies: dict[str, Body], year: int):
    edition = services.report_create(organisation=organisation, year=year)
    for section in SECTIONS:
        services.section_text_save(
            edition=edition, section=section.key, text=LONG_TEXT, text_en="", version=None
        )
    services.edition_mark_ready(edition=edition, user=None)
    services.edition_mark_reviewed(edition=edition, user=None, body=bodies["management"])
    services.edition_record_decision(
        edition=edition, user=None, body=bodies["ks"], decision_date=dt.date(2026, 3, 30)
    )
    return services.edition_publish(edition=edition, user=None)


def page_queries(client: Client, edition: ReportEdition) -> int:
    url = reverse(
        "report:edition_detail",
        kwargs={"org_code": edition.organisation.code, "pk": edition.pk},
    )
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


def main() -> int:
    migrated()
    reference_data_load()
    organisation, bodies = organisation_with_bodies("1961", "Hallstahammar")
    full_data(organisation, bodies, INDICATORS, ACTIONS)
    start = time.perf_counter()
    full = published_edition(organisation, bodies, 2025)
    print(
        f"info  compile and publish the full report ({INDICATORS} indicators × {YEARS} years, "
        f"{ACTIONS} actions): {time.perf_counter() - start:.2f} s"
    )

    small_org, small_bodies = organisation_with_bodies("1907", "Surahammar")
    full_data(small_org, small_bodies, 2, 3)
    small = published_edition(small_org, small_bodies, 2025)

    # 1. PDF end to end against WeasyPrint alone.
    def end_to_end() -> bytes:
        edition = ReportEdition.objects.select_related("report", "organisation").get(pk=full.pk)
        return outputs.render_pdf_bytes(selectors.edition_content(edition, "sv"))[2]

    html = outputs.render_html_for_pdf(selectors.edition_content(full, "sv"))
    base_url = outputs.STATIC_DIR.as_uri() + "/"
    pages = len(end_to_end())  # warm: fonts, templates, the first connection
    # Interleaved, so that a busy moment of the machine hits both alike.
    weasyprint_alone = whole = float("inf")
    for _ in range(RUNS):
        weasyprint_alone = min(
            weasyprint_alone, best_of(1, lambda: render_pdf(html, base_url=base_url))
        )
        whole = min(whole, best_of(1, end_to_end))
    print(
        f"info  PDF ({pages / 1e6:.1f} MB, {len(html) / 1e6:.1f} MB of HTML): "
        f"end to end {whole:.2f} s, WeasyPrint alone {weasyprint_alone:.2f} s"
    )
    ok = report(
        "PDF end to end vs WeasyPrint alone", whole, weasyprint_alone, LIMIT, higher_is_better=False
    )

    # 2. The web page of a published edition: constant queries, small or full.
    client = Client(HTTP_HOST="localhost")
    small_count, full_count = page_queries(client, small), page_queries(client, full)
    same = small_count == full_count
    print(
        f"{'PASS' if same else 'FAIL'}  published page queries: small report {small_count}, "
        f"full report {full_count} (target: the same)"
    )
    return 0 if ok and same else 1


if __name__ == "__main__":
    sys.exit(main())
