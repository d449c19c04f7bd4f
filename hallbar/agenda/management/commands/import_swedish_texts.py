"""manage.py import_swedish_texts --organisation 1961 FILE: the translation CSV import of
the web page, for files kept in version control or sent by a region to its municipalities."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hallbar.agenda.services import text_corrections_import
from hallbar.agenda.translation_csv import MAX_FILE_BYTES, TranslationFileError
from hallbar.organisation.models import Organisation


class Command(BaseCommand):
    help = (
        "Import an organisation's Swedish texts of targets and indicators from a CSV file "
        "(columns kind, code, text_sv, optional short_title_sv and note). All rows or none; "
        "importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8, comma or semicolon).")
        parser.add_argument(
            "--organisation",
            required=True,
            help="Municipality code of the organisation, e.g. 1961.",
        )
        parser.add_argument(
            "--user", help="Username recorded in the texts' history as the one who imported."
        )
        parser.add_argument(
            "--skip-empty",
            action="store_true",
            help="Skip rows without Swedish text (the untouched rows of the template).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = Organisation.objects.get(code=options["organisation"])
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation with code {options['organisation']}.") from None
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get_by_natural_key(options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user {options['user']}.") from None
        path: Path = options["file"]
        try:
            with path.open("rb") as file:
                # One byte past the limit, so the import can tell the file is too large.
                data = file.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            summary = text_corrections_import(
                organisation=organisation,
                data=data,
                user=user,
                source_name=path.name,
                skip_empty=options["skip_empty"],
            )
        except TranslationFileError as error:
            for problem in error.errors:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(
                f"{len(error.errors)} problem(s) in {path.name}: nothing was imported."
            ) from None
        self.stdout.write(f"{organisation.name}: {summary}")
