"""Store credit joins the points in the customer's wallet: the model moves from returns to loyalty.

The table stays (the model names it), so only the state moves; the content type is renamed so
that permissions and admin log entries follow."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to(label_from, label_to):
    def move(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        content_type.objects.using(schema_editor.connection.alias).filter(
            app_label=label_from, model="storecreditentry"
        ).update(app_label=label_to)

    return move


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('returns', '0002_order_fks_to_orders_app'),
        ('loyalty', '0003_field_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='StoreCreditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='amount')),
                        ('source', models.CharField(help_text='What caused it, e.g. refund:<return code> or order:<number>; each once.', max_length=64, unique=True, verbose_name='source')),
                        ('note', models.CharField(blank=True, max_length=255, verbose_name='note')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='when')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='store_credit_entries', to=settings.AUTH_USER_MODEL, verbose_name='customer')),
                    ],
                    options={
                        'verbose_name': 'store credit entry',
                        'verbose_name_plural': 'store credit entries',
                        'db_table': 'returns_storecreditentry',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['user', '-created_at'], name='storecredit_user_created')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('amount', 0), _negated=True), name='storecredit_amount_not_zero')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_type_to("returns", "loyalty"), content_type_to("loyalty", "returns")),
    ]
