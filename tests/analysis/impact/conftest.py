"""Fixtures of the impact tests: the persona world (tests/personas.py), a matrix version
and prioritised targets made with the interactions and status apps' own models, and
helpers to make and assess cases."""

import datetime as dt

import pytest
from django.test import Client

from hallbar.agenda.models import Target
from hallbar.analysis.impact import services
from hallbar.analysis.impact.models import Case
from hallbar.analysis.interactions import services as interaction_services
from hallbar.analysis.status.models import AnalysisState, StatusAnalysis, TargetAssessment
from tests.personas import World, build_world


@pytest.fixture
def world(reference_data, django_capture_on_commit_callbacks) -> World:
    # Built as if committed: what waits for the commit (goal-conflict detection of the
    # world's actions, the signals of the analysis apps) runs now, not never.
    with django_capture_on_commit_callbacks(execute=True):
        return build_world("1961", "Hallstahammar")


@pytest.fixture
def other_world(world, django_capture_on_commit_callbacks) -> World:
    with django_capture_on_commit_callbacks(execute=True):
        return build_world("1907", "Surahammar")


def targets(*codes: str) -> list[Target]:
    found = {t.code: t for t in Target.objects.agenda2030().filter(code__in=codes)}
    return [found[code] for code in codes]


def matrix(world: World, cells: list[tuple[str, str, int, str]], *, publish: bool = True):
    """A new (and so current) version of the organisation's interaction matrix, published
    unless `publish` is False (rule b reads the published version only)."""
    codes = sorted({code for cell in cells for code in cell[:2]})
    version = interaction_services.matrix_create(
        organisation=world.organisation,
        title="Testmatris",
        targets=targets(*codes),
        cells=[interaction_services.CellInput(*cell) for cell in cells],
    )
    return interaction_services.matrix_publish(matrix=version) if publish else version


def prioritise(world: World, *codes: str, year: int = 2026) -> StatusAnalysis:
    # Confirmed: the priorities in force are the latest confirmed analysis's.
    analysis, _ = StatusAnalysis.objects.get_or_create(
        organisation=world.organisation, year=year, defaults={"state": AnalysisState.CONFIRMED}
    )
    for target in targets(*codes):
        TargetAssessment.objects.create(
            organisation=world.organisation,
            analysis=analysis,
            target=target,
            is_prioritised=True,
            priority_motivation="Prioriterat i nulägesanalysen.",
        )
    return analysis


def make_case(world: World, number: str = "KS 2026/1", **fields) -> Case:
    b = world.bodies
    values = {
        "title": "Detaljplan för bostäder på åkermark",
        "diary_number": number,
        "deciding_body": b["ks"],
        "preparing_body": b["tn"],
        "date": dt.date(2026, 3, 1),
        **fields,
    }
    return services.case_save(organisation=world.organisation, fields=values, links={})


def assess(case: Case, *effects: tuple[str, str], dimensions=None, user=None):
    found = {t.code: t for t in targets(*[code for code, _ in effects])}
    return services.assessment_save(
        case=case,
        user=user,
        dimensions=dimensions or {},
        principles={},
        effects=[
            services.EffectInput(target=found[code], rating=rating, motivation=f"Motivering {code}")
            for code, rating in effects
        ],
    )


@pytest.fixture
def client_for():
    def make(user=None) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            client.force_login(user)
        return client

    return make
