"""Pages of the steering chain: registers, detail pages and edit forms.

Every view starts with `access.require()` (the organisation, the object seen through
`visibility.py`, the permission); a form is saved only when `access.write_allowed()`
accepts the object as it would be saved. Reads go through `selectors`, writes through
`services`. Register pages render one partial for the results, returned alone to htmx
so the filters can update the list in place.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from hallbar.core.forms import submitted
from hallbar.organisation import access
from hallbar.organisation.mandates import ACTION_SCOPES, DOCUMENT_SCOPES, GOAL_SCOPES
from hallbar.organisation.models import Organisation
from hallbar.steering import focus, sections, selectors, services, visibility
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


def _focus_filters(filter_form: forms.Form, found: focus.Focus | None) -> dict[str, Any]:
    """The form's valid filters, "only prioritised targets" turned into the targets'
    ids (the set fetched once for the page by `focus.focus_for`)."""
    filters = filter_form.filters()  # type: ignore[attr-defined]
    if filters.pop("prioritised", False) and found is not None:
        filters["among_targets"] = found.target_ids
    return filters


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


# Create and edit pages: one flow for every kind (document, goal, action)


@dataclass(frozen=True)
class _Editor:
    """What differs between the kinds' create and edit pages. Permissions are
    `steering.add_<noun>` (a new one), `change_<noun>` (an existing one) and
    `save_<noun>` (the object as it would be saved)."""

    noun: str
    form_class: type[forms.ModelForm]
    visible: Callable[..., Any]  # visibility.*_visible: what may be edited
    body_field: str
    scopes: Any
    data: Callable[[forms.BaseForm], dict[str, Any]]
    create: Callable[[Organisation, Any, dict[str, Any]], Any]  # (organisation, user, data)
    update: Callable[[Any, Any, dict[str, Any]], Any]  # (object, expected version, data)
    new_heading: Any
    saved_message: Any


def _edit_page(
    request: HttpRequest, org_code: str, editor: _Editor, pk: int | None = None
) -> HttpResponse:
    """The create page (no `pk`) or the edit page of one object of the editor's kind."""
    if pk is None:
        granted = access.require(request, org_code, f"steering.add_{editor.noun}")
    else:
        granted = access.require(
            request,
            org_code,
            f"steering.change_{editor.noun}",
            lookup=_visible(editor.visible, pk),
        )
    organisation, obj = granted.organisation, granted.obj
    if obj is None:
        form = editor.form_class(
            submitted(request), organisation=organisation, initial=_initial_from_query(request)
        )
        heading = str(editor.new_heading)
        cancel_url = _list_url(f"steering:{editor.noun}_list", organisation)
    else:
        form = editor.form_class(submitted(request), instance=obj, organisation=organisation)
        # The title as saved: validating the form changes the object in memory.
        heading = _("Edit “%(title)s”") % {"title": obj.title}
        cancel_url = _detail_url(f"steering:{editor.noun}_detail", organisation, obj.pk)
    access.restrict_body_choices(form, granted.actor, editor.body_field, editor.scopes)
    if request.method == "POST" and access.write_allowed(
        request, granted, f"steering.save_{editor.noun}", form
    ):
        if obj is None:
            saved = _save(
                form, lambda: editor.create(organisation, request.user, editor.data(form))
            )
        else:
            saved = _save(
                form,
                lambda: editor.update(obj, form.cleaned_data["version"], editor.data(form)),
            )
        if saved is not None:
            messages.success(request, str(editor.saved_message))
            return redirect(_detail_url(f"steering:{editor.noun}_detail", organisation, saved.pk))
    return _form_page(
        request, organisation=organisation, form=form, heading=heading, cancel_url=cancel_url
    )


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
    context["object_sections"] = sections.render_object_sections(request, document)
    return render(request, "steering/document_detail.html", context)


def _document_data(form: forms.BaseForm) -> dict[str, Any]:
    return {
        "fields": _scalar_fields(form, services.DOCUMENT_FIELDS),
        "dimensions": form.cleaned_data["dimensions"],
        "applies_to": form.cleaned_data["applies_to"],
        "targets": form.cleaned_data["target_codes"],
    }


_DOCUMENT_EDITOR = _Editor(
    noun="document",
    form_class=SteeringDocumentForm,
    visible=visibility.documents_visible,
    body_field="responsible_body",
    scopes=DOCUMENT_SCOPES,
    data=_document_data,
    create=lambda organisation, user, data: services.document_create(
        organisation=organisation, **data
    ),
    update=lambda document, version, data: services.document_update(
        document=document, expected_version=version, **data
    ),
    new_heading=gettext_lazy("New steering document"),
    saved_message=gettext_lazy("The steering document was saved."),
)


@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, org_code: str) -> HttpResponse:
    return _edit_page(request, org_code, _DOCUMENT_EDITOR)


@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    return _edit_page(request, org_code, _DOCUMENT_EDITOR, pk)


# Local goals


def goal_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    context = _reader_context(granted, "steering.add_goal")
    # The prioritised targets (a later app's, through focus.py): one query for the page.
    found = focus.focus_for(organisation, sees_drafts=context["include_drafts"])
    filter_form = GoalFilterForm(request.GET or None, organisation=organisation, focus=found)
    goals = selectors.goal_list(
        organisation=organisation,
        include_drafts=context["include_drafts"],
        filters=_focus_filters(filter_form, found),
    )
    context |= {
        "filter_form": filter_form,
        "goals": goals,
        "results_id": "goal-results",
        "focus": found,
    }
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
    context["object_sections"] = sections.render_object_sections(request, goal)
    return render(request, "steering/goal_detail.html", context)


def _goal_data(form: forms.BaseForm) -> dict[str, Any]:
    return {
        "fields": _scalar_fields(form, services.GOAL_FIELDS),
        "targets": form.cleaned_data["target_codes"],
        "other_goals": form.cleaned_data["other_goals"],
    }


_GOAL_EDITOR = _Editor(
    noun="goal",
    form_class=LocalGoalForm,
    visible=visibility.goals_visible,
    body_field="body",
    scopes=GOAL_SCOPES,
    data=_goal_data,
    create=lambda organisation, user, data: services.goal_create(organisation=organisation, **data),
    update=lambda goal, version, data: services.goal_update(
        goal=goal, expected_version=version, **data
    ),
    new_heading=gettext_lazy("New local goal"),
    saved_message=gettext_lazy("The goal was saved."),
)


@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, org_code: str) -> HttpResponse:
    return _edit_page(request, org_code, _GOAL_EDITOR)


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    return _edit_page(request, org_code, _GOAL_EDITOR, pk)


# Actions


def action_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    context = _reader_context(granted, "steering.add_action")
    # The prioritised targets (a later app's, through focus.py): one query for the page.
    found = focus.focus_for(organisation, sees_drafts=context["include_drafts"])
    filter_form = ActionFilterForm(request.GET or None, organisation=organisation, focus=found)
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
        filters=_focus_filters(filter_form, found),
    )
    context |= {
        "filter_form": filter_form,
        "actions": actions,
        "results_id": "action-results",
        "focus": found,
    }
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
    context["object_sections"] = sections.render_object_sections(request, action)
    return render(request, "steering/action_detail.html", context)


def _action_data(form: forms.BaseForm) -> dict[str, Any]:
    return {
        "fields": _scalar_fields(form, services.ACTION_FIELDS),
        "targets": form.cleaned_data["target_codes"],
        "local_goals": form.cleaned_data["local_goals"],
    }


_ACTION_EDITOR = _Editor(
    noun="action",
    form_class=ActionForm,
    visible=visibility.actions_visible,
    body_field="body",
    scopes=ACTION_SCOPES,
    data=_action_data,
    create=lambda organisation, user, data: services.action_create(
        organisation=organisation, created_by=user, **data
    ),
    update=lambda action, version, data: services.action_update(
        action=action, expected_version=version, **data
    ),
    new_heading=gettext_lazy("New action"),
    saved_message=gettext_lazy("The action was saved."),
)


@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, org_code: str) -> HttpResponse:
    return _edit_page(request, org_code, _ACTION_EDITOR)


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    return _edit_page(request, org_code, _ACTION_EDITOR, pk)


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
