"""Mandates as data: the strategy's standard set, seeding, and keeping them."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from hallbar.organisation.mandates import STANDARD_MANDATES, body_may_decide, standard_mandates
from hallbar.organisation.models import Body, BodyKind, Mandate, OrganisationRole
from hallbar.organisation.services import (
    administrator_grant,
    mandate_create,
    mandate_delete,
    mandate_update,
    mandates_seed,
    organisation_create,
)
from tests.factories import BodyFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def kinds(body: Body) -> set[tuple[str, str, str]]:
    return set(body.mandates.values_list("kind", "scope", "area"))


def test_every_kind_of_body_has_standard_mandates():
    assert set(STANDARD_MANDATES) == set(BodyKind.values)


@pytest.mark.parametrize(
    ("kind", "has", "lacks"),
    [
        ("council_assembly", ("decide", "strategy", "organisation"), None),
        ("council_assembly", ("decide", "budget", "organisation"), None),
        ("executive_board", ("decide", "programme", "organisation"), ("decide", "strategy")),
        ("executive_board", ("follow_up", "action", "organisation"), None),
        ("sustainability_committee", ("prepare", "council_composition", "organisation"), None),
        ("sustainability_council", ("advise", "programme", "organisation"), ("decide", None)),
        ("sustainability_council", ("initiate", "action_plan", "organisation"), None),
        ("committee", ("decide", "committee_goal", "own"), ("decide", "strategy")),
        ("committee", ("implement", "action", "own"), None),
        ("management_group", ("appoint", "working_group", "organisation"), ("decide", None)),
        ("analysis_group", ("coordinate", "action", "organisation"), ("decide", None)),
        ("working_group", ("implement", "action", "own"), ("decide", None)),
    ],
)
def test_the_standard_mandates_follow_the_strategy(kind, has, lacks):
    rows = {(k, s, a) for k, s, a, _ in standard_mandates(kind)}
    assert has in rows
    if lacks:
        lacking_kind, lacking_scope = lacks
        assert not {
            row for row in rows if row[0] == lacking_kind and lacking_scope in (None, row[1])
        }


def test_every_standard_mandate_says_where_it_comes_from():
    assert all(note for kind in STANDARD_MANDATES for *_, note in standard_mandates(kind))


def test_creating_an_organisation_with_standard_bodies_gives_them_their_mandates(
    reference_data,
):
    result = organisation_create(code="1961", with_standard_bodies=True)

    assert result.mandates_created == Mandate.objects.count() > 0
    council = Body.objects.get(kind="sustainability_council")
    assert {kind for kind, _, _ in kinds(council)} == {"advise", "initiate", "prepare"}
    kf = Body.objects.get(kind="council_assembly")
    assert body_may_decide(kf, "strategy")


def test_the_create_organisation_command_reports_the_mandates():
    out = StringIO()
    call_command("create_organisation", "1961", "--with-standard-bodies", stdout=out)
    assert "standard mandates" in out.getvalue()


def test_seeding_skips_bodies_that_have_mandates_and_is_idempotent():
    organisation = OrganisationFactory()
    kept = BodyFactory(organisation=organisation, mandates=False)
    Mandate.objects.create(
        organisation=organisation, body=kept, kind="advise", scope="programme", area="own"
    )
    empty = BodyFactory(organisation=organisation, mandates=False)

    created = mandates_seed(organisation=organisation)

    assert {m.body for m in created} == {empty}
    assert kinds(kept) == {("advise", "programme", "own")}
    assert mandates_seed(organisation=organisation) == []


def test_the_seed_mandates_command():
    organisation = OrganisationFactory()
    BodyFactory(organisation=organisation, name="Socialnämnden", mandates=False)
    out = StringIO()

    call_command("seed_mandates", organisation.code, stdout=out)
    call_command("seed_mandates", organisation.code, stdout=out)

    assert "to 1 bodies: Socialnämnden" in out.getvalue()
    assert "none added" in out.getvalue()
    with pytest.raises(CommandError, match="No organisation"):
        call_command("seed_mandates", "0000")


def test_a_mandate_is_kept_with_history_and_its_body_must_be_the_organisations():
    organisation = OrganisationFactory()
    body = BodyFactory(organisation=organisation, mandates=False)
    foreign = BodyFactory(organisation=OrganisationFactory(code="1907"), mandates=False)
    fields = {"body": body, "kind": "decide", "scope": "committee_goal", "area": "own"}

    mandate = mandate_create(organisation=organisation, fields=fields)
    mandate_update(mandate=mandate, fields={"area": "organisation"})
    mandate_delete(mandate=mandate)

    history = list(Mandate.history.order_by("history_id").values_list("history_type", "area"))
    assert history == [("+", "own"), ("~", "organisation"), ("-", "organisation")]
    with pytest.raises(ValidationError) as error:
        mandate_create(organisation=organisation, fields={**fields, "body": foreign})
    assert "body" in error.value.message_dict


def test_a_body_holds_a_mandate_once():
    body = BodyFactory(mandates=False)
    values = {"organisation": body.organisation, "body": body, "kind": "advise", "scope": "action"}
    Mandate.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mandate.objects.create(**values, area="own")


def test_unknown_kinds_scopes_and_areas_are_refused_by_the_database():
    body = BodyFactory(mandates=False)
    for wrong in ({"kind": "veto"}, {"scope": "universe"}, {"area": "galaxy"}):
        values = {"kind": "advise", "scope": "action", "area": "own", **wrong}
        with pytest.raises(IntegrityError), transaction.atomic():
            Mandate.objects.create(organisation=body.organisation, body=body, **values)


def test_own_area_decisions_count_only_for_the_bodys_own_objects():
    committee = BodyFactory()
    other = BodyFactory(organisation=committee.organisation)
    assert body_may_decide(committee, "action_plan", owner=committee)
    assert not body_may_decide(committee, "action_plan", owner=other)
    assert not body_may_decide(committee, "action_plan")


def test_granting_the_administrator_role_is_idempotent_and_recorded():
    organisation = OrganisationFactory()
    user = UserFactory()
    assert administrator_grant(organisation=organisation, user=user)
    assert not administrator_grant(organisation=organisation, user=user)
    assert OrganisationRole.history.count() == 1


def test_the_grant_organisation_admin_command():
    organisation = OrganisationFactory()
    UserFactory(username="sara")
    out = StringIO()

    call_command("grant_organisation_admin", organisation.code, "sara", stdout=out)

    assert "now administers" in out.getvalue()
    assert OrganisationRole.objects.filter(user__username="sara").exists()
    with pytest.raises(CommandError, match="No user"):
        call_command("grant_organisation_admin", organisation.code, "nobody")
    UserFactory(username="gone", is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        call_command("grant_organisation_admin", organisation.code, "gone")
