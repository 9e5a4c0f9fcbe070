"""PostgreSQL connections read timestamps with psycopg's C loader, not Django's Python one.

Django registers its own loader for `timestamptz` on every psycopg 3 connection: psycopg's pure-Python loader,
whose answer it then gives Django's time zone (`.replace(tzinfo=…)`). About 4 µs a value: a page of fifty devices
(two timestamps each) paid more for its dates than for its query. psycopg's C loader, when the binary or C
implementation is installed, reads the same text in under 1 µs and gives the time in the connection's time zone,
which Django sets to UTC (its `timezone` when USE_TZ is on and the database has no TIME_ZONE of its own).

So, on such a connection, `UtcTimestamptzLoader` takes Django's place: the same values (`datetime.timezone.utc`,
the microseconds, year 1 to 9999; infinity refused alike), read by the C loader. It says `timezone = UTC` as
Django's does, so that Django's cursors keep it. Wherever the condition does not hold (pure-Python psycopg, a
database TIME_ZONE, USE_TZ off, a session whose TimeZone is not UTC), Django's loader does the work, as before.
"""

import datetime as dt
from functools import cache

# Only "UTC" (what Django sets): psycopg gives `datetime.timezone.utc` for it, a ZoneInfo for its other names.
_UTC_NAMES = {b"UTC"}


def _c_loader():
    """psycopg's C TimestamptzLoader, or None with the pure-Python implementation."""
    try:
        from psycopg import pq
        from psycopg._cmodule import _psycopg
    except ImportError:
        return None
    if pq.__impl__ not in ("c", "binary") or _psycopg is None:
        return None
    return getattr(_psycopg, "TimestamptzLoader", None)


@cache
def _loader_class():
    c_loader = _c_loader()
    if c_loader is None:
        return None
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    class UtcTimestamptzLoader(BaseTzLoader):
        """Django's loader for UTC, whose `load` is psycopg's C one when the session's time zone is UTC."""

        timezone = dt.UTC

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            connection = self.connection
            status = connection.pgconn.parameter_status(b"TimeZone") if connection is not None else None
            if status in _UTC_NAMES:
                # An attribute of the instance: psycopg's row loader takes `loader.load` as it finds it.
                self.load = c_loader(oid, context).load

    return UtcTimestamptzLoader


def read_timestamps_in_c(sender, connection, **kwargs) -> None:
    """`connection_created`: on a psycopg 3 connection in UTC, the C loader reads `timestamptz`."""
    if connection.vendor != "postgresql" or connection.timezone is not dt.UTC:
        return
    loader = _loader_class()
    adapters = getattr(connection.connection, "adapters", None)  # psycopg 2 has none
    if loader is not None and adapters is not None:
        adapters.register_loader("timestamptz", loader)
