"""The status analysis as a kind of record (`hallbar.core.records`): the history of an
analysis, with the versions of its 169 target assessments and 17 goal summaries as its
parts, on the generic History page and in the CSV/JSON history exports
(`/o/<code>/exports/history-csv/?kind=status_analysis&pk=<pk>`); deleting an analysis
(soft once it was ever confirmed, so it stays a record and can be restored; a draft that
never was is removed, its history kept) and restoring it; a soft delete or restore of a
confirmed analysis sends `priorities_changed` (the priorities in force change). Registered in
`StatusAnalysisConfig.ready()`; rules `status_analysis.delete_status_analysis` and
`status_analysis.restore_status_analysis`.

The suggestion's reasoning and inputs are left out of the parts' history: they are
computed, long, and shown on the target's and goal's own pages. (A part's target or goal
stays a field: the subject of each entry is named from it.)
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from hallbar.analysis.status import selectors, services
from hallbar.analysis.status.models import GoalAssessment, StatusAnalysis, TargetAssessment
from hallbar.core import records
from hallbar.core.history import Labels

KIND = "status_analysis"
COMPUTED = frozenset({"suggestion_reasoning", "suggestion_inputs"})


def _title(analysis: Any) -> str:
    return _("Status analysis %(year)s") % {"year": analysis.year}


def _target(record: Any, labels: Labels) -> str:
    code = labels.format(TargetAssessment._meta.get_field("target"), record.target_id)
    return f"{_('Target')} {code}"


def _goal(record: Any, labels: Labels) -> str:
    goal = labels.format(GoalAssessment._meta.get_field("goal"), record.goal_id)
    return f"{_('Goal')} {goal}"


def _detail_url(organisation: Any, analysis: Any) -> str:
    return reverse(
        "status_analysis:analysis_detail", kwargs={"org_code": organisation.code, "pk": analysis.pk}
    )


def deletion_changed(sender: Any, instance: StatusAnalysis, **kwargs: Any) -> None:
    """A soft delete or a restore of a confirmed analysis changes which priorities are
    in force: tell the listeners of `priorities_changed`, after the commit."""
    if instance.is_public_record():
        services.send_priorities_changed(instance.pk)


def _before_removal(analysis: StatusAnalysis) -> None:
    """A draft removed for good may have held the priorities in force (when none is
    confirmed): tell the listeners of `priorities_changed` after the commit, with
    `analysis=None` (it is gone)."""
    if analysis.assessments.filter(is_prioritised=True).exists():
        services.send_priorities_removed(analysis)


def register_kind() -> None:
    records.deletion_changed.connect(
        deletion_changed, sender=StatusAnalysis, dispatch_uid="status_analysis.deletion_changed"
    )
    records.register(
        records.RecordKind(
            name=KIND,
            model=StatusAnalysis,
            app="status_analysis",
            # A later year copied from it does not keep it from being deleted.
            owned=(StatusAnalysis,),
            list_route="status_analysis:analysis_list",
            parts=(
                records.Part(
                    TargetAssessment,
                    parent="analysis",
                    subject=_target,
                    hidden=COMPUTED,
                ),
                records.Part(
                    GoalAssessment,
                    parent="analysis",
                    subject=_goal,
                    hidden=COMPUTED,
                ),
            ),
            visible=lambda organisation, drafts: selectors.analyses_visible(
                organisation=organisation, include_drafts=drafts
            ),
            version_field="version",
            title=_title,
            detail_url=_detail_url,
            before_removal=_before_removal,
        )
    )
