from django.db import migrations, models


def repairs_by_their_kind(apps, schema_editor):
    """A repaired device's give-back was a "swap" kit; its return says it was a repair."""
    Allocation = apps.get_model("distribution", "Allocation")
    Allocation.objects.filter(kind="swap", replaces__outcome="repair").update(kind="repair")


def repairs_back_to_swaps(apps, schema_editor):
    Allocation = apps.get_model("distribution", "Allocation")
    Allocation.objects.filter(kind="repair").update(kind="swap")


class Migration(migrations.Migration):
    dependencies = [
        ("distribution", "0003_matching_proposals"),
    ]

    operations = [
        migrations.AlterField(
            model_name="allocation",
            name="kind",
            field=models.CharField(
                choices=[("kit", "Kit"), ("topup", "Top-up"), ("swap", "Warranty swap"), ("repair", "Repair")],
                default="kit",
                max_length=10,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(repairs_by_their_kind, repairs_back_to_swaps),
    ]
