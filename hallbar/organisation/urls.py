from django.urls import path

from hallbar.organisation import record_views, views

app_name = "organisation"

urlpatterns = [
    path("mandates/", views.mandate_list, name="mandate_list"),
    path("mandates/new/", views.mandate_create, name="mandate_create"),
    path("mandates/standard/", views.mandates_seed, name="mandates_seed"),
    path("mandates/<int:pk>/edit/", views.mandate_edit, name="mandate_edit"),
    path("mandates/<int:pk>/delete/", views.mandate_delete, name="mandate_delete"),
    *record_views.paths("mandates/", "mandate", pages=("history",)),
    # The record of every kind (hallbar/core/records.py): what was deleted, the exports.
    path("records/deleted/", record_views.deleted_records, name="deleted_records"),
    path("exports/<slug:name>/", record_views.export, name="export"),
]
