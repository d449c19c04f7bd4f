"""The status analysis as files. Each implements the project's export contract,
`render(params) -> (filename, content_type, bytes)`; `EXPORTS` names them for the view.

- `csv` (`AnalysisCsv`): one row per target;
- `goals-csv` (`GoalsCsv`): one row per goal: its assessment, the suggestion its targets
  make now and the one it was assessed against, the counts of its targets, its summary;
- `json` (`AnalysisJson`): the analysis with its goals and targets as above.

The public export (a confirmed analysis) leaves out the target suggestion's reasoning,
which can name indicators only the organisation's own readers see. The goal suggestion's
reasoning names only targets and their assessments, which the public sees anyway.
"""

import csv
import io
import json
from typing import Any

from django.utils.translation import gettext as _

from hallbar.analysis.status import selectors
from hallbar.analysis.status.models import Assessment, StatusAnalysis
from hallbar.core.records import spreadsheet_safe

TARGET_COLUMNS = [
    "target",
    "goal",
    "relevance",
    "relevance_reason",
    "assessment",
    "suggested_assessment",
    "override_reason",
    "prioritised",
    "priority_motivation",
    "text",
    "assessed_by",
    "assessed_at",
]
GOAL_COLUMNS = [
    "goal",
    "title",
    "assessment",
    "suggested_assessment",
    "suggestion_reasoning",
    "assessed_against",
    "override_reason",
    "carried_over",
    "assessed_by",
    "assessed_at",
    "targets",
    *Assessment.values,
    "not_assessed",
    "not_relevant",
    "prioritised",
    "text",
]


def _person(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _when(value: Any) -> str:
    return value.isoformat() if value else ""


def _filename(analysis: StatusAnalysis, suffix: str) -> str:
    return f"{analysis.organisation.code}-{_('status-analysis')}-{analysis.year}{suffix}"


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    # Free texts are kept text in a spreadsheet (never run as a formula).
    writer.writerows(
        [spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in row] for row in rows
    )
    # With a BOM, so Excel reads the åäö of the texts.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class _Export:
    def __init__(self, analysis: StatusAnalysis, *, internal: bool) -> None:
        self.analysis = analysis
        self.internal = internal

    def target_records(self) -> list[dict[str, Any]]:
        records = []
        for row in selectors.assessment_rows(self.analysis, filters={}):
            record = {
                "target": row.target.code,
                "goal": row.target.goal.number,
                "relevance": row.relevance,
                "relevance_reason": row.relevance_reason,
                "assessment": row.assessment,
                "suggested_assessment": row.suggested_assessment,
                "override_reason": row.override_reason,
                "prioritised": row.is_prioritised,
                "priority_motivation": row.priority_motivation,
                "text": row.text,
                "assessed_by": _person(row.assessed_by),
                "assessed_at": _when(row.assessed_at),
            }
            if self.internal:
                record["suggestion_reasoning"] = row.suggestion_reasoning
            records.append(record)
        return records

    def goal_records(self) -> list[dict[str, Any]]:
        records = []
        for summary in selectors.goal_summaries(self.analysis):
            row = summary.goal_assessment
            records.append(
                {
                    "goal": summary.goal.number,
                    "title": str(summary.goal.title),
                    "assessment": summary.assessment,
                    "suggested_assessment": summary.suggested,
                    "suggestion_reasoning": summary.suggestion.reasoning
                    if summary.suggestion
                    else "",
                    # The suggestion the assessment was made against (targets may have
                    # been assessed since).
                    "assessed_against": row.suggested_assessment if row else "",
                    "override_reason": row.override_reason if row else "",
                    "carried_over": bool(row and row.is_carried_over),
                    "assessed_by": _person(row.assessed_by) if row else "",
                    "assessed_at": _when(row.assessed_at) if row else "",
                    "targets": summary.total,
                    **{key: summary.counts.get(key, 0) for key in Assessment.values},
                    "not_assessed": summary.not_assessed,
                    "not_relevant": summary.not_relevant,
                    "prioritised": summary.prioritised,
                    "text": summary.text,
                }
            )
        return records


class AnalysisCsv(_Export):
    content_type = "text/csv; charset=utf-8"

    def render(self, params: dict[str, Any]) -> tuple[str, str, bytes]:
        header = [*TARGET_COLUMNS, *(["suggestion_reasoning"] if self.internal else [])]
        rows = [
            [
                "yes" if value is True else "no" if value is False else value
                for value in record.values()
            ]
            for record in self.target_records()
        ]
        return _filename(self.analysis, ".csv"), self.content_type, _csv(header, rows)


class GoalsCsv(_Export):
    content_type = "text/csv; charset=utf-8"

    def render(self, params: dict[str, Any]) -> tuple[str, str, bytes]:
        rows = [
            [
                "yes" if value is True else "no" if value is False else value
                for value in record.values()
            ]
            for record in self.goal_records()
        ]
        filename = _filename(self.analysis, f"-{_('goals')}.csv")
        return filename, self.content_type, _csv(GOAL_COLUMNS, rows)


class AnalysisJson(_Export):
    content_type = "application/json"

    def render(self, params: dict[str, Any]) -> tuple[str, str, bytes]:
        analysis = self.analysis
        document = {
            "organisation": {
                "code": analysis.organisation.code,
                "name": analysis.organisation.name,
            },
            "year": analysis.year,
            "state": analysis.state,
            "confirmed_at": _when(analysis.confirmed_at),
            "based_on": analysis.based_on.year if analysis.based_on_id else None,
            "summary": analysis.summary,
            "goals": self.goal_records(),
            "targets": self.target_records(),
        }
        body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        return _filename(analysis, ".json"), self.content_type, body


EXPORTS: dict[str, type[_Export]] = {
    "csv": AnalysisCsv,
    "goals-csv": GoalsCsv,
    "json": AnalysisJson,
}
