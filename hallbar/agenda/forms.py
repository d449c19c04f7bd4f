"""Forms of the agenda app. They check input and name the field at fault; the writes
happen in `hallbar.agenda.services`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from hallbar.agenda.models import Goal, GoalSet, GoalSetKind
from hallbar.agenda.translation_csv import (
    MAX_FILE_BYTES,
    NOTE_MAX_LENGTH,
    SHORT_TITLE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    clean_text,
)

if TYPE_CHECKING:
    from hallbar.organisation.models import Organisation


class FingerprintForm(forms.Form):
    """Carries the edited object's fingerprint (`services.edit_fingerprint`) from the
    page to the save, which refuses to overwrite a change made in between."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=40)


class TargetTextForm(FingerprintForm):
    short_title_sv = forms.CharField(
        label=_("Short title in Swedish"),
        max_length=SHORT_TITLE_MAX_LENGTH,
        required=False,
        help_text=_("The short name used in lists, e.g. “Minska fattigdomen med minst 50 %”."),
    )
    text_sv = forms.CharField(
        label=_("Wording in Swedish"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "sv"}),
    )
    note = forms.CharField(
        label=_("Source or reason"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        help_text=_("Where the wording comes from (e.g. a web address), or why you changed it."),
    )

    field_order = ["short_title_sv", "text_sv", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "short_title_sv" in self.fields:
            self.fields["short_title_sv"].widget.attrs["lang"] = "sv"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # The same spelling the import stores, so a text saved twice is one version.
        for name in ("short_title_sv", "text_sv", "note"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = clean_text(cleaned[name])
        return cleaned


class IndicatorTextForm(TargetTextForm):
    short_title_sv = None  # indicators have a title only
    text_sv = forms.CharField(
        label=_("Title in Swedish"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "sv"}),
    )

    field_order = ["text_sv", "note"]


class TextImportForm(forms.Form):
    file = forms.FileField(
        label=_("Translation file (CSV)"),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
    skip_empty = forms.BooleanField(
        label=_("Skip rows without Swedish text"),
        required=False,
        help_text=_(
            "For the downloaded template: rows you left empty are skipped instead of refused."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted here, in the request's language, not once at import time.
        self.fields["file"].help_text = _(
            "Columns kind, code, text_sv, and optionally short_title_sv and note; "
            "UTF-8, separated by commas or semicolons; at most %(size)s."
        ) % {"size": filesizeformat(MAX_FILE_BYTES)}

    def clean_file(self) -> bytes:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than the limit of %(limit)s. Split it into smaller files."),
                params={"limit": filesizeformat(MAX_FILE_BYTES)},
                code="too_large",
            )
        # One byte more than allowed, so the parser can still tell a file too large.
        return upload.read(MAX_FILE_BYTES + 1)


class GoalSetForm(FingerprintForm):
    title_sv = forms.CharField(label=_("Title in Swedish"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    code = forms.SlugField(
        label=_("Short code"),
        max_length=40,
        required=False,
        help_text=_(
            "Letters, digits and hyphens, e.g. rus-vastmanland. "
            "Left empty, it is made from the Swedish title."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(kind.value, kind.label) for kind in (GoalSetKind.REGIONAL, GoalSetKind.LOCAL)],
        widget=forms.RadioSelect,
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The decision or document the goals come from, e.g. a web address."),
    )

    field_order = ["title_sv", "title_en", "code", "kind", "source"]

    def __init__(
        self, *args: Any, organisation: Organisation, instance: GoalSet | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance = instance

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("code") and cleaned.get("title_sv"):
            cleaned["code"] = slugify(cleaned["title_sv"])[:40].strip("-")
        code = cleaned.get("code")
        if not code:
            if "code" not in self.errors:
                self.add_error("code", _("Give a code of letters, digits and hyphens."))
            return cleaned
        others = GoalSet.objects.filter(code=code)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.filter(organisation=self.organisation).exists():
            self.add_error("code", _("Your organisation already has a goal set with this code."))
        elif others.filter(organisation__isnull=True).exists():
            self.add_error("code", _("A reference goal set has this code; choose another."))
        return cleaned


class GoalForm(FingerprintForm):
    number = forms.IntegerField(
        label=_("Number"),
        min_value=0,
        max_value=32767,
        help_text=_("Goals are listed in the order of their numbers."),
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        required=False,
        help_text=_("As the goal set writes it, e.g. 1 or 2.3. Left empty, the number."),
    )
    title_sv = forms.CharField(label=_("Title in Swedish"), max_length=300)
    title_en = forms.CharField(label=_("Title in English"), max_length=300, required=False)
    long_title_sv = forms.CharField(
        label=_("Full wording in Swedish"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "sv"}),
    )
    long_title_en = forms.CharField(
        label=_("Full wording in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
    )

    field_order = ["number", "code", "title_sv", "title_en", "long_title_sv", "long_title_en"]

    def __init__(
        self, *args: Any, goal_set: GoalSet, instance: Goal | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.goal_set = goal_set
        self.instance = instance
        self.fields["title_sv"].widget.attrs["lang"] = "sv"
        self.fields["title_en"].widget.attrs["lang"] = "en"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("code") and cleaned.get("number") is not None:
            cleaned["code"] = str(cleaned["number"])
        code = cleaned.get("code")
        if code:
            others = self.goal_set.goals.filter(code=code)
            if self.instance is not None:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error("code", _("The goal set already has a goal with this code."))
        return cleaned
