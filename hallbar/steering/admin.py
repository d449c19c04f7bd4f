"""Staff admin of the steering chain, with each object's change history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hallbar.steering.models import Action, LocalGoal, SteeringDocument


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
