"""Declared access of the report app's URLs (merged into tests/security/matrix.py).

Published editions are everyone's; drafts are the organisation's own (404 for others).
Editors (organisation-wide writers of the report: the analyst and the strateg) write
texts, take the steps, record the decision, publish and correct; every member comments
(council members too, external ones included); no persona sits in ledningsgruppen, so
no persona reviews (tests/report/test_workflow.py covers the reviewer).
"""

from tests.personas import INTERNAL, NOBODY, ORG_ADMIN, ORGANISATION_WIDE_WRITERS
from tests.security.cases import Case, form, internal, page

POST_REDIRECT = {"methods": ("POST",), "ok": {"POST": 302}}
MEMBERS = INTERNAL - {ORG_ADMIN}

ACCESS: dict[str, tuple[Case, ...]] = {
    "report:report_list": (page(),),
    "report:report_create": (form(ORGANISATION_WIDE_WRITERS),),
    "report:edition_detail": (
        page(obj="report_published"),
        page(INTERNAL, obj="report_draft", hidden=True),
    ),
    "report:edition_pdf": (
        page(obj="report_published"),
        page(INTERNAL, obj="report_draft", hidden=True),
    ),
    "report:edition_data": (
        page(obj="report_published"),
        page(INTERNAL, obj="report_draft", hidden=True),
    ),
    # An empty text is a valid save: the allowed are sent back to the edition.
    "report:section_text": (
        form(
            ORGANISATION_WIDE_WRITERS,
            obj="report_draft",
            hidden=True,
            kwargs=(("section", "summary"),),
            ok={"GET": 200, "POST": 302},
        ),
    ),
    "report:comment_add": (page(MEMBERS, obj="report_draft", hidden=True, **POST_REDIRECT),),
    "report:comment_resolve": (
        page(
            ORGANISATION_WIDE_WRITERS,
            obj="report_draft",
            hidden=True,
            kwargs=(("comment_id", "@report_comment"),),
            **POST_REDIRECT,
        ),
    ),
    "report:edition_step": (
        page(
            ORGANISATION_WIDE_WRITERS,
            obj="report_draft",
            hidden=True,
            kwargs=(("step", "ready"),),
            **POST_REDIRECT,
        ),
        # Publishing an undecided draft is refused with a message (the step is allowed).
        page(
            ORGANISATION_WIDE_WRITERS,
            obj="report_draft",
            hidden=True,
            kwargs=(("step", "publish"),),
            **POST_REDIRECT,
        ),
        page(
            NOBODY, obj="report_draft", hidden=True, kwargs=(("step", "review"),), **POST_REDIRECT
        ),
    ),
    "report:edition_decide": (form(ORGANISATION_WIDE_WRITERS, obj="report_published"),),
    "report:edition_correct": (form(ORGANISATION_WIDE_WRITERS, obj="report_published"),),
    # The record: history of the organisation's own; a draft's delete page for the
    # editors (a published edition is refused with the reason, 200); not deleted, so
    # those allowed find nothing to restore.
    "report:edition_history": (internal(obj="report_draft"), internal(obj="report_published")),
    "report:edition_delete": (
        form(ORGANISATION_WIDE_WRITERS, obj="report_draft", hidden=True),
        form(ORGANISATION_WIDE_WRITERS, obj="report_published"),
    ),
    "report:edition_restore": (
        page(
            ORGANISATION_WIDE_WRITERS,
            obj="report_draft",
            hidden=True,
            methods=("POST",),
            ok={"POST": 404},
        ),
    ),
    "api:organisation_reports": (page(),),
}
ISOLATION_PENDING: dict[str, str] = {}
