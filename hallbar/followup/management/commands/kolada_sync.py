"""manage.py kolada_sync --organisation 1961 [--kpi N00945,N01951] [--from-date YYYY-MM-DD]:
the organisation's Kolada KPIs, metadata then values (see hallbar/followup/kolada_sync.py)."""

from __future__ import annotations

from argparse import ArgumentTypeError
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from tqdm import tqdm

from hallbar.followup.kolada_sync import (
    DataSummary,
    KoladaSyncError,
    KoladaSyncStopped,
    kolada_sync_run,
)
from hallbar.integrations.kolada.client import KoladaClient
from hallbar.organisation.models import Organisation


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Fetch the organisation's Kolada KPIs: their definitions, then their values for the "
        "organisation, its comparison groups, its county, the country and every municipality. "
        "Idempotent (a second run writes nothing), atomic per page, and resumable: after an "
        "error, run the same command again to continue with what is not done."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisation", required=True, help="The organisation's municipality code, e.g. 1961."
        )
        parser.add_argument(
            "--kpi",
            default="",
            help="Kolada KPI codes to add to the organisation's indicators first, comma-"
            "separated, e.g. N00945,N01951. Unknown codes are refused and nothing is added.",
        )
        parser.add_argument(
            "--from-date",
            type=_iso_date,
            help="Only values Kolada changed since this date (YYYY-MM-DD).",
        )
        parser.add_argument(
            "--restart",
            action="store_true",
            help="Fetch every chunk again, even if an interrupted run had completed some.",
        )
        parser.add_argument(
            "--state-dir",
            type=Path,
            help="Where an interrupted run records its completed chunks (default var/kolada_sync).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["organisation"]
        try:
            organisation = Organisation.objects.get(code=code)
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation with code {code}.") from None
        verbosity: int = options["verbosity"]
        progress = _ProgressBar(self.stderr, enabled=verbosity > 0)
        try:
            with KoladaClient.from_settings() as client:
                summary = kolada_sync_run(
                    organisation=organisation,
                    client=client,
                    add_kpis=options["kpi"].split(","),
                    from_date=options["from_date"],
                    state_dir=options["state_dir"],
                    restart=options["restart"],
                    progress=progress,
                )
        except KoladaSyncError as error:
            raise CommandError(str(error)) from None
        except KoladaSyncStopped as stopped:
            progress.close()
            if verbosity > 0:
                self.stdout.write(str(stopped.summary))
            raise CommandError(
                f"Kolada sync stopped: {stopped}\n"
                f"What was committed before the error is kept ({stopped.summary.data.pages} "
                "page(s) in this run). Run the same command again to continue with the chunks "
                "not done."
            ) from None
        finally:
            progress.close()
        if verbosity > 0:
            self.stdout.write(str(summary))


class _ProgressBar:
    """A tqdm bar over the sync's chunks, with row counts and the rate, on stderr."""

    def __init__(self, stream: OutputWrapper, *, enabled: bool) -> None:
        self._stream = _Raw(stream)
        self._enabled = enabled
        self._bar: tqdm | None = None

    def start(self, *, total: int, done: int) -> None:
        if not self._enabled:
            return
        self._bar = tqdm(
            total=total,
            initial=done,
            desc="Kolada",
            unit="chunk",
            file=self._stream,
            dynamic_ncols=True,
            mininterval=0.5,
        )

    def page(self, data: DataSummary) -> None:
        if self._bar is not None:
            counts = {
                "pages": data.pages,
                "rows": data.rows,
                "new": data.new,
                "changed": data.changed,
                "removed": data.removed,
            }
            self._bar.set_postfix(counts, refresh=False)

    def chunk_done(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class _Raw:
    """tqdm writes carriage returns; Django's OutputWrapper would add a newline to each."""

    def __init__(self, stream: OutputWrapper) -> None:
        self._stream = stream

    def write(self, text: str) -> None:
        self._stream.write(text, ending="")

    def flush(self) -> None:
        self._stream.flush()
