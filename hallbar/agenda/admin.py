"""Admin of the agenda app. Reference data (goal sets without an organisation, their
goals, targets and indicators) comes from the shipped fixtures and is read-only here:
an edit would be overwritten by the next `load_reference_data`. Organisations' own goal
sets and Swedish texts can be edited; the texts keep their history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hallbar.agenda.models import GlobalIndicator, Goal, GoalSet, Target, TextCorrection


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _is_reference(goal_set: GoalSet | None) -> bool:
    return goal_set is not None and goal_set.organisation_id is None


class GoalInline(admin.TabularInline):
    model = Goal
    fields = ("number", "code", "title_sv", "title_en", "dimension")
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_reference(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_reference(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_reference(obj) and super().has_delete_permission(request, obj)


@admin.register(GoalSet)
class GoalSetAdmin(admin.ModelAdmin):
    list_display = ("title_sv", "code", "kind", "organisation", "goal_count")
    list_filter = ("kind", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "title_sv", "title_en")
    list_select_related = ("organisation",)
    inlines = [GoalInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[GoalSet]:
        return super().get_queryset(request).annotate(goal_count=Count("goals"))

    @admin.display(description=_("goals"), ordering="goal_count")
    def goal_count(self, obj: GoalSet) -> int:
        return obj.goal_count

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_reference(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_reference(obj) and super().has_delete_permission(request, obj)


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("__str__", "goal_set", "number", "dimension")
    list_filter = ("goal_set",)
    search_fields = ("code", "title_sv", "title_en")
    list_select_related = ("goal_set",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        reference = obj is not None and _is_reference(obj.goal_set)
        return not reference and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        reference = obj is not None and _is_reference(obj.goal_set)
        return not reference and super().has_delete_permission(request, obj)


class IndicatorInline(admin.TabularInline):
    model = GlobalIndicator
    fields = ("code", "title_en", "title_sv", "is_repeated")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ("code", "goal", "kind", "has_swedish_text")
    list_filter = ("goal_set", "kind")
    search_fields = ("code", "text_en", "text_sv", "short_title_sv")
    list_select_related = ("goal__goal_set",)
    inlines = [IndicatorInline]

    @admin.display(boolean=True, description=_("Swedish text shipped"))
    def has_swedish_text(self, obj: Target) -> bool:
        return bool(obj.text_sv)


@admin.register(GlobalIndicator)
class GlobalIndicatorAdmin(ReadOnlyAdmin):
    list_display = ("code", "target", "unsd_code", "is_repeated", "has_swedish_title")
    list_filter = ("is_repeated",)
    search_fields = ("code", "unsd_code", "title_en", "title_sv")
    list_select_related = ("target",)

    @admin.display(boolean=True, description=_("Swedish title shipped"))
    def has_swedish_title(self, obj: GlobalIndicator) -> bool:
        return bool(obj.title_sv)


@admin.register(TextCorrection)
class TextCorrectionAdmin(SimpleHistoryAdmin):
    list_display = ("subject", "organisation", "short_text", "note")
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("target__code", "indicator__code", "text_sv", "short_title_sv", "note")
    list_select_related = ("organisation", "target", "indicator")
    autocomplete_fields = ("target", "indicator")
    fields = ("organisation", "target", "indicator", "short_title_sv", "text_sv", "note")

    @admin.display(description=_("target or indicator"))
    def subject(self, obj: TextCorrection) -> str:
        return str(obj.target or obj.indicator)

    @admin.display(description=_("text (Swedish)"))
    def short_text(self, obj: TextCorrection) -> str:
        return obj.text_sv if len(obj.text_sv) <= 80 else obj.text_sv[:79] + "…"
