from django.urls import path, register_converter

from hallbar.analysis.interactions import views
from hallbar.organisation import record_views


class MatrixNodeConverter:
    """A row or column of a version: a target code (11.2, 1.a) or, in a goal-level
    version, a goal number 1–17. Anything else never reaches the view."""

    regex = "[0-9]{1,2}(?:\\.[0-9a-zA-Z]{1,3})?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MatrixNodeConverter, "matrix_node")

app_name = "interactions"

urlpatterns = [
    path("matrices/", views.matrix_list, name="matrix_list"),
    path("matrices/new/", views.matrix_create, name="matrix_create"),
    # One view imports a CSV: into a new version here, into a draft under <pk>.
    path("matrices/import/", views.matrix_import, name="matrix_import_new"),
    path("matrices/<int:pk>/", views.matrix_detail, name="matrix_detail"),
    path("matrices/<int:pk>/grid/", views.matrix_grid, name="matrix_grid"),
    path("matrices/<int:pk>/edit/", views.matrix_edit, name="matrix_edit"),
    path("matrices/<int:pk>/publish/", views.matrix_publish, name="matrix_publish"),
    path("matrices/<int:pk>/import/", views.matrix_import, name="matrix_import"),
    path(
        "matrices/<int:pk>/cells/<matrix_node:from_code>/<matrix_node:to_code>/",
        views.cell_edit,
        name="cell_edit",
    ),
    path("matrices/<int:pk>/export/<slug:name>/", views.matrix_export, name="matrix_export"),
    # The record of a version (hallbar.core.records): history with its scores, delete
    # (a draft for good, a published version softly) and restore.
    *record_views.paths("matrices/", "matrix"),
]
