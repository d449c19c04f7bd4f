"""An organisation with the bodies the report's workflow passes through, its people, and
helpers to add indicators with values and to take an edition through the workflow."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from hallbar.agenda.models import Target
from hallbar.followup.models import Area, Indicator, Kpi, Observation
from hallbar.report import services
from hallbar.report.models import ReportEdition
from hallbar.report.sections import REQUIRED_KEYS
from tests.factories import BodyFactory, MembershipFactory, OrganisationFactory, UserFactory

DECIDED = dt.date(2026, 3, 30)


@dataclass
class Setting:
    organisation: Any
    bodies: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)

    def indicator(
        self,
        code: str,
        values: dict[int, float],
        *,
        target: str = "11.2",
        title: str | None = None,
        target_value: float | None = None,
    ) -> Indicator:
        kpi = Kpi.objects.create(
            organisation=self.organisation,
            source="own",
            code=code,
            title_sv=title or f"Nyckeltal {code} åäö",
            title_en=f"Indicator {code}",
            unit="%",
        )
        area, _ = Area.objects.get_or_create(
            code=self.organisation.code,
            defaults={"kind": "municipality", "title": self.organisation.name},
        )
        Observation.objects.bulk_create(
            Observation(kpi=kpi, area=area, year=year, gender="T", value=value, source="Egen")
            for year, value in values.items()
        )
        indicator = Indicator.objects.create(
            organisation=self.organisation,
            kpi=kpi,
            base_year=min(values),
            target_value=target_value,
        )
        indicator.targets.add(Target.objects.agenda2030().get(code=target))
        return indicator

    def write_required_texts(self, edition: ReportEdition) -> None:
        versions = dict(edition.texts.values_list("section", "version"))
        for key in REQUIRED_KEYS:
            services.section_text_save(
                edition=edition,
                section=key,
                text=f"Text om {key}: hållbarhet för Hallstahammar.",
                version=versions.get(key),
                user=self.users["editor"],
            )

    def decided(self, edition: ReportEdition) -> ReportEdition:
        """Through the workflow up to the decision (texts, review, decision by KS)."""
        if edition.status == "draft":
            self.write_required_texts(edition)
            edition = services.edition_mark_ready(edition=edition, user=self.users["editor"])
        edition = services.edition_mark_reviewed(
            edition=edition, user=self.users["reviewer"], body=self.bodies["management"]
        )
        return services.edition_record_decision(
            edition=edition,
            user=self.users["editor"],
            body=self.bodies["ks"],
            decision_date=DECIDED,
            paragraph="42",
        )

    def published(self, edition: ReportEdition) -> ReportEdition:
        return services.edition_publish(edition=self.decided(edition), user=self.users["editor"])


@pytest.fixture
def setting(reference_data) -> Setting:
    return build_setting()


def build_setting() -> Setting:
    """Also used by the browser test (tests/browser/test_report.py)."""
    organisation = OrganisationFactory()
    result = Setting(organisation)
    for key, name, kind in (
        ("kf", "Kommunfullmäktige", "council_assembly"),
        ("ks", "Kommunstyrelsen", "executive_board"),
        ("council", "Hållbarhetsrådet", "sustainability_council"),
        ("management", "Kommunchefens ledningsgrupp", "management_group"),
        ("analysis", "Analysgruppen", "analysis_group"),
        ("tn", "Tekniska nämnden", "committee"),
    ):
        result.bodies[key] = BodyFactory(organisation=organisation, name=name, kind=kind)
    for key, body, role in (
        ("editor", "analysis", "officer"),
        ("reviewer", "management", "member"),
        ("council_internal", "council", "member"),
        ("council_external", "council", "external"),
        ("committee_officer", "tn", "officer"),
    ):
        user = UserFactory(username=f"report-{key}")
        MembershipFactory(user=user, body=result.bodies[body], role=role)
        result.users[key] = user
    return result


@pytest.fixture
def draft(setting) -> ReportEdition:
    return services.report_create(
        organisation=setting.organisation, year=2025, user=setting.users["editor"]
    )


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English (the msgids): the Swedish catalogue may change."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")
