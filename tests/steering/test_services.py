"""Writes of the steering chain, called directly as an import or the API would."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hallbar.agenda.models import Target
from hallbar.steering import services
from hallbar.steering.models import Action, LocalGoal, SteeringDocument
from tests.factories import (
    BodyFactory,
    LocalGoalFactory,
    OrganisationFactory,
    SteeringDocumentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(reference_data):
    return OrganisationFactory()


@pytest.fixture
def council(organisation):
    return BodyFactory(organisation=organisation, name="Kommunfullmäktige", kind="council_assembly")


@pytest.fixture
def foreign_body():
    return BodyFactory(organisation=OrganisationFactory(code="0180", name="Stockholm"))


def document_fields(council, **overrides):
    fields = {
        "title": "Strategi",
        "level": "strategy",
        "status": "decided",
        "decided_by": council,
        "decision_date": dt.date(2021, 10, 25),
        "owner": "Kommunstrateg",
    }
    return fields | overrides


def test_a_document_is_created_with_its_links(organisation, council):
    targets = list(Target.objects.agenda2030().filter(code__in=["11.2", "3.6"]))

    document = services.document_create(
        organisation=organisation,
        fields=document_fields(council),
        dimensions=["social", "economic"],
        applies_to=[council],
        targets=targets,
    )

    document.refresh_from_db()
    assert document.dimensions == ["social", "economic"]
    assert set(document.targets.all()) == set(targets)
    assert list(document.applies_to.all()) == [council]


def test_a_body_of_another_organisation_is_refused_and_nothing_written(
    organisation, council, foreign_body
):
    with pytest.raises(ValidationError) as refused:
        services.document_create(
            organisation=organisation,
            fields=document_fields(council),
            dimensions=["social"],
            applies_to=[council, foreign_body],
        )

    assert "applies_to" in refused.value.message_dict
    assert not SteeringDocument.objects.exists()


def test_a_rule_broken_after_the_row_is_saved_leaves_nothing_half_saved(organisation, council):
    with pytest.raises(ValidationError):
        services.document_create(
            organisation=organisation,
            fields=document_fields(council, valid_until=dt.date(2020, 1, 1)),
            dimensions=["social"],
        )

    assert not SteeringDocument.objects.exists()


def test_an_unknown_dimension_is_refused(organisation, council):
    with pytest.raises(ValidationError) as refused:
        services.document_create(
            organisation=organisation, fields=document_fields(council), dimensions=["cultural"]
        )

    assert "dimensions" in refused.value.message_dict


def test_an_update_from_an_outdated_version_is_refused(organisation, council):
    document = SteeringDocumentFactory(organisation=organisation, title="Original")
    opened = document.updated_at
    SteeringDocument.objects.filter(pk=document.pk).update(
        updated_at=opened + dt.timedelta(seconds=1)
    )

    with pytest.raises(services.EditConflict):
        services.document_update(
            document=document,
            fields=document_fields(council, title="Min ändring"),
            dimensions=["social"],
            expected_version=opened,
        )

    document.refresh_from_db()
    assert document.title == "Original"


def test_a_goal_serving_a_council_goal_of_another_organisation_is_refused(
    organisation, council, foreign_body
):
    foreign_goal = LocalGoalFactory(organisation=foreign_body.organisation, level="council")

    with pytest.raises(ValidationError) as refused:
        services.goal_create(
            organisation=organisation,
            fields={"level": "committee", "title": "Mål", "body": council, "parent": foreign_goal},
        )

    assert "parent" in refused.value.message_dict
    assert not LocalGoal.objects.filter(organisation=organisation).exists()


def test_an_action_is_created_by_its_user(organisation, council, django_user_model):
    user = django_user_model.objects.create_user("strateg")
    plan = SteeringDocumentFactory(organisation=organisation)

    action = services.action_create(
        organisation=organisation,
        created_by=user,
        fields={"title": "Cykelväg", "plan": plan, "body": council, "owner": "Gatuchef"},
    )

    assert action.created_by == user
    assert Action.objects.get().title == "Cykelväg"
