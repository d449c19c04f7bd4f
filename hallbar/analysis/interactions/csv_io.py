"""CSV of an interaction matrix in the long form, in and out.

    from_target,to_target,score,rationale,confidence

One row per scored pair. In a goal-level version the two code columns keep their names
and hold goal codes, "1"…"17"; a target code there is refused (and a goal code in a
target-level file), with the row and the reason. Reading checks every row and reports
every problem with its row number (the header is row 1) and reason; a file with any
problem is refused as a whole, so nothing partial is ever saved. Values from the file
are quoted “…” in the messages (never Python's repr quotes). Exports implement the house contract
`render(...) -> (filename, content_type, bytes)`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from hallbar.agenda.models import Goal, Target
from hallbar.analysis.interactions.models import Confidence, InteractionMatrix, MatrixLevel
from hallbar.analysis.interactions.services import (
    CellInput,
    agenda_goals,
    agenda_targets,
    node_rows,
)
from hallbar.lib.interactions import MAX_SCORE, MIN_SCORE

COLUMNS = ("from_target", "to_target", "score", "rationale", "confidence")
REQUIRED = ("from_target", "to_target", "score")
MAX_ROWS = 169 * 168
MAX_RATIONALE = 5000


@dataclass
class ParsedCells:
    cells: list[CellInput] = field(default_factory=list)
    # every code named, in order: targets, or goals in a goal-level file
    nodes: dict[str, Target | Goal] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _decode(content: bytes) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _code(value: str) -> str:
    return value.strip().rstrip(".").lower()


def _cut(value: object) -> str:
    """A value from the file as the messages quote it (“…”): at most 20 characters."""
    return str(value)[:20]


def _code_problem(code: str, column: str, *, goal_level: bool, known: dict) -> str | None:
    """Why `code` cannot be a node of a version of this level (None: it can)."""
    if code in known:
        return None
    values = {"code": _cut(code), "column": column}
    if goal_level and code in _TARGET_CODES:
        return (
            _(
                "“%(code)s” in %(column)s is a target code, but this version is over goals: "
                "use goal numbers 1–17"
            )
            % values
        )
    if not goal_level and code in _GOAL_CODES:
        return (
            _(
                "“%(code)s” in %(column)s is a goal number, but this version is over "
                "targets: use target codes such as 11.2"
            )
            % values
        )
    if goal_level:
        return _("unknown goal “%(code)s” in %(column)s") % values
    return _("unknown target code “%(code)s” in %(column)s") % values


class _Codes:
    """Membership by shape only (no query): what a code of the other level looks like."""

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.pattern.fullmatch(code) is not None


_GOAL_CODES = _Codes(r"0?[1-9]|1[0-7]")
_TARGET_CODES = _Codes(r"[0-9]{1,2}\.[0-9a-z]{1,3}")


def parse_cells(
    content: bytes,
    *,
    level: str = MatrixLevel.TARGETS,
    allowed: set[str] | None = None,
) -> ParsedCells:
    """Read and check a long-form CSV for a version of `level`. `allowed`: the only
    codes it may name (a replacement of a version's cells); None: any Agenda 2030
    target, or any goal 1–17 in a goal-level file."""
    goal_level = level == MatrixLevel.GOALS
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
    if goal_level:
        # "03" and "3." name goal 3 as "3" does.
        rows = [
            {
                **row,
                **{
                    name: _code(row.get(name) or "").lstrip("0") or _code(row.get(name) or "")
                    for name in ("from_target", "to_target")
                },
            }
            for row in rows
        ]
    codes = {_code(row.get(name) or "") for row in rows for name in ("from_target", "to_target")}
    known: dict[str, Target | Goal] = dict(
        agenda_goals(codes) if goal_level else agenda_targets(codes)
    )
    seen: dict[tuple[str, str], int] = {}
    named: dict[str, Target | Goal] = {}
    confidences = {str(value) for value in Confidence.values}
    for number, row in enumerate(rows, start=2):
        problems = []
        origin, destination = _code(row.get("from_target") or ""), _code(row.get("to_target") or "")
        for column, code in (("from_target", origin), ("to_target", destination)):
            if not code:
                problems.append(_("%(column)s is empty") % {"column": column})
            elif problem := _code_problem(code, column, goal_level=goal_level, known=known):
                problems.append(problem)
            elif allowed is not None and code not in allowed:
                problems.append(
                    (
                        _("goal %(code)s is not part of this version")
                        if goal_level
                        else _("target %(code)s is not part of this version")
                    )
                    % {"code": code}
                )
        if origin and origin == destination:
            problems.append(
                (
                    _("a goal is not scored against itself (%(code)s)")
                    if goal_level
                    else _("a target is not scored against itself (%(code)s)")
                )
                % {"code": origin}
            )
        raw_score = (row.get("score") or "").strip().replace("−", "-").lstrip("+")
        try:
            score = int(raw_score)
        except ValueError:
            score = None
            problems.append(
                _("score “%(value)s” is not a whole number") % {"value": _cut(raw_score)}
            )
        if score is not None and not MIN_SCORE <= score <= MAX_SCORE:
            problems.append(_("score %(value)s is outside −3…+3") % {"value": score})
        confidence = (row.get("confidence") or "").strip().lower() or Confidence.MEDIUM
        if confidence not in confidences:
            problems.append(
                _("confidence “%(value)s” is not one of low, medium, high")
                % {"value": _cut(confidence)}
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
    result.nodes = named
    return result


def _csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def render_cells(matrix: InteractionMatrix) -> tuple[str, str, bytes]:
    """Every scored pair in the long form: the import's format (goal codes "1"…"17" in
    the code columns of a goal-level version)."""
    if matrix.is_goal_level:
        fields = ("from_goal__code", "to_goal__code")
        order = ("from_goal__number", "to_goal__number")
    else:
        fields = ("from_target__code", "to_target__code")
        order = (
            "from_target__goal__number",
            "from_target__position",
            "to_target__goal__number",
            "to_target__position",
        )
    scores = matrix.scores.order_by(*order).values_list(*fields, "score", "rationale", "confidence")
    rows = [list(row) for row in scores]
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
    """The stored metrics per target (METHODS.md §4), or per goal in a goal-level
    version (one code column, "goal")."""
    data = matrix.metrics.data
    per_target = data["per_target"]
    filename = f"interaction-metrics-{matrix.organisation.code}-v{matrix.number}.csv"
    if matrix.is_goal_level:
        header = ["goal", *METRIC_COLUMNS]
        rows = [
            [row["code"], *[per_target[row["code"]][name] for name in METRIC_COLUMNS]]
            for row in data["targets"]
        ]
    else:
        header = ["target", "goal", *METRIC_COLUMNS]
        rows = [
            [row["code"], row["goal"], *[per_target[row["code"]][name] for name in METRIC_COLUMNS]]
            for row in data["targets"]
        ]
    return filename, "text/csv; charset=utf-8", _csv_bytes(header, rows)


def allowed_codes(matrix: InteractionMatrix) -> set[str]:
    """The codes a replacement of the version's scores may name."""
    return {row.code for row in node_rows(matrix)}


EXPORTS = {"cells-csv": render_cells, "metrics-csv": render_metrics}
