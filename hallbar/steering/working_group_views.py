"""Pages of working groups: the list, a group's page, and the form ledningsgruppen
appoints and edits groups with (members included).

Working groups are internal: their pages are for the organisation's own readers (a
visitor is asked to log in; others get 404). Appointing and editing needs
`steering.appoint_working_group` (through `access.require`).
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hallbar.core.forms import submitted
from hallbar.core.versions import EditConflict
from hallbar.organisation import access
from hallbar.organisation.models import Organisation
from hallbar.organisation.record_views import get_organisation_for_records
from hallbar.steering import sections, working_groups
from hallbar.steering.forms import MemberFormSet, WorkingGroupForm
from hallbar.steering.models import WorkingGroup

APPOINT = "steering.appoint_working_group"


def _url(route: str, organisation: Organisation, **kwargs: Any) -> str:
    return reverse(route, kwargs={"org_code": organisation.code, **kwargs})


def working_group_list(request: HttpRequest, org_code: str) -> HttpResponse:
    organisation = get_organisation_for_records(request, org_code)
    today = timezone.localdate()
    groups = working_groups.working_group_list(organisation=organisation)
    context = {
        "organisation": organisation,
        "today": today,
        "groups": working_groups.split_by_state(groups, today),
        "can_appoint": working_groups.may_appoint_working_group(request.user, organisation),
    }
    return render(request, "steering/working_groups/list.html", context)


def working_group_detail(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    organisation = get_organisation_for_records(request, org_code)
    group = working_groups.working_group_get(organisation=organisation, pk=pk)
    if group is None:
        raise Http404
    today = timezone.localdate()
    context = {
        "organisation": organisation,
        "group": group,
        "state": group.state(today),
        "members": list(group.members.all()),
        "can_appoint": working_groups.may_appoint_working_group(request.user, organisation),
    }
    context["object_sections"] = sections.render_object_sections(request, group)
    return render(request, "steering/working_groups/detail.html", context)


@require_http_methods(["GET", "POST"])
def working_group_create(request: HttpRequest, org_code: str) -> HttpResponse:
    organisation = access.require(request, org_code, APPOINT).organisation
    form = WorkingGroupForm(submitted(request), organisation=organisation)
    members = MemberFormSet(
        submitted(request),
        organisation=organisation,
        prefix="members",
    )
    if request.method == "POST" and _valid(form, members):
        group = _save(
            form,
            lambda: working_groups.working_group_create(
                organisation=organisation, created_by=request.user, **_data(form, members)
            ),
        )
        if group is not None:
            messages.success(request, _("The working group was saved."))
            return redirect(_url("steering:working_group_detail", organisation, pk=group.pk))
    return _form_page(
        request,
        organisation=organisation,
        form=form,
        members=members,
        heading=_("Appoint a working group"),
        cancel_url=_url("steering:working_group_list", organisation),
    )


@require_http_methods(["GET", "POST"])
def working_group_edit(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    # The group is looked up inside the organisation before the permission is tested:
    # another organisation's id is 404 for everyone, so its existence does not leak.
    granted = access.require(
        request,
        org_code,
        APPOINT,
        lookup=lambda organisation, _drafts: (
            WorkingGroup.objects.for_organisation(organisation).filter(pk=pk).first()
        ),
    )
    organisation, group = granted.organisation, granted.obj
    name = group.name
    url = _url("steering:working_group_detail", organisation, pk=pk)
    form = WorkingGroupForm(
        submitted(request),
        instance=group,
        organisation=organisation,
    )
    members = MemberFormSet(
        submitted(request),
        organisation=organisation,
        prefix="members",
        initial=[
            {
                "user": member.user_id,
                "external_name": member.external_name,
                "external_organisation": member.external_organisation,
                "role": member.role,
            }
            for member in group.members.all()
        ],
    )
    if request.method == "POST" and _valid(form, members):
        saved = _save(
            form,
            lambda: working_groups.working_group_update(
                group=group, expected_version=form.cleaned_data["version"], **_data(form, members)
            ),
        )
        if saved is not None:
            messages.success(request, _("The working group was saved."))
            return redirect(url)
    return _form_page(
        request,
        organisation=organisation,
        form=form,
        members=members,
        heading=_("Edit “%(title)s”") % {"title": name},
        cancel_url=url,
    )


def _valid(form: WorkingGroupForm, members: Any) -> bool:
    # Both validated, so the page shows every error at once.
    return all([form.is_valid(), members.is_valid()])


def _data(form: WorkingGroupForm, members: Any) -> dict[str, Any]:
    return {
        "fields": {name: form.cleaned_data[name] for name in working_groups.WORKING_GROUP_FIELDS},
        "targets": form.cleaned_data["target_codes"],
        "members": members.members(),
    }


def _save(form: WorkingGroupForm, write: Any) -> WorkingGroup | None:
    """Run a service write; turn its refusals into form errors. None if not saved."""
    try:
        return write()
    except EditConflict as conflict:
        form.show_edit_conflict(conflict)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            form.add_error(None, error)
    return None


def _form_page(
    request: HttpRequest,
    *,
    organisation: Organisation,
    form: WorkingGroupForm,
    members: Any,
    heading: str,
    cancel_url: str,
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "form": form,
        "members": members,
        "heading": heading,
        "cancel_url": cancel_url,
    }
    return render(request, "steering/working_groups/form.html", context)
