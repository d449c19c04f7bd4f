"""Response schemas of the read API: the public contract, documented in the OpenAPI schema.

Field names are stable English identifiers; texts come in Swedish and English.
"""

import datetime as dt

from ninja import Field, Schema

from hallbar.agenda.models import Dimension, TargetKind
from hallbar.followup.models import Direction, Gender, KpiSource
from hallbar.lib.progress import Status
from hallbar.organisation.models import OrganisationKind
from hallbar.steering.models import ActionStatus, GoalLevel


class Message(Schema):
    """An error with a human-readable explanation."""

    detail: str = Field(description="What went wrong, in English.")


class ValidationErrorItem(Schema):
    loc: list[str | int] = Field(description="Where the bad value is, e.g. ['query', 'target'].")
    msg: str = Field(description="The rule that was broken, naming the refused value.")
    type: str = Field(description="Machine-readable error type, e.g. 'unknown_target'.")


class ValidationErrors(Schema):
    """A request parameter was refused (HTTP 422)."""

    detail: list[ValidationErrorItem]


class BilingualText(Schema):
    """A text in Swedish and English. Where one language is missing, the other language's
    text stands in its place and the matching `*_fallback` flag is true: never an empty
    string."""

    sv: str = Field(description="Swedish text, or the English text when `sv_fallback` is true.")
    en: str = Field(description="English text, or the Swedish text when `en_fallback` is true.")
    sv_fallback: bool = Field(description="True when no Swedish text exists and `sv` is English.")
    en_fallback: bool = Field(description="True when no English text exists and `en` is Swedish.")


# Agenda 2030 reference model


class IndicatorOut(Schema):
    code: str = Field(description="Indicator code within its target, e.g. 11.2.1.")
    unsd_code: str = Field(description="UNSD code; repeated indicators share it.")
    repeated: bool = Field(description="The same indicator also stands under other targets.")
    title: BilingualText


class TargetOut(Schema):
    code: str = Field(description="Target code, e.g. 11.2 or 17.a.")
    kind: TargetKind = Field(description="Outcome target or means of implementation.")
    title: BilingualText = Field(description="The target's full wording.")
    indicators: list[IndicatorOut]


class GoalOut(Schema):
    number: int = Field(description="Goal number, 1–17.")
    code: str
    title: BilingualText = Field(description="The goal's short title, e.g. 'Ingen fattigdom'.")
    long_title: BilingualText | None = Field(
        description="The goal's full wording; null where none is recorded."
    )
    colour: str = Field(description="Official UN goal colour as #RRGGBB.")
    dimension: Dimension | None = Field(
        description="Layer of the 'wedding cake'; null for goal 17, which spans all three."
    )
    targets: list[TargetOut]


# Organisations (tenants)


class CodeName(Schema):
    code: str
    name: str


class OrganisationOut(Schema):
    code: str = Field(description="Four-digit municipality code (SCB/Kolada), e.g. 1961.")
    name: str
    kind: OrganisationKind
    county: CodeName | None = Field(description="County (län); null when not recorded.")
    municipality_group: CodeName | None = Field(
        description="SKR municipality group (kommungrupp), e.g. B4; null when not recorded."
    )
    example_data: bool = Field(description="True for a demo organisation with invented data.")


# Steering chain


class BodyRef(Schema):
    id: int
    name: str
    short_name: str = Field(description="Abbreviation such as KF or KS; may be empty.")


class GoalRef(Schema):
    """A goal of another goal set: a national environmental objective, a public-health
    target area, or a goal of a regional strategy."""

    goal_set: str = Field(description="Goal-set code, e.g. miljokvalitetsmal.")
    code: str = Field(description="Goal code within its set.")
    title: BilingualText


class LocalGoalOut(Schema):
    id: int
    level: GoalLevel = Field(description="Council goal (KF-mål) or committee goal (nämndmål).")
    title: str
    description: str
    body: BodyRef = Field(description="The council or committee that owns the goal.")
    decision_date: dt.date
    decision_paragraph: str = Field(description="Paragraph (§) of the decision; may be empty.")
    targets: list[str] = Field(description="Codes of the linked Agenda 2030 targets.")
    other_goals: list[GoalRef] = Field(description="Linked national and regional goals.")


class PlanRef(Schema):
    id: int
    title: str


class ActionOut(Schema):
    id: int
    title: str
    description: str
    status: ActionStatus
    body: BodyRef = Field(description="The body that carries out the action.")
    plan: PlanRef = Field(description="The decided plan the action belongs to.")
    owner: str = Field(description="Responsible person or role.")
    start: dt.date | None
    end: dt.date | None
    planned_cost: int | None = Field(description="Planned cost in whole Swedish kronor (SEK).")
    targets: list[str] = Field(description="Codes of the linked Agenda 2030 targets.")


# Follow-up: indicators and their observations


class ProgressOut(Schema):
    """Progress of the indicator's total series toward its target, as stored (METHODS.md
    §1: the Statistics Canada / Open SDG method)."""

    status: Status = Field(
        description="target_achieved, on_track, progress_needs_acceleration, "
        "limited_progress, deterioration, or not_available (also before any is computed)."
    )
    value: float | None = Field(
        description="P: the share of the needed growth achieved (with a target) or the "
        "annual growth (without); null when not computed or infinite."
    )
    base_year: int | None = Field(description="The base year actually used (t₀).")
    current_year: int | None = Field(description="The latest year with a value (t).")


class OrganisationIndicatorOut(Schema):
    code: str = Field(description="The KPI code, e.g. Kolada N00945, or the organisation's own.")
    source: KpiSource = Field(description="kolada, own (the organisation's own), or other.")
    title: BilingualText
    unit: str = Field(description="Unit of the values, e.g. %; may be empty.")
    direction: Direction = Field(description="positive: higher is better; negative: lower.")
    target: float | None = Field(description="The organisation's target value; null: none.")
    target_year: int = Field(description="The year the target is to be reached.")
    targets: list[str] = Field(description="Codes of the linked Agenda 2030 targets.")
    progress: ProgressOut


class ObservationOut(Schema):
    area: str = Field(description="Kolada area code: 1961, region 0019, country 0000, group G…")
    year: int
    gender: Gender = Field(description="T total, K women, M men.")
    value: float | None = Field(description="null where the source has no value.")
    source: str = Field(description="Where the value comes from, e.g. Kolada or a file name.")
    fetched_at: dt.datetime = Field(description="When it was fetched or imported.")
