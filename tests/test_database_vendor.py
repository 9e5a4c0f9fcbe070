"""The PostgreSQL pass of CI (`.ci/run`) must really run on PostgreSQL, not fall back to SQLite."""

import os

import pytest
from django.db import connection

from tests.conftest import require_or_skip


@pytest.mark.skipif(
    os.environ.get("BAGAGE_REQUIRE_POSTGRES") != "1",
    reason="only the PostgreSQL pass (BAGAGE_REQUIRE_POSTGRES=1) says which database it needs",
)
@pytest.mark.django_db
def test_the_postgresql_pass_runs_on_postgresql():
    assert connection.vendor == "postgresql", (
        f"BAGAGE_REQUIRE_POSTGRES=1 but the tests run on {connection.vendor}: is DATABASE_URL set?"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_connections_price_random_reads_as_on_ssds():
    """config.settings sets random_page_cost (BAGAGE_PG_RANDOM_PAGE_COST, 1.1) on Bagage's connections: with the
    server's default of 4, the referral list's duplicate check reads whole tables instead of two indexes."""
    if connection.vendor != "postgresql":
        require_or_skip("BAGAGE_REQUIRE_POSTGRES", "a PostgreSQL planner setting: run with DATABASE_URL=postgres://…")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
