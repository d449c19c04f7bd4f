"""The translation CSV: an organisation's Swedish texts for targets and indicators.

Columns (first row; names in any order and case): `kind` (target | indicator), `code`,
`text_sv`, and optionally `short_title_sv` (targets only) and `note`. Other columns
(e.g. `text_en` of the downloadable template) are ignored. UTF-8 with or without a BOM;
comma or semicolon separated, decided from the first row. A column left out of the file
leaves that field of existing texts as it is; an empty cell empties it.

`read_translation_csv` checks the whole file and reports every problem with its row,
column and reason, so a person can fix them all at once; it touches no database (the
known codes are passed in), which keeps it fast to test exhaustively.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hallbar.agenda.models import GlobalIndicator, Target, TextCorrection

if TYPE_CHECKING:
    from hallbar.organisation.models import Organisation

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# The longest shipped target text has 564 characters; room for a longer own wording.
TEXT_MAX_LENGTH = 2000
SHORT_TITLE_MAX_LENGTH = TextCorrection._meta.get_field("short_title_sv").max_length
NOTE_MAX_LENGTH = TextCorrection._meta.get_field("note").max_length

KINDS = ("target", "indicator")
REQUIRED_COLUMNS = ("kind", "code", "text_sv")
OPTIONAL_COLUMNS = ("short_title_sv", "note")
TEMPLATE_COLUMNS = ("kind", "code", "text_en", "short_title_sv", "text_sv", "note")


@dataclass(frozen=True)
class RowError:
    """A problem in the file. Row 1 is the header; `row` is None for the whole file."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("Row %(row)d, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


class TranslationFileError(Exception):
    """The file was refused; `errors` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors[:5]))
        self.errors = errors


@dataclass(frozen=True)
class TranslationRow:
    row: int
    kind: str
    code: str  # as the reference data spells it, whatever case the file used
    text_sv: str
    short_title_sv: str | None  # None: the file has no such column, leave it as it is
    note: str | None


@dataclass
class TranslationFile:
    rows: list[TranslationRow] = field(default_factory=list)
    skipped: int = 0  # rows without any Swedish text, left out on request


def clean_text(value: str) -> str:
    """One spelling for the same text: trimmed, Unix line ends (browsers send CRLF from
    a textarea, spreadsheets write it), composed characters (macOS decomposes å).
    Comparing cleaned values is what makes a repeated import change nothing."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return unicodedata.normalize("NFC", value)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TranslationFileError(
            [
                RowError(
                    None,
                    None,
                    _(
                        "The file is not UTF-8: line %(line)d has a character that cannot "
                        "be read. Save it as “CSV UTF-8” and upload it again."
                    )
                    % {"line": data[: error.start].count(b"\n") + 1},
                )
            ]
        ) from None


def _sniff_delimiter(text: str) -> str:
    # The header names contain neither separator, so the first line decides reliably
    # where csv.Sniffer guesses from the texts (which contain commas) and may fail.
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _length_error(row: int, column: str, value: str, limit: int) -> RowError | None:
    if len(value) <= limit:
        return None
    return RowError(
        row,
        column,
        _("The text has %(length)d characters; at most %(limit)d are allowed.")
        % {"length": len(value), "limit": limit},
    )


def _read_header(record: list[str]) -> tuple[dict[str, int], list[RowError]]:
    columns: dict[str, int] = {}
    errors = []
    for index, name in enumerate(record):
        name = name.strip().lower()
        if not name:
            continue
        if name in columns:
            errors.append(RowError(1, name, _("The column appears twice in the first row.")))
        columns.setdefault(name, index)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        errors.append(
            RowError(
                1,
                ", ".join(missing),
                _(
                    "Missing column. The first row must name the columns "
                    "kind, code and text_sv (optionally short_title_sv and note), "
                    "separated by commas or semicolons."
                ),
            )
        )
    return columns, errors


def read_translation_csv(
    data: bytes,
    *,
    target_codes: Mapping[str, object],
    indicator_codes: Mapping[str, object],
    skip_empty: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
    max_rows: int = MAX_ROWS,
) -> TranslationFile:
    """Parse and check a translation file against the known codes (keys of the
    mappings, as the reference data spells them; matched case-insensitively).

    Returns the rows to write, or raises TranslationFileError listing every problem.
    `skip_empty` leaves out rows with neither a Swedish text nor a short title (the
    untouched rows of the downloaded template) instead of refusing them.
    """
    if len(data) > max_bytes:
        raise TranslationFileError(
            [
                RowError(
                    None,
                    None,
                    # Callers may read only one byte past the limit: say "larger than".
                    _(
                        "The file is larger than the limit of %(limit)s. Split it into smaller files."
                    )
                    % {"limit": filesizeformat(max_bytes)},
                )
            ]
        )
    text = _decode(data)
    if not text.strip():
        raise TranslationFileError([RowError(None, None, _("The file is empty."))])

    known = {
        "target": {code.lower(): code for code in target_codes},
        "indicator": {code.lower(): code for code in indicator_codes},
    }
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    result = TranslationFile()
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    columns: dict[str, int] = {}
    header_width = 0
    data_rows = 0
    # Row numbers count records as a spreadsheet shows them: the header is row 1,
    # and a cell with line breaks inside quotes stays one row.
    row = 0
    try:
        for record in reader:
            row += 1
            if row == 1:
                columns, header_errors = _read_header(record)
                header_width = len(record)
                if header_errors:
                    raise TranslationFileError(header_errors)
                continue
            if not any(cell.strip() for cell in record):
                continue  # blank lines, and the empty rows spreadsheets append
            data_rows += 1
            if data_rows > max_rows:
                raise TranslationFileError(
                    [
                        RowError(
                            None,
                            None,
                            _(
                                "The file has more than %(limit)d rows; at most %(limit)d "
                                "are allowed. Split it into several files."
                            )
                            % {"limit": max_rows},
                        )
                    ]
                )
            parsed, row_errors, skipped = _read_row(
                row, record, columns, header_width, known, seen, skip_empty=skip_empty
            )
            errors.extend(row_errors)
            result.skipped += skipped
            if parsed is not None:
                result.rows.append(parsed)
    except csv.Error as error:
        errors.append(
            RowError(
                row + 1,
                None,
                _("The file cannot be read as CSV (%(reason)s). Check the quotation marks.")
                % {"reason": error},
            )
        )
    if not errors and not data_rows:
        errors.append(RowError(None, None, _("The file has no rows below the first row.")))
    if errors:
        raise TranslationFileError(errors)
    return result


def _read_row(
    row: int,
    record: list[str],
    columns: dict[str, int],
    header_width: int,
    known: dict[str, dict[str, str]],
    seen: dict[tuple[str, str], int],
    *,
    skip_empty: bool,
) -> tuple[TranslationRow | None, list[RowError], int]:
    """One data row: the parsed row (None if refused or skipped), its errors, and 1 if
    it was skipped as untranslated."""
    errors: list[RowError] = []
    if any(cell.strip() for cell in record[header_width:]):
        errors.append(
            RowError(
                row,
                None,
                _(
                    "The row has more values than the first row has columns. "
                    "Put a text that contains the separator in double quotes."
                ),
            )
        )

    def cell(name: str) -> str | None:
        if name not in columns:
            return None
        index = columns[name]
        return clean_text(record[index]) if index < len(record) else ""

    for name, index in columns.items():
        if index < len(record) and "\x00" in record[index]:
            errors.append(RowError(row, name, _("The cell contains a NUL byte (\\0).")))
    if errors:
        return None, errors, 0

    kind = (cell("kind") or "").lower()
    code = cell("code") or ""
    text_sv = cell("text_sv") or ""
    short_title_sv = cell("short_title_sv")
    note = cell("note")

    if skip_empty and not text_sv and not short_title_sv:
        return None, [], 1

    if kind not in KINDS:
        message = (
            _("The kind is empty; write target or indicator.")
            if not kind
            else _("Unknown kind “%(kind)s”; write target or indicator.") % {"kind": kind}
        )
        errors.append(RowError(row, "kind", message))
    canonical = None
    if not code:
        errors.append(RowError(row, "code", _("The code is empty.")))
    elif kind in KINDS:
        canonical = known[kind].get(code.lower())
        if canonical is None:
            message = (
                _("Unknown target code “%(code)s”.")
                if kind == "target"
                else _("Unknown indicator code “%(code)s”.")
            )
            errors.append(RowError(row, "code", message % {"code": code}))
        elif (kind, canonical) in seen:
            errors.append(
                RowError(
                    row,
                    "code",
                    _("%(code)s is already in row %(first)d; keep one of the two rows.")
                    % {"code": canonical, "first": seen[(kind, canonical)]},
                )
            )
        else:
            seen[(kind, canonical)] = row

    if not text_sv:
        errors.append(
            RowError(
                row,
                "text_sv",
                _("The Swedish text is empty. Fill it in or remove the row."),
            )
        )
    if short_title_sv and kind == "indicator":
        errors.append(
            RowError(
                row,
                "short_title_sv",
                _("Indicators have no short title; leave the cell empty."),
            )
        )
    for name, value, limit in (
        ("text_sv", text_sv, TEXT_MAX_LENGTH),
        ("short_title_sv", short_title_sv or "", SHORT_TITLE_MAX_LENGTH),
        ("note", note or "", NOTE_MAX_LENGTH),
    ):
        if error := _length_error(row, name, value, limit):
            errors.append(error)

    if errors or canonical is None:
        return None, errors, 0
    return (
        TranslationRow(
            row=row,
            kind=kind,
            code=canonical,
            text_sv=text_sv,
            short_title_sv=short_title_sv if kind == "target" else None,
            note=note,
        ),
        [],
        0,
    )


def render_missing_texts(
    organisation: Organisation,
    targets: Iterable[Target],
    indicators: Iterable[GlobalIndicator],
) -> tuple[str, str, bytes]:
    """The template of texts still missing, as (filename, content type, bytes).

    Semicolons and a BOM, because that is what Excel with Swedish settings opens as
    columns; the import reads it back unchanged (extra `text_en` column ignored).
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for target in targets:
        writer.writerow(["target", target.code, target.text_en, "", "", ""])
    for indicator in indicators:
        writer.writerow(["indicator", indicator.code, indicator.title_en, "", "", ""])
    content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return f"swedish-texts-missing-{organisation.code}.csv", "text/csv; charset=utf-8", content
