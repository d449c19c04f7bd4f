from django.urls import path

from hallbar.agenda import views

app_name = "agenda"

urlpatterns = [
    path("agenda/targets/<str:code>/swedish-text/", views.target_text_edit, name="target_text_edit"),
    path(
        "agenda/indicators/<str:code>/swedish-text/",
        views.indicator_text_edit,
        name="indicator_text_edit",
    ),
    path("agenda/swedish-texts/import/", views.text_import, name="text_import"),
    path("agenda/goal-sets/", views.goal_set_list, name="goal_set_list"),
    path("agenda/goal-sets/new/", views.goal_set_create, name="goal_set_create"),
    path("agenda/goal-sets/<int:pk>/", views.goal_set_detail, name="goal_set_detail"),
]
