"""Pages of the agenda app: an organisation's Swedish texts (one at a time, imported from
a CSV, and the template of missing ones) and its own goal sets.

Every view starts with `access.require()` (reading is open; writing the organisation's
texts and goal sets needs an organisation-wide mandate over them, as the analysis group
has); the reads and writes themselves live in `selectors.py` and `services.py`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallbar.agenda import selectors, services
from hallbar.agenda.forms import (
    GoalForm,
    GoalSetForm,
    IndicatorTextForm,
    TargetTextForm,
    TextImportForm,
)
from hallbar.agenda.models import GlobalIndicator, Goal, GoalSet, Target
from hallbar.agenda.translation_csv import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    TranslationFileError,
    render_missing_texts,
)
from hallbar.organisation import access
from hallbar.organisation.models import Organisation

# A file with thousands of bad rows is shown in part; the command line lists all.
ERRORS_SHOWN = 200

CONFLICT_MESSAGE = gettext_lazy(
    "Someone else saved this while you were editing. Their version is shown on this page; "
    "check it, then save yours again if it should replace theirs."
)


# Swedish texts of targets and indicators


def target_text_edit(request: HttpRequest, org_code: str, code: str) -> HttpResponse:
    organisation = access.require(request, org_code, "agenda.change_texts").organisation
    target = selectors.target_get(organisation=organisation, code=code)
    if target is None:
        raise Http404(f"No Agenda 2030 target {code}")
    return _text_edit(request, organisation, target=target)


def indicator_text_edit(request: HttpRequest, org_code: str, code: str) -> HttpResponse:
    organisation = access.require(request, org_code, "agenda.change_texts").organisation
    indicator = selectors.indicator_get(organisation=organisation, code=code)
    if indicator is None:
        raise Http404(f"No global indicator {code}")
    return _text_edit(request, organisation, indicator=indicator)


def _text_edit(
    request: HttpRequest,
    organisation: Organisation,
    *,
    target: Target | None = None,
    indicator: GlobalIndicator | None = None,
) -> HttpResponse:
    subject = {"target": target, "indicator": indicator}
    form_class = TargetTextForm if target is not None else IndicatorTextForm
    correction = selectors.text_correction_get(organisation=organisation, **subject)
    fingerprint = services.edit_fingerprint(correction, selectors.TEXT_FIELDS)

    if request.method == "POST" and "remove" in request.POST:
        try:
            removed = services.text_correction_remove(
                organisation=organisation,
                user=request.user,
                expected_fingerprint=request.POST.get("fingerprint", ""),
                **subject,
            )
        except services.EditConflict:
            messages.error(request, CONFLICT_MESSAGE)
        else:
            if removed:
                messages.success(
                    request,
                    _("Your organisation's text was removed; the shipped text shows again."),
                )
        return redirect(request.path)

    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.text_correction_save(
                    organisation=organisation,
                    text_sv=data["text_sv"],
                    short_title_sv=data.get("short_title_sv", ""),
                    note=data["note"],
                    user=request.user,
                    expected_fingerprint=data["fingerprint"],
                    **subject,
                )
            except services.EditConflict:
                form = _rebound_with(form, fingerprint)
                form.add_error(None, CONFLICT_MESSAGE)
            else:
                messages.success(
                    request,
                    _("The Swedish text was saved.")
                    if result.changed
                    else _("Nothing changed: the text was already saved like this."),
                )
                return redirect(request.path)
    else:
        form = form_class(initial=_text_initial(correction, target, indicator, fingerprint))

    return render(
        request,
        "agenda/text_edit.html",
        {
            "organisation": organisation,
            "target": target,
            "indicator": indicator,
            "subject": target or indicator,
            "parent_target": target or indicator.target,
            "kind": "target" if target is not None else "indicator",
            "correction": correction,
            "form": form,
            "history": selectors.text_history(organisation=organisation, **subject),
        },
    )


def _text_initial(correction, target, indicator, fingerprint: str) -> dict[str, Any]:
    if correction is not None:
        values = {name: getattr(correction, name) for name in selectors.TEXT_FIELDS}
    elif target is not None:
        # Start from the shipped wording: correcting it is the common case.
        values = {"short_title_sv": target.short_title_sv, "text_sv": target.text_sv}
    else:
        values = {"text_sv": indicator.title_sv}
    return {**values, "fingerprint": fingerprint}


def text_list(request: HttpRequest, org_code: str) -> HttpResponse:
    """Which texts the organisation sees in Swedish, its own texts, and the gaps."""
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    return render(
        request,
        "agenda/text_list.html",
        {
            "organisation": organisation,
            "coverage": selectors.swedish_coverage(organisation),
            "corrections": list(selectors.text_corrections_of(organisation)),
            "missing_targets": list(selectors.targets_missing_swedish(organisation)),
            "missing_indicators": list(selectors.indicators_missing_swedish(organisation)),
            "can_edit": granted.may("agenda.change_texts"),
        },
    )


def text_template(request: HttpRequest, org_code: str) -> HttpResponse:
    """A CSV of the targets and indicators still without Swedish text, ready to fill in."""
    organisation = access.require(request, org_code, "organisation.view").organisation
    filename, content_type, content = render_missing_texts(
        organisation,
        selectors.targets_missing_swedish(organisation),
        selectors.indicators_missing_swedish(organisation),
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def text_import(request: HttpRequest, org_code: str) -> HttpResponse:
    organisation = access.require(request, org_code, "agenda.change_texts").organisation
    errors = []
    error_count = 0
    if request.method == "POST":
        form = TextImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = request.FILES["file"]
            try:
                summary = services.text_corrections_import(
                    organisation=organisation,
                    data=form.cleaned_data["file"],
                    user=request.user,
                    source_name=upload.name or "",
                    skip_empty=form.cleaned_data["skip_empty"],
                )
            except TranslationFileError as error:
                error_count = len(error.errors)
                errors = error.errors[:ERRORS_SHOWN]
            else:
                messages.success(request, str(summary))
                return redirect("agenda:text_list", org_code=organisation.code)
    else:
        form = TextImportForm()
    return render(
        request,
        "agenda/text_import.html",
        {
            "organisation": organisation,
            "form": form,
            "errors": errors,
            "error_count": error_count,
            "errors_hidden": error_count - len(errors),
            "max_rows": MAX_ROWS,
            "max_bytes": MAX_FILE_BYTES,
        },
    )


# Goal sets


def _goal_set_lookup(pk: int) -> access.Lookup:
    """A goal set the organisation sees (its own or a reference set); another
    organisation's is not found."""
    return lambda organisation, include_drafts: (
        GoalSet.objects.visible_to(organisation).filter(pk=pk).first()
    )


def _goal_set_for_reading(request: HttpRequest, org_code: str, pk: int):
    granted = access.require(request, org_code, "organisation.view", lookup=_goal_set_lookup(pk))
    return granted, granted.obj


def _own_goal_set_for_editing(request: HttpRequest, org_code: str, pk: int):
    """The organisation's own goal set; a reference set is read-only (403)."""
    granted = access.require(
        request, org_code, "agenda.change_goal_set", lookup=_goal_set_lookup(pk)
    )
    return granted.organisation, granted.obj


def goal_set_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    goal_sets = selectors.goal_sets_for_organisation(organisation)
    return render(
        request,
        "agenda/goal_set_list.html",
        {
            "organisation": organisation,
            "reference_sets": [s for s in goal_sets if s.organisation_id is None],
            "own_sets": [s for s in goal_sets if s.organisation_id is not None],
            "can_edit": granted.may("agenda.add_goal_set"),
        },
    )


def goal_set_detail(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted, goal_set = _goal_set_for_reading(request, org_code, pk)
    organisation = granted.organisation
    is_own = goal_set.organisation_id is not None
    return render(
        request,
        "agenda/goal_set_detail.html",
        {
            "organisation": organisation,
            "goal_set": goal_set,
            "goals": list(selectors.goal_set_goals(goal_set)),
            "is_own": is_own,
            "can_edit": granted.may("agenda.change_goal_set", goal_set),
            # The history of the organisation's own goal sets (reference sets have none).
            "show_history": is_own and granted.may("organisation.view_records"),
        },
    )


def _apply_service_errors(form, error: ValidationError) -> None:
    # The service checks the model's constraints too; show what it found on the form,
    # on the field it names where the form has one.
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


def goal_set_create(request: HttpRequest, org_code: str) -> HttpResponse:
    organisation = access.require(request, org_code, "agenda.add_goal_set").organisation
    if request.method == "POST":
        form = GoalSetForm(request.POST, organisation=organisation)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in services.GOAL_SET_FIELDS}
            try:
                goal_set = services.goal_set_create(organisation=organisation, **values)
            except ValidationError as error:
                _apply_service_errors(form, error)
            else:
                messages.success(request, _("The goal set was created. Now add its goals."))
                return redirect(
                    "agenda:goal_set_detail", org_code=organisation.code, pk=goal_set.pk
                )
    else:
        form = GoalSetForm(
            organisation=organisation, initial={"fingerprint": "new", "kind": "regional"}
        )
    return render(
        request,
        "agenda/goal_set_form.html",
        {"organisation": organisation, "form": form, "goal_set": None},
    )


def goal_set_edit(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    organisation, goal_set = _own_goal_set_for_editing(request, org_code, pk)
    fingerprint = services.edit_fingerprint(goal_set, services.GOAL_SET_FIELDS)
    if request.method == "POST":
        form = GoalSetForm(request.POST, organisation=organisation, instance=goal_set)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in services.GOAL_SET_FIELDS}
            try:
                services.goal_set_update(
                    goal_set=goal_set,
                    expected_fingerprint=form.cleaned_data["fingerprint"],
                    **values,
                )
            except services.EditConflict:
                form = _rebound_with(form, fingerprint)
                form.add_error(None, CONFLICT_MESSAGE)
            except ValidationError as error:
                _apply_service_errors(form, error)
            else:
                messages.success(request, _("The goal set was saved."))
                return redirect("agenda:goal_set_detail", org_code=organisation.code, pk=pk)
    else:
        initial = {name: getattr(goal_set, name) for name in services.GOAL_SET_FIELDS}
        form = GoalSetForm(
            organisation=organisation,
            instance=goal_set,
            initial={**initial, "fingerprint": fingerprint},
        )
    return render(
        request,
        "agenda/goal_set_form.html",
        {"organisation": organisation, "form": form, "goal_set": goal_set},
    )


def goal_create(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    organisation, goal_set = _own_goal_set_for_editing(request, org_code, pk)
    if request.method == "POST":
        form = GoalForm(request.POST, goal_set=goal_set)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in services.GOAL_FIELDS}
            try:
                services.goal_create(goal_set=goal_set, **values)
            except ValidationError as error:
                _apply_service_errors(form, error)
            else:
                messages.success(request, _("The goal was added."))
                if "add_another" in request.POST:
                    return redirect(request.path)
                return redirect("agenda:goal_set_detail", org_code=organisation.code, pk=pk)
    else:
        next_number = max((goal.number for goal in goal_set.goals.all()), default=0) + 1
        form = GoalForm(goal_set=goal_set, initial={"number": next_number, "fingerprint": "new"})
    return render(
        request,
        "agenda/goal_form.html",
        {"organisation": organisation, "form": form, "goal_set": goal_set, "goal": None},
    )


def goal_edit(request: HttpRequest, org_code: str, pk: int, goal_pk: int) -> HttpResponse:
    organisation, goal_set = _own_goal_set_for_editing(request, org_code, pk)
    goal: Goal = get_object_or_404(goal_set.goals, pk=goal_pk)
    fingerprint = services.edit_fingerprint(goal, services.GOAL_FIELDS)
    if request.method == "POST":
        form = GoalForm(request.POST, goal_set=goal_set, instance=goal)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in services.GOAL_FIELDS}
            try:
                services.goal_update(
                    goal=goal, expected_fingerprint=form.cleaned_data["fingerprint"], **values
                )
            except services.EditConflict:
                form = _rebound_with(form, fingerprint)
                form.add_error(None, CONFLICT_MESSAGE)
            except ValidationError as error:
                _apply_service_errors(form, error)
            else:
                messages.success(request, _("The goal was saved."))
                return redirect("agenda:goal_set_detail", org_code=organisation.code, pk=pk)
    else:
        initial = {name: getattr(goal, name) for name in services.GOAL_FIELDS}
        form = GoalForm(
            goal_set=goal_set, instance=goal, initial={**initial, "fingerprint": fingerprint}
        )
    return render(
        request,
        "agenda/goal_form.html",
        {"organisation": organisation, "form": form, "goal_set": goal_set, "goal": goal},
    )


def _rebound_with(form, fingerprint: str):
    """The same form and input, against the version saved meanwhile: the person keeps
    what they typed, and saving again is a deliberate decision to replace the other."""
    data = form.data.copy()
    data["fingerprint"] = fingerprint
    rebound = type(form)(
        data,
        **{
            key: getattr(form, key)
            for key in ("organisation", "goal_set", "instance")
            if hasattr(form, key)
        },
    )
    rebound.is_valid()
    return rebound
