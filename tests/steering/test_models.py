import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from hallbar.organisation.models import Body, Organisation
from hallbar.steering.models import DocumentLevel, ReviewRule, SteeringDocument
from tests.factories import BodyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def organisation():
    return Organisation.objects.create(code="1961", name="Hallstahammar")


@pytest.fixture
def council(organisation):
    # The factory gives the body its standard mandates (KF decides strategies, budgets…).
    return BodyFactory(organisation=organisation, name="Kommunfullmäktige", kind="council_assembly")


def make_document(organisation, council, **fields):
    values = {
        "title": "Strategi och ramverk för hållbar utveckling",
        "level": DocumentLevel.STRATEGY,
        "decided_by": council,
        "decision_date": dt.date(2021, 10, 25),
        "owner": "Kommunstrateg",
        **fields,
    }
    document = SteeringDocument(organisation=organisation, **values)
    document.dimensions = ["ecological", "social", "economic"]
    document.save()
    return document


def test_validity_cannot_end_before_the_decision(organisation, council, assert_postgres):
    with pytest.raises(IntegrityError, match="document_valid_after_decision"), transaction.atomic():
        make_document(organisation, council, valid_until=dt.date(2021, 10, 24))
    assert not SteeringDocument.objects.exists()


def test_a_document_needs_a_dimension(organisation, council):
    document = SteeringDocument(organisation=organisation, title="X", level="programme", owner="Y")
    with pytest.raises(IntegrityError, match="document_has_a_dimension"), transaction.atomic():
        document.save()


def test_once_per_term_review_is_due_by_the_end_of_the_following_term(organisation, council):
    document = make_document(
        organisation,
        council,
        valid_until=dt.date(2027, 12, 31),
        review_rule=ReviewRule.ONCE_PER_TERM,
    )
    # Decided in the 2018–2022 term; the review belongs in the 2022–2026 term.
    assert document.review_due() == dt.date(2026, 10, 14)
    assert document.warnings(today=dt.date(2026, 5, 1)) == ["Review due by 2026-10-14"]
    assert document.warnings(today=dt.date(2026, 11, 26)) == ["Review overdue since 2026-10-14"]
    document.last_reviewed = dt.date(2026, 11, 20)
    assert document.review_due() == dt.date(2034, 10, 14)  # counts for the 2026–2030 term
    assert document.warnings(today=dt.date(2026, 11, 26)) == []


def test_expiry_within_six_months_warns(organisation, council):
    document = make_document(organisation, council, valid_until=dt.date(2027, 12, 31))
    assert document.warnings(today=dt.date(2027, 7, 1)) == ["Validity ends 2027-12-31"]
    assert document.warnings(today=dt.date(2027, 6, 30)) == []
    assert document.warnings(today=dt.date(2028, 1, 1)) == ["Validity ended 2027-12-31"]


from django.core.exceptions import ValidationError  # noqa: E402

from hallbar.steering.models import LocalGoal  # noqa: E402


def test_a_council_goal_belongs_to_the_council(organisation, council):
    advisory = Body.objects.create(
        organisation=organisation, name="Hållbarhetsrådet", kind="sustainability_council"
    )
    goal = LocalGoal(organisation=organisation, level="council", title="Mål", body=advisory)
    with pytest.raises(ValidationError) as raised:
        goal.full_clean()
    assert raised.value.message_dict["body"] == ["A council goal belongs to the municipal council."]
    goal.body = council
    goal.full_clean()


def test_a_committee_goal_belongs_to_a_committee_not_the_council(organisation, council):
    goal = LocalGoal(organisation=organisation, level="committee", title="Mål", body=council)
    with pytest.raises(ValidationError, match="committee, board, company or federation"):
        goal.full_clean()


def test_an_advisory_body_cannot_decide_a_document(organisation, council):
    analysis = Body.objects.create(
        organisation=organisation, name="Analysgruppen", kind="analysis_group"
    )
    document = make_document(organisation, council)
    document.decided_by = analysis
    with pytest.raises(ValidationError) as raised:
        document.full_clean()
    assert raised.value.message_dict["decided_by"] == [
        "Analysgruppen has no mandate to decide this kind of document. Record the body that did."
    ]


def test_a_parent_document_stands_higher_in_the_chain(organisation, council):
    plan = make_document(organisation, council, level="action_plan", decided_by=None)
    budget = make_document(organisation, council, level="budget")
    budget.parent = plan
    with pytest.raises(ValidationError, match="higher in the steering chain"):
        budget.full_clean()
    plan.parent = budget
    plan.full_clean()


def test_a_decision_cannot_be_dated_in_the_future(organisation, council):
    document = make_document(organisation, council)
    document.decision_date = dt.date(2999, 1, 1)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        document.full_clean()


def test_related_rows_of_another_organisation_are_refused(organisation, council):
    other = Organisation.objects.create(code="1980", name="Västerås")
    other_council = Body.objects.create(
        organisation=other, name="KF Västerås", kind="council_assembly"
    )
    document = make_document(organisation, council)
    document.decided_by = other_council
    with pytest.raises(ValidationError, match="your organisation's own"):
        document.full_clean()
    other_council.parent = council
    with pytest.raises(ValidationError, match="your organisation's own bodies"):
        other_council.full_clean()
