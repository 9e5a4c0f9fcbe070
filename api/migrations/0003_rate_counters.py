from django.db import migrations, models


def unlogged(apps, schema_editor):
    """Counters need no crash safety: on PostgreSQL their table writes no WAL (and is emptied by a crash)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE api_ratecounter SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE api_ratecounter SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_throttle_buckets"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateCounter",
            fields=[
                ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("slot", models.BigIntegerField()),
                ("hits", models.PositiveIntegerField()),
                ("previous", models.PositiveIntegerField()),
                ("stale_after", models.BigIntegerField(db_index=True)),
            ],
        ),
        migrations.RunPython(unlogged, logged),
    ]
