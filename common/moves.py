"""A life cycle's step in one statement: the status changes and its history row is written, or neither.

Every device, SIM card or voucher, referral and kit moves the same way: its row changes only if it is still as the
caller read it (the state it leaves, and for a device the site), and the history row that says who moved it, when and
why is written with it. Written as an UPDATE then an INSERT, that was two round trips per step, eight steps to a kit's
cycle; a `Move` does both in one statement, so the database itself keeps status and history together:

- PostgreSQL: a data-modifying WITH. The UPDATE returns the row it moved, the INSERT writes the history row from it:
  nothing moved (the row is no longer as read), nothing written, and the row count says so.
- SQLite has no data-modifying WITH: the history row is inserted into a view whose INSTEAD OF trigger updates the
  row, aborts that one statement if nothing matched (the transaction goes on), then writes the history row. The
  view and its trigger are created by the app's migration (`common.migration_operations.sqlite_move_view`), from
  the same mapping as the `Move` below; a migration that changes the history table creates them again.

The history stays what the services write (DESIGN.md: who, when, where and a note for every transition): a `Move`
only writes it in the statement that changes the status. The history row is not read back (no id is returned).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, connections, models, router

# What the SQLite trigger aborts with when the row is not as the caller read it.
REFUSED = "bagage_move_refused"


def move_view(history_table: str) -> str:
    """The SQLite view a history table's moves are inserted into."""
    return f"{history_table}_move"


@dataclass(frozen=True, eq=False)
class Move:
    """How a history row moves what it is about.

    `subject` names the history row's foreign key to the moving row; `sets` maps the moving row's columns to the
    history columns they take (status ← to_status, updated_at ← at); `checks` the moving row's columns to the
    history columns they must still equal (status = from_status); `extras` are the moving row's columns set from
    values the history row does not carry (a kit's close note).
    """

    history: type[models.Model]
    subject: str
    sets: Mapping[str, str]
    checks: Mapping[str, str]
    extras: tuple[str, ...] = ()
    _sql: dict = field(default_factory=dict, repr=False)

    def _columns(self) -> list[models.Field]:
        return [f for f in self.history._meta.concrete_fields if not f.primary_key]

    def _statement(self, vendor: str, quote) -> str:
        """The statement for a database (built once: it depends on the models only)."""
        if vendor in self._sql:
            return self._sql[vendor]
        columns = [f.column for f in self._columns()]
        if vendor == "sqlite":
            names = [quote(c) for c in (*columns, *self.extras)]
            view = quote(move_view(self.history._meta.db_table))
            sql = f"INSERT INTO {view} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
        else:
            moving = self.history._meta.get_field(self.subject).related_model._meta
            assignments = ", ".join(f"{quote(c)} = %s" for c in (*self.sets, *self.extras))
            where = " AND ".join(f"{quote(c)} = %s" for c in (moving.pk.column, *self.checks))
            sql = (
                f"WITH moved AS (UPDATE {quote(moving.db_table)} SET {assignments} WHERE {where} RETURNING 1) "
                f"INSERT INTO {quote(self.history._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
                f"SELECT {', '.join(['%s'] * len(columns))} FROM moved"
            )
        self._sql[vendor] = sql
        return sql

    def record(self, row: models.Model, **extras) -> bool:
        """Write the unsaved history `row`, moving its subject as it says; False: the subject is no longer as the
        row says it was (nothing changed, nothing written; the transaction goes on)."""
        connection = connections[router.db_for_write(self.history)]
        values = {f.column: f.get_db_prep_save(f.pre_save(row, True), connection) for f in self._columns()}
        moving = self.history._meta.get_field(self.subject).related_model._meta
        extra_values = [moving.get_field(c).get_db_prep_save(extras[c], connection) for c in self.extras]
        sql = self._statement(connection.vendor, connection.ops.quote_name)
        link = self.history._meta.get_field(self.subject).column
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                try:
                    cursor.execute(sql, [*values.values(), *extra_values])
                except IntegrityError as exc:
                    if REFUSED in str(exc):
                        return False
                    raise
                return True
            cursor.execute(
                sql,
                [
                    *(values[h] for h in self.sets.values()),
                    *extra_values,
                    values[link],
                    *(values[h] for h in self.checks.values()),
                    *values.values(),
                ],
            )
            return cursor.rowcount == 1
