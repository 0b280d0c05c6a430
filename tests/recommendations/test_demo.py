"""After `make run` (seed_demo) the product page and the card page show recommendations."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from loyalty.models import TillReceipt
from shop.demo.seed import DEMO_ACCOUNTS
from shop.recommendations.models import AlsoBought, CustomerPick

pytestmark = pytest.mark.django_db


def test_demo_data_has_co_purchases_and_picks_for_the_demo_shopper(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--size", "products=40,stores=2", "--images", "none", verbosity=0)
    assert TillReceipt.objects.filter(number__startswith="DEMO-R").count() == 12
    assert AlsoBought.objects.exists()
    shopper = get_user_model().objects.get(email=DEMO_ACCOUNTS[0].email)
    assert CustomerPick.objects.filter(customer=shopper).exists()
    # a second run books nothing again and leaves the same recommendations
    pairs = sorted(AlsoBought.objects.values_list("product_id", "related_id", "score"))
    call_command("seed_demo", "--size", "products=40,stores=2", "--images", "none", verbosity=0)
    assert TillReceipt.objects.filter(number__startswith="DEMO-R").count() == 12
    assert sorted(AlsoBought.objects.values_list("product_id", "related_id", "score")) == pairs
    client.force_login(shopper)
    html = client.get(reverse("loyalty:card")).content.decode()
    assert 'data-testid="for-you"' in html
    product = AlsoBought.objects.select_related("product").first().product
    assert 'data-testid="also-bought"' in client.get(product.get_absolute_url()).content.decode()
