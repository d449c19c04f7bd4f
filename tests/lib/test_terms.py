import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from hallbar.lib.terms import add_months, term_containing


def test_term_of_the_strategy_decision_is_2018_to_2022():
    assert term_containing(dt.date(2021, 10, 25)) == (dt.date(2018, 10, 15), dt.date(2022, 10, 14))


def test_a_term_starts_on_15_october_of_the_election_year():
    assert term_containing(dt.date(2026, 10, 15))[0] == dt.date(2026, 10, 15)
    assert term_containing(dt.date(2026, 10, 14))[0] == dt.date(2022, 10, 15)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_every_day_lies_in_a_four_year_term(day):
    start, end = term_containing(day)
    assert start <= day <= end
    assert (start.year - 2014) % 4 == 0
    assert end == dt.date(start.year + 4, 10, 14)


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 26), 6) == dt.date(2027, 5, 26)
