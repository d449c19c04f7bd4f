from django.contrib import admin
from django.urls import include, path, register_converter

from hallbar import converters
from hallbar.api.api import api
from hallbar.organisation import views as organisation_views

register_converter(converters.OrganisationCodeConverter, "org")
register_converter(converters.TargetCodeConverter, "target")
register_converter(converters.IndicatorCodeConverter, "indicator")

urlpatterns = [
    path("", organisation_views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("o/<org:org_code>/", include("hallbar.agenda.urls")),
    path("o/<org:org_code>/", include("hallbar.steering.urls")),
    path("o/<org:org_code>/", include("hallbar.organisation.urls")),
    path("o/<org:org_code>/", include("hallbar.followup.urls")),
    path("o/<org:org_code>/", include("hallbar.engagement.urls")),
    path("o/<org:org_code>/", include("hallbar.analysis.status.urls")),
    path("o/<org:org_code>/", include("hallbar.analysis.interactions.urls")),
    path("o/<org:org_code>/", include("hallbar.analysis.impact.urls")),
    path("o/<org:org_code>/", include("hallbar.report.urls")),
]
