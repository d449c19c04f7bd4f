"""Staff admin of proposals and comments, with each one's change history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hallbar.engagement.models import Comment, Proposal


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "from_body", "to_body", "status", "created_at"]
    list_filter = ["organisation", "status"]
    search_fields = ["title", "text", "response"]
    list_select_related = ["organisation", "from_body", "to_body"]
    raw_id_fields = ["author", "from_body", "to_body", "responded_by"]
    filter_horizontal = ["targets"]
    readonly_fields = ["created_at", "updated_at", "version"]


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "organisation", "author", "subject_type", "created_at"]
    list_filter = ["organisation", "subject_type"]
    search_fields = ["text"]
    list_select_related = ["organisation", "author", "subject_type"]
    raw_id_fields = ["author"]
    readonly_fields = ["created_at"]
