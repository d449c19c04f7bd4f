"""Raise goal conflicts (METHODS.md §5) for an organisation's assessed cases and its
actions. Idempotent: conflicts already raised are updated while open, never duplicated."""

from django.core.management.base import BaseCommand, CommandError

from hallbar.analysis.impact.conflicts import detect_conflicts
from hallbar.organisation.models import Organisation


class Command(BaseCommand):
    help = "Raise goal conflicts from impact assessments and actions (METHODS.md §5)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            required=True,
            help="Municipality code of the organisation, e.g. 1961.",
        )

    def handle(self, *args, organisation: str, **options):
        found = Organisation.objects.filter(code=organisation).first()
        if found is None:
            raise CommandError(f"No organisation with the code {organisation!r}.")
        result = detect_conflicts(found)
        self.stdout.write(str(result))
