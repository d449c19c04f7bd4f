from django.urls import path

from hallbar.analysis.interactions import views

app_name = "interactions"

urlpatterns = [
    path("matrices/", views.matrix_list, name="matrix_list"),
    path("matrices/new/", views.matrix_create, name="matrix_create"),
    path("matrices/import/", views.matrix_import_new, name="matrix_import_new"),
    path("matrices/<int:pk>/", views.matrix_detail, name="matrix_detail"),
    path("matrices/<int:pk>/grid/", views.matrix_grid, name="matrix_grid"),
    path("matrices/<int:pk>/edit/", views.matrix_edit, name="matrix_edit"),
    path("matrices/<int:pk>/publish/", views.matrix_publish, name="matrix_publish"),
    path("matrices/<int:pk>/import/", views.matrix_import, name="matrix_import"),
    path(
        "matrices/<int:pk>/cells/<target:from_code>/<target:to_code>/",
        views.cell_edit,
        name="cell_edit",
    ),
    path("matrices/<int:pk>/export/<slug:name>/", views.matrix_export, name="matrix_export"),
]
