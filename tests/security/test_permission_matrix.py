"""The permission matrix: every persona × every URL the project serves (pages, write
actions, the API, the admin), generated from the URL configuration.

A URL without a declared rule in `matrix.ACCESS` fails `test_every_url_has_a_declared_rule`;
every declared case is then requested by every persona with real objects of the
organisation, and the status must be the declared one. Write requests run in a savepoint
that is rolled back, so an allowed POST changes nothing for the next request.
"""

import pytest
from django.db import transaction

from tests.personas import ANONYMOUS, INTERNAL, PERSONAS
from tests.security.endpoints import address, all_endpoints
from tests.security.matrix import ACCESS, PREFIX_RULES, Case

ENDPOINTS = all_endpoints()
BY_KEY = {endpoint.key: endpoint for endpoint in ENDPOINTS}


def _prefix_rule(endpoint) -> str | None:
    return next(
        (rule for prefix, rule in PREFIX_RULES.items() if endpoint.route.startswith(prefix)),
        None,
    )


def test_every_url_has_a_declared_rule():
    undeclared = sorted(
        endpoint.key
        for endpoint in ENDPOINTS
        if endpoint.key not in ACCESS and _prefix_rule(endpoint) is None
    )
    assert not undeclared, (
        "URLs without an access rule: declare who may use each in tests/security/matrix.py "
        f"(and give the view an access.require call): {undeclared}"
    )


def test_the_table_names_no_url_that_does_not_exist():
    assert sorted(set(ACCESS) - set(BY_KEY)) == []


def expected(case: Case, persona: str, method: str) -> int:
    if persona in case.allowed:
        return case.ok_status(method)
    if persona == ANONYMOUS and case.anonymous is not None:
        return case.anonymous
    if case.hidden and persona not in INTERNAL:
        return 404
    if persona == ANONYMOUS:
        return 302
    return case.refused


def request(client, method: str, path: str):
    # Writes are rolled back: the matrix shares its data between requests.
    with transaction.atomic():
        if method == "PATCH":
            response = client.patch(path, data="{}", content_type="application/json")
        else:
            response = getattr(client, method.lower())(path)
        transaction.set_rollback(True)
    return response


def run_case(clients, world, endpoint, case: Case) -> list[str]:
    path = address(endpoint, world.objects, world.code, case)
    wrong = []
    for persona in PERSONAS:
        for method in case.methods:
            response = request(clients[persona], method, path)
            want = expected(case, persona, method)
            status = response.status_code
            if status != want:
                wrong.append(f"{persona} {method} {path}: {status}, expected {want}")
            elif want == 302 and persona not in case.allowed:
                location = response["Location"]
                if not location.startswith(case.login_url):
                    wrong.append(f"{persona} {method} {path}: sent to {location}, not to log in")
    return wrong


CASES = [
    pytest.param(
        key,
        index,
        id=f"{key}[{case.obj or index}]",
        marks=[pytest.mark.xfail(strict=True, reason=case.pending)] if case.pending else [],
    )
    for key, cases in sorted(ACCESS.items())
    if key in BY_KEY
    for index, case in enumerate(cases)
]


@pytest.mark.parametrize(("key", "index"), CASES)
def test_the_matrix(clients, world, key, index):
    case = ACCESS[key][index]

    wrong = run_case(clients, world, BY_KEY[key], case)

    assert not wrong, "\n".join(wrong)


ADMIN_ENDPOINTS = [
    pytest.param(endpoint.key, id=endpoint.key)
    for endpoint in ENDPOINTS
    if _prefix_rule(endpoint) == "django-admin" and endpoint.key not in ACCESS
]


@pytest.mark.parametrize("key", ADMIN_ENDPOINTS)
def test_the_admin_site_refuses_every_persona(clients, world, key):
    """No persona has staff status: the admin sends each to its login (the log-out page,
    to its index, which then does the same)."""
    endpoint = BY_KEY[key]
    path = address(endpoint, world.objects, world.code, Case(frozenset()))
    wrong = []
    for persona in PERSONAS:
        response = request(clients[persona], "GET", path)
        location = response.get("Location", "")
        if response.status_code != 302 or not location.startswith("/admin/"):
            wrong.append(f"{persona} GET {path}: {response.status_code} {location}")
    assert not wrong, "\n".join(wrong)
