"""Check an organisation's goal conflicts again (METHODS.md §5): both rules over its
assessed cases not yet decided and rule (b) over its actions. Raises what is missing,
brings open conflicts up to date, reopens withdrawn ones whose condition holds again and
withdraws open ones whose condition no longer holds. Idempotent: run again, it changes
nothing. Decided conflicts and those raised by hand are never touched."""

from django.core.management.base import BaseCommand, CommandError

from hallbar.analysis.impact.conflicts import detect_conflicts
from hallbar.organisation.models import Organisation


class Command(BaseCommand):
    help = (
        "Check goal conflicts again from impact assessments and actions (METHODS.md §5): "
        "raise, update, reopen or withdraw."
    )

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
