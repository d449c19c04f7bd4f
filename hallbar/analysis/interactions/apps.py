from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "hallbar.analysis.interactions"
    label = "interactions"
    verbose_name = _("Interactions")

    def ready(self) -> None:
        from hallbar.analysis.interactions import records

        records.register_kinds()
