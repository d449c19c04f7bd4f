"""Staff admin of the steering chain, with each object's change history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hallbar.steering.models import (
    Action,
    LocalGoal,
    SteeringDocument,
    WorkingGroup,
    WorkingGroupMember,
)


@admin.register(SteeringDocument)
class SteeringDocumentAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "organisation",
        "level",
        "status",
        "decided_by",
        "decision_date",
        "valid_until",
    ]
    list_filter = ["organisation", "level", "status", "review_rule"]
    search_fields = ["title", "summary", "owner"]
    list_select_related = ["organisation", "decided_by"]
    date_hierarchy = "decision_date"
    # Id inputs with a lookup: a select listing the bodies and documents of every
    # organisation would be long and easy to pick the wrong organisation's from.
    raw_id_fields = ["parent", "decided_by", "responsible_body"]
    filter_horizontal = ["applies_to", "targets"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(LocalGoal)
class LocalGoalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "level", "body", "status", "decision_date"]
    list_filter = ["organisation", "level", "status"]
    search_fields = ["title", "description"]
    list_select_related = ["organisation", "body"]
    raw_id_fields = ["body", "document", "parent"]
    filter_horizontal = ["targets", "other_goals"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "plan", "body", "owner", "status", "start", "end"]
    list_filter = ["organisation", "status"]
    search_fields = ["title", "description", "owner"]
    list_select_related = ["organisation", "plan", "body"]
    raw_id_fields = ["plan", "body", "created_by"]
    filter_horizontal = ["targets", "local_goals"]
    readonly_fields = ["created_at", "updated_at"]


class WorkingGroupMemberInline(admin.TabularInline):
    model = WorkingGroupMember
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "external_name", "external_organisation", "role", "ends_on"]
    # Every membership ends with its group (set on save).
    readonly_fields = ["ends_on"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(SimpleHistoryAdmin):
    """Working groups, with their members and every change (History). Appointing them
    in the organisation is ledningsgruppen's page (`steering:working_group_create`);
    this is the platform staff's view."""

    list_display = ["name", "organisation", "focus_area", "appointed_by", "start_date", "end_date"]
    list_filter = ["organisation"]
    search_fields = ["name", "focus_area", "mandate_text"]
    list_select_related = ["organisation", "appointed_by"]
    raw_id_fields = ["appointed_by", "created_by"]
    filter_horizontal = ["targets"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "end_date"
    inlines = [WorkingGroupMemberInline]

    def save_formset(self, request, form, formset, change):
        # A member belongs to the group's organisation and ends with the group.
        group = form.instance
        for member in formset.save(commit=False):
            member.organisation_id = group.organisation_id
            member.ends_on = group.end_date
            member.save()
        for member in formset.deleted_objects:
            member.delete()
        formset.save_m2m()


@admin.register(WorkingGroupMember)
class WorkingGroupMemberAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "working_group", "organisation", "role", "ends_on"]
    list_filter = ["organisation", "role"]
    search_fields = ["external_name", "external_organisation", "user__username"]
    list_select_related = ["working_group", "organisation", "user"]
    raw_id_fields = ["working_group", "user"]
