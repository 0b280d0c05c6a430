from decimal import Decimal

from django.db import migrations

TIERS = [
    ("Basic", Decimal("0.00"), Decimal("1.00")),
    ("Silver", Decimal("500.00"), Decimal("1.25")),
    ("Gold", Decimal("1500.00"), Decimal("1.50")),
]


def seed(apps, schema_editor):
    Tier = apps.get_model("loyalty", "Tier")
    for name, min_spend, multiplier in TIERS:
        Tier.objects.get_or_create(
            min_spend_12m=min_spend, defaults={"name": name, "multiplier": multiplier}
        )


def unseed(apps, schema_editor):
    Tier = apps.get_model("loyalty", "Tier")
    Tier.objects.filter(name__in=[name for name, _, _ in TIERS], accounts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0001_loyalty_accounts_ledger_tiers")]

    operations = [migrations.RunPython(seed, unseed)]
