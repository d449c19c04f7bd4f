from django.core.management.base import BaseCommand

from hallbar.agenda.services import reference_data_load


class Command(BaseCommand):
    help = (
        "Load or update the shipped reference goal sets (Agenda 2030, national goals). Idempotent."
    )

    def handle(self, *args, **options):
        summary = reference_data_load()
        self.stdout.write(str(summary))
