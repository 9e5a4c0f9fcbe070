from django.db import migrations

# The referral list's search (selectors._search: a first or last name icontains) as PostgreSQL runs it,
# UPPER(column::text) LIKE UPPER('%term%'): trigram GIN indexes answer it without reading every beneficiary,
# as inventory.0002 does for devices. PostgreSQL only; SQLite searches by scanning.
TRIGRAM_COLUMNS = ("first_name", "last_name")


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS beneficiary_{column}_trgm_idx ON referrals_beneficiary "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS beneficiary_{column}_trgm_idx")


class Migration(migrations.Migration):

    dependencies = [
        ("referrals", "0005_referral_queue_indexes"),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
