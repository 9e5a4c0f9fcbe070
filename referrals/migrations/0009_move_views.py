"""SQLite: a referral's step and its history row in one statement (common.moves)."""

from django.db import migrations

from common.migration_operations import sqlite_move_view


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0008_beneficiary_sms"),
    ]

    operations = [
        sqlite_move_view(
            history="referrals_referralevent",
            subject="referrals_referral",
            link="referral_id",
            sets={"status": "to_status", "status_changed_at": "at", "updated_at": "at"},
            checks={"status": "from_status"},
        ),
    ]
