from django.urls import path

from hallbar.organisation import record_views
from hallbar.steering import agenda_views, views, working_group_views

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
    # The record: history, delete and restore of each object (organisation/record_views.py).
    *record_views.paths("documents/", "document"),
    *record_views.paths("goals/", "goal"),
    *record_views.paths("actions/", "action"),
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
    *record_views.paths("working-groups/", "working_group", pages=("history",)),
]
