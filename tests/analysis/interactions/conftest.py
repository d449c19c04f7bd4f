"""An organisation with an analyst (organisation-wide analysis writer), a council member
(reads, never edits), the example matrix and a small draft version."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from hallbar.analysis.interactions import services
from hallbar.analysis.interactions.models import InteractionMatrix
from hallbar.organisation.models import Organisation
from tests.factories import BodyFactory, MembershipFactory, OrganisationFactory


@dataclass
class Setting:
    organisation: Organisation
    analyst: Any
    council_member: Any


@pytest.fixture
def setting(reference_data) -> Setting:
    organisation = OrganisationFactory()
    analysis = BodyFactory(organisation=organisation, name="Analysgruppen", kind="analysis_group")
    council = BodyFactory(
        organisation=organisation, name="Hållbarhetsrådet", kind="sustainability_council"
    )
    analyst = MembershipFactory(user__username="analyst", body=analysis, role="officer").user
    member = MembershipFactory(user__username="ledamot", body=council, role="member").user
    return Setting(organisation, analyst, member)


@pytest.fixture
def draft(setting) -> InteractionMatrix:
    """Three targets: 1.3 → 1.5 +2, 1.5 → 2.2 −2 (with a rationale), 2.2 → 1.3 +1."""
    targets = list(services.agenda_targets(["1.3", "1.5", "2.2"]).values())
    return services.matrix_create(
        organisation=setting.organisation,
        title="Utkast",
        targets=targets,
        cells=[
            services.CellInput("1.3", "1.5", 2, "Socialt skydd stärker motståndskraften."),
            services.CellInput("1.5", "2.2", -2, "Konkurrerar om samma resurser.", "low"),
            services.CellInput("2.2", "1.3", 1),
        ],
        created_by=setting.analyst,
    )


@pytest.fixture
def client_for():
    def make(user=None) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            client.force_login(user)
        return client

    return make
