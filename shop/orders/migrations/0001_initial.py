"""Cart, checkout and pickup orders move out of the "shop" app into their own app, "orders".

The tables stay as they are (each model names its old table), so this migration only takes the
models into this app's state, and renames their content types so that permissions, admin log
entries and notifications that point at them keep pointing at them."""

import django.db.models.deletion
import uuid
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

MOVED = ["cart", "cartline", "order", "orderline", "orderevent", "handoverattempt"]


def content_types_to(label_from, label_to):
    def move(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        content_type.objects.using(schema_editor.connection.alias).filter(
            app_label=label_from, model__in=MOVED
        ).update(app_label=label_to)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('shop', '0005_order_store_credit_used'),
        ('stores', '0002_store_api_tokens'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Cart',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='token')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated')),
                        ('user', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='cart', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'cart',
                        'verbose_name_plural': 'carts',
                        'db_table': 'shop_cart',
                    },
                ),
                migrations.CreateModel(
                    name='Order',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('number', models.CharField(editable=False, max_length=16, unique=True, verbose_name='order number')),
                        ('status', models.CharField(choices=[('placed', 'Placed'), ('picking', 'Picking'), ('ready', 'Ready for pickup'), ('collected', 'Collected'), ('cancelled', 'Cancelled'), ('expired', 'Expired')], db_index=True, default='placed', max_length=16, verbose_name='status')),
                        ('phone', models.CharField(max_length=32, verbose_name='phone')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                        ('language', models.CharField(max_length=8, verbose_name='language')),
                        ('pickup_code', models.CharField(db_index=True, max_length=8, verbose_name='pickup code')),
                        ('total', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=10, verbose_name='total')),
                        ('amount_due', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=10, verbose_name='amount due')),
                        ('idempotency_key', models.CharField(blank=True, max_length=100, verbose_name='idempotency key')),
                        ('loyalty_discount', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=10, verbose_name='loyalty discount')),
                        ('points_redeemed', models.PositiveIntegerField(default=0, verbose_name='points redeemed')),
                        ('store_credit_used', models.DecimalField(decimal_places=2, default=Decimal('0'), help_text='Store credit (from refunds) spent on the order; it lowers the amount due.', max_digits=10, verbose_name='store credit used')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='placed')),
                        ('picking_started_at', models.DateTimeField(blank=True, null=True, verbose_name='picking started')),
                        ('ready_at', models.DateTimeField(blank=True, null=True, verbose_name='ready')),
                        ('collected_at', models.DateTimeField(blank=True, null=True, verbose_name='collected')),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled')),
                        ('expired_at', models.DateTimeField(blank=True, null=True, verbose_name='expired')),
                        ('hold_until', models.DateTimeField(blank=True, null=True, verbose_name='held until')),
                        ('customer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pickup_orders', to=settings.AUTH_USER_MODEL, verbose_name='customer')),
                        ('store', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pickup_orders', to='stores.store', verbose_name='pickup store')),
                    ],
                    options={
                        'verbose_name': 'pickup order',
                        'verbose_name_plural': 'pickup orders',
                        'db_table': 'shop_order',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='HandoverAttempt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('success', models.BooleanField(verbose_name='success')),
                        ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='when')),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('store', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='stores.store', verbose_name='store')),
                        ('order', models.ForeignKey(blank=True, help_text='Empty when a scanned code matched no order.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='handover_attempts', to='orders.order', verbose_name='order')),
                    ],
                    options={
                        'verbose_name': 'handover attempt',
                        'verbose_name_plural': 'handover attempts',
                        'db_table': 'shop_handoverattempt',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='OrderEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_status', models.CharField(blank=True, choices=[('placed', 'Placed'), ('picking', 'Picking'), ('ready', 'Ready for pickup'), ('collected', 'Collected'), ('cancelled', 'Cancelled'), ('expired', 'Expired')], max_length=16, verbose_name='from')),
                        ('to_status', models.CharField(choices=[('placed', 'Placed'), ('picking', 'Picking'), ('ready', 'Ready for pickup'), ('collected', 'Collected'), ('cancelled', 'Cancelled'), ('expired', 'Expired')], max_length=16, verbose_name='to')),
                        ('note', models.CharField(blank=True, max_length=255, verbose_name='note')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='when')),
                        ('actor', models.ForeignKey(blank=True, help_text='Empty when the system acted (for example the expiry job).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='orders.order', verbose_name='order')),
                    ],
                    options={
                        'verbose_name': 'order event',
                        'verbose_name_plural': 'order events',
                        'db_table': 'shop_orderevent',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='OrderLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sku', models.CharField(max_length=40, verbose_name='SKU')),
                        ('product_name', models.CharField(max_length=200, verbose_name='product')),
                        ('variant_label', models.CharField(blank=True, max_length=100, verbose_name='variant')),
                        ('unit_price', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='unit price')),
                        ('quantity', models.PositiveIntegerField(verbose_name='quantity')),
                        ('quantity_short', models.PositiveIntegerField(default=0, verbose_name='units short')),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='orders.order', verbose_name='order')),
                        ('variant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shop.variant', verbose_name='variant')),
                    ],
                    options={
                        'verbose_name': 'order line',
                        'verbose_name_plural': 'order lines',
                        'db_table': 'shop_orderline',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='CartLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('quantity', models.PositiveSmallIntegerField(verbose_name='quantity')),
                        ('added_at', models.DateTimeField(auto_now_add=True, verbose_name='added')),
                        ('cart', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='orders.cart', verbose_name='cart')),
                        ('variant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='shop.variant', verbose_name='variant')),
                    ],
                    options={
                        'verbose_name': 'cart line',
                        'verbose_name_plural': 'cart lines',
                        'db_table': 'shop_cartline',
                        'ordering': ['added_at', 'id'],
                        'constraints': [models.UniqueConstraint(fields=('cart', 'variant'), name='cartline_unique_variant'), models.CheckConstraint(condition=models.Q(('quantity__gte', 1), ('quantity__lte', 99)), name='cartline_quantity_range')],
                    },
                ),
                migrations.AddIndex(
                    model_name='order',
                    index=models.Index(fields=['store', 'status', 'created_at'], name='order_store_status_created'),
                ),
                migrations.AddIndex(
                    model_name='order',
                    index=models.Index(fields=['store', '-created_at', '-id'], name='order_store_created'),
                ),
                migrations.AddIndex(
                    model_name='order',
                    index=models.Index(fields=['-created_at', '-id'], name='order_created'),
                ),
                migrations.AddIndex(
                    model_name='order',
                    index=models.Index(fields=['status', 'hold_until'], name='order_status_hold'),
                ),
                migrations.AddIndex(
                    model_name='order',
                    index=models.Index(fields=['customer', '-created_at'], name='order_customer_created'),
                ),
                migrations.AddConstraint(
                    model_name='order',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['placed', 'picking', 'ready', 'collected', 'cancelled', 'expired'])), name='order_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='order',
                    constraint=models.CheckConstraint(condition=models.Q(('total__gte', 0)), name='order_total_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='order',
                    constraint=models.CheckConstraint(condition=models.Q(('amount_due__gte', 0)), name='order_amount_due_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='order',
                    constraint=models.CheckConstraint(condition=models.Q(('store_credit_used__gte', 0)), name='order_store_credit_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='order',
                    constraint=models.UniqueConstraint(condition=models.Q(('idempotency_key', ''), _negated=True), fields=('customer', 'idempotency_key'), name='order_unique_customer_idempotency_key'),
                ),
                migrations.AddIndex(
                    model_name='handoverattempt',
                    index=models.Index(fields=['order', 'success', 'created_at'], name='handover_order'),
                ),
                migrations.AddIndex(
                    model_name='handoverattempt',
                    index=models.Index(fields=['store', 'actor', 'success', 'created_at'], name='handover_store_actor'),
                ),
                migrations.AddIndex(
                    model_name='orderevent',
                    index=models.Index(fields=['order', 'created_at'], name='orderevent_order_created'),
                ),
                migrations.AddConstraint(
                    model_name='orderline',
                    constraint=models.UniqueConstraint(fields=('order', 'variant'), name='orderline_unique_variant'),
                ),
                migrations.AddConstraint(
                    model_name='orderline',
                    constraint=models.CheckConstraint(condition=models.Q(('quantity__gte', 1)), name='orderline_quantity_positive'),
                ),
                migrations.AddConstraint(
                    model_name='orderline',
                    constraint=models.CheckConstraint(condition=models.Q(('quantity_short__lte', models.F('quantity'))), name='orderline_short_within_quantity'),
                ),
                migrations.AddConstraint(
                    model_name='orderline',
                    constraint=models.CheckConstraint(condition=models.Q(('unit_price__gte', 0)), name='orderline_price_not_negative'),
                ),
            ],
        ),
        migrations.RunPython(content_types_to("shop", "orders"), content_types_to("orders", "shop")),
    ]
