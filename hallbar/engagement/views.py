"""Pages of proposals and comments (all internal: the organisation's own people).

- the proposals list and a proposal's page with its history;
- the submit form (members of a body that prepares, advises or initiates: the
  sustainability council's members, co-opted external ones too);
- the answer form (the receiving body's officers, the writers of the subject's kind;
  never the council's members: they propose, they do not decide);
- the comments on an object, and the form to add one.

Every view starts with `access.require`; other organisations' objects are 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hallbar.core import records
from hallbar.core.forms import submitted
from hallbar.engagement import selectors, services, subjects
from hallbar.engagement.forms import CommentForm, ProposalForm, RespondForm
from hallbar.engagement.models import Proposal, ProposalStatus
from hallbar.organisation import access
from hallbar.organisation.models import Organisation


def _proposal_lookup(pk: int):
    """The organisation's proposal, for its internal readers only (others: 404)."""

    def lookup(organisation: Organisation, include_drafts: bool) -> Proposal | None:
        if not include_drafts:
            return None
        return selectors.proposal_get(organisation=organisation, pk=pk)

    return lookup


def _subject_lookup(key: str, pk: int):
    def lookup(organisation: Organisation, include_drafts: bool) -> Any:
        if not include_drafts:
            return None
        return subjects.find(organisation, key, pk)

    return lookup


def _url(route: str, organisation: Organisation, **kwargs: Any) -> str:
    return reverse(route, kwargs={"org_code": organisation.code, **kwargs})


def proposal_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "engagement.view_proposals")
    organisation = granted.organisation
    status = request.GET.get("status", "")
    if status not in ProposalStatus.values:
        status = ""
    proposals = selectors.proposal_list(organisation=organisation, status=status or None)
    return render(
        request,
        "engagement/proposal_list.html",
        {
            "organisation": organisation,
            "proposals": proposals,
            "status": status,
            "statuses": ProposalStatus.choices,
            "can_submit": granted.may("engagement.submit_proposal"),
        },
    )


@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "engagement.submit_proposal")
    organisation = granted.organisation
    initial: dict[str, Any] = {}
    if request.method == "GET":
        subject = subjects.parse(organisation, request.GET.get("subject"))
        if subject is not None:
            initial["subject"] = subjects.token(subject)
            initial["title"] = _("Proposal on “%(title)s”") % {"title": subjects.title(subject)}
        values = {
            key.removeprefix("value_"): value
            for key, value in request.GET.items()
            if key.startswith("value_") and value
        }
        if values:
            initial["proposed_values"] = json.dumps(values, ensure_ascii=False)
    form = ProposalForm(
        submitted(request),
        organisation=organisation,
        user=request.user,
        initial=initial,
    )
    if request.method == "POST" and access.write_allowed(
        request, granted, "engagement.submit_proposal", form
    ):
        data = form.cleaned_data
        try:
            proposal = services.proposal_submit(
                request.user,
                organisation,
                title=data["title"],
                text=data["text"],
                to_body=data["to_body"],
                subject=data["subject"],
                targets=data["target_codes"],
                proposed_values=data["proposed_values"],
                from_body=data["from_body"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your proposal was submitted."))
            return redirect(_url("engagement:proposal_detail", organisation, pk=proposal.pk))
    # What the proposal is about, as the form carries it (a forged one is not found).
    subject = subjects.parse(organisation, form["subject"].value())
    return render(
        request,
        "engagement/proposal_form.html",
        {
            "organisation": organisation,
            "form": form,
            "subject": subject,
            "subject_url": subjects.url(subject, organisation.code),
            "subject_kind": subjects.verbose_name(subject),
            "proposed_values": _values(form["proposed_values"].value()),
        },
    )


def _values(raw: Any) -> dict:
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            name = "target_codes" if field == "targets" else field
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def proposal_detail(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(
        request, org_code, "engagement.view_proposals", lookup=_proposal_lookup(pk)
    )
    organisation, proposal = granted.organisation, granted.obj
    return render(
        request,
        "engagement/proposal_detail.html",
        {
            "organisation": organisation,
            "proposal": proposal,
            "subject": proposal.subject,
            "subject_url": subjects.url(proposal.subject, organisation.code),
            "history": records.object_history(
                organisation=organisation, kind="proposal", pk=proposal.pk
            ),
            "comments": list(services.comments_for(proposal)),
            "can_respond": granted.may("engagement.respond_proposal", proposal),
            "can_delete": granted.may("engagement.delete_proposal", proposal),
        },
    )


@require_http_methods(["GET", "POST"])
def proposal_respond(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(
        request, org_code, "engagement.respond_proposal", lookup=_proposal_lookup(pk)
    )
    organisation, proposal = granted.organisation, granted.obj
    form = RespondForm(
        submitted(request),
        initial={
            "version": proposal.version,
            "status": proposal.status if proposal.status != ProposalStatus.SUBMITTED else None,
            "response": proposal.response,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.proposal_respond(
                request.user,
                proposal,
                data["status"],
                data["response"],
                version=data["version"],
            )
        except services.StaleProposal as error:
            stale = error
            # The input stays; answering again replaces the answer given meanwhile.
            bound = form.data.copy()
            bound["version"] = str(error.proposal.version)
            form.data = bound
            form.add_error(
                None,
                _(
                    "Someone else answered this proposal after you opened it. Your answer is "
                    "not saved. Compare it with theirs, then save again to replace it, or "
                    "cancel."
                ),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The answer was saved."))
            return redirect(_url("engagement:proposal_detail", organisation, pk=proposal.pk))
    return render(
        request,
        "engagement/proposal_respond.html",
        {"organisation": organisation, "proposal": proposal, "form": form, "stale": stale},
    )


@require_http_methods(["GET", "POST"])
def comment_create(request: HttpRequest, org_code: str, kind: str, pk: int) -> HttpResponse:
    """The comments on one object, and the form to add one (the include on object pages
    posts here and comes back)."""
    granted = access.require(
        request, org_code, "engagement.comment", lookup=_subject_lookup(kind, pk)
    )
    organisation, subject = granted.organisation, granted.obj
    form = CommentForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        services.comment_add(request.user, subject, form.cleaned_data["text"])
        messages.success(request, _("Your comment was saved."))
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = ""
        return redirect(back or _url("engagement:comment_create", organisation, kind=kind, pk=pk))
    return render(
        request,
        "engagement/comment_page.html",
        {
            "organisation": organisation,
            "subject": subject,
            "subject_title": subjects.title(subject),
            "subject_url": subjects.url(subject, organisation.code),
            "comments": list(services.comments_for(subject)),
            "form": form,
            "kind": kind,
        },
    )
