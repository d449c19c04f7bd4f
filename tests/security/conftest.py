"""Two sealed tenants with every persona, built once per module and rolled back after it:
the matrix makes hundreds of requests against the same data, so building it per test
would dominate the run. Tests must not change the shared rows (each write request runs in
a savepoint that is rolled back)."""

import pytest
from django.db import transaction
from django.test import Client

from hallbar.agenda.services import reference_data_load
from tests.personas import ANALYST, ANONYMOUS, OUTSIDER, World, build_world


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            reference_data_load()
            yield build_world("1961", "Hallstahammar"), build_world("1907", "Surahammar")
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(worlds, db) -> World:
    return worlds[0]


@pytest.fixture
def other_world(worlds, db) -> World:
    return worlds[1]


@pytest.fixture
def clients(world, other_world) -> dict[str, Client]:
    """One logged-in client per persona of `world`; the outsider is the other
    organisation's analyst."""
    result = {ANONYMOUS: Client(HTTP_ACCEPT_LANGUAGE="en")}
    users = {**world.users, OUTSIDER: other_world.users[ANALYST]}
    for persona, user in users.items():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        result[persona] = client
    return result
