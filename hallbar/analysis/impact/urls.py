from django.urls import path

from hallbar.analysis.impact import views
from hallbar.organisation import record_views

app_name = "impact"

urlpatterns = [
    path("impact/cases/", views.case_list, name="case_list"),
    path("impact/cases/new/", views.case_create, name="case_create"),
    path("impact/cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("impact/cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("impact/cases/<int:pk>/assessment/", views.case_assess, name="case_assess"),
    path("impact/cases/<int:pk>/summary/", views.case_summary, name="case_summary"),
    path("impact/cases/<int:pk>/summary.pdf", views.case_summary_pdf, name="case_summary_pdf"),
    path("impact/cases/<int:pk>/remarks/", views.case_remark, name="case_remark"),
    # The record: history (and its export), delete and restore (hallbar/core/records.py).
    *record_views.paths("impact/cases/", "case"),
    path("impact/compiled/", views.compiled, name="compiled"),
    path("impact/conflicts/", views.conflict_list, name="conflict_list"),
    path("impact/conflicts/new/", views.conflict_create, name="conflict_create"),
    path("impact/conflicts/<int:pk>/", views.conflict_detail, name="conflict_detail"),
    path("impact/conflicts/<int:pk>/edit/", views.conflict_edit, name="conflict_edit"),
    path("impact/conflicts/<int:pk>/decision/", views.conflict_decide, name="conflict_decide"),
    path("impact/conflicts/<int:pk>/remarks/", views.conflict_remark, name="conflict_remark"),
    *record_views.paths("impact/conflicts/", "conflict"),
]
