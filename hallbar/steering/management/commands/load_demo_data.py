from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hallbar.steering.demo import DemoDataError, demo_data_load, demo_logins


class Command(BaseCommand):
    help = (
        "Load Hallstahammar's example data and the demo logins (demo mode only, "
        "HALLBAR_DEMO=true). Idempotent: a second run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = demo_data_load()
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(summary))
        self._write_logins()

    def _write_logins(self) -> None:
        header = ("username", "role", "body", "password")
        rows = [(row.username, row.role, row.body, row.password) for row in demo_logins()]
        widths = [max(len(line[column]) for line in [header, *rows]) for column in range(4)]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (log in at /accounts/login/):"))
        self.stdout.write(line(header).rstrip())
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows:
            self.stdout.write(line(row).rstrip())
