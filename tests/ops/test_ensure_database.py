"""`manage.py ensure_database`: `make run` and `make serve` create a missing PostgreSQL database before migrating."""

import os
import uuid

from django.core.management import call_command

from tests.conftest import require_or_skip


def postgres_admin_url() -> str:
    url = os.environ.get("BAGAGE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=2).close()
    except Exception as exc:
        require_or_skip("BAGAGE_REQUIRE_POSTGRES", f"PostgreSQL is not reachable at {url}: {exc}")
    return url


def test_ensure_database_creates_a_missing_postgres_database_once(capsys):
    import psycopg

    admin_url = postgres_admin_url()
    name = f"bagage_ensure_{uuid.uuid4().hex[:10]}"
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    try:
        call_command("ensure_database", "--url", url)
        assert f"Created database {name}" in capsys.readouterr().out
        with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        call_command("ensure_database", "--url", url)
        assert f"Database {name} exists" in capsys.readouterr().out
    finally:
        with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
