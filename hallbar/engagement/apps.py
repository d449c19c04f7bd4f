from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "hallbar.engagement"
    label = "engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        from hallbar.engagement import records, sections

        sections.register()
        records.register_kinds()
