from django.urls import path

from hallbar.followup import views

app_name = "followup"

urlpatterns = [
    path("indicators/import/", views.observation_import, name="observation_import"),
]
