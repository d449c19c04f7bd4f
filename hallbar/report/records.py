"""The report's kind of record (`hallbar.core.records`): an edition, its section texts
and comments included in its history. A draft that was never decided is removed for
good; a decided one is kept (soft delete, restorable); a published edition is never
deleted (it is frozen: a correction is a new edition). Registered in ReportConfig.ready()."""

from typing import Any

from django.utils.translation import gettext as _

from hallbar.core import records
from hallbar.core.history import Labels
from hallbar.report.models import ReportEdition, SectionComment, SectionText
from hallbar.report.sections import section_title
from hallbar.report.selectors import editions_visible


def _section(record: Any, labels: Labels) -> str:
    return section_title(record.section)


def _comment(record: Any, labels: Labels) -> str:
    return _("Comment on “%(section)s”") % {"section": section_title(record.section)}


def _refusal(edition: ReportEdition) -> str:
    if edition.is_published:
        return _(
            "A published edition is frozen and stays as it was published. "
            "To correct it, start a corrected edition."
        )
    return ""


EDITION = records.RecordKind(
    name="edition",
    model=ReportEdition,
    app="report",
    list_route="report:report_list",
    parts=(
        records.Part(SectionText, parent="edition", subject=_section),
        records.Part(SectionComment, parent="edition", subject=_comment),
    ),
    visible=lambda organisation, drafts: editions_visible(
        organisation=organisation, include_drafts=drafts
    ),
    version_field="version",
    # Also for a recorded version (whose own str() says "as of <date>").
    title=lambda edition: f"{edition.report.display_title} – {edition.number}",
    refusal=_refusal,
)


def register_kinds() -> None:
    records.register(EDITION)
