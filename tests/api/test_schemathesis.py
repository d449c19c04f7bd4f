"""Property-based: generated requests to every operation never cause a server error, and
every response conforms to the OpenAPI document (status, content type, body)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from hallbar.followup.models import Area, Indicator, Kpi, Observation
from hallbar.followup.status import progress_recompute
from tests.api.conftest import make_action_for, make_goal_for

pytestmark = pytest.mark.django_db

BASE_URL = "https://localhost"  # production-like settings redirect plain HTTP
MAX_EXAMPLES = 25

# Valid input the API still refuses by rule: a well-formed target code that names no
# Agenda 2030 target is a 422 (declared), not a schema violation; an edit without a
# signed-in editor (401, or 403 for the missing CSRF token) or without a version (428)
# is refused before its body is read.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "422", "428"]
            }
        }
    }
)


@pytest.fixture
def wsgi_in_test_transaction():
    """Serve requests through the real WSGI application inside the test's transaction.

    Django's handler closes the database connection around each request; like Django's
    own test client, keep it open so the requests see the test data and roll back."""
    from hallbar.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(agenda_sample, hallstahammar, vasteras):
    """Decided and draft goals and actions in two municipalities."""
    goal = make_goal_for(
        hallstahammar, "Fler hållbara resor", [agenda_sample.target_11_2], level="council"
    )
    goal.other_goals.set([agenda_sample.national_goal])
    make_goal_for(hallstahammar, "Utkast", [], status="draft", decision_date=None)
    make_goal_for(vasteras, "Trafiksäkerhet", [agenda_sample.target_3_6])
    make_action_for(hallstahammar, "Cykelpassager", [agenda_sample.target_11_2], planned_cost=9)
    make_action_for(hallstahammar, "Utkastad åtgärd", [], plan=hallstahammar.draft_plan)
    make_action_for(vasteras, "Busslinje", [agenda_sample.target_11_2])
    _indicator_data(hallstahammar.organisation, agenda_sample.target_11_2)
    return hallstahammar


def _indicator_data(organisation, target):
    """A public indicator on a Kolada KPI with values, and a private one on an own KPI."""
    area = Area.objects.create(code=organisation.code, kind="municipality", title="Hallstahammar")
    kolada = Kpi.objects.create(source="kolada", code="N00945", title_sv="VAB, män (%)")
    own = Kpi.objects.create(
        source="own", code="HH-EGEN", organisation=organisation, title_sv="Eget"
    )
    for kpi in (kolada, own):
        Observation.objects.bulk_create(
            Observation(kpi=kpi, area=area, year=year, value=value, source="Kolada")
            for year, value in ((2015, 20.0), (2020, 25.0))
        )
    Indicator.objects.create(organisation=organisation, kpi=kolada, target_value=40.0)
    Indicator.objects.create(organisation=organisation, kpi=own, is_public=False)
    Indicator.objects.get(kpi=kolada).targets.set([target])
    progress_recompute()


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def run_generated_cases(operation, **fixed) -> None:
    @given(case=operation.as_strategy(**fixed))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(base_url=BASE_URL)

    check()


def test_generated_requests_conform_to_the_schema(api_data, wsgi_in_test_transaction):
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", wsgi_in_test_transaction, config=CONFIG, base_url=BASE_URL
    )
    found = operations(schema)

    assert {operation.path for operation in found} == {
        "/api/v1/agenda/goals",
        "/api/v1/organisations",
        "/api/v1/organisations/{code}/goals",
        "/api/v1/organisations/{code}/actions",
        "/api/v1/organisations/{code}/actions/{action_id}",
        "/api/v1/organisations/{code}/indicators",
        "/api/v1/indicators/{code}/observations",
        "/api/v1/organisations/{code}/matrices",
        "/api/v1/organisations/{code}/matrices/{id}",
        "/api/v1/organisations/{code}/reports",
    }
    for operation in found:
        # Random codes: unknown organisations and malformed input.
        run_generated_cases(operation)
        if operation.path.startswith("/api/v1/indicators/"):
            # A KPI with values, with generated and known filters; a private own KPI.
            run_generated_cases(operation, path_parameters={"code": "N00945"})
            run_generated_cases(
                operation,
                path_parameters={"code": "N00945"},
                query={"area": "1961", "gender": "T"},
            )
            run_generated_cases(operation, path_parameters={"code": "HH-EGEN"})
            run_generated_cases(operation, generation_mode=GenerationMode.NEGATIVE)
        elif operation.path.endswith(("/indicators", "/matrices", "/reports")):
            # Only a code in the path: every string is valid input, none is negative.
            run_generated_cases(operation, path_parameters={"code": "1961"})
        elif "{code}" in operation.path:
            # An organisation with data, with generated and known target codes.
            run_generated_cases(operation, path_parameters={"code": "1961"})
            run_generated_cases(
                operation, path_parameters={"code": "1961"}, query={"target": "11.2"}
            )
            # Input that breaks the schema is refused with a declared 4xx, never a 5xx.
            run_generated_cases(operation, generation_mode=GenerationMode.NEGATIVE)
            run_generated_cases(
                operation,
                generation_mode=GenerationMode.NEGATIVE,
                path_parameters={"code": "1961"},
            )
