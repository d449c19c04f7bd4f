from django.urls import path

from hallbar.steering import agenda_views, record_views, views, working_group_views

app_name = "steering"

urlpatterns = [
    # Agenda 2030 seen through the organisation's steering chain.
    path("", agenda_views.overview, name="overview"),
    path("agenda/goals/<int:number>/", agenda_views.goal_detail, name="goal"),
    path("agenda/targets/<target:code>/", agenda_views.target_detail, name="target"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("goals/", views.goal_list, name="goal_list"),
    path("goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/", views.goal_detail, name="goal_detail"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    # The record: history, delete and restore of each object, exports (record_views.py).
    path(
        "documents/<int:pk>/history/",
        record_views.history,
        {"kind": "document"},
        name="document_history",
    ),
    path(
        "documents/<int:pk>/delete/",
        record_views.delete,
        {"kind": "document"},
        name="document_delete",
    ),
    path(
        "documents/<int:pk>/restore/",
        record_views.restore,
        {"kind": "document"},
        name="document_restore",
    ),
    path("goals/<int:pk>/history/", record_views.history, {"kind": "goal"}, name="goal_history"),
    path("goals/<int:pk>/delete/", record_views.delete, {"kind": "goal"}, name="goal_delete"),
    path("goals/<int:pk>/restore/", record_views.restore, {"kind": "goal"}, name="goal_restore"),
    path(
        "actions/<int:pk>/history/", record_views.history, {"kind": "action"}, name="action_history"
    ),
    path("actions/<int:pk>/delete/", record_views.delete, {"kind": "action"}, name="action_delete"),
    path(
        "actions/<int:pk>/restore/", record_views.restore, {"kind": "action"}, name="action_restore"
    ),
    path("records/deleted/", record_views.deleted_records, name="deleted_records"),
    path("exports/<slug:name>/", record_views.export, name="export"),
    # Working groups (working_group_views.py).
    path("working-groups/", working_group_views.working_group_list, name="working_group_list"),
    path(
        "working-groups/new/",
        working_group_views.working_group_create,
        name="working_group_create",
    ),
    path(
        "working-groups/<int:pk>/",
        working_group_views.working_group_detail,
        name="working_group_detail",
    ),
    path(
        "working-groups/<int:pk>/edit/",
        working_group_views.working_group_edit,
        name="working_group_edit",
    ),
    path(
        "working-groups/<int:pk>/history/",
        record_views.history,
        {"kind": "working_group"},
        name="working_group_history",
    ),
]
