"""Forms of the follow-up app. They check input and name the field at fault; the writes
happen in `hallbar.followup.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from hallbar.agenda.models import Goal
from hallbar.followup.charts import STATUS_LABELS
from hallbar.followup.models import KpiSource, Observation
from hallbar.followup.observation_import import MAX_FILE_BYTES, MAX_ROWS
from hallbar.lib.progress import SHARE_ORDER
from hallbar.organisation.models import Body

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


def _all(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """A choice list led by "All": the empty filter."""
    return [("", _("All")), *choices]


class GoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Goal) -> str:
        return f"{obj.number}. {obj.title}"


class BodyChoiceField(forms.ModelChoiceField):
    """Bodies by full name: "KF" alone is not for everyone."""

    def label_from_instance(self, obj: Body) -> str:
        return f"{obj.name} ({obj.short_name})" if obj.short_name else obj.name


class IndicatorFilterForm(forms.Form):
    """The indicator register's filters, sent with GET: bookmarkable, and no script needed.
    An invalid value is named next to its field and filters nothing."""

    goal = GoalChoiceField(
        label=_("Agenda 2030 goal"),
        required=False,
        queryset=Goal.objects.none(),
        empty_label=_("All"),
        to_field_name="number",
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_all([(str(status), STATUS_LABELS[status]) for status in SHARE_ORDER]),
    )
    source = forms.ChoiceField(label=_("Source"), required=False, choices=_all(KpiSource.choices))
    body = BodyChoiceField(
        label=_("Responsible body"),
        required=False,
        queryset=Body.objects.none(),
        empty_label=_("All"),
    )

    def __init__(
        self, *args: Any, goals: QuerySet[Goal], bodies: QuerySet[Body], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals
        self.fields["body"].queryset = bodies

    def filters(self) -> dict[str, Any]:
        """The valid, non-empty filter values (an unbound form filters nothing)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "", [], False)
        }
