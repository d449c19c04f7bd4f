"""The indicator register, the indicator page with its chart, table and downloads, and the
indicators on the goal and target pages: who sees what, filters, 404s and query counts."""

import csv
import io
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from hallbar.agenda.models import Target
from hallbar.followup.models import Area, AreaKind, Indicator, Kpi, KpiSource, Observation
from hallbar.followup.status import progress_recompute
from hallbar.followup.views import progress_summary
from hallbar.lib.progress import measure
from hallbar.organisation.models import Body, Organisation
from tests.factories import BodyFactory, LocalGoalFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

AREAS = [
    ("0000", AreaKind.COUNTRY, "Riket"),
    ("0019", AreaKind.REGION, "Region Västmanland"),
    ("0180", AreaKind.MUNICIPALITY, "Stockholm"),
    ("1280", AreaKind.MUNICIPALITY, "Malmö"),
    ("1480", AreaKind.MUNICIPALITY, "Göteborg"),
    ("1961", AreaKind.MUNICIPALITY, "Hallstahammar"),
    ("1984", AreaKind.MUNICIPALITY, "Arboga"),
    ("G92792", AreaKind.GROUP, "Pendlingskommun nära större stad (ovägt medel)"),
]
# VAB taken out by men, %: Hallstahammar 20 → 25 from 2015 to 2020 with the target 40 by
# 2030 is on track (P ≈ 0.965). The SKR group has no figure of its own in 2015 and 2020:
# Hållbar computes it as the mean of its members Arboga and Göteborg.
VAB = {
    "1961": {2015: 20.0, 2018: 24.0, 2020: 25.0},
    "0180": {2015: 30.0, 2020: 33.0},
    "1280": {2015: 28.0, 2020: 22.0},
    "1480": {2015: 26.0, 2020: 24.0},
    "1984": {2015: 18.0, 2020: 21.0},
    "0019": {2015: 21.5, 2020: 23.5},
    "0000": {2015: 27.0, 2018: 28.0, 2020: 29.0},
}
GROUP_MEMBERS = ("1480", "1984")


@dataclass
class IndicatorWorld:
    organisation: Organisation
    body: Body
    member: object
    vab: Indicator  # public, on the shared Kolada KPI N00945
    cycling: Indicator  # not public, on the organisation's own KPI HH-CYKEL
    arboga: Indicator  # another organisation's, on its own KPI AR-EGEN


def observe(kpi: Kpi, code: str, values: dict[int, float], source: str = "Kolada") -> None:
    area = Area.objects.get(code=code)
    Observation.objects.bulk_create(
        Observation(kpi=kpi, area=area, year=year, value=value, source=source)
        for year, value in values.items()
    )


def build_indicator_world() -> IndicatorWorld:
    """Two municipalities with indicators, in code: Hallstahammar follows VAB (public) and
    its own cycling KPI (not public); Arboga its own KPI. Statuses computed and stored."""
    for code, kind, title in AREAS:
        Area.objects.get_or_create(code=code, defaults={"kind": kind, "title": title})
    Area.objects.get(code="G92792").members.set(Area.objects.filter(code__in=GROUP_MEMBERS))
    organisation = OrganisationFactory(code="1961", name="Hallstahammar")
    arboga_org = OrganisationFactory(code="1984", name="Arboga")
    body = BodyFactory(organisation=organisation, name="Barn- och utbildningsnämnden")
    member = MembershipFactory(body=body, user__username="indikatorstrateg").user

    vab_kpi = Kpi.objects.create(
        source=KpiSource.KOLADA,
        code="N00945",
        title_sv="VAB som tas ut av män, andel (%)",
        title_en="Temporary parental benefit taken by men, share (%)",
        unit="%",
        description="Andel av alla dagar med tillfällig föräldrapenning som tas ut av män.",
    )
    for code, values in VAB.items():
        observe(vab_kpi, code, values)
    cycling_kpi = Kpi.objects.create(
        source=KpiSource.OWN,
        code="HH-CYKEL",
        organisation=organisation,
        title_sv="Cykelväg per invånare, meter",
        unit="m",
    )
    observe(cycling_kpi, "1961", {2016: 3.1, 2019: 2.5, 2022: 2.0}, source="gatukontoret.xlsx")
    arboga_kpi = Kpi.objects.create(
        source=KpiSource.OWN, code="AR-EGEN", organisation=arboga_org, title_sv="Arbogas eget"
    )
    observe(arboga_kpi, "1984", {2016: 1.0, 2020: 2.0}, source="arboga.csv")

    vab = Indicator.objects.create(
        organisation=organisation,
        kpi=vab_kpi,
        direction="positive",
        base_year=2015,
        target_value=40.0,
        target_year=2030,
        responsible_body=body,
    )
    vab.targets.set([Target.objects.agenda2030().get(code="5.4")])
    cycling = Indicator.objects.create(
        organisation=organisation, kpi=cycling_kpi, direction="positive", is_public=False
    )
    cycling.targets.set([Target.objects.agenda2030().get(code="11.2")])
    arboga = Indicator.objects.create(organisation=arboga_org, kpi=arboga_kpi, is_public=True)
    progress_recompute()
    return IndicatorWorld(organisation, body, member, vab, cycling, arboga)


@pytest.fixture
def world(reference_data, client) -> IndicatorWorld:
    client.cookies["django_language"] = "en"  # the pages in English, as the assertions
    return build_indicator_world()


def page(client, view: str, **kwargs):
    query = kwargs.pop("query", None)
    return client.get(reverse(f"followup:{view}", kwargs={"org_code": "1961", **kwargs}), query)


def data_table(html: str) -> str:
    return html.split('<table id="data-table"')[1].split("</table>")[0]


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- the register ---------------------------------------------------------------------------


def test_the_public_sees_only_public_indicators(client, world):
    html = html_of(page(client, "indicator_list"))

    assert "N00945" in html
    assert "Temporary parental benefit taken by men" in html
    assert "HH-CYKEL" not in html
    assert "AR-EGEN" not in html  # another organisation's


def test_a_member_also_sees_indicators_that_are_not_public(client, world):
    client.force_login(world.member)
    html = html_of(page(client, "indicator_list"))

    assert "N00945" in html and "HH-CYKEL" in html
    assert "not public" in html
    assert "AR-EGEN" not in html


def test_a_row_shows_status_relative_position_and_latest_value(client, world):
    html = html_of(page(client, "indicator_list"))

    assert "On track" in html
    # Hallstahammar's 25 % in 2020 ranks 2 of 5 municipalities: relative, never goal talk.
    assert "among the middle 50 % of municipalities" in html
    assert "relative: rank 2 of 5, 2020" in html
    assert "25 % (2020)" in html
    # The colours are explained next to the table.
    assert "How to read the colours" in html
    assert "does not mean that a target is reached" in html


@pytest.mark.parametrize(
    "query,shown,hidden",
    [
        ({"source": "own"}, ["HH-CYKEL"], ["N00945"]),
        ({"source": "kolada"}, ["N00945"], ["HH-CYKEL"]),
        ({"goal": "5"}, ["N00945"], ["HH-CYKEL"]),
        ({"goal": "11"}, ["HH-CYKEL"], ["N00945"]),
        ({"status": "on_track"}, ["N00945"], ["HH-CYKEL"]),
        ({"status": "deterioration"}, ["HH-CYKEL"], ["N00945"]),
        ({"status": "not_available"}, [], ["N00945", "HH-CYKEL"]),
    ],
)
def test_filters_narrow_the_register(client, world, query, shown, hidden):
    client.force_login(world.member)
    html = html_of(page(client, "indicator_list", query=query))

    for code in shown:
        assert code in html
    for code in hidden:
        assert f'<span class="target-code">{code}</span>' not in html


def test_the_body_filter_offers_only_the_organisations_bodies(client, world):
    BodyFactory(organisation=world.arboga.organisation, name="Arbogas nämnd")
    response = page(client, "indicator_list", query={"body": world.body.pk})
    html = html_of(response)

    assert "N00945" in html
    assert "Arbogas nämnd" not in html
    other = Body.objects.get(name="Arbogas nämnd")
    html = html_of(page(client, "indicator_list", query={"body": other.pk}))
    assert "Select a valid choice" in html  # named, and nothing filtered by it
    assert '<span class="target-code">N00945</span>' in html


def test_the_filter_form_works_without_script(client, world):
    html = html_of(page(client, "indicator_list"))

    assert '<form method="get"' in html
    assert 'type="submit"' in html
    assert "hx-" not in html.split('<form method="get"')[1].split(">")[0]


def test_the_register_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.member)
    for n in range(12):
        kpi = Kpi.objects.create(source=KpiSource.KOLADA, code=f"N9{n:04d}", title_sv=f"KPI {n}")
        observe(kpi, "1961", {2015: 1.0 + n, 2020: 2.0 + n})
        observe(kpi, "1984", {2020: 3.0})
        Indicator.objects.create(
            organisation=world.organisation, kpi=kpi, responsible_body=world.body
        )
    progress_recompute()

    # Session, user, organisation, memberships, filter choices, the rows, their positions.
    with django_assert_max_num_queries(13):
        html = html_of(page(client, "indicator_list"))
    assert html.count("<tr>") >= 15


# --- the indicator page ---------------------------------------------------------------------


def test_the_page_shows_chart_table_status_position_sources_and_downloads(client, world):
    html = html_of(page(client, "indicator_detail", code="N00945"))

    # The chart: inline SVG, an image with a name and a description.
    assert "<svg" in html and 'role="img"' in html
    assert 'aria-labelledby="indicator-chart-title"' in html
    assert "Target: 40 by 2030" in html
    # The table beside it, with the organisation and its comparison groups.
    table = data_table(html)
    for name in ("Hallstahammar", "Pendlingskommun", "Region Västmanland", "Riket"):
        assert name in table
    # Status, with how it was reached.
    assert "On track" in html
    assert "How this status was computed" in html
    assert "compound annual growth rate" in html
    # Relative, never goal attainment.
    assert "Relative position" in html
    assert "rank 2 of the 5 with a value in 2020" in html
    # Where the values come from: Kolada's as fetched; the group mean computed here.
    assert "Source: Kolada, fetched" in html
    assert "computed by Hållbar as the unweighted mean" in html
    # Downloads.
    assert (
        reverse(
            "followup:indicator_export",
            kwargs={"org_code": "1961", "code": "N00945", "name": "indicator-csv"},
        )
        in html
    )
    assert "indicator-xlsx" in html
    # Metadata.
    for text in ("N00945", "Higher is better", "5.4", "Barn- och utbildningsnämnden", "2015"):
        assert text in html


def test_the_page_lists_only_local_goals_the_reader_may_see(client, world):
    decided = LocalGoalFactory(organisation=world.organisation, title="Jämställt föräldraskap")
    draft = LocalGoalFactory(
        organisation=world.organisation, title="Utkast om VAB", status="draft", decision_date=None
    )
    world.vab.local_goals.set([decided, draft])

    html = html_of(page(client, "indicator_detail", code="N00945"))
    assert "Jämställt föräldraskap" in html
    assert "Utkast om VAB" not in html

    client.force_login(world.member)
    assert "Utkast om VAB" in html_of(page(client, "indicator_detail", code="N00945"))


def test_the_table_has_the_same_numbers_as_the_chart(client, world):
    with translation.override("en"):
        html = html_of(page(client, "indicator_detail", code="N00945"))
    table = data_table(html)
    svg = html.split("<svg")[1].split("</svg>")[0]

    assert 'aria-label="Hallstahammar 2018: 24"' in svg
    assert ">24<" in table.replace("</td>", "<").replace('nowrap">', ">")
    # The group mean of Arboga (21) and Göteborg (24) in 2020, marked as computed.
    assert (
        'aria-label="Pendlingskommun nära större stad (ovägt medel) 2020: 22.5 (mean computed'
        in svg
    )
    assert '22.5<span aria-hidden="true"> †</span>' in table


def test_the_best_fitting_similar_municipalities_group_is_compared(client, world):
    for theme in ("övergripande", "grundskola"):
        group = Area.objects.create(
            code=f"G-{theme}",
            kind=AreaKind.GROUP,
            title=f"Liknande kommuner {theme}, Hallstahammar, 2023",
        )
        group.members.set(Area.objects.filter(code__in=("0180", "1280")))

    table = data_table(html_of(page(client, "indicator_detail", code="N00945")))
    assert "Liknande kommuner övergripande, Hallstahammar, 2023" in table
    assert "grundskola" not in table
    assert "27.5<span" in table  # 2020: the mean of Stockholm (33) and Malmö (22), computed


def test_a_private_indicator_is_a_404_for_the_public_and_shown_to_members(client, world):
    assert page(client, "indicator_detail", code="HH-CYKEL").status_code == 404

    client.force_login(world.member)
    html = html_of(page(client, "indicator_detail", code="HH-CYKEL"))
    assert "Cykelväg per invånare" in html
    assert "Source: gatukontoret.xlsx, fetched" in html
    assert "Source: Kolada" not in html  # "Kolada" only for Kolada's figures
    # Comparison series without a value (none has the own KPI) are left out.
    assert "Riket" not in data_table(html) and "Hallstahammar" in data_table(html)


def test_a_user_of_another_organisation_is_the_public(client, world):
    outsider = MembershipFactory(
        body=BodyFactory(organisation=world.arboga.organisation), user__username="arboga"
    ).user
    client.force_login(outsider)

    assert page(client, "indicator_detail", code="HH-CYKEL").status_code == 404
    assert page(client, "indicator_detail", code="N00945").status_code == 200


@pytest.mark.parametrize("code", ["N99999", "AR-EGEN", "n00945"])
def test_unknown_codes_and_another_organisations_kpi_are_404(client, world, code):
    client.force_login(world.member)
    assert page(client, "indicator_detail", code=code).status_code == 404


def test_an_indicator_on_another_organisations_own_kpi_is_never_shown(client, world):
    # A row that should not exist (a KPI owned by Arboga) is still not shown in Hallstahammar.
    Indicator.objects.create(organisation=world.organisation, kpi=world.arboga.kpi)
    client.force_login(world.member)

    assert page(client, "indicator_detail", code="AR-EGEN").status_code == 404
    assert "AR-EGEN" not in html_of(page(client, "indicator_list"))


def test_an_unknown_organisation_is_404(client, world):
    url = reverse("followup:indicator_detail", kwargs={"org_code": "0001", "code": "N00945"})
    assert client.get(url).status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.member)
    for year in range(2000, 2015):
        for code in VAB:
            observe(world.vab.kpi, code, {year: 10.0 + year % 7})
    with django_assert_max_num_queries(15):
        html_of(page(client, "indicator_detail", code="N00945"))


def test_an_indicator_without_values_or_status_still_has_a_page(client, world):
    kpi = Kpi.objects.create(source=KpiSource.KOLADA, code="N00001", title_sv="Tomt")
    Indicator.objects.create(organisation=world.organisation, kpi=kpi)

    html = html_of(page(client, "indicator_detail", code="N00001"))
    assert "No status has been computed yet." in html
    assert "No values yet." in html
    assert "No value to compare" in html


def test_the_status_text_reads_from_the_stored_inputs():
    with translation.override("en"):
        on_track = progress_summary(
            measure({2015: 20.0, 2020: 25.0}, direction="positive", target=40.0)
        )
        trend = progress_summary(measure({2015: 10.0, 2020: 8.0}, direction="negative"))
        too_few = progress_summary(measure({2020: 8.0}, direction="negative"))

    assert "From 2015 (20) to 2020 (25)" in on_track[0]
    assert "reaching 40 by 2030 needs 4.73 % a year" in on_track[0]
    assert "P, the share of the needed progress that was made, is 0.965." in on_track
    assert "No target value is set" in trend[0]
    assert "Lower is better, so a fall counts as progress." in trend
    assert too_few == ["Only one year since 2015 has a value (2020): a status needs at least two."]


# --- downloads ------------------------------------------------------------------------------


def export(client, code: str, name: str):
    return page(client, "indicator_export", code=code, name=name)


def test_the_csv_has_every_value_with_its_origin_and_source(client, world):
    response = export(client, "N00945", "indicator-csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="1961-N00945.csv"'
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    own = [r for r in rows if r["Area"] == "1961"]
    assert [(r["Year"], r["Value"], r["Origin"], r["Source"]) for r in own] == [
        ("2015", "20.0", "reported", "Kolada"),
        ("2018", "24.0", "reported", "Kolada"),
        ("2020", "25.0", "reported", "Kolada"),
    ]
    assert all(r["Indicator"] == "N00945" and r["Gender"] == "T" for r in rows)
    assert own[0]["Fetched at"]  # when Kolada's figure was fetched
    group = [r for r in rows if r["Area"] == "G92792"]
    assert [(r["Year"], r["Value"], r["Origin"], r["Count"], r["Source"]) for r in group] == [
        ("2015", "22.0", "computed_mean", "2", "Hållbar"),
        ("2020", "22.5", "computed_mean", "2", "Hållbar"),
    ]
    assert {r["Area"] for r in rows} == {"1961", "G92792", "0019", "0000"}


def test_the_xlsx_holds_the_same_rows_and_an_about_sheet(client, world):
    response = export(client, "N00945", "indicator-xlsx")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    data = list(workbook["Data"].iter_rows(values_only=True))
    csv_rows = list(
        csv.reader(
            io.StringIO(export(client, "N00945", "indicator-csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert list(data[0]) == csv_rows[0]
    assert len(data) == len(csv_rows)
    assert data[1][:5] == (2015, "N00945", "1961", "T", 20.0)
    about = dict(workbook["About"].iter_rows(values_only=True))
    assert about["Indicator"] == "N00945"
    assert about["Target value"] == 40.0


def test_a_name_that_looks_like_a_formula_stays_text(client, world):
    Area.objects.filter(code="0019").update(title='=HYPERLINK("x")')
    rows = export(client, "N00945", "indicator-csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in rows
    workbook = load_workbook(io.BytesIO(export(client, "N00945", "indicator-xlsx").content))
    names = {row[5] for row in workbook["Data"].iter_rows(min_row=2, values_only=True)}
    assert '=HYPERLINK("x")' in names  # a text cell, not a formula


def test_a_private_indicators_download_is_a_404_for_the_public(client, world):
    assert export(client, "HH-CYKEL", "indicator-csv").status_code == 404
    assert export(client, "N00945", "no-such-export").status_code == 404

    client.force_login(world.member)
    response = export(client, "HH-CYKEL", "indicator-csv")
    assert response.status_code == 200
    assert "gatukontoret.xlsx" in response.content.decode("utf-8-sig")


# --- goal and target pages ------------------------------------------------------------------


def agenda_page(client, name: str, **kwargs):
    with translation.override("en"):
        return client.get(reverse(name, kwargs={"org_code": "1961", **kwargs}))


def test_the_goal_page_lists_its_indicators_with_a_stacked_bar_of_statuses(client, world):
    html = html_of(agenda_page(client, "steering:goal", number=5))

    section = html.split('id="followed-indicators"')[1]
    assert "N00945" in section
    assert "On track" in section
    assert "among the middle 50 % of municipalities" in section
    # The stacked bar, and its numbers as a table.
    assert 'id="indicator-status-chart"' in section and 'role="img"' in section
    assert 'aria-label="On track: 1 of 1"' in section
    shares = section.split('id="status-shares"')[1].split("</table>")[0]
    assert "On track" in shares and "100 %" in shares


def test_the_target_page_shows_private_indicators_only_to_members(client, world):
    assert "HH-CYKEL" not in html_of(agenda_page(client, "steering:target", code="11.2"))

    client.force_login(world.member)
    html = html_of(agenda_page(client, "steering:target", code="11.2"))
    assert "HH-CYKEL" in html.split('id="followed-indicators"')[1]


def test_a_goal_without_indicators_says_so(client, world):
    html = html_of(agenda_page(client, "steering:goal", number=13))
    assert "No indicator is linked here yet." in html


@pytest.mark.parametrize(
    "name,kwargs", [("steering:goal", {"number": 5}), ("steering:target", {"code": "5.4"})]
)
def test_goal_and_target_pages_with_indicators_run_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries, name, kwargs
):
    target = Target.objects.agenda2030().get(code="5.4")
    for n in range(8):
        kpi = Kpi.objects.create(source=KpiSource.KOLADA, code=f"N8{n:04d}", title_sv=f"KPI {n}")
        observe(kpi, "1961", {2015: 1.0 + n, 2020: 2.0})
        Indicator.objects.create(organisation=world.organisation, kpi=kpi).targets.set([target])
    progress_recompute()

    # The page's own reads, and at most six for its indicators (whatever their number).
    with django_assert_max_num_queries(14):
        html = html_of(agenda_page(client, name, **kwargs))
    assert html.count('class="badge-') >= 9


def test_a_kpi_the_source_removed_is_flagged_on_its_page_and_keeps_its_values(client, world):
    before = data_table(html_of(page(client, "indicator_detail", code="N00945")))
    assert "no longer publishes" not in html_of(page(client, "indicator_detail", code="N00945"))

    Kpi.objects.filter(code="N00945").update(removed_at_source="2026-03-01T00:00:00Z")
    html = html_of(page(client, "indicator_detail", code="N00945"))

    assert "The source no longer publishes this KPI; the values fetched before are kept." in html
    assert data_table(html) == before


def test_the_register_marks_a_kpi_the_source_removed(client, world):
    assert "no longer published by the source" not in html_of(page(client, "indicator_list"))
    Kpi.objects.filter(code="N00945").update(removed_at_source="2026-03-01T00:00:00Z")
    html = html_of(page(client, "indicator_list"))
    row = html.split("N00945", 1)[1].split("</tr>")[0]
    assert "no longer published by the source" in row
