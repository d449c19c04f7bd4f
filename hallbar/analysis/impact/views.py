"""Pages of the impact app: cases and their assessments, the one-page summary (web and
PDF), the compilation per body and year, and the goal-conflict register.

Every view starts with `access.require`; objects are looked up through the selectors'
visibility (a draft case or an open conflict is the organisation's own: 404 for others).
"""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hallbar.analysis.impact import charts, selectors, services
from hallbar.analysis.impact.forms import (
    AssessmentForm,
    CaseForm,
    ConflictFilterForm,
    ConflictForm,
    DecisionForm,
    RemarkForm,
)
from hallbar.analysis.impact.models import (
    Case,
    CaseStatus,
    ConflictStatus,
)
from hallbar.core.forms import submitted
from hallbar.core.versions import EditConflict
from hallbar.lib.pdf import render_pdf
from hallbar.organisation import access
from hallbar.organisation.models import MandateScope, Organisation

STATIC_CSS = Path(__file__).resolve().parent / "static" / "impact"


def _case(pk: int) -> access.Lookup:
    return lambda organisation, include_drafts: (
        selectors.cases_visible(organisation=organisation, include_drafts=include_drafts)
        .select_related("deciding_body", "preparing_body", "preparing_officer", "assessed_by")
        .filter(pk=pk)
        .first()
    )


def _conflict(pk: int) -> access.Lookup:
    return lambda organisation, include_drafts: (
        selectors.conflicts_visible(organisation=organisation, include_drafts=include_drafts)
        .select_related("case__preparing_body", "action", "weighing_body", "decision_body")
        .filter(pk=pk)
        .first()
    )


def _url(name: str, organisation: Organisation, **kwargs: Any) -> str:
    return reverse(f"impact:{name}", kwargs={"org_code": organisation.code, **kwargs})


def _save(form: forms.BaseForm, write: Callable[[], Any]) -> Any:
    """Run a service write; its refusals become form errors. None if nothing was saved."""
    try:
        return write()
    except EditConflict as conflict:
        if hasattr(form, "show_edit_conflict"):
            form.show_edit_conflict(conflict)
        else:  # pragma: no cover - every form here carries a version
            form.add_error(None, _("Someone else saved this meanwhile."))
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            form.add_error(None, error)
    return None


def _form_page(
    request, organisation, form, heading, cancel_url, template="impact/edit_form.html", **extra
):
    context = {
        "organisation": organisation,
        "form": form,
        "heading": heading,
        "cancel_url": cancel_url,
        **extra,
    }
    return render(request, template, context, status=200)


# --- cases ---------------------------------------------------------------------------------


def case_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    cases = selectors.cases_visible(
        organisation=organisation, include_drafts=granted.actor.sees_drafts
    ).select_related("deciding_body", "preparing_body")
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    context = {
        "organisation": organisation,
        "cases": cases,
        "status": status,
        "statuses": CaseStatus.choices,
        "can_add": granted.may("impact.add_case"),
    }
    return render(request, "impact/case_list.html", context)


def _case_data(form: CaseForm) -> tuple[dict[str, Any], dict[str, Any]]:
    data = form.cleaned_data
    fields = {
        name: data[name]
        for name in (
            "title",
            "diary_number",
            "deciding_body",
            "preparing_body",
            "preparing_officer",
            "date",
            "description",
            "status",
            "decision_date",
            "decision_paragraph",
        )
    }
    links = {name: list(data[name]) for name in services.CASE_LINKS}
    return fields, links


def case_create(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "impact.add_case")
    organisation = granted.organisation
    initial = {"date": dt.date.today(), "preparing_officer": request.user.pk}
    form = CaseForm(
        submitted(request),
        organisation=organisation,
        initial=initial,
    )
    access.restrict_body_choices(form, granted.actor, "preparing_body", {MandateScope.ANALYSIS})
    if request.method == "POST" and access.write_allowed(
        request, granted, "impact.save_case", form
    ):
        fields, links = _case_data(form)
        case = _save(
            form, lambda: services.case_save(organisation=organisation, fields=fields, links=links)
        )
        if case is not None:
            messages.success(request, _("The case is saved. Now assess it."))
            return redirect(_url("case_assess", organisation, pk=case.pk))
    return _form_page(request, organisation, form, _("New case"), _url("case_list", organisation))


def case_edit(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "impact.change_case", lookup=_case(pk))
    organisation, case = granted.organisation, granted.obj
    form = CaseForm(submitted(request), instance=case, organisation=organisation)
    access.restrict_body_choices(form, granted.actor, "preparing_body", {MandateScope.ANALYSIS})
    if request.method == "POST" and access.write_allowed(
        request, granted, "impact.save_case", form
    ):
        fields, links = _case_data(form)
        saved = _save(
            form,
            lambda: services.case_save(
                organisation=organisation,
                case=case,
                fields=fields,
                links=links,
                expected_version=form.cleaned_data["version"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The case is saved."))
            return redirect(_url("case_detail", organisation, pk=case.pk))
    return _form_page(
        request,
        organisation,
        form,
        _("Edit case %(number)s") % {"number": case.diary_number},
        _url("case_detail", organisation, pk=case.pk),
    )


def _case_context(granted: access.Granted, case: Case) -> dict[str, Any]:
    effects = selectors.effects_of(case)
    conflicts = (
        selectors.conflicts_visible(
            organisation=granted.organisation, include_drafts=granted.actor.sees_drafts
        )
        .filter(case=case)
        .prefetch_related("targets")
    )
    return {
        "organisation": granted.organisation,
        "case": case,
        "effects": effects,
        "conflicts": list(conflicts),
    }


def case_detail(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view", lookup=_case(pk))
    case = granted.obj
    context = _case_context(granted, case)
    context.update(
        {
            "can_edit": granted.may("impact.change_case", case),
            "can_delete": granted.may("impact.delete_case", case),
            "can_propose": granted.may("impact.propose"),
            "remarks": case.remarks.select_related("author") if granted.actor.sees_drafts else [],
            "remark_form": RemarkForm(),
            "include_drafts": granted.actor.sees_drafts,
        }
    )
    return render(request, "impact/case_detail.html", context)


def case_assess(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "impact.change_case", lookup=_case(pk))
    organisation, case = granted.organisation, granted.obj
    form = AssessmentForm(submitted(request), case=case)
    if request.method == "POST" and form.is_valid():
        detection = _save(
            form,
            lambda: services.assessment_save(
                case=case,
                user=request.user,
                dimensions=form.dimensions(),
                principles=form.principles(),
                effects=form.effects(),
                discarded=form.discarded(),
                knowledge_gaps=form.knowledge_gap_input(),
                expected_version=form.cleaned_data["version"],
            ),
        )
        if detection is not None:
            messages.success(request, _("The assessment is saved."))
            if detection.created:
                messages.warning(
                    request,
                    ngettext(
                        "The assessment raised %(count)s goal conflict to weigh.",
                        "The assessment raised %(count)s goal conflicts to weigh.",
                        len(detection.created),
                    )
                    % {"count": len(detection.created)},
                )
            return redirect(_url("case_detail", organisation, pk=case.pk))
    elif request.method == "POST" and form.only_rows_added():
        # Only rows were added: show them to rate, with everything typed kept.
        form = form.with_added_rows()
    context = {
        "organisation": organisation,
        "case": case,
        "form": form,
        "heading": _("Assess %(number)s") % {"number": case.diary_number},
        "cancel_url": _url("case_detail", organisation, pk=case.pk),
    }
    return render(request, "impact/assessment_form.html", context)


def _summary_context(granted: access.Granted, case: Case) -> dict[str, Any]:
    context = _case_context(granted, case)
    context["dimension_rows"] = case.dimension_rows()
    context["principle_rows"] = case.principle_rows()
    return context


def case_summary(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view", lookup=_case(pk))
    context = _summary_context(granted, granted.obj)
    return render(request, "impact/case_summary.html", context)


def case_summary_pdf(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view", lookup=_case(pk))
    case = granted.obj
    context = _summary_context(granted, case)
    context["for_pdf"] = True
    html = render_to_string("impact/case_summary_pdf.html", context, request=request)
    pdf = render_pdf(html, base_url=STATIC_CSS.as_uri() + "/")
    filename = f"hallbarhetsbedomning-{case.pk}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_POST
def case_remark(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "impact.propose", lookup=_case(pk))
    return _remark(request, granted, case=granted.obj)


def _remark(request, granted, *, case=None, conflict=None) -> HttpResponse:
    form = RemarkForm(request.POST)
    target = (
        _url("case_detail", granted.organisation, pk=case.pk)
        if case
        else _url("conflict_detail", granted.organisation, pk=conflict.pk)
    )
    if form.is_valid():
        services.remark_add(
            organisation=granted.organisation,
            author=request.user,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            case=case,
            conflict=conflict,
        )
        messages.success(request, _("Your remark is saved. It changes no record."))
    else:
        messages.error(request, _("Write the remark and choose its kind."))
    return redirect(target + "#remarks")


# --- compiled per body and year -----------------------------------------------------------


def compiled(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    years = selectors.decision_years(organisation)
    try:
        year = int(request.GET.get("year") or (years[0] if years else dt.date.today().year))
    except ValueError:
        year = years[0] if years else dt.date.today().year
    compilations = selectors.compiled_by_body(organisation, year)
    sections = [
        {"compilation": compilation, "chart": charts.body_goal_chart(compilation, year, index)}
        for index, compilation in enumerate(compilations)
    ]
    context = {"organisation": organisation, "year": year, "years": years, "sections": sections}
    return render(request, "impact/compiled.html", context)


# --- conflicts ------------------------------------------------------------------------------


def conflict_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view")
    organisation = granted.organisation
    conflicts = (
        selectors.conflicts_visible(
            organisation=organisation, include_drafts=granted.actor.sees_drafts
        )
        .select_related("weighing_body", "decision_body", "case", "action")
        .prefetch_related("targets")
    )
    counts = dict(conflicts.order_by().values_list("status").annotate(count=Count("pk")))
    status_counts = [
        (value, label, counts[value])
        for value, label in ConflictStatus.choices
        if counts.get(value)
    ]
    form = ConflictFilterForm(request.GET or None, organisation=organisation)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            conflicts = conflicts.filter(status=data["status"])
        if data["target"]:
            conflicts = conflicts.filter(targets__code=data["target"].strip().lower())
        if data["body"]:
            conflicts = conflicts.filter(
                Q(weighing_body=data["body"]) | Q(decision_body=data["body"])
            )
    context = {
        "organisation": organisation,
        "conflicts": conflicts.distinct(),
        "status_counts": status_counts,
        "include_drafts": granted.actor.sees_drafts,
        "form": form,
        "can_add": granted.may("impact.add_conflict"),
    }
    return render(request, "impact/conflict_list.html", context)


def _conflict_fields(form: ConflictForm) -> dict[str, Any]:
    return {
        name: form.cleaned_data[name]
        for name in ("title", "case", "action", "evidence", "weighing_body", "status")
    }


def conflict_create(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "impact.add_conflict")
    organisation = granted.organisation
    form = ConflictForm(submitted(request), organisation=organisation)
    if request.method == "POST" and access.write_allowed(
        request, granted, "impact.save_conflict", form
    ):
        conflict = _save(
            form,
            lambda: services.conflict_save(
                organisation=organisation,
                fields=_conflict_fields(form),
                targets=form.cleaned_data["target_codes"],
                user=request.user,
            ),
        )
        if conflict is not None:
            messages.success(request, _("The goal conflict is registered."))
            return redirect(_url("conflict_detail", organisation, pk=conflict.pk))
    return _form_page(
        request, organisation, form, _("Raise a goal conflict"), _url("conflict_list", organisation)
    )


def conflict_edit(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "impact.change_conflict", lookup=_conflict(pk))
    organisation, conflict = granted.organisation, granted.obj
    form = ConflictForm(
        submitted(request),
        instance=conflict,
        organisation=organisation,
    )
    if request.method == "POST" and access.write_allowed(
        request, granted, "impact.save_conflict", form
    ):
        saved = _save(
            form,
            lambda: services.conflict_save(
                organisation=organisation,
                conflict=conflict,
                fields=_conflict_fields(form),
                targets=form.cleaned_data["target_codes"],
                expected_version=form.cleaned_data["version"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The goal conflict is saved."))
            return redirect(_url("conflict_detail", organisation, pk=pk))
    return _form_page(
        request,
        organisation,
        form,
        _("Edit goal conflict"),
        _url("conflict_detail", organisation, pk=pk),
    )


def conflict_detail(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view", lookup=_conflict(pk))
    conflict = granted.obj
    context = {
        "organisation": granted.organisation,
        "conflict": conflict,
        "targets": selectors.targets_of(
            granted.organisation, conflict.targets.values_list("pk", flat=True)
        ),
        "goals": conflict.goals.all(),
        "can_edit": granted.may("impact.change_conflict", conflict),
        # Only a conflict raised by hand is deleted; detection withdraws the others.
        "can_delete": not conflict.is_automatic and granted.may("impact.delete_conflict", conflict),
        # A withdrawn conflict has nothing left to weigh (services.conflict_decide).
        "can_decide": not conflict.is_withdrawn and granted.may("impact.record_decision", conflict),
        "can_propose": granted.may("impact.propose"),
        "remarks": conflict.remarks.select_related("author") if granted.actor.sees_drafts else [],
        "remark_form": RemarkForm(),
        "include_drafts": granted.actor.sees_drafts,
    }
    return render(request, "impact/conflict_detail.html", context)


def conflict_decide(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "impact.record_decision", lookup=_conflict(pk))
    organisation, conflict = granted.organisation, granted.obj
    if conflict.is_withdrawn:
        messages.error(request, services.WITHDRAWN_NOT_DECIDED)
        return redirect(_url("conflict_detail", organisation, pk=pk))
    form = DecisionForm(
        submitted(request),
        instance=conflict,
        organisation=organisation,
    )
    if request.method == "POST":
        if form.is_valid():
            # Checked as it would be saved: decided, by the body named.
            form.instance.status = ConflictStatus.DECIDED
        if access.write_allowed(request, granted, "impact.record_decision", form):
            data = form.cleaned_data
            saved = _save(
                form,
                lambda: services.conflict_decide(
                    conflict=conflict,
                    body=data["decision_body"],
                    date=data["decision_date"],
                    paragraph=data["decision_paragraph"],
                    trade_off=data["trade_off"],
                    reasoning=data["reasoning"],
                    expected_version=data["version"],
                ),
            )
            if saved is not None:
                messages.success(request, _("The decision is recorded."))
                return redirect(_url("conflict_detail", organisation, pk=pk))
    return _form_page(
        request,
        organisation,
        form,
        _("Record the decision: %(title)s") % {"title": conflict.title},
        _url("conflict_detail", organisation, pk=pk),
        conflict=conflict,
    )


@require_POST
def conflict_remark(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "impact.propose", lookup=_conflict(pk))
    return _remark(request, granted, conflict=granted.obj)
