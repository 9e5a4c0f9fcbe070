"""SQLite's backend converts a statement's placeholders once per text (common/sqlite3), as Django converts them.

On a SQLite connection of its own (a file in the test's folder), whichever database the suite runs on; and the
settings name this backend for SQLite, by the default file or by DATABASE_URL.
"""

import os
import subprocess
import sys

import pytest
from django.db.backends.sqlite3.base import SQLiteCursorWrapper as DjangoCursor
from django.db.utils import ConnectionHandler

from common.sqlite3.base import REMEMBERED_LENGTH, _remembered, qmark

TEXTS = [
    "SELECT 1",
    "SELECT %s",
    "SELECT %s, %s FROM t WHERE a = %s",
    "SELECT '100%%' || %s",
    "SELECT %%s, %s",
    "SELECT '%%%%' || %s || '%%'",
    "UPDATE t SET note = %s WHERE note LIKE '%%%%s%%'",
]


@pytest.fixture
def sqlite(tmp_path, django_db_blocker):
    """A connection of the backend's own to a scratch file, outside the suite's database."""
    handler = ConnectionHandler({"default": {"ENGINE": "common.sqlite3", "NAME": str(tmp_path / "b.sqlite3")}})
    with django_db_blocker.unblock():
        connection = handler["default"]
        yield connection
        connection.close()


@pytest.mark.parametrize("text", TEXTS)
def test_a_statement_is_converted_as_django_converts_it(text):
    assert qmark(text) == DjangoCursor.convert_query(None, text)


def test_the_database_runs_the_converted_statements(sqlite):
    with sqlite.cursor() as cursor:
        for _ in range(2):
            cursor.execute("SELECT %s || '%%', %s", ["a", 2])
            assert cursor.fetchone() == ("a%", 2)
        # The "pyformat" style (named parameters) is Django's own conversion.
        cursor.execute("SELECT %(first)s + %(second)s", {"first": 40, "second": 2})
        assert cursor.fetchone() == (42,)
        cursor.execute("SELECT '%s'")  # without parameters: sent as written
        assert cursor.fetchone() == ("%s",)
        cursor.execute("CREATE TABLE t (n integer)")
        cursor.executemany("INSERT INTO t (n) VALUES (%s)", [(1,), (2,)])
        cursor.execute("SELECT SUM(n) FROM t")
        assert cursor.fetchone() == (3,)


def test_a_text_is_converted_once(sqlite):
    text = "SELECT %s + 0 AS converted_once"
    with sqlite.cursor() as cursor:
        cursor.execute(text, [1])
        before = _remembered.cache_info()
        cursor.execute(text, [2])
        assert cursor.fetchone() == (2,)
    after = _remembered.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)


def test_a_long_text_is_converted_without_being_remembered():
    text = "SELECT %s IN (" + ", ".join(["%s"] * (REMEMBERED_LENGTH // 4)) + ")"
    before = _remembered.cache_info()
    assert qmark(text) == DjangoCursor.convert_query(None, text)
    assert _remembered.cache_info() == before


@pytest.mark.parametrize("url", ["", "sqlite:////tmp/bagage-engine.sqlite3", "postgres://bagage@db.example.org/b"])
def test_the_settings_name_this_backend_for_sqlite_only(url, tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 50, "DATABASE_URL": url}
    env["BAGAGE_VAR_DIR"] = str(tmp_path)
    env.pop("DEBUG", None)
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("django.db.backends.postgresql" if url.startswith("postgres") else "common.sqlite3")
