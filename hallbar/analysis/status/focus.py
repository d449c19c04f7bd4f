"""The status analysis's answer to steering's registers (`hallbar.steering.focus`): which
targets the organisation prioritises, and from which analysis. Registered in
`StatusAnalysisConfig.ready()`.

The analysis is the latest *confirmed* one: the one of the highest year among those
confirmed (a newer draft does not count until it is confirmed). When none is confirmed,
the organisation's own readers get the latest draft's priorities (highest year), marked
as a draft; everyone else gets nothing. One query (`selectors.focus_analysis`).
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from hallbar.analysis.status import selectors
from hallbar.organisation.models import Organisation
from hallbar.steering import focus

KEY = "status_analysis.priorities"


def prioritised_targets_focus(
    *, organisation: Organisation, sees_drafts: bool
) -> focus.Focus | None:
    found = selectors.focus_analysis(organisation, include_drafts=sees_drafts)
    if found is None:
        return None
    analysis = found.analysis
    return focus.Focus(
        target_ids=frozenset(found.targets),
        codes=frozenset(found.targets.values()),
        source=_("Status analysis %(year)s") % {"year": analysis.year},
        url=reverse(
            "status_analysis:analysis_priorities",
            kwargs={"org_code": organisation.code, "pk": analysis.pk},
        ),
        is_draft=not analysis.is_confirmed,
    )


def register() -> None:
    focus.register(KEY, prioritised_targets_focus, order=10)
