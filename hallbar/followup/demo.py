"""Demo data of the follow-up app (`manage.py load_demo_data`, demo mode only).

Hallstahammar (1961) follows 20 Kolada KPIs and Surahammar (1907) 5, each linked to the
Agenda 2030 targets and local goals of steering's demo, with target values and years and a
responsible body; three of Hallstahammar's are not public. The KPI definitions are
Kolada's own (the shipped reference data, `load_kolada_reference`).

Values, in two kinds, told apart by `Observation.source` on every page:

* **Real Kolada values**: the whole shipped sample (`data/kolada_values_sample.json.gz`,
  303 values of N00945, N03702 and N03703 for Stockholm, Malmö, Göteborg, Arboga and its
  peers; source in `scripts/build_kolada_reference.py`), stored as Kolada values with the
  sample kept as a `RawResponse`. The sample holds no value for Hallstahammar or
  Surahammar, so their indicators on N00945 and N03702 show no values of their own
  (status "not available").
* **Illustrative values** for the other KPIs: 2015–2024, for every municipality, the
  county and the country, made up by a fixed formula (trend by KPI, level by area) so that
  the pages show charts, statuses and relative positions. Their source reads
  "Illustrative demo value (not from Kolada)"; they are not figures of any municipality.
  `manage.py kolada_sync --organisation 1961` (with network) replaces them with Kolada's,
  keeping them as revisions.

Progress (METHODS.md §1) is then computed for the demo indicators. Idempotent: every row is
compared first and only differences are written, so a second run writes nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.db import transaction

from hallbar.agenda.models import Target
from hallbar.followup.models import (
    Area,
    AreaKind,
    Direction,
    Indicator,
    Kpi,
    KpiSource,
    Observation,
    RawResponse,
)
from hallbar.followup.status import progress_recompute
from hallbar.organisation.models import Body, Organisation
from hallbar.steering.demo import DemoDataError
from hallbar.steering.models import LocalGoal

SAMPLE_PATH = Path(__file__).resolve().parent / "data" / "kolada_values_sample.json.gz"
SAMPLE_URL = (
    "https://github.com/LCHansson/rKolada/blob/d52938874f9a9e0b6f4dd44f36fa5edb8cd69fa3/"
    "R/sysdata.rda"
)
SAMPLE_SOURCE = "Kolada"
ILLUSTRATIVE_SOURCE = "Illustrative demo value (not from Kolada)"
ILLUSTRATIVE_YEARS = range(2015, 2025)
#: When the illustrative values count as "imported" (fixed: a rerun compares equal).
ILLUSTRATIVE_AT = datetime(2026, 1, 15, tzinfo=UTC)
COUNTY = "0019"  # Västmanlands län, the county of both demo municipalities
COUNTRY = "0000"


@dataclass(frozen=True)
class DemoIndicator:
    kpi: str
    direction: Direction
    targets: tuple[str, ...]
    goals: tuple[str, ...]  # local goal titles of the organisation
    body: str  # the responsible body's name
    target_value: float | None
    level: float  # the 2015 level of the illustrative values
    trend: float  # their change per year (relative to the level)
    is_public: bool = True
    target_year: int = 2030
    own_shift: float = 0.0  # Hallstahammar's level against the others' (relative position)


_G_SCHOOL = "Alla barn och elever ges förutsättningar att nå sin fulla potential"
_G_WORK = "Fler invånare har arbete eller studerar och kan försörja sig själva"
_G_SAFE = "Hallstahammar är en trygg kommun med hållbara resor och transporter"
_G_CLIMATE = "Kommunens klimatpåverkan minskar och resurserna används hållbart"
_G_VOICE = "Invånarna är delaktiga och har inflytande i kommunens utveckling"
_G_ELIGIBLE = "Andelen elever i årskurs 9 som är behöriga till gymnasiets yrkesprogram ökar"
_G_SUPPORT = "Fler hushåll med försörjningsstöd går vidare till arbete eller studier"
_G_TRAVEL = "Andelen resor till fots, med cykel och kollektivtrafik ökar"
_G_FLEET = "Kommunens fordonsflotta är fossilfri 2030"
_G_PLANNING = "Nya bostäder och verksamheter planeras nära kollektivtrafik och service"
_G_YOUTH = "Fler barn och unga deltar i fritids- och kulturaktiviteter"
_G_DIALOGUE = "Fler invånare deltar i kommunens medborgardialoger"
_G_WASTE = "Matsvinnet i kommunens kök minskar"
_S_PLACE = "Surahammar är en attraktiv och hållbar kommun att bo och verka i"
_S_SCHOOL = "Fler elever i Surahammar blir behöriga till gymnasiet"

UP, DOWN = Direction.POSITIVE, Direction.NEGATIVE
BUN, SN, KS, BMN = (
    "Barn- och utbildningsnämnden",
    "Socialnämnden",
    "Kommunstyrelsen",
    "Bygg- och miljönämnden",
)
TN, KFN = "Tekniska nämnden", "Kultur- och fritidsnämnden"

HALLSTAHAMMAR: tuple[DemoIndicator, ...] = (
    DemoIndicator(
        "N15428", UP, ("4.1",), (_G_SCHOOL, _G_ELIGIBLE), BUN, 90, 78, 0.012, own_shift=0.1
    ),
    DemoIndicator("N15507", UP, ("4.1", "4.2"), (_G_SCHOOL,), BUN, 235, 208, 0.004),
    DemoIndicator(
        "N17625", DOWN, ("4.1", "10.2"), (_G_SCHOOL,), BUN, 1.0, 1.6, 0.03, own_shift=0.2
    ),
    DemoIndicator("N01720", DOWN, ("8.5", "8.6"), (_G_WORK, _G_SUPPORT), SN, 10.5, 12.5, -0.02),
    DemoIndicator("N00957", DOWN, ("3.4", "8.5"), (_G_WORK,), SN, 20, 31, -0.02),
    DemoIndicator("N03702", UP, ("8.1", "8.2"), (_G_WORK,), KS, None, 300, 0.01),
    DemoIndicator("N00090", DOWN, ("3.4", "8.8"), (), KS, 6.0, 7.8, 0.005, is_public=False),
    DemoIndicator("N00301", UP, ("16.1", "11.2"), (_G_SAFE,), KS, 75, 64, 0.012),
    DemoIndicator(
        "N00570", UP, ("11.2", "3.6"), (_G_SAFE, _G_TRAVEL), TN, 70, 58, -0.004, own_shift=-0.15
    ),
    DemoIndicator("N07410", UP, ("11.2", "11.3"), (_G_PLANNING,), BMN, 80, 55, 0.03),
    DemoIndicator("N00401", DOWN, ("13.2",), (_G_CLIMATE,), KS, 1.5, 4.6, -0.045, own_shift=-0.2),
    DemoIndicator("N85073", DOWN, ("13.2", "11.2"), (_G_CLIMATE, _G_TRAVEL), TN, 0.8, 1.9, -0.02),
    DemoIndicator("N07938", UP, ("7.2", "13.2"), (_G_FLEET,), TN, 120, 2, 0.45, own_shift=-0.2),
    DemoIndicator("N45925", UP, ("7.2",), (_G_CLIMATE,), KS, 98, 96, 0.004),
    DemoIndicator("N00635", UP, ("12.5",), (_G_CLIMATE, _G_WASTE), TN, 85, 71, 0.0),
    DemoIndicator("N00300", UP, ("16.7",), (_G_VOICE, _G_DIALOGUE), KS, 70, 58, 0.01),
    DemoIndicator("N00653", UP, ("10.2", "16.7"), (_G_VOICE,), KS, 60, 44, -0.01),
    DemoIndicator("N00593", UP, ("10.2", "3.4"), (_G_YOUTH,), KFN, 65, 52, 0.008),
    DemoIndicator("N00945", UP, ("5.4",), (), KS, 50, 41, 0.01, is_public=False),
    DemoIndicator("N07713", UP, ("7.2", "9.4"), (_G_FLEET,), TN, 150, 4, 0.35, is_public=False),
)
SURAHAMMAR: tuple[DemoIndicator, ...] = (
    DemoIndicator("N15428", UP, ("4.1",), (_S_SCHOOL,), "Bildningsnämnden", 88, 74, 0.01),
    DemoIndicator(
        "N00401", DOWN, ("13.1", "13.2"), (_S_PLACE,), "Kommunstyrelsen", 1.5, 4.2, -0.03
    ),
    DemoIndicator("N07410", UP, ("11.3",), (_S_PLACE,), "Kommunstyrelsen", 75, 50, 0.02),
    DemoIndicator("N01720", DOWN, ("8.5",), (), "Kommunstyrelsen", 9.0, 13.5, -0.015),
    DemoIndicator("N03702", UP, ("8.1",), (_S_PLACE,), "Kommunstyrelsen", None, 280, 0.01),
)
DEMO: dict[str, tuple[DemoIndicator, ...]] = {"1961": HALLSTAHAMMAR, "1907": SURAHAMMAR}


@dataclass
class FollowupDemoSummary:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    progress_records: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.progress_records)

    def __str__(self) -> str:
        def listing(counter: Counter[str]) -> str:
            return ", ".join(f"{count} {name}" for name, count in counter.items()) or "nothing"

        return (
            f"Follow-up demo (indicators of 1961 and 1907; real Kolada sample values, "
            f"illustrative values marked as such): created {listing(self.created)}; "
            f"updated {listing(self.updated)}; {self.progress_records} progress record(s) "
            "written."
        )


def demo_load() -> FollowupDemoSummary:
    """Load the follow-up demo (see the module docstring); writes only what differs."""
    summary = FollowupDemoSummary()
    sample = json.loads(gzip.decompress(SAMPLE_PATH.read_bytes()))
    codes = {item.kpi for items in DEMO.values() for item in items}
    codes |= {row["kpi"] for row in sample["values"]}  # the whole sample is loaded
    kpis = {
        kpi.code: kpi
        for kpi in Kpi.objects.filter(
            source=KpiSource.KOLADA, organisation__isnull=True, code__in=codes
        )
    }
    if set(kpis) != codes:
        raise DemoDataError(
            "Kolada KPIs missing: "
            + ", ".join(sorted(codes - set(kpis)))
            + ". Run manage.py load_kolada_reference first."
        )
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=DEMO)}
    if set(organisations) != set(DEMO):
        raise DemoDataError("The demo organisations are missing: run steering's demo first.")
    with transaction.atomic():
        indicators = [
            _indicator(summary, organisations[code], item, kpis[item.kpi])
            for code, items in DEMO.items()
            for item in items
        ]
        _observations(summary, sample, kpis)
        summary.progress_records = progress_recompute(indicators=[i.pk for i in indicators])
    return summary


def _indicator(
    summary: FollowupDemoSummary, organisation: Organisation, item: DemoIndicator, kpi: Kpi
) -> Indicator:
    targets = dict(
        Target.objects.agenda2030().filter(code__in=item.targets).values_list("code", "pk")
    )
    if len(targets) != len(item.targets):
        missing = sorted(set(item.targets) - set(targets))
        raise DemoDataError(f"Agenda 2030 targets missing: {', '.join(missing)}.")
    goals = dict(
        LocalGoal.objects.filter(organisation=organisation, title__in=item.goals).values_list(
            "title", "pk"
        )
    )
    if len(goals) != len(item.goals):
        missing = sorted(set(item.goals) - set(goals))
        raise DemoDataError(f"Local goals of {organisation.code} missing: {'; '.join(missing)}.")
    body = Body.objects.filter(organisation=organisation, name=item.body).first()
    if body is None:
        raise DemoDataError(f"Body {item.body!r} of {organisation.code} missing.")
    values = {
        "direction": item.direction,
        "responsible_body_id": body.pk,
        "base_year": 2015,
        "target_value": item.target_value,
        "target_year": item.target_year,
        "is_public": item.is_public,
    }
    indicator = Indicator.objects.filter(organisation=organisation, kpi=kpi).first()
    if indicator is None:
        indicator = Indicator.objects.create(organisation=organisation, kpi=kpi, **values)
        summary.created["indicators"] += 1
        indicator.targets.set(sorted(targets.values()))
        indicator.local_goals.set(sorted(goals.values()))
        return indicator
    changed = [name for name, value in values.items() if getattr(indicator, name) != value]
    for name in changed:
        setattr(indicator, name, values[name])
    if changed:
        indicator.save()
    if set(indicator.targets.values_list("pk", flat=True)) != set(targets.values()):
        indicator.targets.set(sorted(targets.values()))
        changed.append("targets")
    if set(indicator.local_goals.values_list("pk", flat=True)) != set(goals.values()):
        indicator.local_goals.set(sorted(goals.values()))
        changed.append("local_goals")
    if changed:
        summary.updated["indicators"] += 1
    return indicator


def _observations(summary: FollowupDemoSummary, sample: dict, kpis: dict[str, Kpi]) -> None:
    """The sample's real values and the illustrative ones, compared with what is stored."""
    kinds = {
        code: (pk, kind)
        for code, pk, kind in Area.objects.filter(
            kind__in=[AreaKind.MUNICIPALITY, AreaKind.REGION, AreaKind.COUNTRY]
        ).values_list("code", "pk", "kind")
    }
    areas = {code: pk for code, (pk, _) in kinds.items()}
    fetched = datetime.fromisoformat(sample["fetched"]).replace(tzinfo=UTC)
    wanted: dict[tuple[int, int, int, str], tuple[float | None, str, datetime]] = {}
    sample_kpis = set()
    for row in sample["values"]:
        kpi = kpis[row["kpi"]]
        sample_kpis.add(row["kpi"])
        key = (kpi.pk, areas[row["municipality"]], row["period"], row["gender"])
        wanted[key] = (row["value"], SAMPLE_SOURCE, fetched)
    if sample_kpis:
        _raw_sample(summary, fetched)

    illustrated = sorted(
        {
            item.kpi: item
            for items in DEMO.values()
            for item in items
            if item.kpi not in sample_kpis
        }.values(),
        key=lambda item: item.kpi,
    )
    places = [code for code, (_, kind) in kinds.items() if kind == AreaKind.MUNICIPALITY] + [
        COUNTY,
        COUNTRY,
    ]
    for item in illustrated:
        kpi_id = kpis[item.kpi].pk
        percent = "(%)" in kpis[item.kpi].title_sv
        for code in places:
            for year in ILLUSTRATIVE_YEARS:
                value = illustrative_value(item, code, year, percent=percent)
                wanted[kpi_id, areas[code], year, "T"] = (
                    value,
                    ILLUSTRATIVE_SOURCE,
                    ILLUSTRATIVE_AT,
                )

    stored = {
        (o.kpi_id, o.area_id, o.year, o.gender): o
        for o in Observation.objects.filter(kpi_id__in=[k.pk for k in kpis.values()])
    }
    to_create, to_update = [], []
    for key, (value, source, at) in wanted.items():
        observation = stored.get(key)
        if observation is None:
            kpi_id, area_id, year, gender = key
            to_create.append(
                Observation(
                    kpi_id=kpi_id,
                    area_id=area_id,
                    year=year,
                    gender=gender,
                    value=value,
                    missing_reason="" if value is not None else "missing",
                    count=1,
                    source=source,
                    fetched_at=at,
                )
            )
        elif (observation.value, observation.source) != (value, source):
            observation.value, observation.source, observation.fetched_at = value, source, at
            observation.missing_reason = "" if value is not None else "missing"
            to_update.append(observation)
    Observation.objects.bulk_create(to_create, batch_size=2000)
    Observation.objects.bulk_update(
        to_update, ["value", "source", "fetched_at", "missing_reason"], batch_size=2000
    )
    if to_create:
        summary.created["observations"] += len(to_create)
    if to_update:
        summary.updated["observations"] += len(to_update)


def _raw_sample(summary: FollowupDemoSummary, fetched: datetime) -> None:
    """The sample, kept as what the source said (gzip'd, with its digest), once."""
    body = gzip.decompress(SAMPLE_PATH.read_bytes())
    digest = hashlib.sha256(body).hexdigest()
    if RawResponse.objects.filter(source=KpiSource.KOLADA, sha256=digest).exists():
        return
    RawResponse.objects.create(
        source=KpiSource.KOLADA,
        url=SAMPLE_URL,
        fetched_at=fetched,
        body_gzip=gzip.compress(body, mtime=0),
        sha256=digest,
    )
    summary.created["raw responses"] += 1


def illustrative_value(
    item: DemoIndicator, area_code: str, year: int, *, percent: bool = False
) -> float:
    """A made-up value: the KPI's level and trend, shifted by a fixed amount per area and
    wobbling a little by year (from a digest, so every run gives the same numbers)."""
    digest = hashlib.sha256(f"{item.kpi}:{area_code}".encode()).digest()
    area_shift = (digest[0] / 255 - 0.5) * 0.5  # ±25 % of the level
    area_trend = (digest[1] / 255 - 0.5) * abs(item.trend or 0.01)
    if area_code == "1961":  # the level and trend given for Hallstahammar
        area_shift, area_trend = item.own_shift, 0.0
    wobble = hashlib.sha256(f"{item.kpi}:{area_code}:{year}".encode()).digest()[0] / 255 - 0.5
    steps = year - ILLUSTRATIVE_YEARS[0]
    value = item.level * (1 + area_shift) * (1 + (item.trend + area_trend) * steps)
    value += wobble * 0.02 * item.level
    return round(min(max(value, 0.0), 100.0 if percent else float("inf")), 1)
