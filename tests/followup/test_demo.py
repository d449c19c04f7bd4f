"""The follow-up demo: Hallstahammar's and Surahammar's indicators on real Kolada KPIs,
the real Kolada sample and illustrative values (marked as such), progress computed; a
rerun writes nothing; the indicator pages show values and statuses."""

import pytest
from django.urls import reverse

from hallbar.followup import demo
from hallbar.followup.models import (
    Indicator,
    Observation,
    ObservationRevision,
    ProgressRecord,
    RawResponse,
)
from hallbar.followup.services import kolada_reference_load
from hallbar.steering.demo import DemoDataError, demo_data_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_mode(settings, reference_data):
    settings.DEMO_MODE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded(demo_mode):
    kolada_reference_load()
    demo_data_load()
    return demo.demo_load()


def test_it_needs_the_kolada_reference_data_first(demo_mode):
    demo_data_load()
    with pytest.raises(DemoDataError, match="load_kolada_reference"):
        demo.demo_load()
    assert not Indicator.objects.exists()


def test_indicators_values_and_statuses_and_a_rerun_writes_nothing(loaded):
    hallstahammar = Indicator.objects.filter(organisation__code="1961")
    assert 15 <= hallstahammar.count() <= 30
    assert Indicator.objects.filter(organisation__code="1907").count() == 5
    assert hallstahammar.filter(is_public=False).count() == 3
    # Spread over the council's goals and Agenda 2030 goals, each with a body.
    goals = {
        title for i in hallstahammar for title in i.local_goals.values_list("title", flat=True)
    }
    assert len(goals) >= 8
    sdgs = {
        code.split(".")[0]
        for i in hallstahammar
        for code in i.targets.values_list("code", flat=True)
    }
    assert len(sdgs) >= 8
    assert not hallstahammar.filter(responsible_body__isnull=True).exists()

    # The real sample is stored as Kolada's, with its raw response; the rest is marked.
    real = Observation.objects.filter(source="Kolada")
    assert real.count() == 303
    assert real.get(kpi__code="N00945", area__code="0180", year=2000).value == pytest.approx(
        31.32959689
    )
    assert RawResponse.objects.filter(url=demo.SAMPLE_URL).count() == 1
    own = Observation.objects.filter(area__code="1961", kpi__code="N15428")
    assert own.count() == 10 and {o.source for o in own} == {demo.ILLUSTRATIVE_SOURCE}

    statuses = set(
        ProgressRecord.objects.filter(indicator__organisation__code="1961", gender="T").values_list(
            "status", flat=True
        )
    )
    assert len(statuses - {"not_available"}) >= 3  # a spread, not one status
    assert "not_available" in statuses  # N03702: the sample has no value for 1961

    counts = [
        model.objects.count()
        for model in (Indicator, Observation, ObservationRevision, ProgressRecord, RawResponse)
    ]
    history = Indicator.history.count()
    again = demo.demo_load()
    assert not again.changed
    assert "created nothing; updated nothing; 0 progress record(s)" in str(again)
    assert [
        model.objects.count()
        for model in (Indicator, Observation, ObservationRevision, ProgressRecord, RawResponse)
    ] == counts
    assert Indicator.history.count() == history


def test_the_indicator_pages_show_values_and_their_source(loaded, client):
    page = client.get(
        reverse("followup:indicator_detail", kwargs={"org_code": "1961", "code": "N15428"})
    )
    assert page.status_code == 200
    text = page.content.decode()
    value = Observation.objects.get(kpi__code="N15428", area__code="1961", year=2024).value
    assert f"{value:.1f}".replace(".", ",") in text or f"{value:.1f}" in text
    assert demo.ILLUSTRATIVE_SOURCE in text
    listing = client.get(reverse("followup:indicator_list", kwargs={"org_code": "1961"}))
    assert listing.status_code == 200
    assert "N15428" in listing.content.decode()
    # Not public: not listed for a reader who is not logged in.
    assert "N00090" not in listing.content.decode()
