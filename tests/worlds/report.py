"""The report app's objects in a persona world: `extend(world)` adds them to
`world.objects` under keys the access declarations (tests/security/access/report.py) use.

- report_published: the 2025 report, edition 1, taken through the whole workflow and
  published (decided by Kommunstyrelsen, which holds the decide mandate over the report);
- report_draft: the 2024 report's first edition, a draft (internal: hidden from others);
- report_comment: a council member's comment on the draft.
"""

import datetime as dt

from hallbar.report import services
from hallbar.report.models import SectionComment
from hallbar.report.sections import REQUIRED_KEYS
from tests.personas import ANALYST, COUNCIL_INTERNAL, World


def publish_through_workflow(world: World, year: int, *, decided: dt.date):
    """A report of `year` taken draft → published by the world's own people."""
    analyst = world.users[ANALYST]
    edition = services.report_create(organisation=world.organisation, year=year, user=analyst)
    for key in REQUIRED_KEYS:
        services.section_text_save(
            edition=edition,
            section=key,
            text=f"Text för {key} {year} {world.code}",
            version=None,
            user=analyst,
        )
    services.edition_mark_ready(edition=edition, user=analyst)
    services.edition_mark_reviewed(edition=edition, user=None, body=world.bodies["management"])
    services.edition_record_decision(
        edition=edition, user=analyst, body=world.bodies["ks"], decision_date=decided
    )
    return services.edition_publish(edition=edition, user=analyst)


def extend(world: World) -> None:
    o = world.objects
    o["report_published"] = publish_through_workflow(world, 2025, decided=dt.date(2026, 3, 30))
    o["report_draft"] = services.report_create(
        organisation=world.organisation,
        year=2024,
        title=f"Bokslutsutkast {world.code}",
        user=world.users[ANALYST],
    )
    o["report_comment"] = SectionComment.objects.create(
        organisation=world.organisation,
        edition=o["report_draft"],
        section="summary",
        author=world.users[COUNCIL_INTERNAL],
        text="Lyft fram cykelstråket.",
    )
