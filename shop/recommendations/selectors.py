"""Recommendations as the pages show them: one query each, products in stock at the shopper's
store first, then by score. Inactive products are left out here too (a product deactivated
since the last nightly run)."""

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import User
from inventory.models import StockLevel
from shop.catalogue.models import (
    Product,
    ProductImage,
    Variant,
    current_price_expression,
    sale_active_q,
)
from stores.models import Store

SHOWN = 4
# In stock at the shopper's store first, then the higher score, then the older product.
ORDER = (F("in_my_store").desc(), F("score").desc(), F("pk").asc())


def _cards(rows: QuerySet[Product], store: Store | None) -> QuerySet[Product]:
    """Active products with a card's price range, sale, thumbnail and `in_my_store`."""
    now = timezone.now()
    current = current_price_expression(now)
    variants = Variant.objects.filter(product=OuterRef("pk"), is_active=True)
    prices = variants.order_by().values("product")
    cheapest = variants.annotate(
        current=current,
        sale_running=Case(
            When(sale_active_q(now), then=True), default=False, output_field=BooleanField()
        ),
    ).order_by("current", "position", "pk")
    first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "pk")
    in_my_store: Exists | Value
    if store is None:
        in_my_store = Value(False, output_field=BooleanField())
    else:
        in_my_store = Exists(
            StockLevel.objects.filter(
                store_id=store.pk,
                variant__product_id=OuterRef("pk"),
                variant__is_active=True,
                on_hand__gt=F("reserved") + F("safety_buffer"),
            )
        )
    return (
        rows.filter(is_active=True)
        .defer("search_vector", "search_words")
        .annotate(
            price_min=Subquery(prices.annotate(v=Min(current)).values("v")[:1]),
            price_max=Subquery(prices.annotate(v=Max(current)).values("v")[:1]),
            cheapest_on_sale=Subquery(cheapest.values("sale_running")[:1]),
            cheapest_reference_price=Subquery(cheapest.values("sale_reference_price")[:1]),
            cheapest_net_quantity=Subquery(cheapest.values("net_quantity")[:1]),
            cheapest_quantity_unit=Subquery(cheapest.values("quantity_unit")[:1]),
            thumbnail=Subquery(first_image.values("thumbnail")[:1]),
            thumbnail_alt=Subquery(first_image.values("alt_text")[:1]),
            in_my_store=in_my_store,
        )
    )


def also_bought(*, product: Product, store: Store | None, limit: int = SHOWN) -> list[Product]:
    """ "Kunden kauften auch": products bought together with `product`, in one query."""
    rows = Product.objects.filter(also_bought_rows__product=product).annotate(
        score=F("also_bought_rows__score")
    )
    return list(_cards(rows, store).order_by(*ORDER)[:limit])


def customer_picks(*, customer: User, store: Store | None, limit: int = SHOWN) -> list[Product]:
    """ "Für Sie": the customer's picks of the last nightly run, in one query."""
    if not customer.is_authenticated:
        return []
    rows = Product.objects.filter(customer_pick_rows__customer=customer).annotate(
        score=F("customer_pick_rows__score")
    )
    return list(_cards(rows, store).order_by(*ORDER)[:limit])
