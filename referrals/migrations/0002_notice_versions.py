"""The information notice becomes data: versions, the first one seeded, each beneficiary pointing at theirs."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import Min


def seed_first_version(apps, schema_editor):
    """Publish the notice every existing referral was given (BAGAGE_CONSENT_VERSION) from the default texts.

    Labels already recorded on beneficiaries but unknown here (none in the shipped data) become versions too,
    so that no record loses its reference; their texts are the defaults of that day as well.
    """
    from referrals.notice_texts import DEFAULT_TEXTS, filled_texts, retention_snapshot

    NoticeVersion = apps.get_model("referrals", "NoticeVersion")
    Beneficiary = apps.get_model("referrals", "Beneficiary")
    seeded = settings.BAGAGE_CONSENT_VERSION
    fields = {
        "charity_name": settings.BAGAGE_CHARITY_NAME,
        "charity_contact": f"{settings.BAGAGE_CHARITY_ADDRESS}\n{settings.BAGAGE_CHARITY_EMAIL}",
        "retention": retention_snapshot(),
    }
    legacy = (
        Beneficiary.objects.exclude(consent_version=seeded)
        .values("consent_version")
        .annotate(first=Min("consent_given_at"))
        .order_by("first")
    )
    # Older labels are dated by their first referral, so that the seeded version is the current one.
    for row in legacy:
        label = row["consent_version"]
        NoticeVersion.objects.get_or_create(
            label=label, defaults={"texts": filled_texts(DEFAULT_TEXTS, label), "created_at": row["first"], **fields}
        )
    NoticeVersion.objects.get_or_create(label=seeded, defaults={"texts": filled_texts(DEFAULT_TEXTS, seeded), **fields})


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NoticeVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(help_text="For example 2026-11.", max_length=20, verbose_name="version")),
                ("texts", models.JSONField(verbose_name="texts")),
                ("charity_name", models.CharField(max_length=200, verbose_name="charity")),
                (
                    "charity_contact",
                    models.CharField(help_text="Postal address and e-mail.", max_length=400, verbose_name="contact"),
                ),
                ("retention", models.JSONField(default=dict, verbose_name="retention periods")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty for the first version, seeded with the database.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "information notice version",
                "verbose_name_plural": "information notice versions",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("label",),
                        name="notice_version_label_unique",
                        violation_error_code="duplicate_notice_version",
                        violation_error_message="A notice has this version already.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("label__regex", "^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")),
                        name="notice_version_label_format",
                    ),
                ],
            },
        ),
        migrations.RunPython(seed_first_version, migrations.RunPython.noop),
    ]
