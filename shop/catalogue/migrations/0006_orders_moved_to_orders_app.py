"""Cart, checkout and pickup orders now live in the "orders" app; their tables stay (see
orders 0001), so this only drops them from this app's state."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('returns', '0002_order_fks_to_orders_app'),
        ('orders', '0001_initial'),
        ('shop', '0005_order_store_credit_used'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='cartline',
                    name='cart',
                ),
                migrations.RemoveField(
                    model_name='cartline',
                    name='variant',
                ),
                migrations.RemoveField(
                    model_name='handoverattempt',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='handoverattempt',
                    name='order',
                ),
                migrations.RemoveField(
                    model_name='handoverattempt',
                    name='store',
                ),
                migrations.RemoveField(
                    model_name='order',
                    name='customer',
                ),
                migrations.RemoveField(
                    model_name='order',
                    name='store',
                ),
                migrations.RemoveField(
                    model_name='orderevent',
                    name='order',
                ),
                migrations.RemoveField(
                    model_name='orderline',
                    name='order',
                ),
                migrations.RemoveField(
                    model_name='orderevent',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='orderline',
                    name='variant',
                ),
                migrations.DeleteModel(
                    name='Cart',
                ),
                migrations.DeleteModel(
                    name='CartLine',
                ),
                migrations.DeleteModel(
                    name='HandoverAttempt',
                ),
                migrations.DeleteModel(
                    name='Order',
                ),
                migrations.DeleteModel(
                    name='OrderEvent',
                ),
                migrations.DeleteModel(
                    name='OrderLine',
                ),
            ],
        ),
    ]
