from django.urls import path

from hallbar.engagement import views
from hallbar.organisation import record_views

app_name = "engagement"

urlpatterns = [
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/answer/", views.proposal_respond, name="proposal_respond"),
    # The record: history, delete and restore (hallbar/core/records.py).
    *record_views.paths("proposals/", "proposal"),
    path("comments/<slug:kind>/<int:pk>/", views.comment_create, name="comment_create"),
]
