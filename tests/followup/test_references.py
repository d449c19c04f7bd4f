"""An observation's KPI and area must exist, and a KPI or an area with observations cannot
be deleted — checked by the database per statement (`hallbar/followup/references.py`),
for every writer: the ORM, raw SQL, COPY."""

import pytest
from django.db import IntegrityError, connection, transaction

from hallbar.followup.models import Kpi, Observation

pytestmark = pytest.mark.django_db


@pytest.fixture
def observation(areas, kpis):
    return Observation.objects.create(
        kpi=kpis["N00945"], area=areas["1961"], year=2020, gender="T", value=1.0
    )


def test_an_observation_of_a_kpi_that_does_not_exist_is_refused(areas, kpis):
    missing = Kpi.objects.order_by("-pk").first().pk + 1000
    with pytest.raises(IntegrityError, match="kpi_id"), transaction.atomic():
        Observation.objects.create(kpi_id=missing, area=areas["1961"], year=2020, value=1.0)
    assert not Observation.objects.exists()


def test_one_bad_row_refuses_the_whole_statement(areas, kpis):
    rows = [
        Observation(kpi=kpis["N00945"], area=areas["1961"], year=year, value=1.0)
        for year in range(2000, 2020)
    ]
    rows.append(Observation(kpi=kpis["N00945"], area_id=10**9, year=2020, value=1.0))
    with pytest.raises(IntegrityError, match="area_id"), transaction.atomic():
        Observation.objects.bulk_create(rows)
    assert not Observation.objects.exists()


def test_copy_is_checked_too(areas, kpis):
    kpi, area = kpis["N00945"].pk, areas["1961"].pk
    row = "{kpi}\t{area}\t{year}\tT\t1.5\t\t\\N\tKolada\n"
    data = row.format(kpi=kpi, area=area, year=2020) + row.format(kpi=kpi, area=10**9, year=2021)
    sql = (
        "COPY followup_observation (kpi_id, area_id, year, gender, value, missing_reason,"
        " count, source) FROM STDIN"
    )
    with (
        pytest.raises(IntegrityError, match="area_id"),
        transaction.atomic(),
        connection.wrap_database_errors,  # psycopg's copy() is not wrapped by Django
        connection.cursor() as cursor,
        cursor.copy(sql) as copy,
    ):
        copy.write(data)
    assert not Observation.objects.exists()


def test_moving_an_observation_to_a_missing_area_is_refused(observation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.filter(pk=observation.pk).update(area_id=10**9)
    observation.refresh_from_db()
    assert observation.area.code == "1961"


def test_a_kpi_or_area_with_observations_cannot_be_deleted_behind_the_orms_back(observation):
    for table, pk in (("followup_kpi", observation.kpi_id), ("followup_area", observation.area_id)):
        # (table names from the tuple above, not input)
        delete = f"DELETE FROM {table} WHERE id = %s"  # noqa: S608
        move = f"UPDATE {table} SET id = id + 100000 WHERE id = %s"  # noqa: S608
        with (
            pytest.raises(IntegrityError, match="has observations"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(delete, [pk])
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(move, [pk])
    assert Observation.objects.filter(pk=observation.pk).exists()


def test_deleting_a_kpi_through_the_orm_deletes_its_observations(observation, areas):
    kpi = observation.kpi
    kpi.delete()
    assert not Observation.objects.exists()
    # An area without observations can go; other updates of a KPI or area are untouched.
    areas["1984"].delete()
    areas["1961"].title = "Hallstahammars kommun"
    areas["1961"].save()


@pytest.mark.django_db(transaction=True)
def test_the_kpi_and_area_of_new_rows_are_locked_as_a_foreign_key_locks_them(areas, kpis):
    """Until the inserting transaction ends, another cannot delete the KPI or area (or
    change its id) — FOR KEY SHARE, the lock a foreign key takes — but can edit them."""
    import psycopg

    other = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    try:
        with transaction.atomic():
            Observation.objects.create(
                kpi=kpis["N00945"], area=areas["1961"], year=2020, gender="T", value=1.0
            )
            for table, pk in (
                ("followup_kpi", kpis["N00945"].pk),
                ("followup_area", areas["1961"].pk),
            ):
                lock = f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE NOWAIT"  # noqa: S608
                with pytest.raises(psycopg.errors.LockNotAvailable):
                    other.execute(lock, [pk])
                edit = f"SELECT 1 FROM {table} WHERE id = %s FOR NO KEY UPDATE NOWAIT"  # noqa: S608
                assert other.execute(edit, [pk]).fetchone() == (1,)
    finally:
        other.close()
