"""Parsing target codes, and what the steering forms accept and refuse."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from hallbar.agenda.models import Target
from hallbar.steering.forms import (
    ActionForm,
    DocumentFilterForm,
    GoalFilterForm,
    LocalGoalForm,
    SteeringDocumentForm,
    TargetCodesField,
    parse_target_codes,
)
from tests.factories import (
    BodyFactory,
    LocalGoalFactory,
    OrganisationFactory,
    SteeringDocumentFactory,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# Parsing (no database)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("11.2, 3.6", ["11.2", "3.6"]),
        ("11.2;3.6 13.2", ["11.2", "3.6", "13.2"]),
        ("11.A, 11.a.", ["11.a"]),
        ("  11.2 ,, 11.2\n", ["11.2"]),
        ("", []),
    ],
)
def test_target_codes_are_split_normalised_and_deduplicated(text, codes):
    assert parse_target_codes(text) == codes


@given(st.text(alphabet="0123456789.abAB ,;\n", max_size=60))
def test_parsing_is_idempotent_and_never_yields_duplicates_or_separators(text):
    codes = parse_target_codes(text)

    assert len(codes) == len(set(codes))
    assert all(code and code == code.lower() and not set(code) & set(" ,;\n") for code in codes)
    assert parse_target_codes(", ".join(codes)) == codes


# Fields and forms (database)


@pytest.fixture
def organisation(reference_data):
    return OrganisationFactory()


@pytest.fixture
def council(organisation):
    return BodyFactory(organisation=organisation, name="Kommunfullmäktige", kind="council_assembly")


@pytest.fixture
def other_organisation():
    return OrganisationFactory(code="0180", name="Stockholm")


@pytest.mark.django_db
def test_the_target_field_returns_the_targets_in_the_order_typed(organisation):
    targets = TargetCodesField().clean("3.6, 11.2")

    assert [target.code for target in targets] == ["3.6", "11.2"]
    assert all(isinstance(target, Target) for target in targets)


@pytest.mark.django_db
def test_the_target_field_names_every_unknown_code(organisation):
    field = TargetCodesField()

    with pytest.raises(Exception) as refused:
        field.clean("11.99, 3.6, 18.1")

    assert refused.value.messages == ["Unknown target: 11.99", "Unknown target: 18.1"]


def document_data(council, **overrides):
    data = {
        "title": "Miljöprogram",
        "level": "programme",
        "status": "decided",
        "decided_by": council.pk,
        "decision_date": "2024-03-11",
        "valid_until": "2030-12-31",
        "review_rule": "once_per_term",
        "owner": "Miljöstrateg",
        "dimensions": ["ecological"],
        "target_codes": "13.2",
    }
    return data | overrides


@pytest.mark.django_db
def test_a_complete_document_is_valid(organisation, council):
    form = SteeringDocumentForm(document_data(council), organisation=organisation)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["dimensions"] == ["ecological"]
    assert [target.code for target in form.cleaned_data["target_codes"]] == ["13.2"]


@pytest.mark.django_db
def test_the_last_review_cannot_be_before_the_decision(organisation, council):
    form = SteeringDocumentForm(
        document_data(council, last_reviewed="2024-03-10"), organisation=organisation
    )

    assert form.errors["last_reviewed"] == ["The last review cannot be before the decision date."]


@pytest.mark.django_db
def test_a_draft_needs_no_decision(organisation, council):
    form = SteeringDocumentForm(
        document_data(council, status="draft", decided_by="", decision_date=""),
        organisation=organisation,
    )

    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_a_parent_document_of_another_organisation_is_not_a_choice(
    organisation, council, other_organisation
):
    foreign = SteeringDocumentFactory(organisation=other_organisation)

    form = SteeringDocumentForm(
        document_data(council, parent=foreign.pk), organisation=organisation
    )

    assert not form.is_valid()
    assert "parent" in form.errors


@pytest.mark.django_db
def test_a_document_is_not_offered_as_its_own_parent(organisation, council):
    document = SteeringDocumentFactory(organisation=organisation)

    form = SteeringDocumentForm(instance=document, organisation=organisation)

    assert document not in form.fields["parent"].queryset


@pytest.mark.django_db
def test_a_tampered_version_stamp_is_reported_for_the_form(organisation, council):
    document = SteeringDocumentFactory(organisation=organisation)

    form = SteeringDocumentForm(
        document_data(council, version="yesterday"), instance=document, organisation=organisation
    )

    assert not form.is_valid()
    assert "The form is out of date" in form.non_field_errors()[0]


@pytest.mark.django_db
def test_an_error_in_a_checkbox_group_is_linked_from_each_box(organisation, council):
    form = SteeringDocumentForm(document_data(council, dimensions=[]), organisation=organisation)

    form.is_valid()

    assert 'aria-describedby="id_dimensions_error"' in str(form["dimensions"])
    [(label, message, anchor)] = form.error_links()
    assert (label, message, anchor) == (
        "Dimensions",
        "Choose at least one dimension.",
        "id_dimensions_0",
    )


@pytest.mark.django_db
def test_national_goals_are_grouped_by_goal_set(organisation):
    form = LocalGoalForm(organisation=organisation)

    groups = [group for group, _options in form.fields["other_goals"].choices]

    assert groups == [
        "Sweden's environmental quality objectives",
        "Public-health policy target areas",
    ]


@pytest.mark.django_db
def test_only_council_goals_are_offered_as_the_goal_served(organisation, council):
    council_goal = LocalGoalFactory(organisation=organisation, level="council", body=council)
    committee_goal = LocalGoalFactory(organisation=organisation, level="committee")

    queryset = LocalGoalForm(organisation=organisation).fields["parent"].queryset

    assert council_goal in queryset
    assert committee_goal not in queryset


@pytest.mark.django_db
def test_an_action_may_have_an_open_end_and_no_cost(organisation, council):
    plan = SteeringDocumentFactory(organisation=organisation)
    data = {"title": "Kartlägg", "plan": plan.pk, "body": council.pk, "owner": "Strateg"}
    data |= {"status": "not_started", "start": dt.date(2026, 1, 1).isoformat()}

    form = ActionForm(data, organisation=organisation)

    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_an_invalid_filter_is_left_out_and_the_others_apply(organisation, council):
    form = DocumentFilterForm({"level": "nonsense", "body": council.pk}, organisation=organisation)

    assert form.filters() == {"body": council}
    assert "level" in form.errors


@pytest.mark.django_db
def test_an_unbound_filter_form_filters_nothing(organisation):
    assert GoalFilterForm(organisation=organisation).filters() == {}


@pytest.mark.django_db
def test_the_target_filter_takes_one_known_code(organisation):
    form = GoalFilterForm({"target": "11.2, 3.6"}, organisation=organisation)

    assert form.filters() == {}
    assert form.errors["target"] == ["Enter one target code."]


def test_an_empty_dimension_value_reads_as_none_chosen():
    from hallbar.steering.forms import ChoicesWithoutBlanks

    field = ChoicesWithoutBlanks(
        choices=[("social", "Social")],
        error_messages={"required": "Choose at least one dimension."},
    )
    with pytest.raises(ValidationError) as raised:
        field.clean([""])
    assert raised.value.messages == ["Choose at least one dimension."]
