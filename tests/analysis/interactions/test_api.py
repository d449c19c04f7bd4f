"""The read API of interaction matrices: versions, cells and metrics (METHODS.md §4);
published versions for everyone, internal ones for the organisation's own readers."""

import pytest
import schemathesis

from hallbar.analysis.interactions import services
from tests.api.test_schemathesis import (  # noqa: F401 - the fixture serves the requests
    BASE_URL,
    CONFIG,
    run_generated_cases,
    wsgi_in_test_transaction,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organisations/1961/matrices"


def test_visitors_see_published_versions_only(draft, client_for):
    visitor = client_for()
    assert visitor.get(LIST).json() == []
    assert visitor.get(f"{LIST}/{draft.pk}").status_code == 404

    services.matrix_publish(matrix=draft)

    [version] = visitor.get(LIST).json()
    assert version["id"] == draft.pk
    assert version["title"] == "Utkast"
    assert version["targets"] == ["1.3", "1.5", "2.2"]
    assert "created_at" in version


def test_members_read_internal_versions(draft, setting, client_for):
    member = client_for(setting.council_member)

    assert [v["id"] for v in member.get(LIST).json()] == [draft.pk]
    assert member.get(f"{LIST}/{draft.pk}").status_code == 200


def test_a_version_has_its_cells_and_the_metrics_per_target(draft, setting, client_for):
    body = client_for(setting.analyst).get(f"{LIST}/{draft.pk}").json()

    assert {
        "from": "1.5",
        "to": "2.2",
        "score": -2,
        "rationale": "Konkurrerar om samma resurser.",
        "confidence": "low",
    } in body["cells"]
    assert body["metrics"]["1.3"] == {
        "out": 2,
        "out_pos": 2,
        "out_neg": 0,
        "in": 1,
        "in_pos": 1,
        "in_neg": 0,
        "net": 1,
        "second_order": -4,
        "second_order_neg": -4,
    }


def test_another_organisations_version_is_not_found(draft, setting, client_for):
    OrganisationFactory(code="1907", name="Surahammar")
    services.matrix_publish(matrix=draft)
    analyst = client_for(setting.analyst)

    response = analyst.get(f"/api/v1/organisations/1907/matrices/{draft.pk}")

    assert response.status_code == 404
    assert analyst.get("/api/v1/organisations/1907/matrices").json() == []


def test_unknown_organisations_and_ids_are_404(client_for):
    visitor = client_for()
    assert visitor.get("/api/v1/organisations/9999/matrices").status_code == 404
    assert visitor.get(f"{LIST}/2147483648").status_code in (404, 422)


def test_the_schema_documents_the_routes_and_fields(client_for):
    schema = client_for().get("/api/v1/openapi.json").json()

    assert "/api/v1/organisations/{code}/matrices" in schema["paths"]
    assert "/api/v1/organisations/{code}/matrices/{id}" in schema["paths"]
    metrics = schema["components"]["schemas"]["TargetMetricsOut"]["properties"]
    assert set(metrics) == {
        "out",
        "out_pos",
        "out_neg",
        "in",
        "in_pos",
        "in_neg",
        "net",
        "second_order",
        "second_order_neg",
    }
    assert "from" in schema["components"]["schemas"]["CellOut"]["properties"]


def test_generated_requests_to_the_matrix_routes_conform_to_the_schema(draft, request):
    """Schemathesis over the two routes: random codes and ids, and a real published
    version of 1961 (the suite-wide run in tests/api covers the paths it declares)."""
    services.matrix_publish(matrix=draft)
    application = request.getfixturevalue("wsgi_in_test_transaction")
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", application, config=CONFIG, base_url=BASE_URL
    )
    found = [
        operation
        for operation in (result.ok() for result in schema.get_all_operations())
        if "/matrices" in operation.path
    ]

    assert len(found) == 2
    for operation in found:
        run_generated_cases(operation)
        fixed = {"code": "1961"}
        if "{id}" in operation.path:
            fixed["id"] = draft.pk
        run_generated_cases(operation, path_parameters=fixed)
