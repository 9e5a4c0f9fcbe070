"""One rate limiter: the token throttle counts in api.RateCounter like every other limit.

Its own table of request times (ThrottleBucket) goes, and so does the database cache table that accounts'
migration 0002 created for django-ninja's cache-based throttle, which nothing has read since.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_cache_table"),
        ("api", "0003_rate_counters"),
    ]

    operations = [
        migrations.DeleteModel(name="ThrottleBucket"),
        migrations.RunSQL("DROP TABLE IF EXISTS bagage_cache", migrations.RunSQL.noop),
    ]
