"""Fixtures of the follow-up tests: a few areas and KPIs built in code (the full Kolada
reference data is loaded only where it is what the test is about)."""

import pytest
from django.utils import translation

from hallbar.followup.models import Area, AreaKind, Kpi, KpiSource
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def member(organisation):
    # An officer of the analysis group: its mandates cover organisation-wide follow-up.
    return MembershipFactory(
        body__organisation=organisation,
        body__name="Analysgruppen",
        body__kind="analysis_group",
        role="officer",
        user__username="strateg",
    ).user


@pytest.fixture
def areas(db) -> dict[str, Area]:
    rows = [
        ("0000", AreaKind.COUNTRY, "Riket"),
        ("0019", AreaKind.REGION, "Region Västmanland"),
        ("0180", AreaKind.MUNICIPALITY, "Stockholm"),
        ("1280", AreaKind.MUNICIPALITY, "Malmö"),
        ("1480", AreaKind.MUNICIPALITY, "Göteborg"),
        ("1961", AreaKind.MUNICIPALITY, "Hallstahammar"),
        ("1984", AreaKind.MUNICIPALITY, "Arboga"),
        ("G92792", AreaKind.GROUP, "Pendlingskommun nära större stad (ovägt medel)"),
    ]
    return {
        code: Area.objects.create(code=code, kind=kind, title=title) for code, kind, title in rows
    }


@pytest.fixture
def kpis(organisation) -> dict[str, Kpi]:
    other = OrganisationFactory(code="1984", name="Arboga")
    return {
        "N00945": Kpi.objects.create(
            source=KpiSource.KOLADA, code="N00945", title_sv="VAB som tas ut av män, andel (%)"
        ),
        "N03702": Kpi.objects.create(
            source=KpiSource.KOLADA, code="N03702", title_sv="Bruttoregionprodukt, 1000 kr/inv"
        ),
        "HH-CYKEL": Kpi.objects.create(
            source=KpiSource.OWN,
            code="HH-CYKEL",
            organisation=organisation,
            title_sv="Cykelväg per invånare, meter",
        ),
        "AR-EGEN": Kpi.objects.create(
            source=KpiSource.OWN, code="AR-EGEN", organisation=other, title_sv="Arbogas eget"
        ),
    }
