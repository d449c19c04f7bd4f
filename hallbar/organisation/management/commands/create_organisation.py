from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hallbar.organisation.services import UnknownMunicipalityCode, organisation_create


class Command(BaseCommand):
    help = (
        "Create the organisation (tenant) for a Swedish municipality from the shipped "
        "municipality list, e.g. `create_organisation 1961`. Idempotent."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("code", help="Four-digit municipality code (SCB/Kolada), e.g. 1961.")
        parser.add_argument(
            "--with-standard-bodies",
            action="store_true",
            help=(
                "Also create the bodies of the sustainability strategy: KF, KS, KSAU as "
                "sustainability committee, sustainability council, the chief executive's "
                "management group and the analysis group (missing ones only), each with "
                "the standard mandates of the strategy."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = organisation_create(
                code=options["code"], with_standard_bodies=options["with_standard_bodies"]
            )
        except UnknownMunicipalityCode as error:
            raise CommandError(str(error)) from error
        organisation = result.organisation
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {organisation.name} ({organisation.code}), "
                    f"{organisation.county_name}, municipality group "
                    f"{organisation.municipality_group_code} "
                    f"({organisation.municipality_group_name})."
                )
            )
        else:
            self.stdout.write(
                f"{organisation.name} ({organisation.code}) already exists; "
                "the organisation was not changed."
            )
        if result.bodies_created:
            names = ", ".join(str(body) for body in result.bodies_created)
            self.stdout.write(f"Added {len(result.bodies_created)} standard bodies: {names}.")
            self.stdout.write(f"Added {result.mandates_created} standard mandates to them.")
        elif options["with_standard_bodies"]:
            self.stdout.write("All standard bodies already exist; none added.")
