"""`GET /api/v1/organisations/{code}/reports`: editions with their outputs; anonymous
readers see published editions only, the organisation's own readers every edition."""

import pytest
from django.test import Client

from hallbar.report import services
from tests.factories import BodyFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations/1961/reports"


@pytest.fixture
def editions(setting, draft):
    published = setting.published(draft)
    later = services.report_create(organisation=setting.organisation, year=2026, title="Utkast")
    return published, later


def test_anonymous_readers_see_published_editions_only(editions):
    published, _draft = editions
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(URL)
    assert response.status_code == 200
    rows = response.json()
    assert rows[0].pop("published_at").startswith(published.published_at.date().isoformat())
    assert rows == [
        {
            "year": 2025,
            "title": "Sustainability report 2025",
            "edition": 1,
            "status": "published",
            "content_hash": published.content_hash,
            "corrects": None,
            "correction_note": "",
            "decided_by": "Kommunstyrelsen",
            "decision_date": "2026-03-30",
            "decision_paragraph": "42",
            "urls": {
                "html": f"http://testserver/o/1961/report/{published.pk}/",
                "pdf": f"http://testserver/o/1961/report/{published.pk}/pdf/",
                "data": f"http://testserver/o/1961/report/{published.pk}/data.zip",
            },
        }
    ]


def test_members_see_every_edition_of_their_own_organisation(setting, editions):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(setting.users["council_external"])
    rows = client.get(URL).json()
    assert [(row["year"], row["status"], row["content_hash"]) for row in rows] == [
        (2026, "draft", None),
        (2025, "published", editions[0].content_hash),
    ]


def test_another_organisations_member_sees_published_editions_only(editions):
    other = OrganisationFactory(code="1907", name="Surahammar")
    user = UserFactory(username="sura-analyst")
    MembershipFactory(user=user, body=BodyFactory(organisation=other, kind="analysis_group"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    assert [row["status"] for row in client.get(URL).json()] == ["published"]
    assert client.get("/api/v1/organisations/1907/reports").json() == []


def test_an_unknown_organisation_is_404():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/organisations/9999/reports")
    assert response.status_code == 404
    assert "9999" in response.json()["detail"]


def test_the_endpoint_is_in_the_openapi_schema():
    schema = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/organisations/{code}/reports"]["get"]
    assert operation["operationId"] == "organisation_reports"
    assert "404" in operation["responses"]
