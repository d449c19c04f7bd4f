"""Reads of the steering chain: order, filters, what the public sees, query counts."""

import datetime as dt

import pytest
from django.utils import translation

from hallbar.agenda.models import Target, TextCorrection
from hallbar.steering import selectors
from tests.factories import (
    ActionFactory,
    BodyFactory,
    LocalGoalFactory,
    OrganisationFactory,
    SteeringDocumentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(reference_data):
    return OrganisationFactory()


@pytest.fixture
def council(organisation):
    return BodyFactory(organisation=organisation, name="Kommunfullmäktige", kind="council_assembly")


def decided(organisation, council, **fields):
    return SteeringDocumentFactory(
        organisation=organisation,
        status="decided",
        decided_by=council,
        decision_date=dt.date(2024, 3, 11),
        **fields,
    )


def titles(rows):
    return [row.title for row in rows]


def test_documents_are_listed_from_the_top_of_the_chain_down(organisation, council):
    for title, level in [
        ("Plan", "action_plan"),
        ("Program", "programme"),
        ("Mål och budget 2026", "budget"),
        ("Strategi", "strategy"),
    ]:
        decided(organisation, council, title=title, level=level)

    rows = selectors.document_list(organisation=organisation, include_drafts=False, filters={})

    assert titles(rows) == ["Mål och budget 2026", "Strategi", "Program", "Plan"]


def test_the_warnings_filter_uses_the_given_day(organisation, council):
    decided(organisation, council, title="Utgår 2027", valid_until=dt.date(2027, 12, 31))
    decided(organisation, council, title="Utgår 2035", valid_until=dt.date(2035, 12, 31))

    rows = selectors.document_list(
        organisation=organisation,
        include_drafts=False,
        filters={"warnings": True},
        today=dt.date(2027, 9, 1),
    )

    assert titles(rows) == ["Utgår 2027"]


def test_the_search_matches_title_and_summary(organisation, council):
    decided(organisation, council, title="Miljöprogram", summary="Om klimatet")
    decided(organisation, council, title="Klimatplan")
    decided(organisation, council, title="Kulturplan")

    rows = selectors.document_list(
        organisation=organisation, include_drafts=False, filters={"q": "klimat"}
    )

    assert sorted(titles(rows)) == ["Klimatplan", "Miljöprogram"]


def test_drafts_are_included_only_when_asked(organisation, council):
    decided(organisation, council, title="Beslutad")
    SteeringDocumentFactory(organisation=organisation, title="Utkast")

    public = selectors.document_list(organisation=organisation, include_drafts=False, filters={})
    members = selectors.document_list(organisation=organisation, include_drafts=True, filters={})

    assert titles(public) == ["Beslutad"]
    assert sorted(titles(members)) == ["Beslutad", "Utkast"]


def test_a_draft_document_is_not_found_for_the_public(organisation):
    draft = SteeringDocumentFactory(organisation=organisation)

    assert (
        selectors.document_get(organisation=organisation, pk=draft.pk, include_drafts=False) is None
    )
    assert (
        selectors.document_get(organisation=organisation, pk=draft.pk, include_drafts=True) == draft
    )


def test_another_organisations_document_is_not_found(organisation, council):
    stockholm = OrganisationFactory(code="0180", name="Stockholm")
    foreign = decided(stockholm, BodyFactory(organisation=stockholm))

    assert (
        selectors.document_get(organisation=organisation, pk=foreign.pk, include_drafts=True)
        is None
    )


def test_council_goals_come_before_committee_goals(organisation, council):
    LocalGoalFactory(organisation=organisation, level="committee", title="A nämndmål")
    LocalGoalFactory(
        organisation=organisation, level="council", title="B fullmäktigemål", body=council
    )

    rows = selectors.goal_list(organisation=organisation, include_drafts=False, filters={})

    assert titles(rows) == ["B fullmäktigemål", "A nämndmål"]


def test_the_public_sees_actions_under_decided_plans_only(organisation, council):
    ActionFactory(
        organisation=organisation, title="Under beslutad plan", plan=decided(organisation, council)
    )
    ActionFactory(organisation=organisation, title="Under utkast")

    rows = selectors.action_list(organisation=organisation, include_drafts=False, filters={})

    assert titles(rows) == ["Under beslutad plan"]


def test_linked_targets_use_the_organisations_own_swedish_text_only(organisation, council):
    target = Target.objects.agenda2030().get(code="11.a")
    stockholm = OrganisationFactory(code="0180", name="Stockholm")
    TextCorrection.objects.create(organisation=stockholm, target=target, text_sv="Stockholms text")
    document = decided(organisation, council)
    document.targets.add(target)

    with translation.override("sv"):
        fetched = selectors.document_get(
            organisation=organisation, pk=document.pk, include_drafts=False
        )
        [linked] = fetched.targets.all()
        text = linked.display_text

    assert linked.code == "11.a"
    assert text.is_fallback
    assert text.text == target.text_en

    TextCorrection.objects.create(organisation=organisation, target=target, text_sv="Vår text")
    with translation.override("sv"):
        fetched = selectors.document_get(
            organisation=organisation, pk=document.pk, include_drafts=False
        )
        [linked] = fetched.targets.all()
        text = linked.display_text

    assert text.text == "Vår text"
    assert not text.is_fallback


def test_a_document_with_everything_linked_is_read_in_a_fixed_number_of_queries(
    organisation, council, django_assert_num_queries
):
    document = decided(organisation, council)
    document.targets.set(Target.objects.agenda2030()[:5])
    document.applies_to.add(council)
    for _ in range(3):
        decided(organisation, council, parent=document)
        LocalGoalFactory(organisation=organisation, document=document)
        ActionFactory(organisation=organisation, plan=document)

    # document, applies_to, targets with their corrections joined, children, goals, actions
    with django_assert_num_queries(6):
        fetched = selectors.document_get(
            organisation=organisation, pk=document.pk, include_drafts=True
        )
        [target.display_text for target in fetched.targets.all()]
        [child.decided_by for child in fetched.children.all()]
        [goal.body for goal in fetched.local_goals.all()]
        [action.body for action in fetched.actions.all()]


def test_history_lists_the_latest_change_first(organisation, council):
    document = decided(organisation, council, title="Första")
    document.title = "Andra"
    document.save()

    history = selectors.history_of(document)

    assert [record.title for record in history] == ["Andra", "Första"]
