"""Django's SQLite backend, with its placeholders converted once per statement text rather than at every execute.

Django writes parameters as `%s`; Python's sqlite3 wants `?`. Django's cursor rewrites every statement by a
regular expression before running it (~13 µs for a two-kilobyte SELECT, sixteen times in a kit's cycle). The
rewrite depends on the text alone, and a running server sends the same few hundred texts again and again: here
it is remembered (the most recently used texts, of a few kilobytes each). Everything else is Django's backend
(config.settings names this module as the ENGINE instead of django.db.backends.sqlite3).
"""

from functools import lru_cache

from django.db.backends.sqlite3 import base

# Distinct statement texts remembered, each of at most REMEMBERED_LENGTH characters: at most ~16 MB with their
# conversions. Longer texts (an `IN` of thousands of values, which SQLite is sent whole) are converted each time:
# they are rarely sent twice alike, and would crowd out the statements that are.
REMEMBERED_STATEMENTS = 1024
REMEMBERED_LENGTH = 8192


def qmark(query: str) -> str:
    """The statement with Django's `%s` placeholders as sqlite3's `?` (and `%%` as `%`), as Django converts it."""
    return _remembered(query) if len(query) <= REMEMBERED_LENGTH else _convert(query)


def _convert(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


_remembered = lru_cache(maxsize=REMEMBERED_STATEMENTS)(_convert)


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
