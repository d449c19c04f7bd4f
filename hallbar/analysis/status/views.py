"""Pages of the status analysis. Every view starts with `access.require()`: the analysis is
looked up through `selectors.analysis_get` with the reader's right to see drafts, so a
draft (or another organisation's analysis) is 404 to whoever may not read it. Reads go
through `selectors`, writes through `services`."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hallbar.agenda.models import Goal
from hallbar.analysis.status import exports, selectors, services
from hallbar.analysis.status.evidence import evidence_by_target
from hallbar.analysis.status.forms import (
    AnalysisCreateForm,
    AnalysisStateForm,
    AssessmentFilterForm,
    AssessmentForm,
    GoalAssessmentForm,
    ProposalAnswerForm,
    ProposalForm,
    default_year,
)
from hallbar.analysis.status.models import (
    Assessment,
    AssessmentProposal,
    ProposalStatus,
    StatusAnalysis,
)
from hallbar.core.forms import show_edit_conflict, submitted
from hallbar.core.versions import EditConflict
from hallbar.organisation import access

CHANGE = "status_analysis.change"


def _analysis(pk: int) -> access.Lookup:
    return lambda organisation, include_drafts: selectors.analysis_get(
        organisation=organisation, pk=pk, include_drafts=include_drafts
    )


def _url(name: str, analysis: StatusAnalysis, **kwargs: Any) -> str:
    return reverse(
        f"status_analysis:{name}",
        kwargs={"org_code": analysis.organisation.code, "pk": analysis.pk, **kwargs},
    )


def _target_or_404(analysis: StatusAnalysis, code: str):
    assessment = selectors.assessment_get(analysis, code)
    if assessment is None:
        raise Http404(_("No Agenda 2030 target has the code %(code)s.") % {"code": code})
    return assessment


def _context(granted: access.Granted, analysis: StatusAnalysis | None = None, **extra: Any):
    return {
        "organisation": granted.organisation,
        "analysis": analysis,
        "include_drafts": granted.actor.sees_drafts,
        "can_edit": granted.may(CHANGE),
        "can_propose": granted.may("status_analysis.propose"),
        "can_delete": analysis is not None
        and granted.may("status_analysis.delete_status_analysis", analysis),
        **extra,
    }


def _service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- the list of years -----------------------------------------------------------------------


def analysis_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "status_analysis.view")
    analyses = list(
        selectors.analyses_visible(
            organisation=granted.organisation, include_drafts=granted.actor.sees_drafts
        ).select_related("confirmed_by")
    )
    return render(
        request, "status_analysis/analysis_list.html", _context(granted, analyses=analyses)
    )


@require_http_methods(["GET", "POST"])
def analysis_create(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, CHANGE)
    organisation = granted.organisation
    form = AnalysisCreateForm(submitted(request), initial={"year": default_year()})
    if request.method == "POST" and form.is_valid():
        try:
            analysis = services.analysis_create(
                organisation=organisation, year=form.cleaned_data["year"], created_by=request.user
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(
                request,
                _("The status analysis for %(year)s was created with suggestions for all targets.")
                % {"year": analysis.year},
            )
            return redirect(_url("analysis_detail", analysis))
    latest = selectors.latest_analysis(organisation)
    return render(
        request,
        "status_analysis/analysis_create.html",
        _context(granted, form=form, latest=latest),
    )


# --- one analysis ----------------------------------------------------------------------------


def _sort_links(request: HttpRequest) -> dict[str, str]:
    """?… for each sortable column, keeping the filters."""
    query = request.GET.copy()
    links = {}
    for key in ("target", "relevance", "assessment", "suggestion", "prioritised"):
        query["sort"] = key
        links[key] = "?" + urlencode(sorted(query.items()))
    return links


def analysis_detail(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "status_analysis.view", lookup=_analysis(pk))
    analysis: StatusAnalysis = granted.obj
    filter_form = AssessmentFilterForm(request.GET or None)
    rows = selectors.assessment_rows(
        analysis, filters=filter_form.filters(), sort=filter_form.ordering()
    )
    proposals = selectors.open_proposal_counts(analysis) if granted.actor.sees_drafts else {}
    for row in rows:
        row.open_proposals = proposals.get(row.target_id, 0)
    context = _context(
        granted,
        analysis,
        filter_form=filter_form,
        rows=rows,
        total=analysis.assessments.count(),
        results_id="sa-results",
        sort=filter_form.ordering(),
        sort_links=_sort_links(request),
    )
    if request.htmx and request.htmx.target == "sa-results":
        response = render(request, "status_analysis/includes/assessment_table.html", context)
    else:
        context["summaries"] = selectors.goal_summaries(analysis)
        context["assessments"] = Assessment
        response = render(request, "status_analysis/analysis_detail.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@require_http_methods(["GET", "POST"])
def analysis_state(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    """Confirm (publish) the analysis, or take it back to draft."""
    granted = access.require(request, org_code, CHANGE, lookup=_analysis(pk))
    analysis: StatusAnalysis = granted.obj
    form = AnalysisStateForm(
        submitted(request),
        initial={"version": analysis.version, "summary": analysis.summary},
    )
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        try:
            if analysis.is_confirmed:
                services.analysis_reopen(
                    analysis=analysis, expected_version=version, user=request.user
                )
                messages.success(request, _("The analysis is a draft again: only members see it."))
            else:
                services.analysis_confirm(
                    analysis=analysis,
                    expected_version=version,
                    user=request.user,
                    summary=form.cleaned_data["summary"],
                )
                messages.success(request, _("The analysis is confirmed and published."))
        except EditConflict as conflict:
            show_edit_conflict(form, conflict)
        else:
            return redirect(_url("analysis_detail", analysis))
    unassessed = (
        analysis.assessments.filter(assessment="").exclude(relevance="not_relevant").count()
    )
    return render(
        request,
        "status_analysis/analysis_state.html",
        _context(granted, analysis, form=form, unassessed=unassessed),
    )


def analysis_changes(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "status_analysis.view", lookup=_analysis(pk))
    analysis: StatusAnalysis = granted.obj
    before, changes = selectors.changes_since_last_year(analysis)
    if before is not None and not before.is_confirmed and not granted.actor.sees_drafts:
        before, changes = None, []  # a draft year is not compared with in public
    goal_changes = selectors.goal_changes_since(analysis, before) if before else []
    return render(
        request,
        "status_analysis/analysis_changes.html",
        _context(granted, analysis, before=before, changes=changes, goal_changes=goal_changes),
    )


def analysis_priorities(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(request, org_code, "status_analysis.view", lookup=_analysis(pk))
    analysis: StatusAnalysis = granted.obj
    rows = selectors.assessment_rows(analysis, filters={"prioritised": "yes"})
    return render(
        request, "status_analysis/analysis_priorities.html", _context(granted, analysis, rows=rows)
    )


def analysis_export(request: HttpRequest, org_code: str, pk: int, name: str) -> HttpResponse:
    """The analysis as a file: `csv` (a row per target), `goals-csv` (a row per goal),
    `json` (both, with the analysis). The public's (a confirmed analysis) leave out what
    only the organisation's own readers see."""
    granted = access.require(request, org_code, "status_analysis.view", lookup=_analysis(pk))
    export_class = exports.EXPORTS.get(name)
    if export_class is None:
        raise Http404(_("There is no such export."))
    filename, content_type, body = export_class(
        granted.obj, internal=granted.actor.sees_drafts
    ).render({})
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- one target --------------------------------------------------------------------------


def _evidence(granted: access.Granted, assessment) -> list:
    return evidence_by_target(
        organisation=granted.organisation,
        include_private=granted.actor.sees_drafts,
        target_ids=[assessment.target_id],
    ).get(assessment.target_id, [])


def target_detail(request: HttpRequest, org_code: str, pk: int, code: str) -> HttpResponse:
    granted = access.require(request, org_code, "status_analysis.view", lookup=_analysis(pk))
    analysis: StatusAnalysis = granted.obj
    assessment = _target_or_404(analysis, code)
    internal = granted.actor.sees_drafts
    return render(
        request,
        "status_analysis/target_detail.html",
        _context(
            granted,
            analysis,
            assessment=assessment,
            target=assessment.target,
            evidence=_evidence(granted, assessment),
            proposals=selectors.proposals_for(assessment) if internal else [],
        ),
    )


def target_history(request: HttpRequest, org_code: str, pk: int, code: str) -> HttpResponse:
    """Every recorded version of the target's assessment: who changed what, when. For the
    organisation's own readers (a published analysis's history is its internal record)."""
    granted = access.require(
        request, org_code, "status_analysis.view_internal", lookup=_analysis(pk)
    )
    analysis: StatusAnalysis = granted.obj
    assessment = _target_or_404(analysis, code)
    return render(
        request,
        "status_analysis/target_history.html",
        _context(
            granted,
            analysis,
            assessment=assessment,
            target=assessment.target,
            versions=selectors.assessment_history(assessment),
        ),
    )


@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, org_code: str, pk: int, code: str) -> HttpResponse:
    """The analyst's form: the evidence and the suggestion beside the assessment; confirm
    the suggestion, record another with a reason, answer proposals."""
    granted = access.require(request, org_code, CHANGE, lookup=_analysis(pk))
    analysis: StatusAnalysis = granted.obj
    assessment = _target_or_404(analysis, code)
    action = request.POST.get("action", "save") if request.method == "POST" else None
    form = AssessmentForm(request.POST if action == "save" else None, instance=assessment)
    answer_form = ProposalAnswerForm(request.POST if action == "answer" else None)
    confirm_error = None
    try:
        if action == "save" and form.is_valid():
            services.assessment_update(
                target_assessment=assessment,
                expected_version=form.cleaned_data["version"],
                user=request.user,
                **form.values(),
            )
            messages.success(request, _("The assessment of %(code)s was saved.") % {"code": code})
            return redirect(_url("target_detail", analysis, code=code))
        if action == "confirm":
            version = request.POST.get("version", "")
            services.suggestion_confirm(
                target_assessment=assessment,
                expected_version=int(version) if version.isdigit() else None,
                user=request.user,
            )
            messages.success(
                request, _("The suggested assessment of %(code)s was confirmed.") % {"code": code}
            )
            return redirect(_url("target_detail", analysis, code=code))
        if action == "answer" and answer_form.is_valid():
            proposal = get_object_or_404(
                AssessmentProposal, pk=answer_form.cleaned_data["proposal"], assessment=assessment
            )
            services.proposal_answer(
                proposal=proposal,
                user=request.user,
                adopt=answer_form.cleaned_data["decision"] == "adopt",
                response=answer_form.cleaned_data["response"],
                expected_version=answer_form.cleaned_data["version"],
            )
            messages.success(request, _("The proposal was answered."))
            return redirect(_url("target_detail", analysis, code=code))
    except EditConflict as conflict:
        if action == "save":
            show_edit_conflict(form, conflict)
        elif action == "answer":
            show_edit_conflict(answer_form, conflict)
        else:
            confirm_error = _(
                "Someone else saved this target meanwhile: review it and confirm again."
            )
    except ValidationError as error:
        if action == "save":
            _service_errors(form, error)
        elif action == "answer":
            _service_errors(answer_form, error)
        else:
            confirm_error = " ".join(error.messages)
    if action == "confirm" and confirm_error:
        messages.error(request, confirm_error)
    return render(
        request,
        "status_analysis/target_edit.html",
        _context(
            granted,
            analysis,
            assessment=assessment,
            target=assessment.target,
            form=form,
            answer_form=answer_form,
            evidence=_evidence(granted, assessment),
            proposals=selectors.proposals_for(assessment),
            submitted=ProposalStatus.SUBMITTED,
        ),
        status=200,
    )


@require_http_methods(["GET", "POST"])
def target_propose(request: HttpRequest, org_code: str, pk: int, code: str) -> HttpResponse:
    """A council member proposes an assessment; nothing of the assessment changes."""
    granted = access.require(request, org_code, "status_analysis.propose", lookup=_analysis(pk))
    analysis: StatusAnalysis = granted.obj
    assessment = _target_or_404(analysis, code)
    form = ProposalForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_submit(
                target_assessment=assessment,
                author=request.user,
                proposed_assessment=form.cleaned_data["proposed_assessment"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your proposal was sent to the analysis group. The assessment is unchanged until they answer."
                ),
            )
            return redirect(_url("target_detail", analysis, code=code))
    return render(
        request,
        "status_analysis/target_propose.html",
        _context(granted, analysis, assessment=assessment, target=assessment.target, form=form),
    )


# --- one goal ------------------------------------------------------------------------------


def _goal_or_404(analysis: StatusAnalysis, number: int):
    goal_assessment = selectors.goal_assessment_get(analysis, number)
    if goal_assessment is None:
        raise Http404(_("Agenda 2030 has no goal %(number)s.") % {"number": number})
    return goal_assessment


def goal_detail(request: HttpRequest, org_code: str, pk: int, number: int) -> HttpResponse:
    """One goal in the analysis: its assessment beside the suggestion its targets make,
    the counts, the summary and its targets."""
    granted = access.require(request, org_code, "status_analysis.view", lookup=_analysis(pk))
    analysis: StatusAnalysis = granted.obj
    goal_assessment = _goal_or_404(analysis, number)
    goal: Goal = goal_assessment.goal
    return render(
        request,
        "status_analysis/goal_detail.html",
        _context(
            granted,
            analysis,
            goal=goal,
            goal_assessment=goal_assessment,
            summary=selectors.goal_summary(analysis, goal),
            rows=selectors.assessment_rows(analysis, filters={"goal": goal}),
        ),
    )


def goal_history(request: HttpRequest, org_code: str, pk: int, number: int) -> HttpResponse:
    """Every recorded version of the goal's summary and assessment, for the
    organisation's own readers."""
    granted = access.require(
        request, org_code, "status_analysis.view_internal", lookup=_analysis(pk)
    )
    analysis: StatusAnalysis = granted.obj
    goal_assessment = _goal_or_404(analysis, number)
    return render(
        request,
        "status_analysis/goal_history.html",
        _context(
            granted,
            analysis,
            goal=goal_assessment.goal,
            versions=selectors.goal_history(goal_assessment),
        ),
    )


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, org_code: str, pk: int, number: int) -> HttpResponse:
    """The goal's assessment, with the suggestion its targets make, and its summary."""
    granted = access.require(request, org_code, CHANGE, lookup=_analysis(pk))
    analysis: StatusAnalysis = granted.obj
    goal_assessment = _goal_or_404(analysis, number)
    goal: Goal = goal_assessment.goal
    summary = selectors.goal_summary(analysis, goal)
    form = GoalAssessmentForm(
        submitted(request), instance=goal_assessment, suggested=summary.suggested
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_assessment_update(
                goal_assessment=goal_assessment,
                expected_version=form.cleaned_data["version"],
                user=request.user,
                **form.values(),
            )
        except EditConflict as conflict:
            show_edit_conflict(form, conflict)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(
                request, _("The summary of goal %(number)s was saved.") % {"number": number}
            )
            return redirect(_url("goal_detail", analysis, number=number))
    return render(
        request,
        "status_analysis/goal_edit.html",
        _context(
            granted,
            analysis,
            goal=goal,
            goal_assessment=goal_assessment,
            form=form,
            summary=summary,
        ),
    )
