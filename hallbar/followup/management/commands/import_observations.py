"""manage.py import_observations FILE: the observation import of the upload page, for
files kept in version control or produced by another system."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hallbar.followup.observation_import import MAX_FILE_BYTES, ObservationFileError
from hallbar.followup.services import affected_series, observations_import
from hallbar.organisation.models import Organisation


class Command(BaseCommand):
    help = (
        "Import KPI values from a CSV or Excel (.xlsx) file in long format: columns Year, "
        "Indicator, Area, Value and optionally Gender (T/K/M) or Sex (female/male). See "
        "docs/examples/observations.csv. All rows or none; importing the same file again "
        "changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV (UTF-8) or .xlsx file.")
        parser.add_argument(
            "--source",
            help="Where the values come from, stored with each value (default: the file name).",
        )
        parser.add_argument(
            "--organisation",
            help=(
                "Municipality code of an organisation whose own KPIs the file may use besides "
                "the Kolada KPIs, e.g. 1961."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options["organisation"]:
            try:
                organisation = Organisation.objects.get(code=options["organisation"])
            except Organisation.DoesNotExist:
                raise CommandError(
                    f"No organisation with code {options['organisation']}."
                ) from None
        path: Path = options["file"]
        try:
            with path.open("rb") as file:
                # One byte past the limit, so the import can tell the file is too large.
                data = file.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            summary = observations_import(
                data=data, organisation=organisation, source_name=options["source"] or path.name
            )
        except ObservationFileError as error:
            for problem in error.errors:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(
                f"{len(error.errors)} problem(s) in {path.name}: nothing was imported."
            ) from None
        self.stdout.write(str(summary))
        self.stdout.write(f"Series with new or changed values: {len(affected_series(summary))}.")
