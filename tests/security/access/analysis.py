"""Declared access of the analysis app's URLs (merged into tests/security/matrix.py)."""

from tests.personas import (
    COMMITTEE_OFFICER,
    COUNCIL_EXTERNAL,
    COUNCIL_INTERNAL,
    INTERNAL,
    NOBODY,
    ORG_ADMIN,
    ORGANISATION_WIDE_WRITERS,
    OWN_AREA_WRITERS,
    STRATEG,
)
from tests.security.cases import Case, form, internal, page

ACCESS: dict[str, tuple[Case, ...]] = {}
ISOLATION_PENDING: dict[str, str] = {}

# --- status_analysis: sa_analysis is confirmed (published), sa_draft a draft ---
_SA_PROPOSERS = frozenset({COUNCIL_EXTERNAL, COUNCIL_INTERNAL, COMMITTEE_OFFICER, STRATEG})
_SA_READ = (page(obj="sa_analysis"), page(INTERNAL, obj="sa_draft", hidden=True))
_SA_WRITE = (
    form(ORGANISATION_WIDE_WRITERS, obj="sa_analysis"),
    form(ORGANISATION_WIDE_WRITERS, obj="sa_draft", hidden=True),
)
ACCESS.update(
    {
        "status_analysis:analysis_list": (page(),),
        "status_analysis:analysis_create": (form(ORGANISATION_WIDE_WRITERS),),
        "status_analysis:analysis_detail": _SA_READ,
        "status_analysis:analysis_state": _SA_WRITE,
        "status_analysis:analysis_changes": _SA_READ,
        # The generic record history (hallbar.core.records): the organisation's own readers.
        "status_analysis:status_analysis_history": (
            internal(obj="sa_analysis"),
            internal(obj="sa_draft"),
        ),
        "status_analysis:status_analysis_delete": _SA_WRITE,
        # The analyses are not deleted: those allowed find nothing to restore.
        "status_analysis:status_analysis_restore": (
            page(
                ORGANISATION_WIDE_WRITERS,
                obj="sa_analysis",
                methods=("POST",),
                ok={"POST": 404},
            ),
        ),
        "status_analysis:analysis_priorities": _SA_READ,
        "status_analysis:analysis_export": (
            page(obj="sa_analysis", kwargs=(("name", "csv"),)),
            page(obj="sa_analysis", kwargs=(("name", "goals-csv"),)),
            page(INTERNAL, obj="sa_draft", hidden=True, kwargs=(("name", "json"),)),
        ),
        "status_analysis:target_detail": _SA_READ,
        "status_analysis:target_history": (
            page(INTERNAL, obj="sa_analysis"),
            page(INTERNAL, obj="sa_draft", hidden=True),
        ),
        "status_analysis:target_edit": _SA_WRITE,
        # Proposing is open to members of bodies that propose (the council, external
        # members too); it never records an assessment.
        "status_analysis:target_propose": (
            form(_SA_PROPOSERS, obj="sa_analysis"),
            form(_SA_PROPOSERS, obj="sa_draft", hidden=True),
        ),
        "status_analysis:goal_detail": _SA_READ,
        "status_analysis:goal_history": (
            page(INTERNAL, obj="sa_analysis"),
            page(INTERNAL, obj="sa_draft", hidden=True),
        ),
        "status_analysis:goal_edit": _SA_WRITE,
    }
)
# --- end status_analysis ---

# --- interactions: im_published is a published version, im_draft an internal draft ---
_IM_READ = (page(obj="im_published"), page(INTERNAL, obj="im_draft", hidden=True))
# A published version is a record: nobody edits it; drafts are the analysis group's.
_IM_WRITE = (
    form(NOBODY, obj="im_published"),
    form(ORGANISATION_WIDE_WRITERS, obj="im_draft", hidden=True),
)
_IM_CELL = (("from_code", "1.3"), ("to_code", "1.5"))
ACCESS.update(
    {
        "interactions:matrix_list": (page(),),
        "interactions:matrix_create": (form(ORGANISATION_WIDE_WRITERS),),
        "interactions:matrix_import_new": (form(ORGANISATION_WIDE_WRITERS),),
        "interactions:matrix_detail": _IM_READ,
        "interactions:matrix_grid": _IM_READ,
        "interactions:matrix_export": (
            page(obj="im_published", kwargs=(("name", "cells-csv"),)),
            page(INTERNAL, obj="im_draft", hidden=True, kwargs=(("name", "metrics-csv"),)),
        ),
        "interactions:matrix_edit": _IM_WRITE,
        "interactions:matrix_publish": _IM_WRITE,
        "interactions:matrix_import": _IM_WRITE,
        "interactions:cell_edit": (
            form(NOBODY, obj="im_published", kwargs=_IM_CELL),
            form(ORGANISATION_WIDE_WRITERS, obj="im_draft", hidden=True, kwargs=_IM_CELL),
        ),
        # The record of a version: history for the organisation's own readers; deleting
        # (a draft for good, a published version softly) for the analysis writers.
        "interactions:matrix_history": (internal(obj="im_published"), internal(obj="im_draft")),
        "interactions:matrix_delete": (
            form(ORGANISATION_WIDE_WRITERS, obj="im_published"),
            form(ORGANISATION_WIDE_WRITERS, obj="im_draft", hidden=True),
        ),
        # Nothing is deleted: those allowed find nothing to restore.
        "interactions:matrix_restore": (
            page(
                ORGANISATION_WIDE_WRITERS,
                obj="im_published",
                methods=("POST",),
                ok={"POST": 404},
            ),
        ),
        # The API: published versions for everyone; a draft for the organisation's own
        # signed-in readers, 404 for everyone else (the API never redirects to log in).
        "api:matrix_list": (page(),),
        "api:matrix_detail": (
            page(kwargs=(("id", "@im_published"),)),
            page(
                INTERNAL,
                kwargs=(("id", "@im_draft"),),
                hidden=True,
                anonymous=404,
            ),
        ),
    }
)
# --- end interactions ---

# --- impact: ia_case is decided (public), ia_case_draft a draft of Tekniska nämnden;
# ia_conflict is decided by KS (public precedent), ia_conflict_open is open (internal) ---
_IA_PROPOSERS = INTERNAL - {ORG_ADMIN}
_IA_CASE_READ = (page(obj="ia_case"), page(INTERNAL, obj="ia_case_draft", hidden=True))
# Cases are analysis work: Tekniska nämnden's officer edits its own (the draft), the
# analysis group everyone's (ia_case belongs to Socialnämnden).
_IA_CASE_WRITE = (
    form(OWN_AREA_WRITERS, obj="ia_case_draft", hidden=True),
    form(ORGANISATION_WIDE_WRITERS, obj="ia_case"),
)


def _ia_remark(obj: str, hidden: bool = False) -> Case:
    return page(_IA_PROPOSERS, obj=obj, methods=("POST",), ok={"POST": 302}, hidden=hidden)


ACCESS.update(
    {
        "impact:case_list": (page(),),
        "impact:case_create": (form(OWN_AREA_WRITERS),),
        "impact:case_detail": _IA_CASE_READ,
        "impact:case_edit": _IA_CASE_WRITE,
        "impact:case_assess": _IA_CASE_WRITE,
        "impact:case_summary": _IA_CASE_READ,
        "impact:case_summary_pdf": (page(obj="ia_case"),),
        "impact:case_remark": (_ia_remark("ia_case"), _ia_remark("ia_case_draft", hidden=True)),
        "impact:case_history": (internal(obj="ia_case"),),
        # Deleting: who edits the case (a decided one is kept softly); the objects are not
        # deleted, so those allowed to restore find nothing to restore.
        "impact:case_delete": _IA_CASE_WRITE,
        "impact:case_restore": (
            page(ORGANISATION_WIDE_WRITERS, obj="ia_case", methods=("POST",), ok={"POST": 404}),
        ),
        "impact:compiled": (page(),),
        "impact:conflict_list": (page(),),
        "impact:conflict_create": (form(OWN_AREA_WRITERS),),
        "impact:conflict_detail": (
            page(obj="ia_conflict"),
            page(INTERNAL, obj="ia_conflict_open", hidden=True),
        ),
        "impact:conflict_edit": (
            form(OWN_AREA_WRITERS, obj="ia_conflict_open", hidden=True),
            form(ORGANISATION_WIDE_WRITERS, obj="ia_conflict"),
        ),
        # Recorded only by officers of a body with the decide mandate over the conflict:
        # Tekniska nämnden for its own, KS (the strateg) for any; never the council.
        "impact:conflict_decide": (
            form({COMMITTEE_OFFICER, STRATEG}, obj="ia_conflict_open", hidden=True),
            form({STRATEG}, obj="ia_conflict"),
        ),
        "impact:conflict_remark": (
            _ia_remark("ia_conflict"),
            _ia_remark("ia_conflict_open", hidden=True),
        ),
        "impact:conflict_history": (internal(obj="ia_conflict"),),
        # Who edits the conflict reaches the confirmation page; an automatic conflict is
        # then refused there (it is withdrawn instead), a hand-raised one deleted.
        "impact:conflict_delete": (
            form(OWN_AREA_WRITERS, obj="ia_conflict_open", hidden=True),
            form(ORGANISATION_WIDE_WRITERS, obj="ia_conflict"),
        ),
        "impact:conflict_restore": (
            page(ORGANISATION_WIDE_WRITERS, obj="ia_conflict", methods=("POST",), ok={"POST": 404}),
        ),
    }
)
# --- end impact ---
