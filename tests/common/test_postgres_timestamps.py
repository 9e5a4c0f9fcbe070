"""PostgreSQL timestamps are read by psycopg's C loader (common.postgres), with the values Django's loader gives."""

import datetime as dt

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader

from tests.conftest import require_or_skip

VALUES = [
    "now()",
    "'2026-12-04 20:15:57.317957+00'",
    "'2026-03-29 01:59:59.999999+00'",  # the last instant before Paris moves its clocks
    "'2026-10-25 03:00:00.5+02'",
    "'2026-01-01 12:00:00-09:30'",
    "'0001-01-01 00:00:00+00'",
    "'9999-12-31 23:59:59.999999+00'",
    "'1969-12-31 23:59:59.000001+00'",
]


def select(values: list[str]) -> str:
    return "SELECT " + ", ".join(f"{value}::timestamptz" for value in values) + ", ARRAY[now()::timestamptz, now()]"


class DjangosLoader(BaseTzLoader):
    timezone = dt.UTC


def read(adapters_loader=None, values=VALUES):
    with connection.cursor() as cursor:
        if adapters_loader is not None:
            cursor.cursor.adapters.register_loader("timestamptz", adapters_loader)
        cursor.execute("SELECT now()")
        now = cursor.fetchone()[0]
        cursor.execute(select(values).replace("now()", f"'{now.isoformat()}'"))
        return cursor.fetchone()


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        require_or_skip("BAGAGE_REQUIRE_POSTGRES", "psycopg's loaders: run with DATABASE_URL=postgres://…")
    connection.ensure_connection()


@pytest.mark.postgres
@pytest.mark.django_db
def test_timestamps_are_read_by_psycopgs_c_loader(postgres):
    from psycopg import pq

    loader_class = connection.connection.adapters.get_loader(1184, 0)  # timestamptz, text
    if pq.__impl__ == "python":
        pytest.skip("psycopg without its C implementation: Django's loader reads the timestamps")
    loader = loader_class(1184, connection.connection)
    assert type(loader.load.__self__).__module__.startswith(("psycopg_binary", "psycopg_c"))
    # Django's cursors keep it: they register their own only for a loader of another time zone.
    with connection.cursor() as cursor:
        assert cursor.cursor.adapters.get_loader(1184, 0) is loader_class


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_c_loader_reads_what_djangos_reads_in_utc(postgres):
    ours, djangos = read(), read(DjangosLoader)
    assert ours == djangos
    for value in [*ours[:-1], *ours[-1]]:
        assert value.tzinfo is dt.UTC
        assert value.isoformat() in {other.isoformat() for other in [*djangos[:-1], *djangos[-1]]}


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_session_in_another_time_zone_is_read_by_djangos_loader_as_before(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'America/St_Johns'")
    try:
        # Year 1 at UTC is before year 1 there: neither loader reads it.
        values = VALUES[:5]
        assert read(values=values) == read(DjangosLoader, values=values)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Etc/UTC", "UCT", "Zulu", "Universal"])
def test_a_session_in_another_name_for_utc_reads_as_djangos_loader(postgres, zone):
    # psycopg gives datetime.timezone.utc for "UTC" only; for the other names, Django's loader reads (a reviewer's).
    with connection.cursor() as cursor:
        cursor.execute(f"SET TIME ZONE '{zone}'")
    try:
        ours, djangos = read(), read(DjangosLoader)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
    assert ours == djangos
    assert all(value.tzinfo is dt.UTC for value in ours[:-1])
