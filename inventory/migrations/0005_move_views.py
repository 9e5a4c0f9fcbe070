"""SQLite: a device's and a SIM card's or voucher's step and its history row in one statement (common.moves)."""

from django.db import migrations

from common.migration_operations import sqlite_move_view


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0004_offer_instructions"),
    ]

    operations = [
        sqlite_move_view(
            history="inventory_deviceevent",
            subject="inventory_device",
            link="device_id",
            sets={"status": "to_status", "updated_at": "at"},
            checks={"status": "from_status", "site_id": "site_id"},
        ),
        sqlite_move_view(
            history="inventory_lineitemevent",
            subject="inventory_lineitem",
            link="item_id",
            sets={"status": "to_status"},
            checks={"status": "from_status"},
        ),
    ]
