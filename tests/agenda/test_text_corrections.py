"""An organisation adds or corrects the Swedish text of a target or indicator on a page
that shows the English original, the shipped Swedish and the history of its own text."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from hallbar.agenda import selectors
from hallbar.agenda.models import GlobalIndicator, Target, TextCorrection
from hallbar.agenda.services import EditConflict, edit_fingerprint, text_correction_save
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(reference_data):
    return OrganisationFactory()


@pytest.fixture
def member(organisation):
    # Swedish texts are kept by the analysis group (an organisation-wide mandate).
    return MembershipFactory(
        body__organisation=organisation,
        body__kind="analysis_group",
        user__username="strateg",
        user__first_name="Sara",
    ).user


@pytest.fixture
def outsider():
    other = OrganisationFactory(code="1980", name="Västerås")
    return MembershipFactory(body__organisation=other, user__username="vasteras").user


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(code: str = "17.11", kind: str = "target") -> str:
    return reverse(f"agenda:{kind}_text_edit", kwargs={"org_code": "1961", "code": code})


def _target(code: str) -> Target:
    return Target.objects.agenda2030().get(code=code)


def _post(client, data: dict, code: str = "17.11", kind: str = "target", **kwargs):
    correction = TextCorrection.objects.filter(
        **({"target__code": code} if kind == "target" else {"indicator__code": code})
    ).first()
    fields = ("short_title_sv", "text_sv", "note")
    payload = {"fingerprint": edit_fingerprint(correction, fields), "note": "", **data}
    return client.post(_url(code, kind), payload, **kwargs)


def _shown_in_swedish(organisation, code: str) -> str:
    with translation.override("sv"):
        return selectors.targets_for_organisation(organisation).get(code=code).display_text.text


# Who may edit


def test_an_anonymous_visitor_is_sent_to_log_in(client, organisation):
    response = client.get(_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_member_of_another_organisation_is_refused(client, organisation, outsider):
    client.force_login(outsider)
    assert client.get(_url()).status_code == 403
    assert client.post(_url(), {"text_sv": "Intrång", "fingerprint": "new"}).status_code == 403
    assert not TextCorrection.objects.exists()


def test_an_unknown_target_or_indicator_code_is_not_found(client, member):
    client.force_login(member)
    assert client.get(_url("17.99")).status_code == 404
    assert client.get(_url("99.1.1", kind="indicator")).status_code == 404


def test_an_unknown_organisation_is_not_found(client, member):
    client.force_login(member)
    url = reverse("agenda:target_text_edit", kwargs={"org_code": "0000", "code": "17.11"})
    assert client.get(url).status_code == 404


# The page


def test_the_page_shows_the_english_original_and_that_no_swedish_is_shipped(english, member):
    english.force_login(member)
    response = english.get(_url("17.11"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Significantly increase the exports of developing countries" in page
    assert "none: pages show the English text marked as not translated" in page
    assert "none yet" in page
    assert "has not written a text here yet" in page


def test_the_page_shows_the_shipped_swedish_and_its_source(english, member):
    english.force_login(member)
    page = english.get(_url("11.2")).content.decode()
    target = _target("11.2")
    assert target.text_sv in page
    assert target.short_title_sv in page
    assert "scb.se" in page
    # The form starts from the shipped wording, the common thing to correct.
    assert response_field_value(page, "id_text_sv") == target.text_sv


def response_field_value(page: str, field_id: str) -> str:
    start = page.index(f'id="{field_id}"')
    start = page.index(">", start) + 1
    return page[start : page.index("</textarea>", start)].strip()


def test_the_form_fields_have_labels(english, member):
    english.force_login(member)
    page = english.get(_url()).content.decode()
    for field in ("short_title_sv", "text_sv", "note"):
        assert f'<label for="id_{field}">' in page
    assert "<legend>Swedish text</legend>" in page


# Saving


def test_a_member_saves_a_swedish_text_and_pages_show_it(client, organisation, member):
    client.force_login(member)
    response = _post(
        client,
        {
            "short_title_sv": "Öka exporten",
            "text_sv": "Avsevärt öka utvecklingsländernas export.",
            "note": "https://www.scb.se/",
        },
    )
    assert response.status_code == 302
    correction = TextCorrection.objects.get(organisation=organisation, target=_target("17.11"))
    assert (correction.short_title_sv, correction.text_sv, correction.note) == (
        "Öka exporten",
        "Avsevärt öka utvecklingsländernas export.",
        "https://www.scb.se/",
    )
    assert _shown_in_swedish(organisation, "17.11") == "Avsevärt öka utvecklingsländernas export."


def test_a_second_save_updates_the_text_and_both_versions_are_in_the_history(
    english, organisation, member
):
    english.force_login(member)
    _post(english, {"text_sv": "Första formuleringen."})
    _post(english, {"text_sv": "Andra formuleringen.", "note": "Rättat stavfel"})
    assert TextCorrection.objects.count() == 1
    assert _shown_in_swedish(organisation, "17.11") == "Andra formuleringen."
    page = english.get(_url()).content.decode()
    history = page[page.index('id="history-heading"') :]
    assert history.index("Andra formuleringen.") < history.index("Första formuleringen.")
    assert history.count("Sara") == 2
    assert "Changed" in history
    assert "Written" in history
    assert "Rättat stavfel" in history


def test_an_empty_text_is_refused_with_an_error_naming_the_field(english, member):
    english.force_login(member)
    response = _post(english, {"text_sv": "   ", "short_title_sv": "Bara en rubrik"})
    assert response.status_code == 200
    assert "Wording in Swedish: This field is required." in response.content.decode()
    assert not TextCorrection.objects.exists()


def test_a_text_too_long_is_refused(english, member):
    english.force_login(member)
    response = _post(english, {"text_sv": "x" * 2001})
    assert "Wording in Swedish: Ensure this value has at most 2000 characters" in (
        response.content.decode()
    )
    assert not TextCorrection.objects.exists()


def test_a_nul_byte_is_refused(english, member):
    english.force_login(member)
    response = _post(english, {"text_sv": "Text\x00med nollbyte"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert not TextCorrection.objects.exists()


def test_saving_the_same_text_again_changes_nothing_and_says_so(english, member):
    english.force_login(member)
    _post(english, {"text_sv": "Samma text.\r\nAndra raden."})
    response = _post(english, {"text_sv": "Samma text.\nAndra raden.  "}, follow=True)
    assert "Nothing changed" in response.content.decode()
    assert TextCorrection.history.count() == 1


def test_a_text_saved_by_someone_else_meanwhile_is_not_overwritten(english, organisation, member):
    english.force_login(member)
    page_fingerprint = edit_fingerprint(None, ("short_title_sv", "text_sv", "note"))
    colleague = UserFactory(username="kollega")
    text_correction_save(
        organisation=organisation,
        target=_target("17.11"),
        text_sv="Kollegans text.",
        user=colleague,
    )
    response = english.post(
        _url(), {"text_sv": "Min text.", "note": "", "fingerprint": page_fingerprint}
    )
    assert response.status_code == 200
    assert "Someone else saved this while you were editing" in response.content.decode()
    assert TextCorrection.objects.get().text_sv == "Kollegans text."
    # The page now carries the colleague's version: saving again is a deliberate choice.
    again = english.post(
        _url(),
        {
            "text_sv": "Min text.",
            "note": "",
            "fingerprint": response.context["form"]["fingerprint"].value(),
        },
    )
    assert again.status_code == 302
    assert TextCorrection.objects.get().text_sv == "Min text."


def test_removing_the_own_text_brings_back_the_shipped_one_and_keeps_the_history(
    english, organisation, member
):
    english.force_login(member)
    shipped = _target("11.2").text_sv
    _post(english, {"text_sv": "Egen formulering."}, code="11.2")
    response = _post(english, {"remove": "1"}, code="11.2", follow=True)
    assert "the shipped text shows again" in response.content.decode()
    assert not TextCorrection.objects.exists()
    assert _shown_in_swedish(organisation, "11.2") == shipped
    history = response.content.decode()[response.content.decode().index('id="history-heading"') :]
    assert "Removed" in history
    assert "Egen formulering." in history


def test_an_indicator_title_has_no_short_title_field_and_is_saved(english, organisation, member):
    english.force_login(member)
    page = english.get(_url("17.11.1", kind="indicator")).content.decode()
    assert "id_short_title_sv" not in page
    assert "Developing countries’ and least developed countries’ share of global exports" in page
    response = _post(
        english,
        {"text_sv": "Andel av den globala exporten", "short_title_sv": "ignoreras"},
        code="17.11.1",
        kind="indicator",
    )
    assert response.status_code == 302
    correction = TextCorrection.objects.get(indicator__code="17.11.1")
    assert (correction.text_sv, correction.short_title_sv) == ("Andel av den globala exporten", "")
    with translation.override("sv"):
        indicator = selectors.indicators_for_organisation(organisation).get(code="17.11.1")
        assert indicator.display_title.text == "Andel av den globala exporten"


def test_the_page_runs_the_same_number_of_queries_however_long_the_history(
    client, organisation, member
):
    client.force_login(member)
    _post(client, {"text_sv": "Version 0."})
    with CaptureQueriesContext(connection) as short:
        client.get(_url())
    for number in range(1, 8):
        _post(client, {"text_sv": f"Version {number}."})
    with CaptureQueriesContext(connection) as long:
        response = client.get(_url())
    assert len(response.context["history"]) == 8
    assert len(long.captured_queries) == len(short.captured_queries)


def test_the_service_takes_exactly_one_target_or_indicator(organisation):
    with pytest.raises(ValueError, match="exactly one"):
        text_correction_save(organisation=organisation, text_sv="Text")
    with pytest.raises(ValueError, match="exactly one"):
        text_correction_save(
            organisation=organisation,
            target=_target("17.11"),
            indicator=GlobalIndicator.objects.get(code="17.11.1"),
            text_sv="Text",
        )


def test_the_service_refuses_a_stale_fingerprint(organisation):
    text_correction_save(organisation=organisation, target=_target("17.11"), text_sv="Först.")
    with pytest.raises(EditConflict):
        text_correction_save(
            organisation=organisation,
            target=_target("17.11"),
            text_sv="Sen.",
            expected_fingerprint="new",
        )
    assert TextCorrection.objects.get().text_sv == "Först."


# The list page and admin


def test_the_swedish_texts_page_lists_own_texts_and_the_gaps(english, organisation, member):
    text_correction_save(organisation=organisation, target=_target("17.11"), text_sv="Exporten.")
    page = english.get(reverse("agenda:text_list", kwargs={"org_code": "1961"})).content.decode()
    assert "Exporten." in page
    assert "Targets without Swedish text (65)" in page
    assert "Indicators without Swedish title (211)" in page
    # Edit links only for those who may edit.
    assert _url("17.13") not in page
    english.force_login(member)
    page = english.get(reverse("agenda:text_list", kwargs={"org_code": "1961"})).content.decode()
    assert _url("17.13") in page
    assert _url("17.11") in page


def test_the_admin_lists_texts_with_their_history(client, organisation):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    correction = text_correction_save(
        organisation=organisation, target=_target("17.11"), text_sv="Exporten.", user=admin
    ).correction
    client.force_login(admin)
    assert client.get(reverse("admin:agenda_textcorrection_changelist")).status_code == 200
    history_url = reverse("admin:agenda_textcorrection_history", args=[correction.pk])
    assert client.get(history_url).status_code == 200
    assert client.get(reverse("admin:agenda_target_changelist")).status_code == 200


def test_the_swedish_texts_page_runs_the_same_number_of_queries_however_many_texts(
    client, organisation
):
    url = reverse("agenda:text_list", kwargs={"org_code": "1961"})
    text_correction_save(organisation=organisation, target=_target("17.11"), text_sv="Ett.")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for code in ("17.13", "17.14", "6.5", "6.6", "1.1"):
        text_correction_save(organisation=organisation, target=_target(code), text_sv="Text.")
    for indicator in GlobalIndicator.objects.filter(target__goal__number=17)[:10]:
        text_correction_save(organisation=organisation, indicator=indicator, text_sv="Titel.")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["corrections"]) == 16
    assert len(many.captured_queries) == len(few.captured_queries) <= 6
