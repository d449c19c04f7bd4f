from django.urls import path

from hallbar.organisation import views

app_name = "organisation"

urlpatterns = [
    path("mandates/", views.mandate_list, name="mandate_list"),
    path("mandates/new/", views.mandate_create, name="mandate_create"),
    path("mandates/standard/", views.mandates_seed, name="mandates_seed"),
    path("mandates/<int:pk>/edit/", views.mandate_edit, name="mandate_edit"),
    path("mandates/<int:pk>/delete/", views.mandate_delete, name="mandate_delete"),
]
