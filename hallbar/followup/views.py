"""Pages of the follow-up app.

Every view starts with one access helper from `hallbar.organisation.access` (reading is
open; writing needs a login and a membership); the reads and writes themselves live in
`selectors.py` and `services.py`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hallbar.followup import services
from hallbar.followup.forms import ObservationImportForm
from hallbar.followup.observation_import import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    ObservationFileError,
    RowError,
)
from hallbar.organisation.access import get_organisation_for_editing

# A file with thousands of bad rows is shown in part; the command line lists all.
IMPORT_ERRORS_SHOWN = 200


def observation_import(request: HttpRequest, org_code: str) -> HttpResponse:
    organisation = get_organisation_for_editing(request, org_code)
    errors: list[RowError] = []
    error_count = 0
    if request.method == "POST":
        form = ObservationImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = request.FILES["file"]
            try:
                summary = services.observations_import(
                    data=form.cleaned_data["file"],
                    organisation=organisation,
                    source_name=form.cleaned_data["source"] or upload.name or "",
                    # Shared Kolada figures come from Kolada, never from one
                    # organisation's upload.
                    shared_kpis=False,
                )
            except ObservationFileError as error:
                error_count = len(error.errors)
                errors = error.errors[:IMPORT_ERRORS_SHOWN]
            else:
                messages.success(request, str(summary))
                return redirect("followup:observation_import", org_code=organisation.code)
    else:
        form = ObservationImportForm()
    return render(
        request,
        "followup/observation_import.html",
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
