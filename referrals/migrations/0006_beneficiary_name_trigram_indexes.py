from django.db import migrations

from common.migration_operations import trigram_indexes


class Migration(migrations.Migration):
    """The referral list's search (selectors._search: a first or last name icontains) by trigram indexes."""

    dependencies = [
        ("referrals", "0005_referral_queue_indexes"),
    ]

    operations = [
        trigram_indexes("referrals_beneficiary", "beneficiary", ("first_name", "last_name")),
    ]
