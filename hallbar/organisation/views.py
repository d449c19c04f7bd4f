"""Pages of the organisation app: the list of organisations, and the bodies' mandates
kept by the organisation's administrators (`/o/<code>/mandates/`).

Every view starts with `access.require`; writes go through `services`.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from hallbar.core.forms import submitted
from hallbar.core.versions import EditConflict
from hallbar.organisation import access, services
from hallbar.organisation.forms import MandateForm
from hallbar.organisation.models import Body, Mandate, Organisation
from hallbar.organisation.selectors import mandate_history

MANDATE_HISTORY_SHOWN = 50


def home(request: HttpRequest) -> HttpResponse:
    organisations = list(Organisation.objects.all())
    if len(organisations) == 1:
        return redirect("steering:overview", org_code=organisations[0].code)
    return render(request, "organisation/home.html", {"organisations": organisations})


def _mandate_lookup(pk: int):
    def lookup(organisation: Organisation, include_drafts: bool) -> Mandate | None:
        return Mandate.objects.for_organisation(organisation).filter(pk=pk).first()

    return lookup


def mandate_list(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.view_internal")
    organisation = granted.organisation
    mandates = list(
        Mandate.objects.for_organisation(organisation)
        .select_related("body")
        .order_by("body__name", "kind", "scope")
    )
    bodies = Body.objects.for_organisation(organisation)
    history = mandate_history(organisation=organisation)[:MANDATE_HISTORY_SHOWN]
    return render(
        request,
        "organisation/mandate_list.html",
        {
            "organisation": organisation,
            "mandates": mandates,
            "bodies_without_mandates": list(bodies.filter(mandates__isnull=True)),
            "history": list(history),
            "can_change": granted.may("organisation.change_mandates"),
        },
    )


def _save(form: MandateForm, write) -> Mandate | None:
    try:
        return write()
    except EditConflict as conflict:
        form.show_edit_conflict(conflict)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    return None


def _fields(form: MandateForm) -> dict:
    return {name: form.cleaned_data[name] for name in services.MANDATE_FIELDS}


@require_http_methods(["GET", "POST"])
def mandate_create(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.change_mandates")
    organisation = granted.organisation
    initial = {"body": request.GET["body"]} if request.GET.get("body", "").isdigit() else {}
    form = MandateForm(submitted(request), organisation=organisation, initial=initial)
    if request.method == "POST" and access.write_allowed(
        request, granted, "organisation.change_mandates", form
    ):
        mandate = _save(
            form,
            lambda: services.mandate_create(organisation=organisation, fields=_fields(form)),
        )
        if mandate is not None:
            messages.success(request, _("The mandate was saved."))
            return redirect("organisation:mandate_list", org_code=organisation.code)
    return render(
        request,
        "organisation/mandate_form.html",
        {"organisation": organisation, "form": form, "mandate": None, "history": []},
    )


@require_http_methods(["GET", "POST"])
def mandate_edit(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(
        request, org_code, "organisation.change_mandates", lookup=_mandate_lookup(pk)
    )
    organisation, mandate = granted.organisation, granted.obj
    form = MandateForm(submitted(request), instance=mandate, organisation=organisation)
    if request.method == "POST" and access.write_allowed(
        request, granted, "organisation.change_mandates", form
    ):
        saved = _save(
            form,
            lambda: services.mandate_update(
                mandate=mandate,
                fields=_fields(form),
                expected_version=form.cleaned_data["version"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The mandate was saved."))
            return redirect("organisation:mandate_list", org_code=organisation.code)
    return render(
        request,
        "organisation/mandate_form.html",
        {
            "organisation": organisation,
            "form": form,
            "mandate": mandate,
            "history": mandate_history(organisation=organisation, pk=mandate.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def mandate_delete(request: HttpRequest, org_code: str, pk: int) -> HttpResponse:
    granted = access.require(
        request, org_code, "organisation.change_mandates", lookup=_mandate_lookup(pk)
    )
    organisation, mandate = granted.organisation, granted.obj
    if request.method == "POST":
        services.mandate_delete(mandate=mandate)
        messages.success(request, _("The mandate was removed."))
        return redirect("organisation:mandate_list", org_code=organisation.code)
    return render(
        request,
        "organisation/mandate_confirm_delete.html",
        {"organisation": organisation, "mandate": mandate},
    )


@require_POST
def mandates_seed(request: HttpRequest, org_code: str) -> HttpResponse:
    granted = access.require(request, org_code, "organisation.change_mandates")
    created = services.mandates_seed(organisation=granted.organisation)
    messages.success(
        request,
        ngettext(
            "%(count)d standard mandate was added.",
            "%(count)d standard mandates were added.",
            len(created),
        )
        % {"count": len(created)},
    )
    return redirect("organisation:mandate_list", org_code=granted.organisation.code)
