"""The PostgreSQL pass of CI (`.ci/run`) must really run on PostgreSQL, not fall back to SQLite."""

import os

import pytest
from django.db import connection


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
