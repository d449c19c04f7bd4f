"""Pieces of hallbar.core.records that need no database."""

import pytest

from hallbar.core.records import spreadsheet_safe


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+46 8 123", "'+46 8 123"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-", "'-"),
        ("-2", "-2"),  # a score of −2 stays a number
        ("-1.5", "-1.5"),
        ("Klimat", "Klimat"),
        ("", ""),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_kept_as_text_and_numbers_stay_numbers(cell, written):
    assert spreadsheet_safe(cell) == written
