"""Small factories for test data built in code. Reference data (17 goals, 169 targets)
comes from the `reference_data` fixture in conftest, loaded from the shipped fixtures."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from hallbar.organisation.models import Body, Membership, Organisation
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
    class Meta:
        model = Body

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Nämnd {n}")
    kind = "committee"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("hallbar-test")


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
