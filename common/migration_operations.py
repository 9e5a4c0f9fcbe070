"""Operations the migrations share: PostgreSQL trigram indexes for `icontains` searches, SQLite move views.

Django runs `field__icontains=term` on PostgreSQL as `UPPER(column::text) LIKE UPPER('%term%')`; a GIN index on
`UPPER(column::text) gin_trgm_ops` answers it without reading every row. PostgreSQL only (pg_trgm is a trusted
extension: the database's owner may create it); SQLite searches by scanning, which a single site's SQLite never
minds. Kept stable: applied migrations call it.
"""

from django.db import migrations


def trigram_indexes(table: str, prefix: str, columns: tuple[str, ...]) -> migrations.RunPython:
    """Create (and, backwards, drop) one index `{prefix}_{column}_trgm_idx` per column of `table`."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {prefix}_{column}_trgm_idx ON {table} "
                f"USING gin (UPPER({column}::text) gin_trgm_ops)"
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {prefix}_{column}_trgm_idx")

    return migrations.RunPython(create, drop, elidable=False)


def sqlite_move_view(
    *,
    history: str,
    subject: str,
    link: str,
    sets: dict[str, str],
    checks: dict[str, str],
    extras: tuple[str, ...] = (),
) -> migrations.RunPython:
    """SQLite only: the view `{history}_move` whose INSTEAD OF INSERT trigger is `common.moves.Move.record`.

    Inserting a history row into the view updates the `subject` row (`id` = the row's `link` column) with `sets`
    (subject column ← history column) and `extras` (columns of the view beyond the history's), if its `checks`
    columns still equal the history row's; if no row matched, the statement aborts with `bagage_move_refused`
    (SQLite undoes that statement only); else the history row is written. The view has the history table's
    columns as they are when the migration runs: a migration that changes that table calls this again.
    PostgreSQL needs nothing (common.moves writes one WITH statement there).
    """
    view = f"{history}_move"

    def quoted(names, prefix=""):
        return ", ".join(f'{prefix}"{name}"' for name in names)

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            described = schema_editor.connection.introspection.get_table_description(cursor, history)
        columns = [column.name for column in described if column.name != "id"]
        assignments = ", ".join(
            [f'"{column}" = NEW."{source}"' for column, source in sets.items()]
            + [f'"{column}" = NEW."{column}"' for column in extras]
        )
        matches = " AND ".join([f'"id" = NEW."{link}"'] + [f'"{c}" = NEW."{h}"' for c, h in checks.items()])
        extra_columns = "".join(f', NULL AS "{column}"' for column in extras)
        schema_editor.execute(f'DROP VIEW IF EXISTS "{view}"')
        schema_editor.execute(
            f'CREATE VIEW "{view}" AS SELECT {quoted(columns)}{extra_columns} FROM "{history}" WHERE 0'
        )
        schema_editor.execute(
            f'CREATE TRIGGER "{view}_insert" INSTEAD OF INSERT ON "{view}" BEGIN '
            f'UPDATE "{subject}" SET {assignments} WHERE {matches}; '
            "SELECT RAISE(ABORT, 'bagage_move_refused') WHERE changes() = 0; "
            f'INSERT INTO "{history}" ({quoted(columns)}) VALUES ({quoted(columns, "NEW.")}); '
            "END"
        )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f'DROP VIEW IF EXISTS "{view}"')

    return migrations.RunPython(create, drop, elidable=False)
