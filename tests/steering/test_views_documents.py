"""The steering document register, detail page and forms, as a user meets them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hallbar.agenda.models import Target, TextCorrection
from hallbar.steering.models import SteeringDocument
from tests.factories import (
    ActionFactory,
    BodyFactory,
    LocalGoalFactory,
    MembershipFactory,
    OrganisationFactory,
    SteeringDocumentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    # Assertions read the English texts; Swedish is the site's default language.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def organisation(reference_data):
    return OrganisationFactory()


@pytest.fixture
def council(organisation):
    return BodyFactory(
        organisation=organisation,
        name="Kommunfullmäktige",
        short_name="KF",
        kind="council_assembly",
    )


@pytest.fixture
def editor(client, organisation):
    # Municipality-wide documents are written by the analysis group (organisation-wide).
    analysis_group = BodyFactory(organisation=organisation, kind="analysis_group")
    user = MembershipFactory(body=analysis_group).user
    client.force_login(user)
    return user


@pytest.fixture
def other_organisation():
    return OrganisationFactory(code="0180", name="Stockholm")


def decided(organisation, council, **fields):
    values = {
        "organisation": organisation,
        "status": "decided",
        "decided_by": council,
        "decision_date": dt.date(2024, 3, 11),
        **fields,
    }
    return SteeringDocumentFactory(**values)


def url(name, organisation, **kwargs):
    return reverse(f"steering:{name}", kwargs={"org_code": organisation.code, **kwargs})


def form_data(council, **overrides):
    data = {
        "title": "Strategi och ramverk för hållbar utveckling",
        "level": "strategy",
        "status": "decided",
        "summary": "Hur kommunen arbetar med Agenda 2030.",
        "parent": "",
        "decided_by": council.pk,
        "decision_date": "2021-10-25",
        "decision_paragraph": "129",
        "valid_until": "2027-12-31",
        "review_rule": "once_per_term",
        "last_reviewed": "",
        "owner": "Kommunstrateg",
        "responsible_body": "",
        "applies_to": [council.pk],
        "dimensions": ["ecological", "social", "economic"],
        "target_codes": "11.2, 3.6",
    }
    return data | overrides


# The register


def test_the_register_shows_level_decision_validity_and_dimensions(client, organisation, council):
    decided(
        organisation,
        council,
        title="Miljöprogram",
        level="programme",
        decision_paragraph="42",
        valid_until=dt.date(2030, 12, 31),
        is_ecological=True,
        is_social=False,
    )

    page = client.get(url("document_list", organisation)).content.decode()

    assert "Miljöprogram" in page
    assert "Programme" in page
    assert "KF 2024-03-11 § 42" in page
    assert "2030-12-31" in page
    assert "Ecological" in page


def test_the_register_warns_of_documents_expiring_within_six_months(client, organisation, council):
    ends = timezone.localdate() + dt.timedelta(days=60)
    decided(organisation, council, title="Snart utgången plan", valid_until=ends)

    page = client.get(url("document_list", organisation)).content.decode()

    assert f"Validity ends {ends.isoformat()}" in page


def test_the_level_filter_narrows_the_list(client, organisation, council):
    decided(organisation, council, title="Miljöprogram", level="programme")
    decided(organisation, council, title="Handlingsplan cykel", level="action_plan")

    page = client.get(url("document_list", organisation), {"level": "programme"}).content.decode()

    assert "Miljöprogram" in page
    assert "Handlingsplan cykel" not in page


def test_the_dimension_filter_narrows_the_list(client, organisation, council):
    decided(organisation, council, title="Miljöprogram", is_ecological=True, is_social=False)
    decided(organisation, council, title="Folkhälsoprogram", is_social=True)

    page = client.get(url("document_list", organisation), {"dimension": "ecological"}).content
    page = page.decode()

    assert "Miljöprogram" in page
    assert "Folkhälsoprogram" not in page


def test_the_body_filter_finds_documents_decided_by_responsible_for_or_applying_to_it(
    client, organisation, council
):
    school = BodyFactory(organisation=organisation, name="Barn- och utbildningsnämnden")
    decided(organisation, school, title="Beslutad av nämnden")
    decided(organisation, council, title="Nämndens eget", responsible_body=school)
    applies = decided(organisation, council, title="Gäller nämnden")
    applies.applies_to.add(school, council)
    decided(organisation, council, title="Annat dokument")

    page = client.get(url("document_list", organisation), {"body": school.pk}).content.decode()

    assert "Beslutad av nämnden" in page
    assert "Nämndens eget" in page
    assert page.count("Gäller nämnden") == 1
    assert "Annat dokument" not in page


def test_the_warnings_filter_keeps_only_documents_due_for_review_or_expiring(
    client, organisation, council
):
    today = timezone.localdate()
    decided(organisation, council, title="Utgår snart", valid_until=today + dt.timedelta(days=30))
    decided(organisation, council, title="Gäller länge", valid_until=today + dt.timedelta(days=900))

    page = client.get(url("document_list", organisation), {"warnings": "on"}).content.decode()

    assert "Utgår snart" in page
    assert "Gäller länge" not in page


def test_an_htmx_filter_request_gets_only_the_results(client, organisation, council):
    decided(organisation, council, title="Miljöprogram", level="programme")

    response = client.get(
        url("document_list", organisation),
        {"level": "programme"},
        headers={"HX-Request": "true", "HX-Target": "document-results"},
    )

    page = response.content.decode()
    assert "Miljöprogram" in page
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]


def test_the_full_page_and_the_fragment_show_the_same_results(client, organisation, council):
    decided(organisation, council, title="Miljöprogram", level="programme")
    list_url = url("document_list", organisation)

    full = client.get(list_url).content.decode()
    fragment = client.get(
        list_url, headers={"HX-Request": "true", "HX-Target": "document-results"}
    ).content.decode()

    assert fragment.strip() in full


def test_drafts_are_shown_to_members_only(client, organisation, council):
    SteeringDocumentFactory(organisation=organisation, title="Utkast till program")

    assert (
        "Utkast till program" not in client.get(url("document_list", organisation)).content.decode()
    )
    client.force_login(MembershipFactory(body=council).user)
    assert "Utkast till program" in client.get(url("document_list", organisation)).content.decode()


def test_another_organisations_documents_are_not_listed(
    client, organisation, council, other_organisation
):
    decided(
        other_organisation, BodyFactory(organisation=other_organisation), title="Stockholms plan"
    )

    page = client.get(url("document_list", organisation)).content.decode()

    assert "Stockholms plan" not in page


def test_the_register_runs_the_same_number_of_queries_for_few_and_many_documents(
    client, organisation, council, django_assert_max_num_queries
):
    targets = list(Target.objects.agenda2030()[:3])

    def add_documents(count):
        for _ in range(count):
            document = decided(organisation, council, valid_until=dt.date(2030, 1, 1))
            document.applies_to.add(council)
            document.targets.add(*targets)

    add_documents(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url("document_list", organisation))
    add_documents(20)
    with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as many:
        client.get(url("document_list", organisation), {"body": council.pk, "dimension": "social"})

    assert len(many) == len(few) + 1  # the body filter loads the chosen body


# The detail page


def test_the_detail_page_shows_the_decision_targets_and_what_hangs_below(
    client, organisation, council
):
    strategy = decided(
        organisation,
        council,
        title="Strategi och ramverk för hållbar utveckling",
        level="strategy",
        decision_paragraph="129",
        valid_until=dt.date(2027, 12, 31),
        review_rule="once_per_term",
        owner="Kommunstrateg",
    )
    strategy.targets.set(Target.objects.agenda2030().filter(code__in=["11.2", "3.6"]))
    decided(organisation, council, title="Miljöprogram", level="programme", parent=strategy)
    LocalGoalFactory(organisation=organisation, title="Fler cyklar", document=strategy)
    ActionFactory(organisation=organisation, title="Bygg cykelbanor", plan=strategy)

    page = client.get(url("document_detail", organisation, pk=strategy.pk)).content.decode()

    assert "§ 129" in page
    assert "2027-12-31" in page
    assert "Once per term of office" in page
    assert "Kommunstrateg" in page
    assert "Municipality-wide" in page
    assert reverse("steering:target", kwargs={"org_code": "1961", "code": "11.2"}) in page
    assert "provide access to safe, affordable, accessible and sustainable transport" in page
    assert "Miljöprogram" in page
    assert "Fler cyklar" in page
    assert "Bygg cykelbanor" in page


def test_an_untranslated_target_is_shown_in_english_and_marked(client, organisation, council):
    document = decided(organisation, council)
    untranslated = Target.objects.agenda2030().get(code="11.a")
    assert not untranslated.text_sv
    document.targets.add(untranslated)

    page = client.get(
        url("document_detail", organisation, pk=document.pk), headers={"Accept-Language": "sv"}
    ).content.decode()

    assert f'<span lang="en" class="untranslated">{untranslated.text_en}</span>' in page
    assert 'class="untranslated-mark"' in page


def test_the_organisations_own_swedish_text_replaces_the_fallback(client, organisation, council):
    document = decided(organisation, council)
    target = Target.objects.agenda2030().get(code="11.a")
    document.targets.add(target)
    TextCorrection.objects.create(
        organisation=organisation,
        target=target,
        text_sv="Stödja positiva band mellan stad och land.",
    )

    page = client.get(
        url("document_detail", organisation, pk=document.pk), headers={"Accept-Language": "sv"}
    ).content.decode()

    assert "Stödja positiva band mellan stad och land." in page
    assert 'class="untranslated"' not in page


def test_another_organisations_document_is_not_found(client, organisation, other_organisation):
    foreign = decided(other_organisation, BodyFactory(organisation=other_organisation))

    response = client.get(url("document_detail", organisation, pk=foreign.pk))

    assert response.status_code == 404


def test_a_draft_is_not_found_by_the_public(client, organisation):
    draft = SteeringDocumentFactory(organisation=organisation)

    assert client.get(url("document_detail", organisation, pk=draft.pk)).status_code == 404


def test_the_detail_page_runs_a_bounded_number_of_queries(
    client, organisation, council, editor, django_assert_max_num_queries
):
    document = decided(organisation, council)
    document.targets.set(Target.objects.agenda2030()[:10])
    document.applies_to.add(council)
    for _ in range(5):
        decided(organisation, council, parent=document)
        LocalGoalFactory(organisation=organisation, document=document)
        ActionFactory(organisation=organisation, plan=document)

    with django_assert_max_num_queries(19):  # 3 of them: comments and proposals
        response = client.get(url("document_detail", organisation, pk=document.pk))

    assert response.status_code == 200


def test_members_see_who_changed_the_document(client, organisation, council, editor):
    client.post(url("document_create", organisation), form_data(council))
    document = SteeringDocument.objects.get()

    page = client.get(url("document_detail", organisation, pk=document.pk)).content.decode()

    assert "History" in page
    assert editor.username in page


# Creating and editing


def test_an_anonymous_visitor_is_sent_to_log_in_and_nothing_is_written(
    client, organisation, council
):
    create_url = url("document_create", organisation)

    response = client.post(create_url, form_data(council))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get(create_url)["Location"].startswith("/accounts/login/")
    assert not SteeringDocument.objects.exists()


def test_a_user_without_membership_in_the_organisation_is_refused(client, organisation, council):
    outsider = MembershipFactory(
        body=BodyFactory(organisation=OrganisationFactory(code="0180"))
    ).user
    client.force_login(outsider)

    assert client.get(url("document_create", organisation)).status_code == 403
    assert client.post(url("document_create", organisation), form_data(council)).status_code == 403
    assert not SteeringDocument.objects.exists()


def test_a_member_registers_the_strategy_and_finds_it_in_the_register(
    client, organisation, council, editor
):
    response = client.post(url("document_create", organisation), form_data(council), follow=True)

    document = SteeringDocument.objects.get()
    assert response.redirect_chain[-1][0] == url("document_detail", organisation, pk=document.pk)
    assert "The steering document was saved." in response.content.decode()
    assert document.organisation == organisation
    assert document.dimensions == ["ecological", "social", "economic"]
    assert sorted(document.targets.values_list("code", flat=True)) == ["11.2", "3.6"]
    assert list(document.applies_to.all()) == [council]
    page = client.get(url("document_list", organisation)).content.decode()
    assert "Strategi och ramverk för hållbar utveckling" in page


def test_the_create_form_lists_only_the_organisations_bodies(
    client, organisation, council, editor, other_organisation
):
    BodyFactory(organisation=other_organisation, name="Stockholms kommunfullmäktige")

    page = client.get(url("document_create", organisation)).content.decode()

    assert "Kommunfullmäktige" in page
    assert "Stockholms kommunfullmäktige" not in page


@pytest.mark.parametrize("field", ["decided_by", "responsible_body", "applies_to"])
def test_a_forged_body_of_another_organisation_is_refused_and_nothing_written(
    client, organisation, council, editor, other_organisation, field
):
    foreign = BodyFactory(organisation=other_organisation, name="Främmande nämnd")

    response = client.post(
        url("document_create", organisation), form_data(council, **{field: foreign.pk})
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.context["form"].errors[field]
    assert not SteeringDocument.objects.exists()


def test_a_forged_parent_document_of_another_organisation_is_refused(
    client, organisation, council, editor, other_organisation
):
    foreign = decided(other_organisation, BodyFactory(organisation=other_organisation))

    response = client.post(
        url("document_create", organisation), form_data(council, parent=foreign.pk)
    )

    assert "parent" in response.context["form"].errors
    assert SteeringDocument.objects.filter(organisation=organisation).count() == 0


def test_an_unknown_target_code_is_refused_by_name(client, organisation, council, editor):
    response = client.post(
        url("document_create", organisation), form_data(council, target_codes="11.2, 11.99, 3.6")
    )

    page = response.content.decode()
    assert "Agenda 2030 targets: Unknown target: 11.99" in page
    assert not SteeringDocument.objects.exists()


def test_duplicate_target_codes_are_linked_once(client, organisation, council, editor):
    client.post(
        url("document_create", organisation), form_data(council, target_codes="11.2, 11.2;3.6")
    )

    assert SteeringDocument.objects.get().targets.count() == 2


def test_validity_ending_before_the_decision_is_an_error_on_valid_until(
    client, organisation, council, editor
):
    response = client.post(
        url("document_create", organisation), form_data(council, valid_until="2021-10-24")
    )

    assert response.status_code == 200
    assert (
        "Valid until: Valid until cannot be before the decision date." in response.content.decode()
    )
    assert not SteeringDocument.objects.exists()


def test_a_decided_document_needs_its_decision_date_and_body(client, organisation, council, editor):
    response = client.post(
        url("document_create", organisation), form_data(council, decided_by="", decision_date="")
    )

    page = response.content.decode()
    assert "Decision date: A decided document needs a decision date." in page
    assert "Decided by: A decided document needs the body that decided it." in page
    assert not SteeringDocument.objects.exists()


def test_a_document_needs_at_least_one_dimension(client, organisation, council, editor):
    data = form_data(council)
    del data["dimensions"]

    response = client.post(url("document_create", organisation), data)

    assert "Dimensions: Choose at least one dimension." in response.content.decode()
    assert not SteeringDocument.objects.exists()


def test_a_member_edits_a_document(client, organisation, council, editor):
    document = decided(organisation, council, title="Gammal titel")
    edit_url = url("document_edit", organisation, pk=document.pk)
    assert "Gammal titel" in client.get(edit_url).content.decode()

    response = client.post(
        edit_url,
        form_data(
            council, title="Ny titel", version=document.updated_at.isoformat(), target_codes="13.2"
        ),
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "Ny titel"
    assert list(document.targets.values_list("code", flat=True)) == ["13.2"]
    assert document.history.count() >= 2


def test_the_edit_form_shows_the_linked_target_codes_and_dimensions(
    client, organisation, council, editor
):
    document = decided(organisation, council, is_economic=True)
    document.targets.set(Target.objects.agenda2030().filter(code__in=["3.6", "11.2"]))

    form = client.get(url("document_edit", organisation, pk=document.pk)).context["form"]

    assert form["target_codes"].value() == "3.6, 11.2"
    assert form["dimensions"].value() == ["social", "economic"]


def test_an_edit_made_meanwhile_by_someone_else_is_not_overwritten(
    client, organisation, council, editor
):
    document = decided(organisation, council, title="Original")
    opened_at = document.updated_at.isoformat()
    document.title = "Ändrad av en kollega"
    document.save()

    response = client.post(
        url("document_edit", organisation, pk=document.pk),
        form_data(council, title="Min ändring", version=opened_at),
    )

    assert response.status_code == 200
    assert "Someone else saved this after you opened it" in response.content.decode()
    assert 'value="Min ändring"' in response.content.decode()
    document.refresh_from_db()
    assert document.title == "Ändrad av en kollega"


def test_a_document_cannot_be_placed_under_its_own_sub_document(
    client, organisation, council, editor
):
    strategy = decided(organisation, council, level="strategy")
    programme = decided(organisation, council, level="programme", parent=strategy)

    response = client.post(
        url("document_edit", organisation, pk=strategy.pk), form_data(council, parent=programme.pk)
    )

    assert "A document cannot be placed under itself" in response.content.decode()
    strategy.refresh_from_db()
    assert strategy.parent is None


def test_editing_another_organisations_document_is_not_found(
    client, organisation, council, editor, other_organisation
):
    foreign = decided(other_organisation, BodyFactory(organisation=other_organisation))

    assert client.get(url("document_edit", organisation, pk=foreign.pk)).status_code == 404
    assert (
        client.post(
            url("document_edit", organisation, pk=foreign.pk), form_data(council)
        ).status_code
        == 404
    )


def test_a_superuser_may_edit_without_membership(client, organisation, council):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(url("document_create", organisation)).status_code == 200


@pytest.mark.parametrize("name", ["document_create", "goal_create", "action_create"])
def test_an_empty_submission_names_the_missing_fields(client, organisation, editor, name):
    # An empty POST is a submission, not a request for a blank form.
    response = client.post(reverse(f"steering:{name}", kwargs={"org_code": organisation.code}), {})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_an_empty_submission_of_an_edit_is_refused_not_shown_blank(
    client, organisation, council, editor
):
    document = decided(organisation, council, title="Miljöprogram")
    edit = reverse(
        "steering:document_edit", kwargs={"org_code": organisation.code, "pk": document.pk}
    )

    response = client.post(edit, {})

    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "The form is out of date." in page
    document.refresh_from_db()
    assert document.title == "Miljöprogram"
