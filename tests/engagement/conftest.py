import pytest
from django.test import Client

from tests.personas import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world("1961", "Hallstahammar")


@pytest.fixture
def other_world(world) -> World:
    return build_world("1907", "Surahammar")


@pytest.fixture
def login():
    """A client logged in as one of the world's personas (English pages)."""

    def as_persona(world: World, persona: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(world.users[persona])
        return client

    return as_persona
