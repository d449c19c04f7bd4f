from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatusAnalysisConfig(AppConfig):
    name = "hallbar.analysis.status"
    label = "status_analysis"
    verbose_name = _("Status analysis")

    def ready(self) -> None:
        from hallbar.analysis.status import focus, records, sections

        sections.register()
        # History page and history exports of an analysis (hallbar.core.records).
        records.register_kind()
        # Steering's registers mark the targets prioritised in the latest confirmed analysis.
        focus.register()
