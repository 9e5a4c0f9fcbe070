"""A life cycle's step in one statement: the status changes and its history row is written, or neither.

Every device, SIM card or voucher, referral and kit moves the same way: its row changes only if it is still as the
caller read it (the state it leaves, and for a device the site), and the history row that says who moved it, when and
why is written with it. Written as an UPDATE then an INSERT, that was two round trips per step, eight steps to a kit's
cycle; a `Move` does both in one statement, so the database itself keeps status and history together:

- PostgreSQL: a data-modifying WITH. The UPDATE returns the row it moved, the INSERT writes the history row from it:
  nothing moved (the row is no longer as read), nothing written, and the row count says so.
- SQLite has no data-modifying WITH: the history row is inserted into a view `<history table>_move` whose INSTEAD
  OF trigger updates the row, aborts that one statement if nothing matched (the transaction goes on), then writes
  the history row.

The SQLite views are derived from the models, not from migrations: `migrate` drops them before it changes any table
(SQLite refuses to rebuild a table a view or trigger names, as Django does to alter a column) and creates them again
from the current models once it is done (pre_migrate and post_migrate, connected by distribution's app), so they
always have the history tables' columns. A database never migrated since gets them at its first move.

The history stays what the services write (DESIGN.md: who, when, where and a note for every transition): a `Move`
only writes it in the statement that changes the status. The history row is not read back (no id is returned).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, IntegrityError, OperationalError, connections, models, router

# What the SQLite trigger aborts with when the row is not as the caller read it.
REFUSED = "bagage_move_refused"
# Every Move declared (by the models modules), whose SQLite views migrate drops and creates.
DECLARED: list["Move"] = []


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

    def __post_init__(self) -> None:
        DECLARED.append(self)

    @property
    def view(self) -> str:
        """The SQLite view its history rows are inserted into."""
        return f"{self.history._meta.db_table}_move"

    def _columns(self) -> list[models.Field]:
        return [f for f in self.history._meta.concrete_fields if not f.primary_key]

    def _moving(self):
        return self.history._meta.get_field(self.subject).related_model._meta

    def _statement(self, vendor: str, quote) -> str:
        """The statement for a database (built once: it depends on the models only)."""
        if vendor in self._sql:
            return self._sql[vendor]
        columns = [f.column for f in self._columns()]
        if vendor == "sqlite":
            names = [quote(c) for c in (*columns, *self.extras)]
            sql = f"INSERT INTO {quote(self.view)} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
        else:
            moving = self._moving()
            assignments = ", ".join(f"{quote(c)} = %s" for c in (*self.sets, *self.extras))
            where = " AND ".join(f"{quote(c)} = %s" for c in (moving.pk.column, *self.checks))
            sql = (
                f"WITH moved AS (UPDATE {quote(moving.db_table)} SET {assignments} WHERE {where} RETURNING 1) "
                f"INSERT INTO {quote(self.history._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
                f"SELECT {', '.join(['%s'] * len(columns))} FROM moved"
            )
        self._sql[vendor] = sql
        return sql

    def sqlite_view(self, quote) -> list[str]:
        """The SQLite view and trigger that make an INSERT into the view this move, from the models as they are."""
        columns = [f.column for f in self._columns()]
        link = self.history._meta.get_field(self.subject).column
        moving = self._moving()
        assignments = ", ".join(
            [f"{quote(c)} = NEW.{quote(h)}" for c, h in self.sets.items()]
            + [f"{quote(c)} = NEW.{quote(c)}" for c in self.extras]
        )
        matches = " AND ".join(
            [f"{quote(moving.pk.column)} = NEW.{quote(link)}"]
            + [f"{quote(c)} = NEW.{quote(h)}" for c, h in self.checks.items()]
        )
        history = quote(self.history._meta.db_table)
        names = ", ".join(quote(c) for c in columns)
        extras = "".join(f", NULL AS {quote(c)}" for c in self.extras)
        return [
            f"DROP VIEW IF EXISTS {quote(self.view)}",
            f"CREATE VIEW {quote(self.view)} AS SELECT {names}{extras} FROM {history} WHERE 0",
            f"CREATE TRIGGER {quote(self.view + '_insert')} INSTEAD OF INSERT ON {quote(self.view)} BEGIN "
            f"UPDATE {quote(moving.db_table)} SET {assignments} WHERE {matches}; "
            f"SELECT RAISE(ABORT, '{REFUSED}') WHERE changes() = 0; "
            f"INSERT INTO {history} ({names}) VALUES ({', '.join(f'NEW.{quote(c)}' for c in columns)}); "
            "END",
        ]

    def record(self, row: models.Model, **extras) -> bool:
        """Write the unsaved history `row`, moving its subject as it says; False: the subject is no longer as the
        row says it was (nothing changed, nothing written; the transaction goes on)."""
        connection = connections[router.db_for_write(self.history)]
        values = {f.column: f.get_db_prep_save(f.pre_save(row, True), connection) for f in self._columns()}
        extra_values = [self._moving().get_field(c).get_db_prep_save(extras[c], connection) for c in self.extras]
        sql = self._statement(connection.vendor, connection.ops.quote_name)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                params = [*values.values(), *extra_values]
                try:
                    try:
                        cursor.execute(sql, params)
                    except OperationalError as exc:
                        if f"no such table: {self.view}" not in str(exc):
                            raise
                        # A database not migrated since the views came (they are made by migrate): made now, once.
                        sqlite_views_create(connection=connection)
                        cursor.execute(sql, params)
                except IntegrityError as exc:
                    if REFUSED in str(exc):
                        return False
                    raise
                return True
            link = self.history._meta.get_field(self.subject).column
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


def sqlite_views_drop(*, using: str = DEFAULT_DB_ALIAS, connection=None, **_signal) -> None:
    """Before migrate changes tables: SQLite rebuilds a table to alter it, and refuses while a view names it."""
    connection = connection or connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for move in DECLARED:
            cursor.execute(f"DROP VIEW IF EXISTS {connection.ops.quote_name(move.view)}")


def sqlite_views_create(*, using: str = DEFAULT_DB_ALIAS, connection=None, **_signal) -> None:
    """After migrate (and for a database never migrated since): every move's view, from the current models."""
    connection = connection or connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for move in DECLARED:
            for statement in move.sqlite_view(connection.ops.quote_name):
                cursor.execute(statement)
