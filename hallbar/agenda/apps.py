from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "hallbar.agenda"
    verbose_name = _("Goal sets")

    def ready(self) -> None:
        from hallbar.agenda.models import Goal, GoalSet, Target
        from hallbar.core import records
        from hallbar.core.history import register_label

        # Targets are named by their code, in the framework's order (3.6 before 11.2).
        register_label(Target, lambda target: target.code, lambda t: (t.position, t.code))
        # An organisation's own goal set (a RUS, a programme's goals): its history with
        # the goals' changes, and the export (reference sets are not the organisation's).
        records.register(
            records.RecordKind(
                name="goal_set",
                model=GoalSet,
                app="agenda",
                list_route="agenda:goal_set_list",
                parts=(
                    records.Part(
                        Goal, parent="goal_set", subject=lambda record, labels: record.code
                    ),
                ),
                title=lambda goal_set: goal_set.title_sv,
            )
        )
