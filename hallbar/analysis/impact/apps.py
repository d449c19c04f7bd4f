from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "hallbar.analysis.impact"
    label = "impact"
    verbose_name = _("Impact assessment")

    def ready(self) -> None:
        from hallbar.analysis.impact import records, signals

        signals.connect()
        records.register_kinds()
