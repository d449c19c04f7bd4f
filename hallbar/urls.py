from django.contrib import admin
from django.urls import include, path

from hallbar.api.api import api
from hallbar.organisation import views as organisation_views

urlpatterns = [
    path("", organisation_views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("o/<str:org_code>/", include("hallbar.agenda.urls")),
    path("o/<str:org_code>/", include("hallbar.steering.urls")),
]
