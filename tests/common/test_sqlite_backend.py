"""SQLite's backend converts a statement's placeholders once per text (common/sqlite3), as Django converts them."""

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper as DjangoCursor

from common.sqlite3.base import REMEMBERED_LENGTH, _remembered, qmark

pytestmark = pytest.mark.django_db

TEXTS = [
    "SELECT 1",
    "SELECT %s",
    "SELECT %s, %s FROM t WHERE a = %s",
    "SELECT '100%%' || %s",
    "SELECT %%s, %s",
    "SELECT '%%%%' || %s || '%%'",
    "UPDATE t SET note = %s WHERE note LIKE '%%%%s%%'",
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_statement_is_converted_as_django_converts_it(text):
    assert qmark(text) == DjangoCursor.convert_query(None, text)


def test_the_database_runs_the_converted_statements():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backend's cursor; PostgreSQL binds its own parameters")
    assert connection.settings_dict["ENGINE"] == "common.sqlite3"
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute("SELECT %s || '%%', %s", ["a", 2])
            assert cursor.fetchone() == ("a%", 2)
        # The "pyformat" style (named parameters) is Django's own conversion.
        cursor.execute("SELECT %(first)s + %(second)s", {"first": 40, "second": 2})
        assert cursor.fetchone() == (42,)
        cursor.execute("SELECT '%s'")  # without parameters: sent as written
        assert cursor.fetchone() == ("%s",)


def test_a_text_is_converted_once():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backend's cursor")
    text = "SELECT %s + 0 AS converted_once"
    with connection.cursor() as cursor:
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
