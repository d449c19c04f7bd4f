"""`/organisations/{code}/indicators` and `/indicators/{code}/observations`: follow-up.

Privacy: the API is public and shows only what the public sees. An organisation's
indicators are listed only where marked public. Observations are served for shared KPIs
(Kolada's figures are published for every municipality anyway) and, with `organisation`,
for the KPI behind one of that organisation's *public* indicators — which is how its own
measurements can be reached. An own KPI behind a private indicator, or one without an
indicator, is a 404 exactly like an unknown code, so its existence does not leak.
"""

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.errors import HttpError, ValidationError

from hallbar.api.organisations import _CODE_PARAM, _get_organisation
from hallbar.api.schemas import (
    Message,
    ObservationOut,
    OrganisationIndicatorOut,
    ProgressOut,
    ValidationErrors,
)
from hallbar.api.texts import bilingual
from hallbar.followup import selectors
from hallbar.followup.models import Gender, Indicator, Kpi
from hallbar.followup.status import IndicatorProgress, progress_by_indicator
from hallbar.lib.progress import Status

router = Router(tags=["Indicators"])

_SHOWN_CHARS = 40
_GENDERS = {str(g) for g in Gender.values}


def _progress(stored: IndicatorProgress | None) -> ProgressOut:
    if stored is None:
        return ProgressOut(
            status=Status.NOT_AVAILABLE, value=None, base_year=None, current_year=None
        )
    return ProgressOut(
        status=Status(stored.status),
        value=stored.value,
        base_year=stored.base_year,
        current_year=stored.current_year,
    )


def _indicator(indicator: Indicator, stored: IndicatorProgress | None) -> OrganisationIndicatorOut:
    kpi = indicator.kpi
    return OrganisationIndicatorOut(
        code=kpi.code,
        source=kpi.source,
        title=bilingual(kpi.title_sv, kpi.title_en),
        unit=kpi.unit,
        direction=indicator.direction,
        target=indicator.target_value,
        target_year=indicator.target_year,
        targets=[target.code for target in indicator.agenda_targets],
        progress=_progress(stored),
    )


@router.get(
    "/organisations/{code}/indicators",
    response={200: list[OrganisationIndicatorOut], 404: Message},
    operation_id="organisation_indicators",
    summary="An organisation's public indicators with their progress toward target",
)
def organisation_indicators(
    request: HttpRequest, code: str = _CODE_PARAM
) -> list[OrganisationIndicatorOut]:
    """The indicators (nyckeltal) the organisation follows and publishes, by code: the
    KPI, the organisation's direction and target, the Agenda 2030 targets it follows up,
    and the stored progress of its total series (METHODS.md §1). Indicators the
    organisation has not made public are never listed. Four queries, however many."""
    organisation = _get_organisation(code)
    indicators = selectors.public_indicators(organisation)
    progress = progress_by_indicator([indicator.pk for indicator in indicators])
    return [_indicator(indicator, progress.get(indicator.pk)) for indicator in indicators]


def _unknown(loc: str, message: str, kind: str) -> ValidationError:
    return ValidationError([{"loc": ["query", loc], "msg": message, "type": kind}])


def _kpi(code: str, organisation_code: str | None) -> Kpi:
    organisation = None
    if organisation_code is not None and organisation_code.strip():
        organisation = _get_organisation(organisation_code.strip())
    kpi = selectors.observation_kpi(code, organisation=organisation)
    if kpi is None:
        raise HttpError(404, f"Unknown indicator code: {code[:_SHOWN_CHARS]!r}.")
    return kpi


@router.get(
    "/indicators/{code}/observations",
    response={200: list[ObservationOut], 404: Message, 422: ValidationErrors},
    operation_id="indicator_observations",
    summary="The values of a KPI, by area, year and gender",
)
def indicator_observations(
    request: HttpRequest,
    code: str = Path(
        description="The KPI code, e.g. Kolada N00945.", examples=["N00945"], max_length=40
    ),
    area: str | None = Query(
        None,
        description=(
            "Only this area, by Kolada code: a municipality (1961), region (0019), the "
            "country (0000) or a group (G92792). An unknown code is refused with 422."
        ),
        examples=["1961"],
    ),
    gender: str | None = Query(
        None,
        description="Only T (total), K (women) or M (men). Anything else is refused with 422.",
        examples=["T"],
    ),
    organisation: str | None = Query(
        None,
        description=(
            "Read the KPI behind this organisation's public indicator with the code — its "
            "own measurements included (e.g. 1961). Without it, only shared KPIs (Kolada) "
            "are served."
        ),
        examples=["1961"],
    ),
) -> list[dict]:
    """Every stored value of the KPI, ordered by area, year and gender, with its source
    and when it was fetched (Kolada) or imported (a file). Shared Kolada KPIs are public
    figures; an organisation's own KPI is served only with `organisation`, and only if
    that organisation publishes an indicator on it. A private one answers 404, like an
    unknown code."""
    area, gender = (area or "").strip() or None, (gender or "").strip() or None
    if gender is not None and gender not in _GENDERS:
        raise _unknown(
            "gender",
            f"Unknown gender: {gender[:_SHOWN_CHARS]!r}. Use T (total), K (women) or M (men).",
            "unknown_gender",
        )
    kpi = _kpi(code, organisation)
    if area is not None and not selectors.area_exists(area):
        raise _unknown("area", f"Unknown area code: {area[:_SHOWN_CHARS]!r}.", "unknown_area")
    return [
        {
            "area": area_code,
            "year": year,
            "gender": row_gender,
            "value": value,
            "source": source,
            "fetched_at": fetched_at,
        }
        for area_code, year, row_gender, value, source, fetched_at in selectors.observations(
            kpi, area_code=area, gender=gender
        )
    ]
