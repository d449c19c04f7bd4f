"""Referential integrity of `Observation.kpi` and `Observation.area`, checked per statement.

Observations are written in bulk (a Kolada sync COPYs some 15,000 rows per page, 870,000 for
the benchmark of issue 4). A PostgreSQL foreign key checks each new row on its own — a
trigger per row, each a query with a row lock — and for this table that took more time
than the COPY itself (the import could reach at most 0.38× a plain COPY). The same rule
is kept here, checked once per statement over all its rows:

* an observation inserted or updated must name a KPI and an area that exist; the KPIs and
  areas it names are locked `FOR KEY SHARE` until the transaction ends, exactly the lock a
  foreign key takes, so that none of them can be deleted (or change its id) meanwhile;
* a KPI or an area that observations name cannot be deleted, nor its id changed (Django
  deletes a KPI's observations first — `on_delete=CASCADE` — and refuses to delete an
  area that has some — `PROTECT`).

A violation raises SQLSTATE 23503 (foreign_key_violation), which Django reports as an
`IntegrityError`, like the foreign key did. Not covered, as with any trigger: TRUNCATE
of `followup_kpi` or `followup_area` alone. On SQLite (`make run`, the demo) the same rule
is enforced by row triggers. Installed by migration 0005; `install(schema_editor)` and
`uninstall(schema_editor)` are its two directions.
"""

from __future__ import annotations

_POSTGRESQL = [
    # The statement's rows are read once (the distinct KPIs and areas); reading them
    # once per check instead made the check cost half as much as the COPY it follows.
    """
CREATE OR REPLACE FUNCTION followup_observation_check_references() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    kpis bigint[];
    areas bigint[];
    missing bigint;
BEGIN
    SELECT array_agg(DISTINCT kpi_id), array_agg(DISTINCT area_id) INTO kpis, areas
    FROM new_rows;
    SELECT k INTO missing FROM unnest(kpis) AS k
    WHERE NOT EXISTS (SELECT 1 FROM followup_kpi WHERE id = k FOR KEY SHARE) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = format('insert or update on table "followup_observation" violates '
                             'its reference to followup_kpi: kpi_id %s does not exist', missing);
    END IF;
    SELECT a INTO missing FROM unnest(areas) AS a
    WHERE NOT EXISTS (SELECT 1 FROM followup_area WHERE id = a FOR KEY SHARE) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = format('insert or update on table "followup_observation" violates '
                             'its reference to followup_area: area_id %s does not exist', missing);
    END IF;
    RETURN NULL;
END
$$""",
    """
CREATE TRIGGER followup_observation_references_insert
AFTER INSERT ON followup_observation REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION followup_observation_check_references()""",
    """
CREATE TRIGGER followup_observation_references_update
AFTER UPDATE ON followup_observation REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION followup_observation_check_references()""",
]

# A KPI or an area that observations name: neither deleted nor given another id.
_REFERENCED = """
CREATE OR REPLACE FUNCTION followup_{table}_check_observations() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    named bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT d.id INTO named FROM old_rows d
        WHERE EXISTS (SELECT 1 FROM followup_observation o WHERE o.{column} = d.id) LIMIT 1;
    ELSE
        SELECT d.id INTO named FROM old_rows d
        WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = d.id)
          AND EXISTS (SELECT 1 FROM followup_observation o WHERE o.{column} = d.id) LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = format('update or delete on table "followup_{table}" violates the '
                             'reference from followup_observation: {table} %s has observations',
                             named);
    END IF;
    RETURN NULL;
END
$$"""
for _table, _column in (("kpi", "kpi_id"), ("area", "area_id")):
    _POSTGRESQL += [
        _REFERENCED.format(table=_table, column=_column),
        f"""
CREATE TRIGGER followup_{_table}_observations_delete
AFTER DELETE ON followup_{_table} REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION followup_{_table}_check_observations()""",
        f"""
CREATE TRIGGER followup_{_table}_observations_update
AFTER UPDATE ON followup_{_table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION followup_{_table}_check_observations()""",
    ]

_POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS followup_observation_references_insert ON followup_observation",
    "DROP TRIGGER IF EXISTS followup_observation_references_update ON followup_observation",
    "DROP FUNCTION IF EXISTS followup_observation_check_references()",
]
for _table in ("kpi", "area"):
    _POSTGRESQL_DROP += [
        f"DROP TRIGGER IF EXISTS followup_{_table}_observations_delete ON followup_{_table}",
        f"DROP TRIGGER IF EXISTS followup_{_table}_observations_update ON followup_{_table}",
        f"DROP FUNCTION IF EXISTS followup_{_table}_check_observations()",
    ]

_SQLITE_FAILED = "SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed')"
_SQLITE_CHECK_NEW = (
    "NOT EXISTS (SELECT 1 FROM followup_kpi WHERE id = NEW.kpi_id)"
    " OR NOT EXISTS (SELECT 1 FROM followup_area WHERE id = NEW.area_id)"
)
_SQLITE = [
    f"""
CREATE TRIGGER followup_observation_references_insert
BEFORE INSERT ON followup_observation FOR EACH ROW WHEN {_SQLITE_CHECK_NEW}
BEGIN {_SQLITE_FAILED}; END""",
    f"""
CREATE TRIGGER followup_observation_references_update
BEFORE UPDATE OF kpi_id, area_id ON followup_observation FOR EACH ROW WHEN {_SQLITE_CHECK_NEW}
BEGIN {_SQLITE_FAILED}; END""",
]
for _table, _column in (("kpi", "kpi_id"), ("area", "area_id")):
    _named = f"EXISTS (SELECT 1 FROM followup_observation WHERE {_column} = OLD.id)"  # noqa: S608
    _SQLITE += [
        f"""
CREATE TRIGGER followup_{_table}_observations_delete
BEFORE DELETE ON followup_{_table} FOR EACH ROW WHEN {_named}
BEGIN {_SQLITE_FAILED}; END""",
        f"""
CREATE TRIGGER followup_{_table}_observations_update
BEFORE UPDATE OF id ON followup_{_table} FOR EACH ROW WHEN NEW.id <> OLD.id AND {_named}
BEGIN {_SQLITE_FAILED}; END""",
    ]
_SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "followup_observation_references_insert",
        "followup_observation_references_update",
        "followup_kpi_observations_delete",
        "followup_kpi_observations_update",
        "followup_area_observations_delete",
        "followup_area_observations_update",
    )
]


def _statements(vendor: str, *, drop: bool) -> list[str]:
    if vendor == "postgresql":
        return _POSTGRESQL_DROP if drop else _POSTGRESQL
    if vendor == "sqlite":
        return _SQLITE_DROP if drop else _SQLITE
    return []


def install(schema_editor) -> None:
    for sql in _statements(schema_editor.connection.vendor, drop=False):
        schema_editor.execute(sql, params=None)


def uninstall(schema_editor) -> None:
    for sql in _statements(schema_editor.connection.vendor, drop=True):
        schema_editor.execute(sql, params=None)
