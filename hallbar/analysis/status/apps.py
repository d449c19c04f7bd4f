from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatusAnalysisConfig(AppConfig):
    name = "hallbar.analysis.status"
    label = "status_analysis"
    verbose_name = _("Status analysis")

    def ready(self) -> None:
        from hallbar.analysis.status import sections

        sections.register()
