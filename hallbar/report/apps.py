from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportConfig(AppConfig):
    name = "hallbar.report"
    label = "report"
    verbose_name = _("Sustainability report")

    def ready(self) -> None:
        from hallbar.report import records

        records.register_kinds()
