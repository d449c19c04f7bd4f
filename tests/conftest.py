"""Shared fixtures. Tests run on PostgreSQL (make test); browser tests drive Debian's Chromium."""

import os

import pytest
from django.db import connection

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_configure(config):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise pytest.UsageError(
            "The test suite runs on PostgreSQL: use `make test`, or set DATABASE_URL."
        )


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Hashing with production cost is not what the tests are about."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright: launch Debian's Chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "sv-SE"}


@pytest.fixture
def assert_postgres():
    assert connection.vendor == "postgresql"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped reference goal sets once; tests roll back on top of them."""
    from hallbar.agenda.services import reference_data_load

    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def reference_data(db):
    """The Agenda 2030 goal set, loaded (again, after a transactional test flushed it)."""
    from hallbar.agenda.models import GoalSet
    from hallbar.agenda.services import reference_data_load

    if not GoalSet.objects.filter(code="agenda2030", organisation__isnull=True).exists():
        reference_data_load()
    return GoalSet.objects.get(code="agenda2030", organisation__isnull=True)
