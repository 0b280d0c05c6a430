"""Store credit now lives in loyalty (see loyalty 0004); the table stays, only the state moves."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('loyalty', '0004_store_credit_moved_from_returns'),
        ('returns', '0002_order_fks_to_orders_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='StoreCreditEntry',
                ),
            ],
        ),
    ]
