from django.urls import path  # noqa: F401

app_name = "status_analysis"

urlpatterns: list = []
