"""Pages of the record: the history of an object, deleting and restoring, and exports.

History is for the organisation's own readers (those who see drafts): it names who
changed what. Everyone else gets a 404, so the page does not tell whether the object
exists; a visitor is first asked to log in. Deleting and restoring need an editor.
Reads and writes live in `records.py`.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hallbar.core.forms import submitted
from hallbar.core.history import user_label
from hallbar.core.versions import EditConflict, version_token
from hallbar.organisation.access import actor_for, can_edit, require
from hallbar.organisation.models import Organisation
from hallbar.steering import records
from hallbar.steering.forms import DeleteConfirmForm
from hallbar.steering.models import SoftDeleteModel
from hallbar.steering.visibility import actions_visible, documents_visible, goals_visible

# The register each kind of object is listed in, to return to after a delete.
_LIST_URLS = {
    "document": "steering:document_list",
    "goal": "steering:goal_list",
    "action": "steering:action_list",
    "working_group": "steering:working_group_list",
}


def get_organisation_for_records(request: HttpRequest, org_code: str) -> Organisation:
    """The organisation, if the user is one of its own readers (history, deleted records,
    internal exports); others are not told these pages exist."""
    try:
        return require(request, org_code, "steering.view_records").organisation
    except PermissionDenied:
        raise Http404 from None


def _url(route: str, organisation: Organisation, **kwargs: Any) -> str:
    return reverse(route, kwargs={"org_code": organisation.code, **kwargs})


def _object_url(kind: str, organisation: Organisation, subject: records.HistorySubject) -> str:
    """The object's page, or its register if it has none any more."""
    if subject.obj is None or getattr(subject.obj, "deleted_at", None) is not None:
        return _url(_LIST_URLS[kind], organisation)
    return _url(f"steering:{kind}_detail", organisation, pk=subject.pk)


def history(request: HttpRequest, org_code: str, kind: str, pk: int) -> HttpResponse:
    organisation = get_organisation_for_records(request, org_code)
    subject = records.history_subject(organisation=organisation, kind=kind, pk=pk)
    if subject is None:
        raise Http404
    deleted_by = ""
    if subject.is_deleted:
        deleted_by = user_label(subject.obj.deleted_by)
    export_query = f"?kind={kind}&pk={pk}"
    context = {
        "organisation": organisation,
        "kind": kind,
        "subject": subject,
        "entries": records.object_history(organisation=organisation, kind=kind, pk=pk),
        "back_url": _object_url(kind, organisation, subject),
        "deleted_by": deleted_by,
        "can_restore": subject.is_deleted
        and actor_for(request, organisation).may(f"steering.restore_{kind}", subject.obj),
        "restore_url": _url(f"steering:{kind}_restore", organisation, pk=pk)
        if subject.is_deleted
        else "",
        "csv_url": _url("steering:export", organisation, name="history-csv") + export_query,
        "json_url": _url("steering:export", organisation, name="history-json") + export_query,
    }
    return render(request, "steering/records/history.html", context)


def _alive_or_none(
    kind: str, organisation: Organisation, pk: int, include_drafts: bool
) -> SoftDeleteModel | None:
    """The organisation's object as the reader may see it (visibility.py), or None (a
    404): another organisation's id, or a draft the reader does not see, is not found."""
    visible = _VISIBLE.get(kind)
    if visible is None:
        return None
    return visible(organisation=organisation, include_drafts=include_drafts).filter(pk=pk).first()


_VISIBLE = {
    "document": documents_visible,
    "goal": goals_visible,
    "action": actions_visible,
}


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, org_code: str, kind: str, pk: int) -> HttpResponse:
    """A confirmation page, then the delete: soft for a public record, hard for a draft."""
    granted = require(
        request,
        org_code,
        f"steering.delete_{kind}",
        lookup=lambda organisation, drafts: _alive_or_none(kind, organisation, pk, drafts),
    )
    organisation, obj = granted.organisation, granted.obj
    detail_url = _url(f"steering:{kind}_detail", organisation, pk=pk)
    form = DeleteConfirmForm(
        submitted(request),
        initial={"version": version_token(obj.updated_at)},
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = records.record_delete(
                obj=obj,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except EditConflict as error:
            conflict = error
            # The page now shows the current version: confirming again deletes that.
            data = form.data.copy()
            data["version"] = version_token(error.current_version)
            form = DeleteConfirmForm(data)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Someone else saved this after you opened the page. Check what "
                    "changed (below) before you delete it."
                ),
            )
        except records.DeleteRefused as refused:
            form.add_error(None, refused.message)
        else:
            if outcome == "hard":
                message = _("“%(title)s” was removed. Its history is kept.")
            else:
                message = _("“%(title)s” was deleted. An editor can restore it.")
            messages.success(request, message % {"title": obj})
            return redirect(_url(_LIST_URLS[kind], organisation))
    context = {
        "organisation": organisation,
        "kind": kind,
        "obj": obj,
        "plan": records.delete_plan(obj),
        "form": form,
        "conflict": conflict,
        "cancel_url": detail_url,
        "history_url": _url(f"steering:{kind}_history", organisation, pk=pk),
    }
    return render(request, "steering/records/delete_confirm.html", context)


@require_POST
def restore(request: HttpRequest, org_code: str, kind: str, pk: int) -> HttpResponse:
    def any_or_none(organisation: Organisation, drafts: bool) -> SoftDeleteModel | None:
        # Deleted or not: who may restore is decided first; then there must be
        # something to restore.
        model = records.KINDS.get(kind)
        if model is None or not drafts:
            # Readers without drafts never learn what was deleted.
            return _alive_or_none(kind, organisation, pk, drafts)
        return model.with_deleted.for_organisation(organisation).filter(pk=pk).first()

    granted = require(request, org_code, f"steering.restore_{kind}", lookup=any_or_none)
    organisation, obj = granted.organisation, granted.obj
    if obj.deleted_at is None:
        raise Http404
    try:
        records.record_restore(obj=obj, user=request.user)
    except records.DeleteRefused as refused:
        messages.error(request, refused.message)
        return redirect(_url(f"steering:{kind}_history", organisation, pk=pk))
    messages.success(request, _("“%(title)s” was restored.") % {"title": obj})
    return redirect(_url(f"steering:{kind}_detail", organisation, pk=pk))


def deleted_records(request: HttpRequest, org_code: str) -> HttpResponse:
    """What was deleted (restorable) and removed (history only), for the own readers."""
    organisation = get_organisation_for_records(request, org_code)
    context = {
        "organisation": organisation,
        "deleted": records.deleted_objects(organisation=organisation),
        "removed": records.removed_objects(organisation=organisation),
        "can_restore": can_edit(request.user, organisation),
        "csv_url": _url("steering:export", organisation, name="history-csv"),
        "json_url": _url("steering:export", organisation, name="history-json"),
    }
    return render(request, "steering/records/deleted.html", context)


def export(request: HttpRequest, org_code: str, name: str) -> HttpResponse:
    """Every export of the steering app, through its one contract
    `render(params) -> (filename, content type, bytes)`."""
    exporter = records.EXPORTS.get(name)
    if exporter is not None and exporter.internal:
        organisation = get_organisation_for_records(request, org_code)
    else:
        organisation = require(request, org_code, "organisation.view").organisation
    if exporter is None:
        raise Http404
    # The organisation comes from the access check, never from the query string.
    params = {**request.GET.dict(), "organisation": organisation}
    try:
        filename, content_type, content = exporter.render(params)
    except records.ExportNotFound:
        raise Http404 from None
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
