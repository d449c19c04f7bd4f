"""Targets and indicators as an organisation sees them: its own Swedish text first, then
the shipped Swedish, then the English marked untranslated; a fixed number of queries."""

import pytest
from django.db.models import Prefetch
from django.utils import translation

from hallbar.agenda import selectors
from hallbar.agenda.models import GlobalIndicator, OrganisationTextsNotLoaded, Target
from hallbar.agenda.services import text_correction_save
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(reference_data):
    return OrganisationFactory()


def _target(code: str) -> Target:
    return Target.objects.agenda2030().get(code=code)


def _correct_target(organisation, code: str, text: str, short_title: str = "", user=None):
    return text_correction_save(
        organisation=organisation,
        target=_target(code),
        text_sv=text,
        short_title_sv=short_title,
        user=user,
    ).correction


def test_the_organisations_swedish_text_replaces_the_shipped_one(organisation):
    _correct_target(organisation, "11.2", "Vår egen formulering av 11.2.")
    with translation.override("sv"):
        target = selectors.targets_for_organisation(organisation).get(code="11.2")
        text = target.display_text
    assert (text.text, text.language, text.is_fallback) == (
        "Vår egen formulering av 11.2.",
        "sv",
        False,
    )
    assert target.has_text_correction


def test_without_a_correction_the_shipped_swedish_text_shows(organisation):
    with translation.override("sv"):
        target = selectors.targets_for_organisation(organisation).get(code="11.2")
        assert target.display_text.text == target.text_sv
        assert not target.display_text.is_fallback
    assert not target.has_text_correction


def test_a_target_without_swedish_shows_english_marked_untranslated(organisation):
    with translation.override("sv"):
        target = selectors.targets_for_organisation(organisation).get(code="17.11")
        text = target.display_text
    assert text.text.startswith("Significantly increase the exports of developing countries")
    assert (text.language, text.is_fallback) == ("en", True)


def test_a_correction_fills_the_gap_of_a_target_without_swedish(organisation):
    _correct_target(organisation, "17.11", "Avsevärt öka utvecklingsländernas export.")
    with translation.override("sv"):
        text = selectors.targets_for_organisation(organisation).get(code="17.11").display_text
    assert (text.text, text.is_fallback) == ("Avsevärt öka utvecklingsländernas export.", False)


def test_english_pages_show_english_even_where_the_organisation_wrote_swedish(organisation):
    _correct_target(organisation, "17.11", "Avsevärt öka utvecklingsländernas export.", "Exporten")
    with translation.override("en"):
        target = selectors.targets_for_organisation(organisation).get(code="17.11")
        text, short = target.display_text, target.display_short_title
    assert text.text == target.text_en
    assert (text.language, text.is_fallback) == ("en", False)
    assert short.text == target.text_en


def test_another_organisations_text_is_not_shown(organisation):
    other = OrganisationFactory(code="1980", name="Västerås")
    _correct_target(other, "11.2", "Västerås formulering.")
    with translation.override("sv"):
        target = selectors.targets_for_organisation(organisation).get(code="11.2")
        assert target.display_text.text == target.text_sv
    assert not target.has_text_correction


def test_the_short_title_comes_from_the_correction_then_the_shipped_one_then_the_text(
    organisation,
):
    _correct_target(organisation, "17.11", "Avsevärt öka exporten.", "Öka exporten")
    _correct_target(organisation, "17.13", "Öka den makroekonomiska stabiliteten.")
    with translation.override("sv"):
        targets = {
            target.code: target.display_short_title
            for target in selectors.targets_for_organisation(organisation).filter(
                code__in=["1.1", "17.11", "17.13", "17.14"]
            )
        }
    assert targets["17.11"].text == "Öka exporten"
    assert targets["1.1"].text == _target("1.1").short_title_sv
    assert targets["17.13"].text == "Öka den makroekonomiska stabiliteten."
    assert targets["17.14"].is_fallback


def test_all_169_targets_with_texts_cost_one_query(organisation, django_assert_num_queries):
    _correct_target(organisation, "17.11", "Avsevärt öka exporten.")
    with translation.override("sv"), django_assert_num_queries(1):
        texts = [
            (target.display_text, target.display_short_title)
            for target in selectors.targets_for_organisation(organisation)
        ]
    assert len(texts) == 169
    assert sum(1 for text, _short in texts if not text.is_fallback) == 104


def test_all_248_indicators_with_titles_cost_one_query(organisation, django_assert_num_queries):
    indicator = GlobalIndicator.objects.get(code="17.11.1")
    text_correction_save(
        organisation=organisation, indicator=indicator, text_sv="Andel av den globala exporten"
    )
    with translation.override("sv"), django_assert_num_queries(1):
        titles = {
            indicator.code: indicator.display_title
            for indicator in selectors.indicators_for_organisation(organisation)
        }
    assert len(titles) == 248
    assert titles["17.11.1"].text == "Andel av den globala exporten"
    assert titles["1.1.1"].text == GlobalIndicator.objects.get(code="1.1.1").title_sv
    assert titles["17.13.1"].is_fallback


def test_a_goals_targets_and_indicators_can_be_prefetched_with_texts(
    organisation, reference_data, django_assert_num_queries
):
    _correct_target(organisation, "17.11", "Avsevärt öka exporten.")
    targets = selectors.targets_for_organisation(organisation, Target.objects.all())
    indicators = selectors.indicators_for_organisation(organisation, GlobalIndicator.objects.all())
    with translation.override("sv"), django_assert_num_queries(3):
        goal = reference_data.goals.prefetch_related(
            Prefetch("targets", queryset=targets),
            Prefetch("targets__indicators", queryset=indicators),
        ).get(number=17)
        rows = [
            (
                target.code,
                target.display_text.text,
                [i.display_title for i in target.indicators.all()],
            )
            for target in goal.targets.all()
        ]
    assert ("17.11", "Avsevärt öka exporten.") in [(code, text) for code, text, _ in rows]
    assert len(rows) == 19


def test_reading_display_text_without_the_selector_fails_loudly(organisation):
    target = _target("11.2")
    with pytest.raises(OrganisationTextsNotLoaded, match="targets_for_organisation"):
        _ = target.display_text
    with pytest.raises(OrganisationTextsNotLoaded):
        _ = GlobalIndicator.objects.get(code="1.1.1").display_title


def test_without_an_organisation_the_shipped_texts_show(reference_data):
    with translation.override("sv"):
        target = selectors.targets_for_organisation(None).get(code="11.2")
        assert target.display_text.text == target.text_sv
        assert (
            selectors.indicators_for_organisation(None)
            .get(code="17.11.1")
            .display_title.is_fallback
        )


def test_the_gaps_are_the_targets_and_indicators_without_any_swedish(organisation):
    assert selectors.targets_missing_swedish(organisation).count() == 66
    assert selectors.indicators_missing_swedish(organisation).count() == 211
    _correct_target(organisation, "17.11", "Avsevärt öka exporten.")
    _correct_target(organisation, "11.2", "Egen formulering av ett redan översatt delmål.")
    missing = list(selectors.targets_missing_swedish(organisation).values_list("code", flat=True))
    assert len(missing) == 65
    assert "17.11" not in missing


def test_coverage_adds_up_shipped_own_and_missing(organisation, django_assert_num_queries):
    _correct_target(organisation, "17.11", "Avsevärt öka exporten.")
    _correct_target(organisation, "11.2", "Egen formulering av ett redan översatt delmål.")
    with django_assert_num_queries(2):
        coverage = selectors.swedish_coverage(organisation)
    assert (coverage.targets, coverage.targets_shipped, coverage.targets_own) == (169, 103, 1)
    assert coverage.targets_missing == 65
    assert (coverage.indicators, coverage.indicators_shipped, coverage.indicators_missing) == (
        248,
        37,
        211,
    )


def test_the_history_says_who_changed_what_newest_first(organisation):
    writer = UserFactory(username="strateg", first_name="Sara", last_name="Strateg")
    _correct_target(organisation, "17.11", "Första formuleringen.", user=writer)
    _correct_target(organisation, "17.11", "Andra formuleringen.", "Exporten", user=writer)
    history = selectors.text_history(organisation=organisation, target=_target("17.11"))
    assert [entry.kind for entry in history] == ["~", "+"]
    assert history[0].user == "Sara Strateg"
    changed = {change.field: (change.old, change.new) for change in history[0].changes}
    assert changed == {
        "text_sv": ("Första formuleringen.", "Andra formuleringen."),
        "short_title_sv": ("", "Exporten"),
    }
    assert [change.field for change in history[1].changes] == ["text_sv"]


def test_the_history_of_a_text_costs_one_query_however_long(
    organisation, django_assert_num_queries
):
    for number in range(6):
        _correct_target(organisation, "17.11", f"Formulering {number}.")
    target = _target("17.11")
    with django_assert_num_queries(1):
        history = selectors.text_history(organisation=organisation, target=target)
    assert len(history) == 6


def test_own_texts_are_listed_in_the_frameworks_order_indicators_after_their_target(
    organisation,
):
    _correct_target(organisation, "17.11", "Exporten.")
    text_correction_save(
        organisation=organisation,
        indicator=GlobalIndicator.objects.get(code="17.11.1"),
        text_sv="Andel av exporten",
    )
    _correct_target(organisation, "6.5", "Vattenresurser.")
    rows = [str(c.target or c.indicator) for c in selectors.text_corrections_of(organisation)]
    assert rows == ["6.5", "17.11", "17.11.1"]
