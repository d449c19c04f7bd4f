"""Pages of the record of every registered kind (`hallbar.core.records`): the history of
an object, deleting and restoring, the deleted records, and the history exports.

Each app routes its kinds' URLs here with the kind as a URL argument
(`{"kind": "case"}`). History is for the organisation's own readers (those who see
drafts): it names who changed what. Everyone else gets a 404, so the page does not tell
whether the object exists; a visitor is first asked to log in. Deleting and restoring
need the kind's rules (`<app>.delete_<kind>`, `<app>.restore_<kind>`).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hallbar.core import records
from hallbar.core.forms import DeleteConfirmForm, submitted
from hallbar.core.history import user_label
from hallbar.core.versions import EditConflict, version_token
from hallbar.organisation.access import actor_for, require
from hallbar.organisation.models import Organisation


def get_organisation_for_records(request: HttpRequest, org_code: str) -> Organisation:
    """The organisation, if the user is one of its own readers (history, deleted records,
    internal exports); others are not told these pages exist."""
    try:
        return require(request, org_code, "organisation.view_records").organisation
    except PermissionDenied:
        raise Http404 from None


def _export_url(organisation: Organisation, name: str) -> str:
    return reverse("organisation:export", kwargs={"org_code": organisation.code, "name": name})


def history(request: HttpRequest, org_code: str, kind: str, pk: int) -> HttpResponse:
    organisation = get_organisation_for_records(request, org_code)
    record_kind = records.kind_of(kind)
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
        "back_url": record_kind.object_url(organisation, subject.obj),
        "deleted_by": deleted_by,
        "can_restore": subject.is_deleted
        and actor_for(request, organisation).may(
            f"{record_kind.rule_prefix}.restore_{kind}", subject.obj
        ),
        "restore_url": record_kind.url("restore", organisation, pk) if subject.is_deleted else "",
        "csv_url": _export_url(organisation, "history-csv") + export_query,
        "json_url": _export_url(organisation, "history-json") + export_query,
    }
    return render(request, "organisation/records/history.html", context)


def _kind(kind: str) -> records.RecordKind:
    record_kind = records.kind_of(kind)
    if record_kind is None or not record_kind.deletable:
        raise Http404
    return record_kind


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, org_code: str, kind: str, pk: int) -> HttpResponse:
    """A confirmation page, then the delete: soft for a public record, hard for a draft."""
    record_kind = _kind(kind)
    granted = require(
        request,
        org_code,
        f"{record_kind.rule_prefix}.delete_{kind}",
        # The object as the reader may see it: another organisation's id, or a draft the
        # reader does not see, is not found (404).
        lookup=lambda organisation, drafts: (
            record_kind.visible_objects(organisation, drafts).filter(pk=pk).first()
        ),
    )
    organisation, obj = granted.organisation, granted.obj
    version_field = record_kind.version_field
    form = DeleteConfirmForm(
        submitted(request),
        initial={"version": version_token(getattr(obj, version_field))},
        version_field=version_field,
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
            form = DeleteConfirmForm(data, version_field=version_field)
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
            return redirect(record_kind.list_url(organisation))
    context = {
        "organisation": organisation,
        "kind": kind,
        "obj": obj,
        "plan": records.delete_plan(obj),
        "form": form,
        "conflict": conflict,
        "cancel_url": record_kind.object_url(organisation, obj),
        "history_url": record_kind.url("history", organisation, pk),
    }
    return render(request, "organisation/records/delete_confirm.html", context)


@require_POST
def restore(request: HttpRequest, org_code: str, kind: str, pk: int) -> HttpResponse:
    record_kind = _kind(kind)

    def any_or_none(organisation: Organisation, drafts: bool):
        # Deleted or not: who may restore is decided first; then there must be
        # something to restore. Readers without drafts never learn what was deleted.
        if not drafts:
            return record_kind.visible_objects(organisation, drafts).filter(pk=pk).first()
        return record_kind.all_objects(organisation).filter(pk=pk).first()

    granted = require(
        request, org_code, f"{record_kind.rule_prefix}.restore_{kind}", lookup=any_or_none
    )
    organisation, obj = granted.organisation, granted.obj
    if obj.deleted_at is None:
        raise Http404
    try:
        records.record_restore(obj=obj, user=request.user)
    except records.DeleteRefused as refused:
        messages.error(request, refused.message)
        return redirect(record_kind.url("history", organisation, pk))
    messages.success(request, _("“%(title)s” was restored.") % {"title": obj})
    return redirect(record_kind.object_url(organisation, obj))


def deleted_records(request: HttpRequest, org_code: str) -> HttpResponse:
    """What was deleted (restorable) and removed (history only), for the own readers."""
    organisation = get_organisation_for_records(request, org_code)
    context = {
        "organisation": organisation,
        "deleted": records.deleted_objects(organisation=organisation),
        "removed": records.removed_objects(organisation=organisation),
        "csv_url": _export_url(organisation, "history-csv"),
        "json_url": _export_url(organisation, "history-json"),
    }
    return render(request, "organisation/records/deleted.html", context)


def export(request: HttpRequest, org_code: str, name: str) -> HttpResponse:
    """The history exports, through their one contract
    `render(params) -> (filename, content type, bytes)`."""
    exporter = records.HISTORY_EXPORTS.get(name)
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


def paths(prefix: str, kind: str, *, pages: tuple[str, ...] = ("history", "delete", "restore")):
    """The URL patterns of a kind's record pages: `<prefix><int:pk>/history/` named
    `<kind>_history`, and likewise `delete` and `restore` (`pages` names fewer, e.g. only
    the history of a kind that is not deleted this way)."""
    views = {"history": history, "delete": delete, "restore": restore}
    return [
        path(f"{prefix}<int:pk>/{page}/", views[page], {"kind": kind}, name=f"{kind}_{page}")
        for page in pages
    ]
