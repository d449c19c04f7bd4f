"""Progress toward target, computed for many series at once and stored (METHODS.md §1).

An indicator's **series** are its KPI's observations for the indicator's organisation area
(the `Area` whose code is the organisation's code, e.g. 1961) for gender T, and also K and M
when the KPI is divided by gender. Each series is measured with the indicator's direction,
base year, target value and target year by :func:`hallbar.lib.progress.measure_many`, and the
result is stored as one `ProgressRecord` per (indicator, area, gender), with every input in
`inputs` (exactly :meth:`Progress.to_dict`, so ``Progress.from_dict(record.inputs)`` gives it
back and a report can explain the status).

Only the latest status is stored, not one record per as-of year: the status is a pure
function of the stored observations (whose earlier values are kept as revisions) and the
indicator's ambition, so a past status can always be recomputed; the record's
`current_year` and `inputs["base_year"]` say which years it stands on.

Performance (ARCHITECTURE.md "Performance shape"): :func:`progress_recompute` runs a fixed
number of queries whatever the number of series — the indicators in scope, their
observations, one upsert per 2,000 records, one clean-up — and the work per observation is
numpy, never a Python loop. On PostgreSQL the observations come back as one bytea of packed
binary records that numpy reads directly, and the records are upserted from a JSON document
with unchanged ones filtered out in SQL; elsewhere (SQLite for `make run`) the same goes
through the ORM. Pages read the stored records through the selectors below and never
compute a status.
"""

import json
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone
from numpy.typing import NDArray

from hallbar.followup.models import Area, Gender, Indicator, Observation, ProgressRecord
from hallbar.lib.progress import Progress, Status, measure_many, series_matrix, status_shares

# Gender codes in the packed series keys; T first, so that every indicator has code 0.
GENDERS: tuple[str, ...] = (Gender.TOTAL, Gender.WOMEN, Gender.MEN)
BATCH_SIZE = 2000

# (kpi_id, area_id, gender): the shape of `hallbar.followup.services.SeriesKey`.
SeriesRef = tuple[int, int, str]
IndicatorsArg = QuerySet[Indicator] | Iterable[Indicator | int]


@dataclass(frozen=True)
class IndicatorProgress:
    """The stored progress of one of an indicator's series, ready for a page or the API."""

    indicator_id: int
    gender: str
    status: str
    value: float | None  # P (METHODS.md §1); None when not computed
    base_year: int | None  # t₀ actually used
    current_year: int | None
    computed_at: datetime
    inputs: Mapping[str, Any]

    @property
    def progress(self) -> Progress:
        """Every input and result, as :func:`hallbar.lib.progress.measure` returns them."""
        return Progress.from_dict(self.inputs)


# --- computing ----------------------------------------------------------------------------


def progress_recompute(
    *,
    indicators: IndicatorsArg | None = None,
    kpi_ids: Iterable[int] | None = None,
    series: Iterable[SeriesRef] | None = None,
) -> int:
    """Compute progress (METHODS.md §1) for the series in scope and store it; returns the
    number of `ProgressRecord` rows created or changed.

    The scope is the union of what is given:

    * `indicators` (instances, ids or a queryset): all series of these indicators — call
      after an indicator's direction, base year, target or KPI changed;
    * `kpi_ids`: all series of every indicator that follows these KPIs;
    * `series`: (kpi_id, area_id, gender) triples, e.g. ``affected_series(summary)`` after
      an import or a Kolada sync — only the indicators' series among them are computed;
      series of other areas (groups, other municipalities) have no indicator and are
      skipped.

    With no argument at all every indicator is computed; an empty argument computes nothing.
    A record whose value is already right is not written, so a second run writes nothing.
    Records of an indicator's former series (another area, or K/M after its KPI stopped
    being divided by gender) are deleted.
    """
    everything = indicators is None and kpi_ids is None and series is None
    series_list = None if series is None else list(series)
    indicator_filter = _indicator_filter(indicators)
    kpi_list = None if kpi_ids is None else list(kpi_ids)

    whole: list[Q] = []
    if indicator_filter is not None:
        whole.append(Q(pk__in=indicator_filter))
    if kpi_list:
        whole.append(Q(kpi_id__in=kpi_list))
    scope: list[Q] = list(whole)
    if series_list:
        scope.append(
            Q(
                kpi_id__in={s[0] for s in series_list},
                organisation__code__in=Area.objects.filter(
                    pk__in={s[1] for s in series_list}
                ).values("code"),
            )
        )
    if not everything and not scope:
        return 0

    with transaction.atomic():
        specs = _indicator_specs(
            scope=None if everything else reduce(operator.or_, scope),
            whole=Value(True) if everything else _any(whole),
        )
        chosen = _series_in_scope(specs, series_list or [])
        written = _measure_and_store(specs, chosen)
        _delete_former_series(specs)
    return written


def _indicator_filter(indicators: IndicatorsArg | None) -> QuerySet | list[int] | None:
    if indicators is None:
        return None
    if isinstance(indicators, QuerySet):
        return indicators.values("pk")
    return [getattr(item, "pk", item) for item in indicators] or None


def _any(conditions: list[Q]) -> ExpressionWrapper | Value:
    if not conditions:
        return Value(False)
    return ExpressionWrapper(reduce(operator.or_, conditions), output_field=BooleanField())


def _indicator_specs(*, scope: Q | None, whole: Any) -> dict[str, NDArray[Any]]:
    """One query: the indicators in scope with their series parameters, as numpy columns.

    `whole` marks the indicators whose every series is in scope (the rest only have the
    series named in `series`). Indicators whose organisation has no `Area` are left out:
    there is nothing to measure.
    """
    queryset = Indicator.objects.all() if scope is None else Indicator.objects.filter(scope)
    rows = list(
        queryset.annotate(
            area_pk=Subquery(
                Area.objects.filter(code=OuterRef("organisation__code")).order_by().values("pk")[:1]
            ),
            whole=whole,
        )
        .filter(area_pk__isnull=False)
        .values_list(
            "pk",
            "kpi_id",
            "area_pk",
            "kpi__is_divided_by_gender",
            "direction",
            "base_year",
            "target_value",
            "target_year",
            "whole",
        )
        .order_by()
    )
    columns = list(zip(*rows, strict=True)) or [()] * 9
    return {
        "pk": np.asarray(columns[0], dtype=np.int64),
        "kpi": np.asarray(columns[1], dtype=np.int64),
        "area": np.asarray(columns[2], dtype=np.int64),
        "divided": np.asarray(columns[3], dtype=np.bool_),
        "direction": np.asarray(columns[4], dtype=object),
        "base_year": np.asarray(columns[5], dtype=np.int64),
        "target": np.asarray(columns[6], dtype=np.float64),  # None → NaN: no target
        "target_year": np.asarray(columns[7], dtype=np.int64),
        "whole": np.asarray(columns[8], dtype=np.bool_),
    }


@dataclass(frozen=True)
class _Series:
    """The series to compute: row i is indicator specs[*][row[i]] for gender GENDERS[g[i]]."""

    row: NDArray[np.int64]
    gender: NDArray[np.int64]
    key: NDArray[np.int64]  # packed (kpi, area, gender), see _Keys
    keys: "_Keys"


@dataclass(frozen=True)
class _Keys:
    """Packs (kpi_id, area_id, gender) into one int64 with dense ranks, vectorised."""

    kpis: NDArray[np.int64]
    areas: NDArray[np.int64]

    def pack(
        self, kpi: NDArray[np.int64], area: NDArray[np.int64], gender: NDArray[np.int64]
    ) -> NDArray[np.int64]:
        """Packed keys; -1 where the KPI, area or gender is not one of ours."""
        if not len(self.kpis) or not len(self.areas):
            return np.full(np.shape(kpi), -1, dtype=np.int64)
        k = np.searchsorted(self.kpis, kpi).clip(max=len(self.kpis) - 1)
        a = np.searchsorted(self.areas, area).clip(max=len(self.areas) - 1)
        known = (gender >= 0) & (self.kpis[k] == kpi) & (self.areas[a] == area)
        packed = (k * len(self.areas) + a) * len(GENDERS) + gender
        return np.where(known, packed, -1).astype(np.int64)


def _gender_codes(genders: Iterable[str]) -> NDArray[np.int64]:
    """T/K/M → 0/1/2 (see GENDERS); anything else → -1."""
    array = np.asarray(list(genders) if not isinstance(genders, np.ndarray) else genders)
    codes = np.full(array.shape, -1, dtype=np.int64)
    for code, gender in enumerate(GENDERS):  # three comparisons, each vectorised
        codes[array == gender] = code
    return codes


def _series_in_scope(specs: dict[str, NDArray[Any]], series: list[SeriesRef]) -> _Series:
    """Every indicator's series (T, and K/M when divided by gender), kept if the whole
    indicator is in scope or the series itself was named."""
    n = len(specs["pk"])
    divided = np.flatnonzero(specs["divided"])
    row = np.concatenate([np.arange(n), divided, divided]).astype(np.int64)
    gender = np.repeat(np.arange(len(GENDERS), dtype=np.int64), [n, len(divided), len(divided)])
    keys = _Keys(kpis=np.unique(specs["kpi"]), areas=np.unique(specs["area"]))
    key = keys.pack(specs["kpi"][row], specs["area"][row], gender)

    wanted = specs["whole"][row]
    if series:
        kpi, area, genders = zip(*series, strict=True)
        named = keys.pack(
            np.asarray(kpi, dtype=np.int64),
            np.asarray(area, dtype=np.int64),
            _gender_codes(genders),
        )
        wanted |= np.isin(key, named[named >= 0])
    return _Series(row=row[wanted], gender=gender[wanted], key=key[wanted], keys=keys)


def _measure_and_store(specs: dict[str, NDArray[Any]], chosen: _Series) -> int:
    if not len(chosen.row):
        return 0
    keys = _SeriesKeys(
        indicator=specs["pk"][chosen.row],
        kpi=specs["kpi"][chosen.row],
        area=specs["area"][chosen.row],
        gender=np.asarray(GENDERS)[chosen.gender],
    )
    postgresql = connection.vendor == "postgresql"
    read = _read_postgresql if postgresql else _read_portable
    series_ids, years, values = _match(chosen, read(keys))
    year_axis, matrix = _matrix(len(chosen.row), series_ids, years, values)
    row = chosen.row
    batch = measure_many(
        year_axis,
        matrix,
        directions=specs["direction"][row].astype(str),
        base_year=specs["base_year"][row],
        target_year=specs["target_year"][row],
        targets=specs["target"][row],
        # Indicator has no overrides of the §1 thresholds yet (optimum/green/red are the
        # dashboard's value limits, not thresholds for P): the defaults apply. When it
        # grows them, pass an (n, 3) array of rows here, all-NaN for "the defaults".
        thresholds=None,
    )
    store = _store_postgresql if postgresql else _store_portable
    return store(keys, batch.to_dicts())


@dataclass(frozen=True)
class _SeriesKeys:
    """The chosen series as columns: indicator, KPI, area and gender of row i."""

    indicator: NDArray[np.int64]
    kpi: NDArray[np.int64]
    area: NDArray[np.int64]
    gender: NDArray[np.str_]


def _matrix(
    n: int, series_ids: NDArray[np.int64], years: NDArray[np.int64], values: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Pivot (series index, year, value) rows into the (n series × year) matrix; series
    without a value keep an all-NaN row."""
    if not len(series_ids):
        return np.zeros(0, dtype=np.int64), np.zeros((n, 0))
    present, year_axis, values_matrix = series_matrix(series_ids, years, values)
    matrix = np.full((n, len(year_axis)), np.nan)
    matrix[present] = values_matrix
    return year_axis, matrix


_Columns = tuple[
    NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]
]

# The observations of the chosen KPIs, areas and genders, packed by the server into one
# bytea of fixed-size big-endian records (kpi int8, area int8, gender code int2 as in
# GENDERS, year int2, value float8) that numpy reads in one go: one row over the wire and
# no Python object per value. (A join with the exact series list made PostgreSQL sort
# every observation, and `= ANY(array)` made it scan by the area index: filtering by KPI
# and area through hashed semi-joins and matching the series in numpy is faster.)
_READ_SQL = """
SELECT string_agg(
    int8send(kpi_id) || int8send(area_id) || int2send((strpos('TKM', gender) - 1)::int2)
    || int2send(year::int2) || float8send(value),
    ''::bytea)
FROM followup_observation
WHERE kpi_id IN (SELECT unnest(%s::bigint[]))
  AND area_id IN (SELECT unnest(%s::bigint[]))
  AND gender = ANY(%s::varchar[])
  AND value IS NOT NULL
"""
_PACKED_ROW = np.dtype(
    [("kpi", ">i8"), ("area", ">i8"), ("gender", ">i2"), ("year", ">i2"), ("value", ">f8")]
)


def _read_postgresql(keys: _SeriesKeys) -> _Columns:
    """One query: (kpi, area, gender code, year, value) of the observations with a value."""
    params = [np.unique(a).tolist() for a in (keys.kpi, keys.area, keys.gender)]
    with connection.cursor() as cursor:
        cursor.execute(_READ_SQL, params)
        (packed,) = cursor.fetchone()
    rows = np.frombuffer(packed or b"", dtype=_PACKED_ROW)
    return (
        rows["kpi"].astype(np.int64),
        rows["area"].astype(np.int64),
        rows["gender"].astype(np.int64),
        rows["year"].astype(np.int64),
        rows["value"].astype(np.float64),
    )


def _read_portable(keys: _SeriesKeys) -> _Columns:
    """The same through the ORM, for SQLite (`make run`)."""
    rows = list(
        Observation.objects.filter(
            kpi_id__in=np.unique(keys.kpi).tolist(),
            area_id__in=np.unique(keys.area).tolist(),
            gender__in=np.unique(keys.gender).tolist(),
            value__isnull=False,
        )
        .values_list("kpi_id", "area_id", "gender", "year", "value")
        .order_by()
    )
    kpi, area, gender, year, value = zip(*rows, strict=True) if rows else [()] * 5
    return (
        np.asarray(kpi, dtype=np.int64),
        np.asarray(area, dtype=np.int64),
        _gender_codes(np.asarray(gender, dtype=str)),
        np.asarray(year, dtype=np.int64),
        np.asarray(value, dtype=np.float64),
    )


def _match(
    chosen: _Series, columns: _Columns
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """(series index, year, value) of the observations that belong to a chosen series.

    The query narrows by KPIs, areas and genders; with several organisations in scope it
    also returns pairs of a KPI and an area that are not a series of ours: dropped here.
    """
    kpi, area, gender, year, value = columns
    packed = chosen.keys.pack(kpi, area, gender)
    order = np.argsort(chosen.key, kind="stable")
    sorted_keys = chosen.key[order]
    at = np.searchsorted(sorted_keys, packed).clip(max=len(sorted_keys) - 1)
    hit = (packed >= 0) & (sorted_keys[at] == packed)
    return order[at[hit]], year[hit], value[hit]


# Insert or update, from one JSON document per batch. Only records whose inputs differ
# from what is stored reach the INSERT, so an unchanged record is not touched at all (not
# even locked, nor its computed_at), and a second run writes nothing.
_STORE_SQL = """
WITH input AS (
    SELECT * FROM jsonb_to_recordset(%s::jsonb)
        AS r (indicator_id bigint, area_id bigint, gender varchar, inputs jsonb)
),
todo AS (
    SELECT i.* FROM input i
    LEFT JOIN followup_progressrecord p USING (indicator_id, area_id, gender)
    WHERE p.inputs IS DISTINCT FROM i.inputs
)
INSERT INTO followup_progressrecord AS p
    (indicator_id, area_id, gender, status, value, current_year, inputs, computed_at)
SELECT indicator_id, area_id, gender, inputs ->> 'status', (inputs ->> 'value')::float8,
       (inputs ->> 'current_year')::int2, inputs, now()
FROM todo
ON CONFLICT (indicator_id, area_id, gender) DO UPDATE SET
    status = EXCLUDED.status,
    value = EXCLUDED.value,
    current_year = EXCLUDED.current_year,
    inputs = EXCLUDED.inputs,
    computed_at = EXCLUDED.computed_at
WHERE p.inputs IS DISTINCT FROM EXCLUDED.inputs
"""


def _store_postgresql(keys: _SeriesKeys, inputs: list[dict[str, Any]]) -> int:
    """Upsert every record, one statement per batch; the number created or changed."""
    columns = zip(
        keys.indicator.tolist(), keys.area.tolist(), keys.gender.tolist(), inputs, strict=True
    )
    records = [
        {"indicator_id": indicator, "area_id": area, "gender": gender, "inputs": data}
        for indicator, area, gender, data in columns
    ]
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(records), BATCH_SIZE):
            document = json.dumps(
                records[start : start + BATCH_SIZE], allow_nan=False, separators=(",", ":")
            )
            cursor.execute(_STORE_SQL, [document])
            written += cursor.rowcount
    return written


def _store_portable(keys: _SeriesKeys, inputs: list[dict[str, Any]]) -> int:
    """The same through the ORM: compare with what is stored, bulk-upsert the rest."""
    stored = {
        (indicator_id, area_id, gender): stored_inputs
        for indicator_id, area_id, gender, stored_inputs in ProgressRecord.objects.filter(
            indicator_id__in=np.unique(keys.indicator).tolist()
        )
        .values_list("indicator_id", "area_id", "gender", "inputs")
        .order_by()
    }
    now = timezone.now()
    columns = zip(
        keys.indicator.tolist(), keys.area.tolist(), keys.gender.tolist(), inputs, strict=True
    )
    records = [
        ProgressRecord(
            indicator_id=indicator,
            area_id=area,
            gender=gender,
            status=data["status"],
            value=data["value"],
            current_year=data["current_year"],
            inputs=data,
            computed_at=now,
        )
        for indicator, area, gender, data in columns
        if stored.get((indicator, area, gender)) != data
    ]
    ProgressRecord.objects.bulk_create(
        records,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["indicator", "area", "gender"],
        update_fields=["status", "value", "current_year", "inputs", "computed_at"],
    )
    return len(records)


# Records of the given indicators that are not one of their series (any more).
_DELETE_FORMER_SQL = """
DELETE FROM followup_progressrecord p
USING unnest(%s::bigint[], %s::bigint[], %s::bool[]) AS e (indicator_id, area_id, divided)
WHERE p.indicator_id = e.indicator_id
  AND (p.area_id <> e.area_id OR (p.gender <> 'T' AND NOT e.divided))
"""


def _delete_former_series(specs: dict[str, NDArray[Any]]) -> None:
    """Remove records that are no longer one of their indicator's series: another area,
    or K/M after the KPI stopped being divided by gender."""
    if not len(specs["pk"]):
        return
    if connection.vendor == "postgresql":
        params = [specs["pk"].tolist(), specs["area"].tolist(), specs["divided"].tolist()]
        with connection.cursor() as cursor:
            cursor.execute(_DELETE_FORMER_SQL, params)
        return
    ProgressRecord.objects.filter(indicator_id__in=specs["pk"].tolist()).filter(
        ~Q(area__code=F("indicator__organisation__code"))
        | Q(gender__in=GENDERS[1:], indicator__kpi__is_divided_by_gender=False)
    ).delete()


# --- reading ------------------------------------------------------------------------------


def _records(indicators: IndicatorsArg) -> QuerySet[ProgressRecord]:
    if isinstance(indicators, QuerySet):
        return ProgressRecord.objects.filter(indicator__in=indicators.values("pk"))
    ids = [getattr(item, "pk", item) for item in indicators]
    return ProgressRecord.objects.filter(indicator_id__in=ids)


def _as_progress(record: ProgressRecord) -> IndicatorProgress:
    return IndicatorProgress(
        indicator_id=record.indicator_id,
        gender=record.gender,
        status=record.status,
        value=record.value,
        base_year=record.inputs.get("base_year"),
        current_year=record.current_year,
        computed_at=record.computed_at,
        inputs=record.inputs,
    )


def progress_by_indicator(
    indicators: IndicatorsArg, *, gender: str = Gender.TOTAL
) -> dict[int, IndicatorProgress]:
    """The stored progress of each indicator's series for `gender` (default the total),
    by indicator id, in one query. An indicator not computed yet is absent."""
    return {
        record.indicator_id: _as_progress(record)
        for record in _records(indicators).filter(gender=gender).order_by()
    }


def indicator_progress(
    indicator: Indicator | int, *, gender: str = Gender.TOTAL
) -> IndicatorProgress | None:
    """The stored progress of one indicator's total series (or `gender`), or None."""
    return progress_by_indicator([indicator], gender=gender).get(
        getattr(indicator, "pk", indicator)
    )


def indicator_progress_series(indicator: Indicator | int) -> list[IndicatorProgress]:
    """All stored series of one indicator: T, then K and M when divided by gender."""
    records = sorted(_records([indicator]), key=lambda r: GENDERS.index(r.gender))
    return [_as_progress(record) for record in records]


def status_shares_for(indicators: IndicatorsArg, *, by_series: bool = False) -> dict[str, int]:
    """Counts per status for a goal or target page's stacked bar, best first, every status
    present (METHODS.md §1: a roll-up is shares, never one averaged colour). One query.

    By default one status per indicator, its total series; with `by_series` every stored
    series (T, K, M) counts. An indicator without a stored record counts as
    ``not_available`` (once).
    """
    if isinstance(indicators, QuerySet):
        queryset = Indicator.objects.filter(pk__in=indicators.values("pk"))
    else:
        queryset = Indicator.objects.filter(pk__in=[getattr(i, "pk", i) for i in indicators])
    if by_series:
        statuses = queryset.values_list("progress_records__status", flat=True)
    else:
        statuses = queryset.annotate(
            total_status=Subquery(
                ProgressRecord.objects.filter(indicator=OuterRef("pk"), gender=Gender.TOTAL).values(
                    "status"
                )[:1]
            )
        ).values_list("total_status", flat=True)
    return status_shares(status or Status.NOT_AVAILABLE for status in statuses.order_by())
