"""The OpenAPI document at /api/v1/openapi.json describes every endpoint and response."""

import pytest

pytestmark = pytest.mark.django_db

PATHS = {
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


@pytest.fixture
def schema(api_get) -> dict:
    response = api_get("openapi.json")
    assert response.status_code == 200
    return response.json()


def test_it_describes_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Hållbar API"
    assert set(schema["paths"]) == PATHS


def test_every_operation_has_a_summary_description_and_json_responses(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation["summary"], (path, method)
            assert operation["description"], (path, method)
            for status, response in operation["responses"].items():
                assert "application/json" in response["content"], (path, method, status)


def test_organisation_endpoints_declare_their_errors(schema):
    for path in ("/api/v1/organisations/{code}/goals", "/api/v1/organisations/{code}/actions"):
        responses = schema["paths"][path]["get"]["responses"]
        assert set(responses) == {"200", "404", "422"}
        assert responses["404"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Message"
        }
        assert responses["422"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ValidationErrors"
        }


def test_the_target_filter_is_documented(schema):
    parameters = schema["paths"]["/api/v1/organisations/{code}/goals"]["get"]["parameters"]
    target = next(p for p in parameters if p["name"] == "target")

    assert target["in"] == "query"
    assert target["required"] is False
    assert "422" in target["description"]


def test_the_fallback_flag_is_part_of_every_bilingual_text(schema):
    text = schema["components"]["schemas"]["BilingualText"]

    assert set(text["required"]) == {"sv", "en", "sv_fallback", "en_fallback"}
    assert text["properties"]["sv_fallback"]["type"] == "boolean"


def test_the_docs_page_loads_no_script_from_another_host(api_get):
    response = api_get("docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    assert "cdn" not in html
    assert "https://" not in html.replace("https://testserver", "")
