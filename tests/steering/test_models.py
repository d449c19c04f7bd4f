import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from hallbar.organisation.models import Body, Organisation
from hallbar.steering.models import DocumentLevel, ReviewRule, SteeringDocument

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
    return Body.objects.create(
        organisation=organisation, name="Kommunfullmäktige", kind="council_assembly"
    )


def make_document(organisation, council, **fields):
    document = SteeringDocument(
        organisation=organisation,
        title="Strategi och ramverk för hållbar utveckling",
        level=DocumentLevel.STRATEGY,
        decided_by=council,
        decision_date=dt.date(2021, 10, 25),
        owner="Kommunstrateg",
        **fields,
    )
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
