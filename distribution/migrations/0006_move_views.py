"""SQLite: a kit's closing step and its history row in one statement (common.moves)."""

from django.db import migrations

from common.migration_operations import sqlite_move_view


class Migration(migrations.Migration):
    dependencies = [
        ("distribution", "0005_pickup_appointments"),
    ]

    operations = [
        sqlite_move_view(
            history="distribution_allocationevent",
            subject="distribution_allocation",
            link="allocation_id",
            sets={"status": "to_status", "closed_at": "at", "closed_by_id": "by_id"},
            checks={"status": "from_status"},
            extras=("close_note",),
        ),
    ]
