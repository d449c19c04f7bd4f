from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "hallbar.agenda"
    verbose_name = _("Goal sets")

    def ready(self) -> None:
        from hallbar.agenda.models import Target
        from hallbar.core.history import register_label

        # Targets are named by their code, in the framework's order (3.6 before 11.2).
        register_label(Target, lambda target: target.code, lambda t: (t.position, t.code))
