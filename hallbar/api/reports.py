"""`/organisations/{code}/reports`: the editions of an organisation's sustainability reports.

Anonymous readers (and everyone outside the organisation) see published editions only; the
organisation's own readers (members of its bodies, its administrators; signed in with a
session) see every edition, drafts included. A published edition carries its content hash
(SHA-256 of the frozen snapshot) and the addresses of its three outputs.
"""

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema

from hallbar.api.organisations import _CODE_PARAM, _get_organisation
from hallbar.api.schemas import Message
from hallbar.organisation import access
from hallbar.report.models import EditionStatus
from hallbar.report.selectors import editions_visible

router = Router(tags=["Reports"])


class ReportUrls(Schema):
    html: str = Field(description="The accessible web page of the edition.")
    pdf: str = Field(description="The PDF, rendered from the same content.")
    data: str = Field(
        description="Open data: every figure as CSV and JSON, indicator series in the Open "
        "SDG data layout, and (published editions) the snapshot whose hash is content_hash."
    )


class ReportEditionOut(Schema):
    year: int = Field(description="The year the report covers.")
    title: str
    edition: int = Field(description="Edition number; a correction is a later edition.")
    status: str = Field(
        description="draft, ready_for_review, reviewed, decided or published.",
        examples=["published"],
    )
    published_at: dt.datetime | None = Field(description="When the edition was frozen.")
    content_hash: str | None = Field(
        description="SHA-256 (hex) of the edition's canonical snapshot; published only."
    )
    corrects: int | None = Field(description="The edition number this edition corrects.")
    correction_note: str = Field(description="What a correction changes, and why.")
    decided_by: str | None = Field(description="The body that decided the report.")
    decision_date: dt.date | None
    decision_paragraph: str
    urls: ReportUrls


@router.get(
    "/{code}/reports",
    response={200: list[ReportEditionOut], 404: Message},
    operation_id="organisation_reports",
    summary="An organisation's sustainability reports, edition by edition",
)
def organisation_reports(request: HttpRequest, code: str = _CODE_PARAM) -> list[ReportEditionOut]:
    """Every edition of the organisation's sustainability reports (hållbarhetsbokslut),
    newest year first. Anonymous readers see published editions only; the organisation's
    own signed-in readers see drafts too."""
    organisation = _get_organisation(code)
    include_drafts = access.actor_for(request, organisation).sees_drafts
    editions = editions_visible(organisation=organisation, include_drafts=include_drafts)
    editions = editions.select_related("corrects").defer("corrects__snapshot")
    result = []
    for edition in editions:
        kwargs = {"org_code": organisation.code, "pk": edition.pk}
        published = edition.status == EditionStatus.PUBLISHED
        result.append(
            ReportEditionOut(
                year=edition.report.year,
                title=edition.report.display_title,
                edition=edition.number,
                status=edition.status,
                published_at=edition.published_at,
                content_hash=edition.content_hash if published else None,
                corrects=edition.corrects.number if edition.corrects_id else None,
                correction_note=edition.correction_note,
                decided_by=edition.decided_by.name if edition.decided_by_id else None,
                decision_date=edition.decision_date,
                decision_paragraph=edition.decision_paragraph,
                urls=ReportUrls(
                    html=request.build_absolute_uri(
                        reverse("report:edition_detail", kwargs=kwargs)
                    ),
                    pdf=request.build_absolute_uri(reverse("report:edition_pdf", kwargs=kwargs)),
                    data=request.build_absolute_uri(reverse("report:edition_data", kwargs=kwargs)),
                ),
            )
        )
    return result
