"""The order and order-line foreign keys follow the models into the "orders" app (same tables)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0001_initial'),
        ('returns', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='returnline',
                    name='order_line',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='return_lines', to='orders.orderline', verbose_name='order line'),
                ),
                migrations.AlterField(
                    model_name='returnrequest',
                    name='order',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='returns', to='orders.order', verbose_name='order'),
                ),
            ],
        ),
    ]
