from django.urls import path

from hallbar.organisation import record_views
from hallbar.report import views

app_name = "report"

urlpatterns = [
    path("report/", views.report_list, name="report_list"),
    path("report/new/", views.report_create, name="report_create"),
    path("report/<int:pk>/", views.edition_detail, name="edition_detail"),
    path("report/<int:pk>/pdf/", views.edition_pdf, name="edition_pdf"),
    path("report/<int:pk>/data.zip", views.edition_data, name="edition_data"),
    path("report/<int:pk>/texts/<slug:section>/", views.section_text, name="section_text"),
    path("report/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path(
        "report/<int:pk>/comments/<int:comment_id>/resolve/",
        views.comment_resolve,
        name="comment_resolve",
    ),
    path("report/<int:pk>/steps/<slug:step>/", views.edition_step, name="edition_step"),
    path("report/<int:pk>/decision/", views.edition_decide, name="edition_decide"),
    path("report/<int:pk>/correct/", views.edition_correct, name="edition_correct"),
    # The record: history, delete and restore (hallbar/core/records.py).
    *record_views.paths("report/", "edition"),
]
