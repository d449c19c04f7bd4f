"""Pages of the sustainability report: the register, an edition (web page, PDF, open data),
and the workflow (texts, comments, steps, decision, publishing, corrections).

Every view starts with `access.require()`; a draft edition is found only by the
organisation's own readers (others get 404). A published edition is served from its
snapshot with a fixed number of queries, however large the report.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hallbar.core.forms import show_edit_conflict, submitted
from hallbar.core.versions import EditConflict
from hallbar.organisation import access
from hallbar.organisation.models import Body, BodyKind
from hallbar.organisation.permissions import report_reviewing_bodies
from hallbar.report import outputs, selectors, services
from hallbar.report.forms import CorrectionForm, DecisionForm, ReportCreateForm, SectionTextForm
from hallbar.report.models import EditionStatus, ReportEdition, SectionComment, SectionText
from hallbar.report.sections import BY_KEY


def _edition(pk: int) -> access.Lookup:
    return lambda organisation, include_drafts: selectors.edition_get(
        organisation=organisation, pk=pk, include_drafts=include_drafts
    )


def _detail_url(edition: ReportEdition) -> str:
    return reverse(
        "report:edition_detail",
        kwargs={"org_code": edition.organisation.code, "pk": edition.pk},
    )


def _refusal_message(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- reading ------------------------------------------------------------------------------


def report_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    editions = selectors.editions_visible(
        organisation=organisation, include_drafts=granted.actor.sees_drafts
    )
    context = {
        "organisation": organisation,
        "editions": list(editions),
        "can_create": granted.may("report.edit"),
    }
    return render(request, "report/report_list.html", context)


def _workflow(granted: access.Granted, edition: ReportEdition) -> dict[str, Any] | None:
    """The workflow panel for the organisation's own readers; None for everyone else."""
    if not granted.actor.sees_drafts:
        return None
    organisation = granted.organisation
    can_edit = granted.may("report.edit")
    steps = []

    def step(name: str, label: str) -> None:
        url = reverse(
            "report:edition_step",
            kwargs={"org_code": organisation.code, "pk": edition.pk, "step": name},
        )
        steps.append({"url": url, "label": label})

    status = edition.status
    if status == EditionStatus.DRAFT and can_edit:
        step("ready", _("Mark ready for review"))
    if status == EditionStatus.READY_FOR_REVIEW and granted.may("report.review"):
        step("review", _("Mark reviewed"))
    if status in (EditionStatus.READY_FOR_REVIEW, EditionStatus.REVIEWED) and can_edit:
        step("return", _("Return to draft"))
    if status == EditionStatus.DECIDED and granted.may("report.publish"):
        step("publish", _("Publish and freeze"))
    decide_url = correct_url = None
    if status == EditionStatus.REVIEWED and granted.may("report.record_decision", edition):
        decide_url = reverse(
            "report:edition_decide", kwargs={"org_code": organisation.code, "pk": edition.pk}
        )
    if status == EditionStatus.PUBLISHED and can_edit:
        correct_url = reverse(
            "report:edition_correct", kwargs={"org_code": organisation.code, "pk": edition.pk}
        )
    checklist = []
    if status != EditionStatus.PUBLISHED:
        comments: dict[str, list[SectionComment]] = {}
        for comment in SectionComment.objects.filter(edition=edition).select_related("author"):
            comments.setdefault(comment.section, []).append(comment)
        for key, title, has_text, required in services.checklist(edition):
            checklist.append(
                {
                    "key": key,
                    "title": title,
                    "has_text": has_text,
                    "required": required,
                    "comments": comments.get(key, []),
                }
            )
    return {
        "steps": steps,
        "decide_url": decide_url,
        "correct_url": correct_url,
        "checklist": checklist,
        "can_edit": can_edit,
        "texts_editable": status == EditionStatus.DRAFT,
        "can_comment": status != EditionStatus.PUBLISHED and granted.may("report.comment"),
        "history_url": reverse(
            "report:edition_history", kwargs={"org_code": organisation.code, "pk": edition.pk}
        ),
        # A published edition is never deleted (hallbar/report/records.py).
        "delete_url": reverse(
            "report:edition_delete", kwargs={"org_code": organisation.code, "pk": edition.pk}
        )
        if status != EditionStatus.PUBLISHED and granted.may("report.delete_edition", edition)
        else "",
    }


def edition_detail(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view", lookup=_edition(pk))
    edition: ReportEdition = granted.obj
    content = selectors.edition_content(edition)
    siblings = list(
        ReportEdition.objects.filter(report_id=edition.report_id)
        .visible(include_drafts=granted.actor.sees_drafts)
        .exclude(pk=edition.pk)
        .defer("snapshot")
        .order_by("number")
    )
    newer = next(
        (
            e
            for e in reversed(siblings)
            if e.number > edition.number and e.status == EditionStatus.PUBLISHED
        ),
        None,
    )
    context = {
        "organisation": granted.organisation,
        **outputs.page_context(content),
        "other_editions": siblings,
        "newer": newer,
        "workflow": _workflow(granted, edition),
    }
    return render(request, "report/edition.html", context)


def _download(filename: str, content_type: str, data: bytes, *, inline: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def edition_pdf(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view", lookup=_edition(pk))
    edition: ReportEdition = granted.obj
    language = selectors.report_language()
    key = f"report-pdf:{edition.content_hash}:{language}"
    cached = cache.get(key) if edition.is_published else None
    if cached is None:
        cached = outputs.render_pdf_bytes(selectors.edition_content(edition, language))
        if edition.is_published:
            # The snapshot never changes: its PDF can be kept as long as the cache will.
            cache.set(key, cached, 60 * 60 * 24)
    filename, content_type, data = cached
    return _download(filename, content_type, data, inline=True)


def edition_data(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view", lookup=_edition(pk))
    content = selectors.edition_content(granted.obj)
    filename, content_type, data = outputs.render_open_data(content)
    return _download(filename, content_type, data, inline=False)


# --- writing ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "report.edit")
    organisation = granted.organisation
    form = ReportCreateForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            edition = services.report_create(
                organisation=organisation,
                year=form.cleaned_data["year"],
                title=form.cleaned_data["title"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error("year", error)
        else:
            messages.success(request, _("The report is created as a draft."))
            return redirect(_detail_url(edition))
    return render(
        request,
        "report/form.html",
        {
            "organisation": organisation,
            "form": form,
            "heading": _("New sustainability report"),
            "cancel_url": reverse("report:report_list", kwargs={"org_code": organisation.code}),
        },
    )


@require_http_methods(["GET", "POST"])
def section_text(request: HttpRequest, org_code: str, pk: int, section: str) -> HttpResponse:
    granted = access.require(request, org_code, "report.edit", lookup=_edition(pk))
    edition: ReportEdition = granted.obj
    if section not in BY_KEY:
        raise Http404
    current = SectionText.objects.filter(edition=edition, section=section).first()
    initial = {
        "text": current.text if current else "",
        "text_en": current.text_en if current else "",
        "version": current.version if current else 0,
    }
    form = SectionTextForm(submitted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_text_save(
                edition=edition,
                section=section,
                text=form.cleaned_data["text"],
                text_en=form.cleaned_data["text_en"],
                version=form.cleaned_data["version"] or None,
                user=request.user,
            )
        except EditConflict as stale:
            show_edit_conflict(
                form, stale, message=_("Your text is not saved yet: see the text saved meanwhile.")
            )
        except ValidationError as error:
            form.add_error(None, _refusal_message(error))
        else:
            messages.success(request, _("The text is saved."))
            return redirect(_detail_url(edition))
    return render(
        request,
        "report/form.html",
        {
            "organisation": granted.organisation,
            "form": form,
            "heading": _("Text: %(section)s") % {"section": BY_KEY[section].display_title},
            "intro": str(BY_KEY[section].help or ""),
            "cancel_url": _detail_url(edition),
        },
    )


@require_POST
def comment_add(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "report.comment", lookup=_edition(pk))
    edition: ReportEdition = granted.obj
    try:
        services.comment_add(
            edition=edition,
            section=request.POST.get("section", ""),
            text=request.POST.get("text", ""),
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, _refusal_message(error))
    else:
        messages.success(request, _("Your comment is added."))
    return redirect(_detail_url(edition))


@require_POST
def comment_resolve(request: HttpRequest, org_code: str, pk: int, comment_id: int) -> HttpResponse:
    granted = access.require(request, org_code, "report.edit", lookup=_edition(pk))
    edition: ReportEdition = granted.obj
    comment = SectionComment.objects.filter(edition=edition, pk=comment_id).first()
    if comment is None:
        raise Http404
    services.comment_resolve(comment=comment, user=request.user)
    messages.success(request, _("The comment is marked resolved."))
    return redirect(_detail_url(edition))


STEP_PERMISSIONS = {
    "ready": "report.edit",
    "return": "report.edit",
    "review": "report.review",
    "publish": "report.publish",
}


def _reviewing_body(granted: access.Granted) -> Body | None:
    bodies = report_reviewing_bodies(granted.actor)
    candidates = Body.objects.for_organisation(granted.organisation).filter(
        kind=BodyKind.MANAGEMENT_GROUP, is_active=True
    )
    if bodies:
        candidates = candidates.filter(pk__in=bodies)
    return candidates.order_by("pk").first()


@require_POST
def edition_step(request: HttpRequest, org_code: str, pk: int, step: str) -> HttpResponse:
    if step not in STEP_PERMISSIONS:
        raise Http404
    granted = access.require(request, org_code, STEP_PERMISSIONS[step], lookup=_edition(pk))
    edition: ReportEdition = granted.obj
    user = request.user
    try:
        if step == "ready":
            services.edition_mark_ready(edition=edition, user=user)
            done = _("The edition is ready for review.")
        elif step == "return":
            services.edition_return_to_draft(edition=edition, user=user)
            done = _("The edition is a draft again.")
        elif step == "review":
            body = _reviewing_body(granted)
            if body is None:
                raise services.WorkflowError(_("The organisation has no management group."))
            services.edition_mark_reviewed(edition=edition, user=user, body=body)
            done = _("The edition is marked reviewed.")
        else:
            services.edition_publish(edition=edition, user=user)
            done = _("The edition is published. Its content is frozen.")
    except ValidationError as error:
        messages.error(request, _refusal_message(error))
    else:
        messages.success(request, done)
    return redirect(_detail_url(edition))


@require_http_methods(["GET", "POST"])
def edition_decide(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "report.record_decision", lookup=_edition(pk))
    edition: ReportEdition = granted.obj
    form = DecisionForm(submitted(request), organisation=granted.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.edition_record_decision(
                edition=edition,
                user=request.user,
                body=form.cleaned_data["decided_by"],
                decision_date=form.cleaned_data["decision_date"],
                paragraph=form.cleaned_data["paragraph"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, _refusal_message(error))
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect(_detail_url(edition))
    return render(
        request,
        "report/form.html",
        {
            "organisation": granted.organisation,
            "form": form,
            "heading": _("Record the decision on the report"),
            "cancel_url": _detail_url(edition),
        },
    )


@require_http_methods(["GET", "POST"])
def edition_correct(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "report.edit", lookup=_edition(pk))
    edition: ReportEdition = granted.obj
    form = CorrectionForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            new = services.edition_correct(
                edition=edition, user=request.user, note=form.cleaned_data["correction_note"]
            )
        except ValidationError as error:
            form.add_error(None, _refusal_message(error))
        else:
            messages.success(request, _("A new edition is started as a draft."))
            return redirect(_detail_url(new))
    return render(
        request,
        "report/form.html",
        {
            "organisation": granted.organisation,
            "form": form,
            "heading": _("Correct edition %(number)s") % {"number": edition.number},
            "intro": _(
                "The published edition stays as it is. The new edition starts as a draft "
                "with the same texts and goes through review and decision again."
            ),
            "cancel_url": _detail_url(edition),
        },
    )
