"""CSV of an interaction matrix in the long form, in and out.

    from_target,to_target,score,rationale,confidence

One row per scored pair. Reading checks every row and reports every problem with its row
number (the header is row 1) and reason; a file with any problem is refused as a whole,
so nothing partial is ever saved. Exports implement the house contract
`render(...) -> (filename, content_type, bytes)`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from hallbar.agenda.models import Target
from hallbar.analysis.interactions.models import Confidence, InteractionMatrix
from hallbar.analysis.interactions.services import CellInput, agenda_targets
from hallbar.lib.interactions import MAX_SCORE, MIN_SCORE

COLUMNS = ("from_target", "to_target", "score", "rationale", "confidence")
REQUIRED = ("from_target", "to_target", "score")
MAX_ROWS = 169 * 168
MAX_RATIONALE = 5000


@dataclass
class ParsedCells:
    cells: list[CellInput] = field(default_factory=list)
    targets: dict[str, Target] = field(default_factory=dict)  # every code named, in order
    errors: list[str] = field(default_factory=list)


def _decode(content: bytes) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _code(value: str) -> str:
    return value.strip().rstrip(".").lower()


def parse_cells(content: bytes, *, allowed: set[str] | None = None) -> ParsedCells:
    """Read and check a long-form CSV. `allowed`: the only target codes it may name
    (a replacement of a version's cells); None: any Agenda 2030 target."""
    result = ParsedCells()
    text = _decode(content)
    if text is None:
        result.errors.append(_("The file is not UTF-8 text. Save it as CSV UTF-8."))
        return result
    if "\x00" in text:
        result.errors.append(_("The file contains a NUL character: it is not a CSV file."))
        return result
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        result.errors.append(
            _("Row 1: the header lacks the columns %(columns)s (expected %(expected)s).")
            % {"columns": ", ".join(missing), "expected": ",".join(COLUMNS)}
        )
        return result
    reader.fieldnames = header
    rows = list(reader)
    if not rows:
        result.errors.append(_("The file has no rows below the header."))
        return result
    if len(rows) > MAX_ROWS:
        result.errors.append(
            _("The file has %(n)s rows; a matrix of 169 targets has at most %(max)s pairs.")
            % {"n": len(rows), "max": MAX_ROWS}
        )
        return result
    codes = {_code(row.get(name) or "") for row in rows for name in ("from_target", "to_target")}
    known = agenda_targets(codes)
    seen: dict[tuple[str, str], int] = {}
    named: dict[str, Target] = {}
    confidences = {str(value) for value in Confidence.values}
    for number, row in enumerate(rows, start=2):
        problems = []
        origin, destination = _code(row.get("from_target") or ""), _code(row.get("to_target") or "")
        for column, code in (("from_target", origin), ("to_target", destination)):
            if not code:
                problems.append(_("%(column)s is empty") % {"column": column})
            elif code not in known:
                problems.append(
                    _("unknown target code %(code)r in %(column)s")
                    % {"code": code[:20], "column": column}
                )
            elif allowed is not None and code not in allowed:
                problems.append(_("target %(code)s is not part of this version") % {"code": code})
        if origin and origin == destination:
            problems.append(
                _("a target is not scored against itself (%(code)s)") % {"code": origin}
            )
        raw_score = (row.get("score") or "").strip().replace("−", "-").lstrip("+")
        try:
            score = int(raw_score)
        except ValueError:
            score = None
            problems.append(_("score %(value)r is not a whole number") % {"value": raw_score[:20]})
        if score is not None and not MIN_SCORE <= score <= MAX_SCORE:
            problems.append(_("score %(value)s is outside −3…+3") % {"value": score})
        confidence = (row.get("confidence") or "").strip().lower() or Confidence.MEDIUM
        if confidence not in confidences:
            problems.append(
                _("confidence %(value)r is not one of low, medium, high")
                % {"value": confidence[:20]}
            )
        rationale = (row.get("rationale") or "").strip()
        if len(rationale) > MAX_RATIONALE:
            problems.append(
                _("the rationale is longer than %(n)s characters") % {"n": MAX_RATIONALE}
            )
        pair = (origin, destination)
        if origin and destination and pair in seen:
            problems.append(
                _("the pair %(from)s → %(to)s is already on row %(row)s")
                % {"from": origin, "to": destination, "row": seen[pair]}
            )
        seen.setdefault(pair, number)
        if problems:
            result.errors.append(
                _("Row %(row)s: %(problems)s.") % {"row": number, "problems": "; ".join(problems)}
            )
            continue
        for code in pair:
            named.setdefault(code, known[code])
        result.cells.append(CellInput(origin, destination, score, rationale, confidence))
    result.targets = named
    return result


def _csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def render_cells(matrix: InteractionMatrix) -> tuple[str, str, bytes]:
    """Every scored pair in the long form: the import's format."""
    scores = matrix.scores.select_related("from_target", "to_target").order_by(
        "from_target__goal__number",
        "from_target__position",
        "to_target__goal__number",
        "to_target__position",
    )
    rows = [
        [s.from_target.code, s.to_target.code, s.score, s.rationale, s.confidence] for s in scores
    ]
    filename = f"interactions-{matrix.organisation.code}-v{matrix.number}.csv"
    return filename, "text/csv; charset=utf-8", _csv_bytes(list(COLUMNS), rows)


METRIC_COLUMNS = (
    "out",
    "out_pos",
    "out_neg",
    "in",
    "in_pos",
    "in_neg",
    "net",
    "second_order",
    "second_order_neg",
)


def render_metrics(matrix: InteractionMatrix) -> tuple[str, str, bytes]:
    """The stored metrics per target (METHODS.md §4)."""
    data = matrix.metrics.data
    per_target = data["per_target"]
    rows = [
        [row["code"], row["goal"], *[per_target[row["code"]][name] for name in METRIC_COLUMNS]]
        for row in data["targets"]
    ]
    filename = f"interaction-metrics-{matrix.organisation.code}-v{matrix.number}.csv"
    return (
        filename,
        "text/csv; charset=utf-8",
        _csv_bytes(["target", "goal", *METRIC_COLUMNS], rows),
    )


EXPORTS = {"cells-csv": render_cells, "metrics-csv": render_metrics}
