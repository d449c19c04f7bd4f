"""Property-based: generated requests to every operation never cause a server error, and
every response conforms to the OpenAPI document (status, content type, body)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.api.conftest import make_action_for, make_goal_for

pytestmark = pytest.mark.django_db

BASE_URL = "https://localhost"  # production-like settings redirect plain HTTP
MAX_EXAMPLES = 25

# Valid input the API still refuses by rule: a well-formed target code that names no
# Agenda 2030 target is a 422 (declared), not a schema violation.
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "404", "422"]}}}
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
    return hallstahammar


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
    }
    for operation in found:
        # Random codes: unknown organisations and malformed input.
        run_generated_cases(operation)
        if "{code}" in operation.path:
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
