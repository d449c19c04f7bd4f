from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "hallbar.organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from hallbar.core import records
        from hallbar.core.history import register_label
        from hallbar.organisation.models import Body, Mandate

        # Histories and edit conflicts name a body by its full name.
        register_label(Body, lambda body: body.name)
        # A mandate's record: its history page and export (it is removed, never kept
        # deleted: organisation/views.py mandate_delete).
        records.register(
            records.RecordKind(
                name="mandate",
                model=Mandate,
                app="organisation",
                list_route="organisation:mandate_list",
                title=lambda m: f"{m.get_kind_display()} – {m.get_scope_display()}",
                detail_url=lambda organisation, mandate: reverse(
                    "organisation:mandate_edit",
                    kwargs={"org_code": organisation.code, "pk": mandate.pk},
                ),
            )
        )
