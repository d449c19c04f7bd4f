from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import module_has_submodule

from hallbar.steering.demo import DemoDataError, demo_data_load, demo_logins


class Command(BaseCommand):
    help = (
        "Load Hallstahammar's example data and the demo logins (demo mode only, "
        "HALLBAR_DEMO=true). Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--steering-only",
            action="store_true",
            help=(
                "Load only the organisations, the steering chain and the logins, not the "
                "later apps' examples (indicators, analyses, the report)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = demo_data_load()
            self.stdout.write(str(summary))
            if not options["steering_only"]:
                for loader in _later_demo_loaders():
                    self.stdout.write(str(loader()))
        except DemoDataError as error:
            raise CommandError(str(error)) from error
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


def _later_demo_loaders():
    """`demo_load()` of every app after steering that has a `demo` module, in
    INSTALLED_APPS order (the dependency order): follow-up's figures before the analysis
    that reads them, the analysis before the report that compiles it. Each is idempotent
    and returns a printable summary; each raises DemoDataError to stop with a message."""
    configs = list(apps.get_app_configs())
    names = [config.name for config in configs]
    later = configs[names.index("hallbar.steering") + 1 :]
    for config in later:
        if module_has_submodule(config.module, "demo"):
            loader = getattr(import_module(f"{config.name}.demo"), "demo_load", None)
            if loader is not None:
                yield loader
