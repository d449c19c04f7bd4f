"""`make run`'s data: every app's demo loads on top of steering's, in dependency order,
and a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from hallbar.analysis.impact.models import GoalConflict
from hallbar.analysis.interactions.models import InteractionScore
from hallbar.analysis.status.models import StatusAnalysis
from hallbar.engagement.models import Proposal
from hallbar.followup.models import Indicator, Observation
from hallbar.followup.services import kolada_reference_load
from hallbar.report.models import ReportEdition

pytestmark = pytest.mark.django_db

MODELS = (
    Indicator,
    Observation,
    Proposal,
    StatusAnalysis,
    InteractionScore,
    GoalConflict,
    ReportEdition,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_every_demo_loads_once_and_a_rerun_changes_nothing(settings, reference_data):
    settings.DEMO_MODE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    kolada_reference_load()

    call_command("load_demo_data", stdout=StringIO())
    first = counts()
    history = ReportEdition.history.count()
    call_command("load_demo_data", stdout=StringIO())

    assert all(first.values()), first  # every app has example rows
    assert counts() == first
    assert ReportEdition.history.count() == history
    # The first look shows a finished bokslut, standing on a confirmed status analysis.
    published = ReportEdition.objects.get(report__organisation__code="1961", status="published")
    assert published.report.year == 2025 and published.content_hash
    assert StatusAnalysis.objects.get(organisation__code="1961", year=2025).state == "confirmed"
