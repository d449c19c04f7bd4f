from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "hallbar.steering"
    verbose_name = _("Steering chain")

    def ready(self) -> None:
        from hallbar.steering import records

        records.register_kinds()
