"""Each beneficiary points at the notice version they were given (in its own migration: PostgreSQL will not add
the foreign key in the transaction that inserted the seeded version)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_notice_versions")]

    operations = [
        migrations.AlterField(
            model_name="beneficiary",
            name="consent_version",
            field=models.ForeignKey(
                db_column="consent_version",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="referrals.noticeversion",
                to_field="label",
                verbose_name="information notice version",
            ),
        ),
    ]
