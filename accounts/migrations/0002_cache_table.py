"""Create the cache table (settings.CACHES, a DatabaseCache) where the API's throttle counts requests.

A migration, not a step to remember: every database that is migrated (make run, CI, the test
database, a deployment) gets it. `createcachetable` leaves an existing table alone.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
