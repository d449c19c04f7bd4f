from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hallbar.organisation.models import Organisation
from hallbar.organisation.services import mandates_seed


class Command(BaseCommand):
    help = (
        "Give the organisation's bodies that have no mandate the standard mandates of their "
        "kind, from the strategy (e.g. after adding a committee). Bodies with mandates are "
        "left alone. Idempotent."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("code", help="Four-digit municipality code, e.g. 1961.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["code"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with code {options['code']!r}.")
        created = mandates_seed(organisation=organisation)
        bodies = sorted({str(mandate.body) for mandate in created})
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Added {len(created)} standard mandates to {len(bodies)} bodies: "
                    f"{', '.join(bodies)}."
                )
            )
        else:
            self.stdout.write("Every body already has mandates; none added.")
