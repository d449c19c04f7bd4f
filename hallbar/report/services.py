"""Writes of the report: create, texts, comments, the workflow steps, publish, correct.

Each is a keyword-only function inside `transaction.atomic`, taking the edition row with
`select_for_update` so two steps never cross. A refused step raises `WorkflowError` (a
ValidationError) with a message for the user; nothing is written then. Who may call
which is the views' `access.require` (permissions.py, block "report"); the services check
the state and the data (a decided report only can be published; a decision names a body
with the decide mandate).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallbar.core.versions import EditConflict, changes_since_created, check_version
from hallbar.organisation.mandates import body_may_decide
from hallbar.organisation.models import Body, MandateScope, Organisation
from hallbar.report import compile as report_compile
from hallbar.report.models import (
    EditionStatus,
    FrozenEditionError,
    Report,
    ReportEdition,
    SectionComment,
    SectionText,
)
from hallbar.report.sections import SECTION_KEYS, section_title
from hallbar.report.snapshot import changes_between, content_hash, make_snapshot


class WorkflowError(ValidationError):
    """A step the edition's state or data does not allow; the message says why."""


def _locked(edition: ReportEdition) -> ReportEdition:
    return (
        ReportEdition.objects.select_for_update()
        .select_related("report", "organisation")
        .get(pk=edition.pk)
    )


# Per workflow step: (refusal on a published edition, refusal in another status). Whole
# sentences, so each translates on its own.
_REFUSALS = {
    "edit": (
        gettext_lazy(
            "Edition %(number)s is published and frozen: its texts can no longer be edited."
        ),
        gettext_lazy("The texts cannot be edited while the edition is “%(status)s”."),
    ),
    "ready": (
        gettext_lazy(
            "Edition %(number)s is published and frozen: it can no longer be marked ready for review."
        ),
        gettext_lazy("The edition cannot be marked ready for review while it is “%(status)s”."),
    ),
    "return": (
        gettext_lazy(
            "Edition %(number)s is published and frozen: it can no longer return to draft."
        ),
        gettext_lazy("The edition cannot return to draft while it is “%(status)s”."),
    ),
    "review": (
        gettext_lazy(
            "Edition %(number)s is published and frozen: it can no longer be marked reviewed."
        ),
        gettext_lazy("The edition cannot be marked reviewed while it is “%(status)s”."),
    ),
    "decide": (
        gettext_lazy(
            "Edition %(number)s is published and frozen: a decision can no longer be recorded."
        ),
        gettext_lazy("The decision cannot be recorded while the edition is “%(status)s”."),
    ),
}


def _require_status(edition: ReportEdition, *allowed: str, action: str) -> None:
    frozen, wrong_status = _REFUSALS[action]
    if edition.status == EditionStatus.PUBLISHED:
        raise FrozenEditionError(str(frozen) % {"number": edition.number}, code="frozen")
    if edition.status not in allowed:
        raise WorkflowError(
            str(wrong_status) % {"status": edition.get_status_display()}, code="wrong_status"
        )


def _save(obj: Any, user: Any, **kwargs: Any) -> None:
    """Save, the history naming `user` (also outside a request, where the middleware
    cannot tell)."""
    obj._history_user = user
    obj.save(**kwargs)


def _create(model: Any, user: Any, **values: Any) -> Any:
    obj = model(**values)
    obj._history_user = user
    obj.save(force_insert=True)
    return obj


def _bump(edition: ReportEdition) -> None:
    edition.version += 1


# --- create -----------------------------------------------------------------------------


def report_create(
    *, organisation: Organisation, year: int, title: str = "", user: Any = None
) -> ReportEdition:
    """A new report for the year with its first edition, a draft. A year whose only
    edition was removed for good starts again on the same report."""
    title = title.strip()  # empty: the title in the reader's language (Report.display_title)
    with transaction.atomic():
        report, created = Report.objects.select_for_update().get_or_create(
            organisation=organisation,
            year=year,
            defaults={"title": title, "created_by": user},
        )
        if not created:
            editions = ReportEdition._base_manager.filter(report=report)
            if editions.filter(deleted_at__isnull=True).exists():
                raise WorkflowError(
                    _("There is already a report for %(year)s.") % {"year": year}, code="exists"
                )
            if editions.exists():
                raise WorkflowError(
                    _(
                        "The report for %(year)s was deleted. Restore it from "
                        "“Deleted records” instead of starting a new one."
                    )
                    % {"year": year},
                    code="deleted",
                )
            if report.title != title:
                report.title = title
                report.save(update_fields=["title"])
        return _create(ReportEdition, user, organisation=organisation, report=report, number=1)


# --- texts and comments -----------------------------------------------------------------


def section_texts(edition: ReportEdition) -> dict[str, dict[str, str]]:
    """{section: {"text", "text_en"}} of an edition; one query."""
    return {
        row.section: {"text": row.text, "text_en": row.text_en}
        for row in SectionText.objects.filter(edition=edition)
    }


def section_text_save(
    *,
    edition: ReportEdition,
    section: str,
    text: str,
    text_en: str = "",
    version: int | None,
    user: Any = None,
) -> SectionText:
    """Save an editor's text. `version` is the text's version the editor started from
    (None: there was no text yet); a stale one raises `EditConflict` with what changed
    meanwhile (`hallbar.core.versions`), so the editor's input can be kept beside it."""
    if section not in SECTION_KEYS:
        raise WorkflowError(_("Unknown section %(key)s.") % {"key": section}, code="section")
    with transaction.atomic():
        edition = _locked(edition)
        _require_status(edition, EditionStatus.DRAFT, action="edit")
        current = (
            SectionText.objects.select_for_update().filter(edition=edition, section=section).first()
        )
        if current is None:
            if version not in (None, 0):
                raise WorkflowError(_("The text you edited no longer exists."), code="gone")
            return _create(
                SectionText,
                user,
                organisation=edition.organisation,
                edition=edition,
                section=section,
                text=text,
                text_en=text_en,
                updated_by=user,
            )
        yours = {"text": text, "text_en": text_en}
        if version is None:  # the editor started before anyone wrote this text
            raise EditConflict(
                current.version,
                changes_since_created(current, yours, field="version", names=yours),
            )
        check_version(current, version, yours, field="version", names=yours)
        current.text, current.text_en = text, text_en
        current.version += 1
        current.updated_by = user
        _save(current, user)
        return current


def checklist(edition: ReportEdition, texts: dict[str, dict[str, str]] | None = None):
    """(key, title, has_text, required) per section, in report order."""
    from hallbar.report.sections import SECTIONS

    texts = section_texts(edition) if texts is None else texts
    return [
        (
            section.key,
            section.display_title,
            bool((texts.get(section.key) or {}).get("text", "").strip()),
            section.required,
        )
        for section in SECTIONS
    ]


def missing_required(edition: ReportEdition, texts=None) -> list[str]:
    return [key for key, _title, has, required in checklist(edition, texts) if required and not has]


def comment_add(*, edition: ReportEdition, section: str, text: str, user: Any) -> SectionComment:
    if section not in SECTION_KEYS:
        raise WorkflowError(_("Unknown section %(key)s.") % {"key": section}, code="section")
    if not text.strip():
        raise WorkflowError(_("Write a comment."), code="empty")
    if edition.status == EditionStatus.PUBLISHED:
        raise FrozenEditionError(
            _("A published edition takes no comments. Comment on its next edition."),
            code="frozen",
        )
    return _create(
        SectionComment,
        user,
        organisation=edition.organisation,
        edition=edition,
        section=section,
        author=user,
        text=text.strip(),
    )


def comment_resolve(*, comment: SectionComment, user: Any) -> SectionComment:
    if not comment.resolved:
        comment.resolved = True
        comment.resolved_by = user
        comment.resolved_at = timezone.now()
        _save(comment, user, update_fields=["resolved", "resolved_by", "resolved_at"])
    return comment


# --- the workflow -------------------------------------------------------------------------


def edition_mark_ready(*, edition: ReportEdition, user: Any) -> ReportEdition:
    with transaction.atomic():
        edition = _locked(edition)
        _require_status(edition, EditionStatus.DRAFT, action="ready")
        missing = missing_required(edition)
        if missing:
            raise WorkflowError(
                _("These sections still lack text: %(sections)s.")
                % {"sections": ", ".join(section_title(key) for key in missing)},
                code="missing_texts",
            )
        edition.status = EditionStatus.READY_FOR_REVIEW
        edition.ready_at, edition.ready_by = timezone.now(), user
        _bump(edition)
        _save(edition, user)
    return edition


def edition_return_to_draft(*, edition: ReportEdition, user: Any) -> ReportEdition:
    with transaction.atomic():
        edition = _locked(edition)
        _require_status(
            edition,
            EditionStatus.READY_FOR_REVIEW,
            EditionStatus.REVIEWED,
            action="return",
        )
        edition.status = EditionStatus.DRAFT
        edition.ready_at = edition.ready_by = None
        edition.reviewed_at = edition.reviewed_by = edition.reviewed_body = None
        _bump(edition)
        _save(edition, user)
    return edition


def edition_mark_reviewed(*, edition: ReportEdition, user: Any, body: Body) -> ReportEdition:
    """Ledningsgruppen's review (`body`: the management group the reviewer sits in)."""
    with transaction.atomic():
        edition = _locked(edition)
        _require_status(edition, EditionStatus.READY_FOR_REVIEW, action="review")
        if body.organisation_id != edition.organisation_id:
            raise WorkflowError(_("Choose one of your organisation's own bodies."))
        edition.status = EditionStatus.REVIEWED
        edition.reviewed_at, edition.reviewed_by, edition.reviewed_body = timezone.now(), user, body
        _bump(edition)
        _save(edition, user)
    return edition


def edition_record_decision(
    *,
    edition: ReportEdition,
    user: Any,
    body: Body,
    decision_date: dt.date,
    paragraph: str = "",
) -> ReportEdition:
    """Record the decision (body, date, §). The body must hold the decide mandate over the
    sustainability report."""
    with transaction.atomic():
        edition = _locked(edition)
        _require_status(edition, EditionStatus.REVIEWED, action="decide")
        if body.organisation_id != edition.organisation_id:
            raise WorkflowError({"decided_by": _("Choose one of your organisation's own bodies.")})
        if not body_may_decide(body, MandateScope.REPORT):
            raise WorkflowError(
                {
                    "decided_by": ValidationError(
                        _(
                            "%(body)s has no mandate to decide the sustainability report. "
                            "Record the body that did."
                        ),
                        code="no_decide_mandate",
                        params={"body": body},
                    )
                }
            )
        if decision_date > timezone.localdate():
            raise WorkflowError({"decision_date": _("The decision date cannot be in the future.")})
        if decision_date.year < edition.report.year:
            raise WorkflowError(
                {"decision_date": _("The decision cannot come before the year the report covers.")}
            )
        edition.status = EditionStatus.DECIDED
        edition.decided_by, edition.decision_date = body, decision_date
        edition.decision_paragraph = paragraph.strip()
        edition.decision_recorded_at, edition.decision_recorded_by = timezone.now(), user
        _bump(edition)
        _save(edition, user)
    return edition


def edition_publish(*, edition: ReportEdition, user: Any) -> ReportEdition:
    """Freeze the edition: compile its full content in Swedish and English, store it as the
    snapshot with its content hash. Only a decided edition can be published."""
    with transaction.atomic():
        edition = _locked(edition)
        if edition.status == EditionStatus.PUBLISHED:
            raise FrozenEditionError(
                _("Edition %(number)s is already published.") % {"number": edition.number},
                code="frozen",
            )
        if edition.status != EditionStatus.DECIDED:
            raise WorkflowError(
                _(
                    "Only a decided report can be published. Edition %(number)s is “%(status)s”: "
                    "record the decision (body, date, §) first."
                )
                % {"number": edition.number, "status": edition.get_status_display()},
                code="not_decided",
            )
        texts = section_texts(edition)
        languages = report_compile.compile_report(
            edition.organisation,
            edition.report.year,
            texts=texts,
            title=edition.report.title,
            edition=edition.number,
        )
        now = timezone.now()
        previous = edition.corrects.snapshot if edition.corrects_id else None
        meta = {
            "organisation": {
                "code": edition.organisation.code,
                "name": edition.organisation.name,
            },
            "year": edition.report.year,
            "title": edition.report.title,
            "titles": {language: tree["meta"]["title"] for language, tree in languages.items()},
            "edition": edition.number,
            "published_at": now.isoformat(),
            "decision": {
                "body": edition.decided_by.name,
                "date": edition.decision_date.isoformat(),
                "paragraph": edition.decision_paragraph,
            },
            "reviewed": {
                "body": edition.reviewed_body.name if edition.reviewed_body_id else "",
                "at": edition.reviewed_at.isoformat() if edition.reviewed_at else "",
            },
            "corrects": edition.corrects.number if edition.corrects_id else None,
            "correction_note": edition.correction_note,
            "texts": texts,
        }
        snapshot = make_snapshot(
            languages=languages,
            meta=meta,
            changes=changes_between(previous, languages["sv"], texts),
        )
        edition.snapshot = snapshot
        edition.content_hash = content_hash(snapshot)
        edition.published_at, edition.published_by = now, user
        edition.status = EditionStatus.PUBLISHED
        _bump(edition)
        _save(edition, user)
    return edition


def edition_correct(*, edition: ReportEdition, user: Any, note: str) -> ReportEdition:
    """A new edition correcting a published one: a draft with the same texts, that names
    what changes and why. Only the latest edition can be corrected."""
    note = note.strip()
    if not note:
        raise WorkflowError(
            {"correction_note": _("Say what the new edition changes, and why.")}, code="note"
        )
    with transaction.atomic():
        edition = _locked(edition)
        if edition.status != EditionStatus.PUBLISHED:
            raise WorkflowError(
                _("Only a published edition is corrected by a new edition; edit this one."),
                code="not_published",
            )
        latest = ReportEdition.objects.filter(report=edition.report).order_by("-number").first()
        if latest.pk != edition.pk:
            raise WorkflowError(
                _("Edition %(number)s already exists: correct the latest edition.")
                % {"number": latest.number},
                code="not_latest",
            )
        new = _create(
            ReportEdition,
            user,
            organisation=edition.organisation,
            report=edition.report,
            # Deleted editions keep their numbers.
            number=ReportEdition._base_manager.filter(report=edition.report).aggregate(
                models.Max("number")
            )["number__max"]
            + 1,
            corrects=edition,
            correction_note=note,
        )
        SectionText.objects.bulk_create(
            SectionText(
                organisation=edition.organisation,
                edition=new,
                section=row.section,
                text=row.text,
                text_en=row.text_en,
                updated_by=user,
            )
            for row in SectionText.objects.filter(edition=edition)
        )
    return new


# The steps a form offers, by status (views and the page's workflow panel).
NEXT_STEP = {
    EditionStatus.DRAFT: "ready",
    EditionStatus.READY_FOR_REVIEW: "review",
    EditionStatus.REVIEWED: "decide",
    EditionStatus.DECIDED: "publish",
}
