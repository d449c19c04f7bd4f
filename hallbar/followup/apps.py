from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "hallbar.followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from hallbar.followup import sections

        sections.register()
