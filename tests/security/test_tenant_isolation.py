"""Tenant isolation over every URL and API route, generated from the URL configuration.

Two organisations with the same structure: every address of the first that names an
object is requested, by every persona, with the *other* organisation's object instead.
The answer is 404 (existence does not leak through 403), and no page, list, search,
export or API answer of the first ever shows a title of the second.
"""

import pytest
from django.db import transaction

from tests.personas import (
    ANONYMOUS,
    ORGANISATION_WIDE_WRITERS,
    PERSONAS,
    World,
    draft_titles,
    internal_names,
    public_titles,
)
from tests.security.endpoints import address, all_endpoints
from tests.security.matrix import ACCESS, ISOLATION_PENDING, Case

ENDPOINTS = {endpoint.key: endpoint for endpoint in all_endpoints()}


# Shared reference data (organisation NULL) is everyone's: not another tenant's object.
SHARED = {"reference_goal_set"}


def _cases(select, *, pending: bool = False):
    return [
        pytest.param(
            key,
            index,
            id=f"{key}[{case.obj or index}]",
            marks=[pytest.mark.xfail(strict=True, reason=ISOLATION_PENDING[key])]
            if pending and key in ISOLATION_PENDING
            else [],
        )
        for key, cases in sorted(ACCESS.items())
        if key in ENDPOINTS
        for index, case in enumerate(cases)
        if case.obj not in SHARED and select(ENDPOINTS[key], case)
    ]


def _names_objects(endpoint, case: Case) -> bool:
    """The address names one of the organisation's objects (an id, an indicator code)."""
    return endpoint.names_objects or any(value[:1] in "@#" for _, value in case.kwargs)


def _request(client, method: str, path: str):
    with transaction.atomic():
        if method == "PATCH":
            response = client.patch(path, data="{}", content_type="application/json")
        else:
            response = getattr(client, method.lower())(path)
        transaction.set_rollback(True)
    return response


def _titles(world: World) -> set[str]:
    return public_titles(world) | draft_titles(world) | internal_names(world)


def _leaks(response, titles: set[str]) -> set[str]:
    content = response.content.decode(errors="replace")
    return {title for title in titles if title in content}


@pytest.mark.parametrize(("key", "index"), _cases(_names_objects, pending=True))
def test_another_organisations_object_is_not_found_at_any_address(
    clients, world, other_world, key, index
):
    case: Case = ACCESS[key][index]
    endpoint = ENDPOINTS[key]
    # The first organisation's address, the second organisation's object.
    path = address(endpoint, other_world.objects, world.code, case)
    wrong = []
    for persona in PERSONAS:
        for method in case.methods:
            response = _request(clients[persona], method, path)
            status = response.status_code
            if persona == ANONYMOUS:
                # A visitor may be asked to sign in first, the same for any id.
                fine = status in (404, case.anonymous) or (
                    status == 302 and response["Location"].startswith(case.login_url)
                )
            else:
                fine = status == 404
            if not fine:
                wrong.append(f"{persona} {method} {path}: {status}")
            if leaked := _leaks(response, _titles(other_world)):
                wrong.append(f"{persona} {method} {path} shows {leaked}")
    assert not wrong, "\n".join(wrong)


def test_a_goal_of_another_organisations_goal_set_is_not_found_under_an_own_set(
    clients, world, other_world
):
    """Those who may edit the own set get 404; the others are refused the set itself,
    whatever goal id follows, so nothing about the other goal shows."""
    endpoint = ENDPOINTS["agenda:goal_edit"]
    case = Case(frozenset(), kwargs=(("goal_pk", "@goal"),), obj="goal_set")
    foreign_goal = other_world.objects["goal_set_goal"]
    foreign = address(endpoint, {**world.objects, "goal": foreign_goal}, world.code, case)
    missing = foreign.replace(f"/goals/{foreign_goal.pk}/", "/goals/0/")
    for persona in PERSONAS:
        status = _request(clients[persona], "GET", foreign).status_code
        assert status == _request(clients[persona], "GET", missing).status_code, persona
        if persona in ORGANISATION_WIDE_WRITERS:
            assert status == 404


@pytest.mark.parametrize(
    ("key", "index"),
    _cases(lambda endpoint, case: endpoint.is_organisation_scoped),
)
def test_no_address_of_an_organisation_shows_anything_of_another(
    clients, world, other_world, key, index
):
    case: Case = ACCESS[key][index]
    if "GET" not in case.methods:
        pytest.skip("not a page")
    path = address(ENDPOINTS[key], world.objects, world.code, case)
    wrong = []
    for persona in PERSONAS:
        response = _request(clients[persona], "GET", path)
        if leaked := _leaks(response, _titles(other_world)):
            wrong.append(f"{persona} GET {path} shows {leaked}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("register", ["document", "goal", "action"])
def test_searching_a_register_never_finds_another_organisations_records(
    clients, world, other_world, register
):
    # The results alone, as htmx asks for them: the search box repeats what was typed.
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": f"{register}-results"}
    for title in sorted(_titles(other_world)):
        for persona in PERSONAS:
            response = clients[persona].get(
                f"/o/{world.code}/{register}s/", {"q": title}, **headers
            )
            assert response.status_code == 200
            assert not _leaks(response, {title}), (persona, register, title)


def test_the_history_export_refuses_another_organisations_object(clients, world, other_world):
    action = other_world.objects["action_tn"]
    response = clients["strateg"].get(
        f"/o/{world.code}/exports/history-csv/", {"kind": "action", "pk": action.pk}
    )
    assert response.status_code == 404


def test_the_api_lists_only_the_organisations_own_decided_records(clients, world, other_world):
    for route in ("goals", "actions"):
        for persona in PERSONAS:
            response = clients[persona].get(f"/api/v1/organisations/{world.code}/{route}")
            assert response.status_code == 200
            titles = {item["title"] for item in response.json()}
            assert not titles & _titles(other_world), (persona, route)
            assert not titles & draft_titles(world), (persona, route)


def test_a_user_of_another_organisation_reads_only_public_records(clients, world):
    for register in ("documents", "goals", "actions"):
        page = clients["outsider"].get(f"/o/{world.code}/{register}/").content.decode()
        assert any(title in page for title in public_titles(world)), register
        assert not {title for title in draft_titles(world) if title in page}, register
