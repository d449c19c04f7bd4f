"""Forms of the follow-up app. They check input and name the field at fault; the writes
happen in `hallbar.followup.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from hallbar.followup.models import Observation
from hallbar.followup.observation_import import MAX_FILE_BYTES, MAX_ROWS

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ObservationImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or Excel)"),
        widget=forms.FileInput(attrs={"accept": f".csv,.xlsx,text/csv,{XLSX_CONTENT_TYPE}"}),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=Observation._meta.get_field("source").max_length,
        required=False,
        help_text=_(
            "Where the values come from, e.g. “SCB, population statistics”. "
            "Left empty, the file name is recorded."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted here, in the request's language, not once at import time.
        self.fields["file"].help_text = _(
            "Columns Year, Indicator, Area, Value and optionally Gender; "
            "at most %(size)s and %(rows)s rows."
        ) % {"size": filesizeformat(MAX_FILE_BYTES), "rows": f"{MAX_ROWS:,}".replace(",", " ")}

    def clean_file(self) -> bytes:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s, the most allowed. Split it."),
                params={"limit": filesizeformat(MAX_FILE_BYTES)},
                code="too_large",
            )
        # One byte more than allowed, so the parser can still tell a file too large.
        return upload.read(MAX_FILE_BYTES + 1)
