"""The one-page summary for the decision memo (web and PDF) and the compilation per
body and year."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.analysis.impact.conftest import assess, make_case
from tests.personas import ANALYST

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"impact:{name}", kwargs={"org_code": "1961", **kwargs})


@pytest.fixture
def assessed(world):
    case = make_case(
        world,
        "KS 2026/41",
        title="Detaljplan för bostäder vid Sörgärdet",
        status="decided",
        decision_date=dt.date(2026, 4, 13),
        decision_paragraph="58",
    )
    from hallbar.analysis.impact import services
    from tests.analysis.impact.conftest import targets

    t = {x.code: x for x in targets("11.1", "2.4")}
    services.assessment_save(
        case=case,
        user=None,
        dimensions={
            "social": ("2", "Bostadsbristen minskar."),
            "ecological": ("-2", "Åkermark försvinner för gott."),
        },
        principles={"whole_picture": ("partly", "Alternativa lägen utreddes kort.")},
        effects=[
            services.EffectInput(target=t["11.1"], rating="2", motivation="Fler bostäder."),
            services.EffectInput(target=t["2.4"], rating="-2", motivation="Nio hektar åkermark."),
        ],
        knowledge_gaps=(True, "Jordbruksmarkens värde är inte klassat."),
    )
    case.refresh_from_db()
    return case


def test_the_summary_page_shows_the_whole_assessment(world, assessed, client_for):
    # The organisation's own readers see the open conflict too.
    response = client_for(world.users[ANALYST]).get(url("case_summary", pk=assessed.pk))
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Detaljplan för bostäder vid Sörgärdet",
        "KS 2026/41",
        "Bostadsbristen minskar.",
        "Åkermark försvinner för gott.",
        "Nio hektar åkermark.",
        "Alternativa lägen utreddes kort.",
        "Jordbruksmarkens värde är inte klassat.",
        "We focus on the whole picture",
        "−2 negative",
    ):
        assert text in html, text
    conflict = assessed.conflicts.get()
    assert conflict.title in html
    with open("hallbar/analysis/impact/static/impact/summary.css", encoding="utf-8") as css:
        assert "@media print" in css.read()
    # The public sees the decided case's summary, without the open conflict.
    public = client_for().get(url("case_summary", pk=assessed.pk)).content.decode()
    assert "Nio hektar åkermark." in public and conflict.title not in public


def test_the_summary_pdf_has_the_headings_and_swedish_characters(world, assessed, client_for):
    response = client_for(world.users[ANALYST]).get(url("case_summary_pdf", pk=assessed.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in (
        "Sustainability impact assessment",
        "Detaljplan för bostäder vid Sörgärdet",
        "Åkermark försvinner för gott.",
        "The five principles",
        "Knowledge gaps",
        "Goal conflicts raised",
        "Hallstahammar",
        assessed.conflicts.get().title,
    ):
        assert expected in text, expected


def test_a_draft_summary_is_not_shown_to_the_public(world, client_for):
    case = make_case(world, "KS 2026/2")
    assert client_for().get(url("case_summary", pk=case.pk)).status_code == 404
    assert client_for().get(url("case_summary_pdf", pk=case.pk)).status_code == 404
    assert client_for(world.users[ANALYST]).get(url("case_summary", pk=case.pk)).status_code == 200


def test_compiled_per_body_and_year(world, assessed, client_for):
    # A second decided case of KS the same year, and one of another year.
    second = make_case(world, "KS 2026/50", status="decided", decision_date=dt.date(2026, 9, 1))
    assess(second, ("11.1", "1"), ("13.2", "3"))
    older = make_case(world, "KS 2025/9", status="decided", decision_date=dt.date(2025, 5, 1))
    assess(older, ("2.4", "-3"))

    response = client_for().get(url("compiled"), {"year": "2026"})
    [section] = [
        s for s in response.context["sections"] if s["compilation"].body.name == "Kommunstyrelsen"
    ]
    rows = {
        tally.goal.number: (tally.supported, tally.worked_against, len(tally.cases))
        for tally in section["compilation"].goals
    }
    assert rows == {2: (0, 1, 1), 11: (2, 0, 2), 13: (1, 0, 1)}
    assert section["compilation"].case_count == 2
    html = response.content.decode()
    assert 'role="img"' in html and "<caption>" in html
    assert "Goal 2: worked against 1" in html  # the chart's description
    # Another year counts only its own cases.
    older_page = client_for().get(url("compiled"), {"year": "2025"})
    [older_section] = [
        s for s in older_page.context["sections"] if s["compilation"].body.name == "Kommunstyrelsen"
    ]
    # 2025: the older case (2.4 −3) and the world's decided case of KS (11.1 +2, 2.4 −2).
    assert [
        (t.goal.number, t.supported, t.worked_against) for t in older_section["compilation"].goals
    ] == [(2, 0, 2), (11, 1, 0)]
