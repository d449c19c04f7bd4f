"""Swedish terms of office (mandatperioder) and review due dates.

Municipal councils are elected in September every fourth year (2018, 2022, 2026, …);
the new council's term starts on 15 October of the election year.
"""

import datetime as dt

FIRST_ELECTION_YEAR = 2014  # any general-election year works as an anchor
TERM_START_MONTH, TERM_START_DAY = 10, 15


def term_containing(day: dt.date) -> tuple[dt.date, dt.date]:
    """The (first day, last day) of the term of office that `day` falls in."""
    start_year = day.year - (day.year - FIRST_ELECTION_YEAR) % 4
    start = dt.date(start_year, TERM_START_MONTH, TERM_START_DAY)
    if day < start:
        start = dt.date(start_year - 4, TERM_START_MONTH, TERM_START_DAY)
    end = dt.date(start.year + 4, TERM_START_MONTH, TERM_START_DAY) - dt.timedelta(days=1)
    return start, end


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    # Clamp to the last day of the target month (31 Jan + 1 month = 28/29 Feb).
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
