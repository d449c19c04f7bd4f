"""An organisation with the bodies and people of the status analysis, and indicators whose
stored status and relative position make the suggestion rule's outcomes, built in code."""

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import translation

from hallbar.agenda.models import Target
from hallbar.followup.models import Area, AreaKind, Indicator, Kpi, KpiSource, Observation
from hallbar.followup.status import progress_recompute
from hallbar.organisation.models import Organisation
from tests.factories import BodyFactory, MembershipFactory, OrganisationFactory

OTHERS = ("0180", "1280", "1480", "1984")


@dataclass
class AnalysisWorld:
    organisation: Organisation
    users: dict[str, Any] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)


def _kpi(code: str, own: dict[int, float], others: list[float]) -> Kpi:
    kpi = Kpi.objects.create(source=KpiSource.KOLADA, code=code, title_sv=f"Nyckeltal {code}")
    rows = [
        Observation(kpi=kpi, area=Area.objects.get(code="1961"), year=year, value=value)
        for year, value in own.items()
    ]
    rows += [
        Observation(kpi=kpi, area=Area.objects.get(code=area), year=2024, value=value)
        for area, value in zip(OTHERS, others, strict=True)
    ]
    Observation.objects.bulk_create(rows)
    return kpi


def build_analysis_world() -> AnalysisWorld:
    for code, title in (("1961", "Hallstahammar"), *((c, f"Kommun {c}") for c in OTHERS)):
        Area.objects.get_or_create(
            code=code, defaults={"kind": AreaKind.MUNICIPALITY, "title": title}
        )
    organisation = OrganisationFactory(code="1961", name="Hallstahammar")
    world = AnalysisWorld(organisation)
    bodies = {
        "analysis": BodyFactory(
            organisation=organisation, name="Analysgruppen", kind="analysis_group"
        ),
        "council": BodyFactory(
            organisation=organisation, name="Hållbarhetsrådet", kind="sustainability_council"
        ),
        "tn": BodyFactory(organisation=organisation, name="Tekniska nämnden", kind="committee"),
    }
    for username, body, role in (
        ("analytiker", "analysis", "officer"),
        ("radsledamot", "council", "member"),
        ("extern", "council", "external"),
        ("handlaggare", "tn", "officer"),
    ):
        world.users[username] = MembershipFactory(
            user__username=username, body=bodies[body], role=role
        ).user
    targets = {
        t.code: t for t in Target.objects.agenda2030().filter(code__in=["4.1", "13.2", "11.2"])
    }
    # Best of five in 2024 and the target reached: best quarter, target achieved.
    good = _kpi("N00001", {2015: 10.0, 2024: 50.0}, [20.0, 25.0, 30.0, 35.0])
    # Worst of five and falling from 50 to 10: worst quarter, deteriorating.
    bad = _kpi("N00002", {2015: 50.0, 2024: 10.0}, [20.0, 25.0, 30.0, 35.0])
    for key, kpi, target in (("good", good, "4.1"), ("bad", bad, "13.2")):
        indicator = Indicator.objects.create(
            organisation=organisation, kpi=kpi, target_value=40.0, base_year=2015, target_year=2030
        )
        indicator.targets.set([targets[target]])
        world.indicators[key] = indicator
    progress_recompute()
    return world


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def analysis_world(reference_data, client) -> AnalysisWorld:
    client.cookies["django_language"] = "en"
    return build_analysis_world()
