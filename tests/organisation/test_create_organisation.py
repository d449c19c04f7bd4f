from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hallbar.organisation.models import Body, BodyKind, Organisation
from hallbar.organisation.services import (
    STANDARD_BODIES,
    UnknownMunicipalityCode,
    organisation_create,
)

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("create_organisation", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_municipality_from_the_shipped_list():
    output = run("1961")

    organisation = Organisation.objects.get(code="1961")
    assert organisation.name == "Hallstahammar"
    assert organisation.kind == "municipality"
    assert (organisation.county_code, organisation.county_name) == ("19", "Västmanlands län")
    assert organisation.municipality_group_code == "B4"
    assert organisation.municipality_group_name == "Pendlingskommun nära större stad"
    assert not organisation.is_example
    assert "Created Hallstahammar (1961)" in output
    assert not Body.objects.exists()


def test_it_refuses_an_unknown_code_by_name_and_creates_nothing():
    with pytest.raises(CommandError, match="Unknown municipality code '9999'"):
        run("9999")
    assert not Organisation.objects.exists()


def test_the_service_raises_a_domain_error_for_an_unknown_code():
    with pytest.raises(UnknownMunicipalityCode) as error:
        organisation_create(code="12")
    assert error.value.code == "12"


def test_it_is_idempotent_and_never_changes_an_existing_organisation():
    run("1961")
    Organisation.objects.filter(code="1961").update(name="Hallstahammars kommun")

    output = run("1961")

    assert Organisation.objects.count() == 1
    assert Organisation.objects.get().name == "Hallstahammars kommun"
    assert "already exists" in output


def test_it_creates_the_standard_bodies_with_their_kinds():
    output = run("1961", "--with-standard-bodies")

    bodies = {body.name: body for body in Body.objects.filter(organisation__code="1961")}
    assert {name: body.kind for name, body in bodies.items()} == {
        "Kommunfullmäktige": BodyKind.COUNCIL_ASSEMBLY,
        "Kommunstyrelsen": BodyKind.EXECUTIVE_BOARD,
        "Kommunstyrelsens arbetsutskott (hållbarhetsutskott)": BodyKind.SUSTAINABILITY_COMMITTEE,
        "Hållbarhetsrådet": BodyKind.SUSTAINABILITY_COUNCIL,
        "Kommunchefens ledningsgrupp": BodyKind.MANAGEMENT_GROUP,
        "Analysgruppen": BodyKind.ANALYSIS_GROUP,
    }
    ksau = bodies["Kommunstyrelsens arbetsutskott (hållbarhetsutskott)"]
    assert (ksau.short_name, ksau.parent) == ("KSAU", bodies["Kommunstyrelsen"])
    assert bodies["Analysgruppen"].parent == bodies["Kommunchefens ledningsgrupp"]
    assert f"Added {len(STANDARD_BODIES)} standard bodies" in output


def test_standard_bodies_are_added_once_and_existing_ones_are_left_alone():
    run("1961")
    organisation = Organisation.objects.get(code="1961")
    Body.objects.create(
        organisation=organisation, name="Kommunstyrelsen", kind=BodyKind.EXECUTIVE_BOARD
    )

    run("1961", "--with-standard-bodies")
    output = run("1961", "--with-standard-bodies")

    assert Body.objects.count() == len(STANDARD_BODIES)
    assert Body.objects.get(name="Kommunstyrelsen").short_name == ""
    assert "none added" in output
