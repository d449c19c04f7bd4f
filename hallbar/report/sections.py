"""The sections of the report and the narrative texts editors write for them.

Everything else in the report is generated (`compile.py`). Sections marked `required`
must have a text before the edition can be marked ready for review (the checklist);
the per-goal texts (analysis, good examples and lessons) are optional.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

GOAL_NUMBERS = tuple(range(1, 18))


@dataclass(frozen=True)
class Section:
    key: str
    title: object  # lazy translation; per-goal sections build theirs (`display_title`)
    required: bool = True
    help: object = ""
    goal_number: int | None = None

    @property
    def display_title(self) -> str:
        if self.goal_number is not None:
            return gettext("Goal %(number)s: analysis, good examples and lessons") % {
                "number": self.goal_number
            }
        return str(self.title)


SECTIONS: tuple[Section, ...] = (
    Section("summary", _("Summary"), help=_("The overall picture of the year in a few lines.")),
    Section("governance", _("How the work is governed")),
    Section(
        "ecological",
        _("Ecological dimension"),
        help=_("Analysis of the ecological goals (6, 13, 14, 15)."),
    ),
    Section(
        "social",
        _("Social dimension"),
        help=_("Analysis of the social goals (1, 2, 3, 4, 5, 7, 11, 16)."),
    ),
    Section(
        "economic",
        _("Economic dimension"),
        help=_("Analysis of the economic goals (8, 9, 10, 12)."),
    ),
    Section("conflicts", _("Goal conflicts and synergies")),
    Section("resources", _("Resources and effect")),
    Section("focus", _("Where to focus next")),
    Section("method", _("Method and data"), required=False),
    *tuple(
        Section(f"goal-{number}", "", required=False, goal_number=number) for number in GOAL_NUMBERS
    ),
)

SECTION_KEYS = frozenset(section.key for section in SECTIONS)
BY_KEY = {section.key: section for section in SECTIONS}
REQUIRED_KEYS = tuple(section.key for section in SECTIONS if section.required)


def section_title(key: str) -> str:
    section = BY_KEY.get(key)
    return section.display_title if section else key
