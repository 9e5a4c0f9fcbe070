"""Operations the migrations share: PostgreSQL trigram indexes for `icontains` searches.

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
