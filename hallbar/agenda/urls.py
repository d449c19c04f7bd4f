from django.urls import path

from hallbar.agenda import views
from hallbar.organisation import record_views

app_name = "agenda"

urlpatterns = [
    path(
        "agenda/targets/<target:code>/swedish-text/",
        views.target_text_edit,
        name="target_text_edit",
    ),
    path(
        "agenda/indicators/<indicator:code>/swedish-text/",
        views.indicator_text_edit,
        name="indicator_text_edit",
    ),
    path("agenda/swedish-texts/", views.text_list, name="text_list"),
    path("agenda/swedish-texts/import/", views.text_import, name="text_import"),
    path("agenda/swedish-texts/missing.csv", views.text_template, name="text_template"),
    path("agenda/goal-sets/", views.goal_set_list, name="goal_set_list"),
    path("agenda/goal-sets/new/", views.goal_set_create, name="goal_set_create"),
    path("agenda/goal-sets/<int:pk>/", views.goal_set_detail, name="goal_set_detail"),
    path("agenda/goal-sets/<int:pk>/edit/", views.goal_set_edit, name="goal_set_edit"),
    *record_views.paths("agenda/goal-sets/", "goal_set", pages=("history",)),
    path("agenda/goal-sets/<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path(
        "agenda/goal-sets/<int:pk>/goals/<int:goal_pk>/edit/",
        views.goal_edit,
        name="goal_edit",
    ),
]
