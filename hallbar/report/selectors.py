"""Reads of the report: which editions a reader may see, and the content of one.

A published edition is read from its snapshot only (one query for the edition, whatever
the size of the report); a draft is compiled live for the organisation's own readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language

from hallbar.organisation.models import Organisation
from hallbar.report import compile as report_compile
from hallbar.report.models import EditionStatus, ReportEdition
from hallbar.report.services import section_texts


def editions_visible(*, organisation: Organisation, include_drafts: bool) -> QuerySet:
    """The organisation's editions a reader may see (published ones for everyone, all for
    its own readers), newest year first; the snapshot is left out (it is large)."""
    return (
        ReportEdition.objects.for_organisation(organisation)
        .visible(include_drafts=include_drafts)
        .select_related("report", "decided_by")
        .defer("snapshot")
        .order_by("-report__year", "-number")
    )


def edition_get(*, organisation: Organisation, pk: int, include_drafts: bool):
    return (
        ReportEdition.objects.for_organisation(organisation)
        .visible(include_drafts=include_drafts)
        .select_related("report", "decided_by", "corrects")
        .filter(pk=pk)
        .first()
    )


def report_language(language: str | None = None) -> str:
    language = (language or get_language() or "sv")[:2]
    return language if language in report_compile.LANGUAGES else "sv"


@dataclass(frozen=True)
class Content:
    """What the outputs render: one language's tree, and the edition's facts."""

    tree: dict[str, Any]
    meta: dict[str, Any]
    changes: list[dict[str, Any]]
    edition: ReportEdition
    language: str
    is_frozen: bool

    @property
    def content_hash(self) -> str:
        return self.edition.content_hash

    @property
    def snapshot(self) -> dict[str, Any] | None:
        return self.edition.snapshot if self.is_frozen else None


def edition_content(edition: ReportEdition, language: str | None = None) -> Content:
    """The published snapshot's tree in `language`, or a live compilation of a draft."""
    language = report_language(language)
    if edition.status == EditionStatus.PUBLISHED:
        snapshot = edition.snapshot
        languages = snapshot["languages"]
        tree = languages.get(language) or languages["sv"]
        return Content(
            tree=tree,
            meta=snapshot["meta"],
            changes=snapshot.get("changes", []),
            edition=edition,
            language=language,
            is_frozen=True,
        )
    texts = section_texts(edition)
    gathered = report_compile.gather(edition.organisation, edition.report.year)
    tree = report_compile.build(
        gathered,
        language=language,
        texts=texts,
        title=edition.report.title,
        edition=edition.number,
    )
    meta = {
        "organisation": {"code": edition.organisation.code, "name": edition.organisation.name},
        "year": edition.report.year,
        "title": edition.report.title,
        "edition": edition.number,
        "corrects": edition.corrects.number if edition.corrects_id else None,
        "correction_note": edition.correction_note,
        "texts": texts,
    }
    return Content(
        tree=tree,
        meta=meta,
        changes=[],
        edition=edition,
        language=language,
        is_frozen=False,
    )


def edition_languages_snapshot(edition: ReportEdition) -> dict[str, Any]:
    """The whole snapshot (both languages), or a live one for a draft (no hash)."""
    if edition.status == EditionStatus.PUBLISHED:
        return edition.snapshot
    texts = section_texts(edition)
    languages = report_compile.compile_report(
        edition.organisation,
        edition.report.year,
        texts=texts,
        title=edition.report.title,
        edition=edition.number,
    )
    return {"format": 1, "meta": {"draft": True, "texts": texts}, "languages": languages}
