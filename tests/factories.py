"""Small factories for test data built in code. Reference data (17 goals, 169 targets)
comes from the `reference_data` fixture in conftest, loaded from the shipped fixtures."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from hallbar.organisation.models import (
    Body,
    Mandate,
    Membership,
    Organisation,
    OrganisationRole,
)
from hallbar.organisation.services import mandates_seed
from hallbar.steering.models import Action, LocalGoal, SteeringDocument


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = "1961"
    name = "Hallstahammar"
    county_code = "19"
    county_name = "Västmanlands län"
    municipality_group_code = "B4"
    municipality_group_name = "Pendlingskommun nära större stad"


class BodyFactory(factory.django.DjangoModelFactory):
    """A body with the standard mandates of its kind (`mandates=False`: none)."""

    class Meta:
        model = Body
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Nämnd {n}")
    kind = "committee"

    @factory.post_generation
    def mandates(body, create, extracted, **kwargs):
        if create and extracted is not False:
            mandates_seed(organisation=body.organisation, bodies=[body])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("hallbar-test")


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    body = factory.SubFactory(BodyFactory, mandates=False)
    organisation = factory.SelfAttribute("body.organisation")
    kind = "decide"
    scope = "committee_goal"
    area = "own"


class OrganisationRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationRole

    user = factory.SubFactory("tests.factories.UserFactory")
    organisation = factory.SubFactory(OrganisationFactory)
    role = "administrator"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    body = factory.SubFactory(BodyFactory)
    role = "officer"


class SteeringDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SteeringDocument

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Handlingsplan {n}")
    level = "action_plan"
    owner = "Kommunstrateg"
    is_social = True


class LocalGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalGoal

    organisation = factory.SubFactory(OrganisationFactory)
    level = "committee"
    title = factory.Sequence(lambda n: f"Nämndmål {n}")
    body = factory.SubFactory(BodyFactory, organisation=factory.SelfAttribute("..organisation"))
    status = "decided"
    decision_date = dt.date(2025, 12, 10)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Åtgärd {n}")
    plan = factory.SubFactory(
        SteeringDocumentFactory, organisation=factory.SelfAttribute("..organisation")
    )
    body = factory.SubFactory(BodyFactory, organisation=factory.SelfAttribute("..organisation"))
    owner = "Enhetschef"
