from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "hallbar.organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from hallbar.core.history import register_label
        from hallbar.organisation.models import Body

        # Histories and edit conflicts name a body by its full name.
        register_label(Body, lambda body: body.name)
