"""The status analysis as CSV: one row per target. Implements the project's export
contract, `render(params) -> (filename, content_type, bytes)`.

The public export (a confirmed analysis) leaves out the suggestion's reasoning, which can
name indicators only the organisation's own readers see."""

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from hallbar.analysis.status import selectors
from hallbar.analysis.status.models import StatusAnalysis


class AnalysisCsv:
    content_type = "text/csv; charset=utf-8"

    def __init__(self, analysis: StatusAnalysis, *, internal: bool) -> None:
        self.analysis = analysis
        self.internal = internal

    def render(self, params: dict[str, Any]) -> tuple[str, str, bytes]:
        analysis = self.analysis
        rows = selectors.assessment_rows(analysis, filters={})
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        header = [
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
        if self.internal:
            header.append("suggestion_reasoning")
        writer.writerow(header)
        for row in rows:
            line = [
                row.target.code,
                row.target.goal.number,
                row.relevance,
                row.relevance_reason,
                row.assessment,
                row.suggested_assessment,
                row.override_reason,
                "yes" if row.is_prioritised else "no",
                row.priority_motivation,
                row.text,
                (row.assessed_by.get_full_name() or row.assessed_by.get_username())
                if row.assessed_by
                else "",
                row.assessed_at.isoformat() if row.assessed_at else "",
            ]
            if self.internal:
                line.append(row.suggestion_reasoning)
            writer.writerow(line)
        filename = f"{analysis.organisation.code}-{_('status-analysis')}-{analysis.year}.csv"
        # With a BOM, so Excel reads the åäö of the texts.
        return filename, self.content_type, ("\ufeff" + out.getvalue()).encode("utf-8")
