"""The PostgreSQL pass of CI (`.ci/run`) must really run on PostgreSQL, not fall back to SQLite."""

import os
import subprocess
import sys

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


def settings_options(cost: str, url: str = "postgres://bagage@db.example.org/bagage") -> str:
    """The connection options config.settings derives, read by a fresh interpreter (settings load once)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 50}
    env.update(DATABASE_URL=url, BAGAGE_PG_RANDOM_PAGE_COST=cost)
    env.pop("DEBUG", None)
    code = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}).get('options'))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    return done.stdout.strip() if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("cost", ["nan", "inf", "-1", "1e400", "1_0", "1.1 -c work_mem=1GB"])
def test_the_planner_setting_must_be_a_plain_number(cost):
    assert settings_options(cost).startswith("django.core.exceptions.ImproperlyConfigured: BAGAGE_PG_RANDOM")


def test_the_planner_setting_joins_the_url_s_options_and_yields_to_its_own():
    assert settings_options(" 2 ") == "-c random_page_cost=2"
    with_path = "postgres://bagage@db.example.org/bagage?options=-c%20search_path%3Dbagage"
    assert settings_options("1.1", with_path) == "-c search_path=bagage -c random_page_cost=1.1"
    with_cost = "postgres://bagage@db.example.org/bagage?options=-c%20random_page_cost%3D3"
    assert settings_options("1.1", with_cost) == "-c random_page_cost=3"
    assert settings_options("") == "None"  # empty: the server's own setting


def settings_database_options(url: str, prepared: str | None) -> str:
    """server_side_binding and prepare_threshold as config.settings derives them, read by a fresh interpreter."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 50, "DATABASE_URL": url}
    env.pop("DEBUG", None)
    env.pop("BAGAGE_PG_PREPARED", None)
    if prepared is not None:
        env["BAGAGE_PG_PREPARED"] = prepared
    code = (
        "from django.conf import settings; o = settings.DATABASES['default'].get('OPTIONS', {}); "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    return done.stdout.strip() if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


def test_postgresql_binds_parameters_itself_unless_turned_off():
    """The SQL built once is prepared on the server (common.compiled.execute_prepared), which needs parameters
    bound by it; BAGAGE_PG_PREPARED=0 for a pooler that cannot keep prepared statements; SQLite has no such
    options. Nothing is prepared on its own (no prepare_threshold)."""
    url = "postgres://bagage@db.example.org/bagage"
    assert settings_database_options(url, None) == "True None"
    assert settings_database_options(url, "1") == "True None"
    assert settings_database_options(url, "0") == "None None"
    assert settings_database_options("sqlite:////tmp/bagage-options.sqlite3", None) == "None None"


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_sql_built_once_is_prepared_and_nothing_else():
    """A list page read twice runs as a prepared statement; a query of the ORM's own, however often it runs, is
    planned for its values each time (a report's date range planned in general ran twice as slow)."""
    if connection.vendor != "postgresql":
        require_or_skip("BAGAGE_REQUIRE_POSTGRES", "prepared statements are PostgreSQL's: run with DATABASE_URL")
    from inventory.models import Device
    from tests.conftest import ApiClient
    from tests.factories import DeviceFactory, UserFactory

    def prepared(fragment: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{fragment}%"])
            return cursor.fetchone()[0]

    DeviceFactory()
    api = ApiClient(UserFactory(warehouse=True))
    for _ in range(2):
        assert api.get("devices").status_code == 200
    assert prepared("bagage_page_count") == 1
    for _ in range(8):
        assert Device.objects.filter(brand__startswith="Fairphone").count() == 0
    assert prepared('AS "__count"') == 0
