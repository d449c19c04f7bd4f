"""The evidence of a target: the organisation's indicators linked to it, with their stored
progress status (followup `ProgressRecord`, METHODS §1) and relative position
(`followup.comparison.relative_positions_for`, §2). Read as stored, never recomputed.

A fixed number of queries for any number of targets and indicators: the indicators with
their stored total status (one), their links to targets (one), the positions (at most four).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from hallbar.analysis.status.suggestion import IndicatorEvidence
from hallbar.followup import charts
from hallbar.followup.comparison import relative_positions_for
from hallbar.followup.models import Gender, Indicator, ProgressRecord
from hallbar.followup.selectors import indicators_visible
from hallbar.lib.comparison import Band
from hallbar.lib.progress import Status
from hallbar.organisation.models import Organisation, OrganisationKind


def evidence_by_target(
    *,
    organisation: Organisation,
    include_private: bool,
    target_ids: Iterable[int] | None = None,
) -> dict[int, list[IndicatorEvidence]]:
    """target id → the evidence of its linked indicators (by KPI code). Targets without a
    linked indicator are absent. `include_private`: also the indicators only the
    organisation's own readers see (an analysis draft uses them all)."""
    through = Indicator.targets.through
    indicators = indicators_visible(organisation=organisation, include_private=include_private)
    links = through.objects.filter(indicator__in=indicators.values("pk"))
    if target_ids is not None:
        links = links.filter(target_id__in=list(target_ids))
    pairs = list(links.values_list("target_id", "indicator_id"))
    if not pairs:
        return {}
    rows = list(
        Indicator.objects.filter(pk__in={indicator for _, indicator in pairs})
        .select_related("kpi")
        .annotate(
            total_status=Subquery(
                ProgressRecord.objects.filter(indicator=OuterRef("pk"), gender=Gender.TOTAL).values(
                    "status"
                )[:1]
            )
        )
        .order_by("kpi__code", "pk")
    )
    positions = relative_positions_for(rows)
    regions = organisation.kind == OrganisationKind.REGION
    by_indicator: dict[int, IndicatorEvidence] = {}
    for indicator in rows:
        status = indicator.total_status or Status.NOT_AVAILABLE
        position = positions.get(indicator.pk)
        band = str(position.band) if position else str(Band.GREY)
        kpi = indicator.kpi
        by_indicator[indicator.pk] = IndicatorEvidence(
            code=kpi.code,
            title=kpi.title_sv or kpi.title_en,
            status=str(status),
            band=band,
            status_label=charts.status_label(status),
            band_label=charts.band_label(band, regions=regions),
        )
    order = {indicator.pk: index for index, indicator in enumerate(rows)}
    result: dict[int, list[IndicatorEvidence]] = defaultdict(list)
    for target_id, indicator_id in sorted(pairs, key=lambda pair: order[pair[1]]):
        result[target_id].append(by_indicator[indicator_id])
    return dict(result)
