"""Pages of the steering chain: registers, detail pages and edit forms.

Every view starts with `access.require()` (the organisation, the object seen through
`visibility.py`, the permission); a form is saved only when `access.write_allowed()`
accepts the object as it would be saved. Reads go through `selectors`, writes through
`services`. Register pages render one partial for the results, returned alone to htmx
so the filters can update the list in place.
"""

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hallbar.organisation import access
from hallbar.organisation.mandates import ACTION_SCOPES, DOCUMENT_SCOPES, GOAL_SCOPES
from hallbar.organisation.models import Organisation
from hallbar.steering import selectors, services, visibility
from hallbar.steering.forms import (
    ActionFilterForm,
    ActionForm,
    DocumentFilterForm,
    GoalFilterForm,
    LocalGoalForm,
    SteeringDocumentForm,
)


def _render_register(
    request: HttpRequest, template: str, results_template: str, context: dict[str, Any]
) -> HttpResponse:
    """The full page, or only the results when htmx asks for them after a filter change."""
    context = {**context, "results_template": results_template}
    if request.htmx and request.htmx.target == context["results_id"]:
        response = render(request, results_template, context)
    else:
        response = render(request, template, context)
    # The same URL answers with a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _reader_context(granted: access.Granted, add_permission: str) -> dict[str, Any]:
    # Selectors take the answer, not the user: they stay free of request state.
    return {
        "organisation": granted.organisation,
        "can_edit": granted.may(add_permission),
        "include_drafts": granted.actor.sees_drafts,
    }


def _detail(get: Callable[..., Any], pk: int) -> access.Lookup:
    """Look up a detail page's object through its selector (visibility included)."""
    return lambda organisation, include_drafts: get(
        organisation=organisation, pk=pk, include_drafts=include_drafts
    )


def _visible(visible: Callable[..., Any], pk: int) -> access.Lookup:
    """Look up an object to edit among those the user may see."""
    return lambda organisation, include_drafts: (
        visible(organisation=organisation, include_drafts=include_drafts).filter(pk=pk).first()
    )


def _form_page(
    request: HttpRequest,
    *,
    organisation: Organisation,
    form: forms.BaseForm,
    heading: str,
    cancel_url: str,
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "form": form,
        "heading": heading,
        "cancel_url": cancel_url,
    }
    return render(request, "steering/edit_form.html", context)


def _save(form: forms.BaseForm, write: Callable[[], Any]) -> Any:
    """Run a service write; turn its refusals into form errors. None if not saved."""
    try:
        return write()
    except services.EditConflict as conflict:
        # Keep what the user typed, stamped with the current version: saving again
        # is then a deliberate choice to replace the other person's changes.
        data = form.data.copy()
        data["version"] = conflict.current_version.isoformat()
        form.data = data
        form.add_error(
            None,
            _(
                "Someone else saved this after you opened it. Your changes are not saved "
                "yet: open the page in a new tab to see the other changes, then save again "
                "to replace them with yours."
            ),
        )
    except ValidationError as error:
        # The form checks the same rules first; this is the service's second line of
        # defence, shown on the field it names where the form has one.
        if hasattr(error, "error_dict"):
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            form.add_error(None, error)
    return None


def _scalar_fields(form: forms.BaseForm, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in names}


# Steering documents


def document_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    context = _reader_context(granted, "steering.add_document")
    filter_form = DocumentFilterForm(request.GET or None, organisation=organisation)
    documents = selectors.document_list(
        organisation=organisation,
        include_drafts=context["include_drafts"],
        filters=filter_form.filters(),
    )
    context |= {
        "filter_form": filter_form,
        "documents": documents,
        "results_id": "document-results",
    }
    return _render_register(
        request, "steering/document_list.html", "steering/includes/document_results.html", context
    )


def document_detail(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(
        request, org_code, "organisation.view", lookup=_detail(selectors.document_get, pk)
    )
    document = granted.obj
    context = _reader_context(granted, "steering.add_document")
    context |= {
        "can_edit": granted.may("steering.change_document", document),
        "document": document,
        "targets": document.targets.all(),
        # Who changed what is shown to those who can edit, not to the public.
        "history": selectors.history_of(document) if context["can_edit"] else [],
    }
    return render(request, "steering/document_detail.html", context)


@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "steering.add_document")
    organisation = granted.organisation
    form = SteeringDocumentForm(
        request.POST or None, organisation=organisation, initial=_initial_from_query(request)
    )
    access.restrict_body_choices(form, granted.actor, "responsible_body", DOCUMENT_SCOPES)
    if request.method == "POST" and access.write_allowed(
        request, granted, "steering.save_document", form
    ):
        document = _save(
            form,
            lambda: services.document_create(organisation=organisation, **_document_data(form)),
        )
        if document is not None:
            messages.success(request, _("The steering document was saved."))
            return redirect(_detail_url("steering:document_detail", organisation, document.pk))
    return _form_page(
        request,
        organisation=organisation,
        form=form,
        heading=_("New steering document"),
        cancel_url=_list_url("steering:document_list", organisation),
    )


@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(
        request,
        org_code,
        "steering.change_document",
        lookup=_visible(visibility.documents_visible, pk),
    )
    organisation, document = granted.organisation, granted.obj
    url = _detail_url("steering:document_detail", organisation, pk)
    title = document.title
    form = SteeringDocumentForm(request.POST or None, instance=document, organisation=organisation)
    access.restrict_body_choices(form, granted.actor, "responsible_body", DOCUMENT_SCOPES)
    if request.method == "POST" and access.write_allowed(
        request, granted, "steering.save_document", form
    ):
        saved = _save(
            form,
            lambda: services.document_update(
                document=document,
                expected_version=form.cleaned_data["version"],
                **_document_data(form),
            ),
        )
        if saved is not None:
            messages.success(request, _("The steering document was saved."))
            return redirect(url)
    return _form_page(
        request,
        organisation=organisation,
        form=form,
        heading=_("Edit “%(title)s”") % {"title": title},
        cancel_url=url,
    )


def _document_data(form: forms.BaseForm) -> dict[str, Any]:
    return {
        "fields": _scalar_fields(form, services.DOCUMENT_FIELDS),
        "dimensions": form.cleaned_data["dimensions"],
        "applies_to": form.cleaned_data["applies_to"],
        "targets": form.cleaned_data["target_codes"],
    }


# Local goals


def goal_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    context = _reader_context(granted, "steering.add_goal")
    filter_form = GoalFilterForm(request.GET or None, organisation=organisation)
    goals = selectors.goal_list(
        organisation=organisation,
        include_drafts=context["include_drafts"],
        filters=filter_form.filters(),
    )
    context |= {"filter_form": filter_form, "goals": goals, "results_id": "goal-results"}
    return _render_register(
        request, "steering/goal_list.html", "steering/includes/goal_results.html", context
    )


def goal_detail(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(
        request, org_code, "organisation.view", lookup=_detail(selectors.goal_get, pk)
    )
    goal = granted.obj
    context = _reader_context(granted, "steering.add_goal")
    context |= {
        "can_edit": granted.may("steering.change_goal", goal),
        "goal": goal,
        "targets": goal.targets.all(),
        # Who changed what is shown to those who can edit, not to the public.
        "history": selectors.history_of(goal) if context["can_edit"] else [],
    }
    return render(request, "steering/goal_detail.html", context)


@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "steering.add_goal")
    organisation = granted.organisation
    form = LocalGoalForm(
        request.POST or None, organisation=organisation, initial=_initial_from_query(request)
    )
    access.restrict_body_choices(form, granted.actor, "body", GOAL_SCOPES)
    if request.method == "POST" and access.write_allowed(
        request, granted, "steering.save_goal", form
    ):
        goal = _save(
            form,
            lambda: services.goal_create(organisation=organisation, **_goal_data(form)),
        )
        if goal is not None:
            messages.success(request, _("The goal was saved."))
            return redirect(_detail_url("steering:goal_detail", organisation, goal.pk))
    return _form_page(
        request,
        organisation=organisation,
        form=form,
        heading=_("New local goal"),
        cancel_url=_list_url("steering:goal_list", organisation),
    )


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(
        request, org_code, "steering.change_goal", lookup=_visible(visibility.goals_visible, pk)
    )
    organisation, goal = granted.organisation, granted.obj
    url = _detail_url("steering:goal_detail", organisation, pk)
    title = goal.title
    form = LocalGoalForm(request.POST or None, instance=goal, organisation=organisation)
    access.restrict_body_choices(form, granted.actor, "body", GOAL_SCOPES)
    if request.method == "POST" and access.write_allowed(
        request, granted, "steering.save_goal", form
    ):
        saved = _save(
            form,
            lambda: services.goal_update(
                goal=goal, expected_version=form.cleaned_data["version"], **_goal_data(form)
            ),
        )
        if saved is not None:
            messages.success(request, _("The goal was saved."))
            return redirect(url)
    return _form_page(
        request,
        organisation=organisation,
        form=form,
        heading=_("Edit “%(title)s”") % {"title": title},
        cancel_url=url,
    )


def _goal_data(form: forms.BaseForm) -> dict[str, Any]:
    return {
        "fields": _scalar_fields(form, services.GOAL_FIELDS),
        "targets": form.cleaned_data["target_codes"],
        "other_goals": form.cleaned_data["other_goals"],
    }


# Actions


def action_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    context = _reader_context(granted, "steering.add_action")
    filter_form = ActionFilterForm(request.GET or None, organisation=organisation)
    # The plan filter names plans: only those the reader may see (a draft plan's title
    # is not public).
    plan = filter_form.fields["plan"]
    plan.queryset = plan.queryset.filter(
        pk__in=visibility.documents_visible(
            organisation=organisation, include_drafts=context["include_drafts"]
        ).values("pk")
    )
    actions = selectors.action_list(
        organisation=organisation,
        include_drafts=context["include_drafts"],
        filters=filter_form.filters(),
    )
    context |= {"filter_form": filter_form, "actions": actions, "results_id": "action-results"}
    return _render_register(
        request, "steering/action_list.html", "steering/includes/action_results.html", context
    )


def action_detail(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(
        request, org_code, "organisation.view", lookup=_detail(selectors.action_get, pk)
    )
    action = granted.obj
    context = _reader_context(granted, "steering.add_action")
    context |= {
        "can_edit": granted.may("steering.change_action", action),
        "action": action,
        "targets": action.targets.all(),
        # Who changed what is shown to those who can edit, not to the public.
        "history": selectors.history_of(action) if context["can_edit"] else [],
    }
    return render(request, "steering/action_detail.html", context)


@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "steering.add_action")
    organisation = granted.organisation
    form = ActionForm(
        request.POST or None, organisation=organisation, initial=_initial_from_query(request)
    )
    access.restrict_body_choices(form, granted.actor, "body", ACTION_SCOPES)
    if request.method == "POST" and access.write_allowed(
        request, granted, "steering.save_action", form
    ):
        action = _save(
            form,
            lambda: services.action_create(
                organisation=organisation, created_by=request.user, **_action_data(form)
            ),
        )
        if action is not None:
            messages.success(request, _("The action was saved."))
            return redirect(_detail_url("steering:action_detail", organisation, action.pk))
    return _form_page(
        request,
        organisation=organisation,
        form=form,
        heading=_("New action"),
        cancel_url=_list_url("steering:action_list", organisation),
    )


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(
        request,
        org_code,
        "steering.change_action",
        lookup=_visible(visibility.actions_visible, pk),
    )
    organisation, action = granted.organisation, granted.obj
    url = _detail_url("steering:action_detail", organisation, pk)
    title = action.title
    form = ActionForm(request.POST or None, instance=action, organisation=organisation)
    access.restrict_body_choices(form, granted.actor, "body", ACTION_SCOPES)
    if request.method == "POST" and access.write_allowed(
        request, granted, "steering.save_action", form
    ):
        saved = _save(
            form,
            lambda: services.action_update(
                action=action, expected_version=form.cleaned_data["version"], **_action_data(form)
            ),
        )
        if saved is not None:
            messages.success(request, _("The action was saved."))
            return redirect(url)
    return _form_page(
        request,
        organisation=organisation,
        form=form,
        heading=_("Edit “%(title)s”") % {"title": title},
        cancel_url=url,
    )


def _action_data(form: forms.BaseForm) -> dict[str, Any]:
    return {
        "fields": _scalar_fields(form, services.ACTION_FIELDS),
        "targets": form.cleaned_data["target_codes"],
        "local_goals": form.cleaned_data["local_goals"],
    }


# Helpers


# Links from other pages preselect what they came from: "add an action to this plan"
# (?plan=12), "a new goal for this target" (?targets=11.2). Only a starting value:
# the form validates it like anything typed.
_PRESELECTABLE = ("document", "plan", "parent")
_NOT_IN_A_CODE_LIST = re.compile(r"[^0-9A-Za-z.,; ]")


def _initial_from_query(request: HttpRequest) -> dict[str, str]:
    if request.method != "GET":
        return {}
    initial = {
        name: request.GET[name] for name in _PRESELECTABLE if request.GET.get(name, "").isdigit()
    }
    if codes := _NOT_IN_A_CODE_LIST.sub("", request.GET.get("targets", ""))[:200]:
        initial["target_codes"] = codes
    return initial


def _list_url(name: str, organisation: Organisation) -> str:
    return reverse(name, kwargs={"org_code": organisation.code})


def _detail_url(name: str, organisation: Organisation, pk: int) -> str:
    return reverse(name, kwargs={"org_code": organisation.code, "pk": pk})
