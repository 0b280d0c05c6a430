import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Sum

from inventory.models import MovementKind, StockLevel, StockMovement
from loyalty.models import Promotion
from shop.catalogue.models import Category, Product, ProductImage, Variant
from shop.demo.catalogue_data import demo_products, ean13
from shop.orders.models import Order, OrderStatus
from stores.models import OpeningHours, StaffMembership, StaffRole, Store

pytestmark = pytest.mark.django_db

MODELS = [
    Store,
    OpeningHours,
    Category,
    Product,
    Variant,
    ProductImage,
    StockLevel,
    StockMovement,
    Order,
    Promotion,
]


def counts() -> dict[str, int]:
    users = get_user_model().objects.count()
    return {m.__name__: m.objects.count() for m in MODELS} | {"users": users}


def seed(*args):
    call_command("seed_demo", "--size", "products=12,stores=3", *args, verbosity=0)


def test_a_second_run_adds_nothing_and_the_ledger_matches(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed()
    first = counts()
    seed()
    assert counts() == first
    assert first["Store"] == 3
    # a welcome coupon for the online shop and an automatic offer for Gold members
    assert sorted(p.automatic for p in Promotion.objects.all()) == [False, True]
    assert first["Product"] == 12
    # One picture per product and colour, marked with its colour for the product page.
    pairs = set(Variant.objects.values_list("product_id", "colour"))
    assert first["ProductImage"] == len(pairs) > 12
    assert set(ProductImage.objects.values_list("product_id", "colour")) == pairs
    assert first["Variant"] >= 12
    # the demo shopper's orders went through the real services, one in each state
    assert sorted(Order.objects.values_list("status", flat=True)) == sorted(
        [OrderStatus.COLLECTED, OrderStatus.READY, OrderStatus.PICKING, OrderStatus.PLACED]
    )
    ledger = {
        (row["store_id"], row["variant_id"]): (row["units"], row["reserved"])
        for row in StockMovement.objects.values("store_id", "variant_id").annotate(
            units=Sum("quantity"), reserved=Sum("reserved_delta")
        )
    }
    for level in StockLevel.objects.all():
        key = (level.store_id, level.variant_id)
        assert (level.on_hand, level.reserved) == ledger.get(key, (0, 0))
    assert MovementKind.RECEIPT in set(StockMovement.objects.values_list("kind", flat=True))
    image = ProductImage.objects.first()
    assert (tmp_path / image.image.name).exists()
    assert (tmp_path / image.thumbnail.name).exists()


def test_a_larger_size_extends_the_chain(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed("--images", "none")
    levels_before = StockLevel.objects.count()
    call_command("seed_demo", "--products", "15", "--stores", "4", "--images", "none", verbosity=0)
    assert (Store.objects.count(), Product.objects.count()) == (4, 15)
    assert StockLevel.objects.count() > levels_before
    new_store = Store.objects.order_by("-pk").first()
    assert new_store.stock_levels.exists()
    assert new_store.opening_hours.exists()


def test_demo_data_looks_like_a_german_chain(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--products", "40", "--images", "none", verbosity=0)
    stores = Store.objects.all()
    assert {s.city for s in stores} >= {"Berlin", "Hamburg", "München", "Köln"}
    # Each store knows its federal state, so holidays are the right ones.
    assert {s.code: s.state for s in stores if s.code in ("berlin", "koeln", "muenchen")} == {
        "berlin": "BE",
        "koeln": "NW",
        "muenchen": "BY",
    }
    assert all(s.state for s in stores)
    assert all(s.pickup_enabled for s in stores)
    assert not OpeningHours.objects.filter(weekday=6).exists()  # closed on Sunday
    assert OpeningHours.objects.filter(weekday=5).exclude(closes__hour=20).exists()
    assert Category.objects.filter(parent=None).count() >= 6
    assert Category.objects.exclude(parent=None).count() >= 20
    for variant in Variant.objects.all():
        assert variant.ean == ean13(variant.ean[:12])
        assert variant.price > 0
    assert min(p.variants.count() for p in Product.objects.all()) >= 1
    assert max(p.variants.count() for p in Product.objects.all()) <= 6
    # Stock differs by store: some sold out, some down to their last units.
    assert StockLevel.objects.filter(on_hand=0).exists()
    assert StockLevel.objects.filter(on_hand__in=[1, 2, 3]).exists()
    totals = StockLevel.objects.values("store").annotate(units=Sum("on_hand"))
    assert len({t["units"] for t in totals}) == len(totals)


def test_demo_accounts_can_use_what_their_role_needs(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    seed("--images", "none")
    User = get_user_model()
    associate = User.objects.get(email="verkauf.berlin@omnishop.example")
    manager = User.objects.get(email="leitung.berlin@omnishop.example")
    assert associate.is_staff and not associate.is_superuser
    assert associate.has_perm("inventory.view_stocklevel")
    assert not associate.has_perm("inventory.change_stocklevel")
    assert manager.has_perm("inventory.change_stocklevel")
    assert StaffMembership.objects.get(user=manager).role == StaffRole.MANAGER
    hamburg = User.objects.get(email="verkauf.hamburg@omnishop.example")
    assert hamburg.store_memberships.get().store != associate.store_memberships.get().store
    assert User.objects.get(email="admin@omnishop.example").is_superuser
    assert client.login(email="kunde@omnishop.example", password="omnishop-kunde")
    assert client.login(email="verkauf.berlin@omnishop.example", password="omnishop-verkauf")
    assert client.get("/admin/inventory/stocklevel/").status_code == 200


def test_ean13_check_digit():
    assert ean13("400638133393") == "4006381333931"  # a real EAN
    assert ean13("426000000001") == "4260000000011"


def test_generated_products_are_stable_and_unique():
    small, large = demo_products(30), demo_products(300)
    assert small == large[:30]
    assert len({p.slug for p in large}) == 300
    assert len({v.sku for p in large for v in p.variants}) == sum(len(p.variants) for p in large)


@pytest.mark.parametrize("size", ["products=abc", "items=5", "products", "products=0,stores=2"])
def test_a_bad_size_is_refused_before_anything_is_written(size):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--size", size, "--images", "none", verbosity=0)
    assert not Store.objects.exists()
    assert not Product.objects.exists()


def test_low_stock_report_shows_a_few_lines_and_berlin_has_two_associates(
    settings, tmp_path, client
):
    from inventory.models import StockLevel
    from stores.models import StaffMembership, StaffRole

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--products", "120", "--stores", "3", "--images", "none", verbosity=0)
    berlin = StaffMembership.objects.get(user__email="verkauf.berlin@omnishop.example").store
    second = StaffMembership.objects.get(user__email="verkauf2.berlin@omnishop.example")
    assert (second.store, second.role) == (berlin, StaffRole.ASSOCIATE)
    levels = StockLevel.objects.filter(store=berlin)
    assert 0 < levels.filter(reorder_point__gt=0).count() < levels.count() / 10
    assert client.login(email="verkauf2.berlin@omnishop.example", password="omnishop-verkauf")
    html = client.get("/stock/low/").content.decode()
    rows = html.count("<tr><td>")
    low = StockLevel.objects.below_reorder_point().filter(store=berlin).count()
    assert 1 <= rows == low <= 30
