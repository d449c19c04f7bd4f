from django.urls import path

from hallbar.analysis.status import views
from hallbar.organisation import record_views

app_name = "status_analysis"

urlpatterns = [
    path("status-analyses/", views.analysis_list, name="analysis_list"),
    path("status-analyses/new/", views.analysis_create, name="analysis_create"),
    path("status-analyses/<int:pk>/", views.analysis_detail, name="analysis_detail"),
    path("status-analyses/<int:pk>/state/", views.analysis_state, name="analysis_state"),
    path("status-analyses/<int:pk>/changes/", views.analysis_changes, name="analysis_changes"),
    # The record (hallbar.core.records): every version of the analysis and its parts;
    # deleting (soft once confirmed) and restoring.
    *record_views.paths("status-analyses/", "status_analysis"),
    path(
        "status-analyses/<int:pk>/priorities/",
        views.analysis_priorities,
        name="analysis_priorities",
    ),
    path(
        "status-analyses/<int:pk>/export/<slug:name>/",
        views.analysis_export,
        name="analysis_export",
    ),
    path(
        "status-analyses/<int:pk>/targets/<target:code>/",
        views.target_detail,
        name="target_detail",
    ),
    path(
        "status-analyses/<int:pk>/targets/<target:code>/history/",
        views.target_history,
        name="target_history",
    ),
    path(
        "status-analyses/<int:pk>/targets/<target:code>/edit/",
        views.target_edit,
        name="target_edit",
    ),
    path(
        "status-analyses/<int:pk>/targets/<target:code>/propose/",
        views.target_propose,
        name="target_propose",
    ),
    path("status-analyses/<int:pk>/goals/<int:number>/", views.goal_detail, name="goal_detail"),
    path(
        "status-analyses/<int:pk>/goals/<int:number>/history/",
        views.goal_history,
        name="goal_history",
    ),
    path("status-analyses/<int:pk>/goals/<int:number>/edit/", views.goal_edit, name="goal_edit"),
]
