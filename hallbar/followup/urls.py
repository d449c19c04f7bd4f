from django.urls import path, re_path

from hallbar.followup import views

app_name = "followup"

# A KPI code as stored (Kolada's N00945, an organisation's own HH-CYKEL): up to 40
# characters, no slash and no control character (PostgreSQL refuses NUL in text, so a
# loose segment could turn into a 500).
KPI_CODE = r"(?P<code>[^/\x00-\x1f\x7f]{1,40})"

urlpatterns = [
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/import/", views.observation_import, name="observation_import"),
    re_path(rf"^indicators/{KPI_CODE}/$", views.indicator_detail, name="indicator_detail"),
    re_path(
        rf"^indicators/{KPI_CODE}/export/(?P<name>[a-z0-9-]{{1,40}})/$",
        views.indicator_export,
        name="indicator_export",
    ),
]
