"""Reads for the cart and checkout pages: lines with images, availability at the shopper's store,
and the stores that can supply the whole cart. A fixed number of queries, whatever the cart holds."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.types import AnyUser
from core.vat import VatAmount, vat_breakdown
from inventory.models import StockLevel
from inventory.selectors import availability_at_store
from shop.catalogue.models import ProductImage, Variant
from shop.orders.models import Cart, CartLine
from shop.orders.models.cart import CART_SESSION_KEY
from shop.storefront.selectors import LOW_STOCK_MAX
from stores.calendar import calendar_prefetches
from stores.geo import Point, distance_km_expression
from stores.models import Store
from stores.promise import annotate_promises


@dataclass(frozen=True)
class CartRow:
    line: CartLine
    available: int | None  # units available at the chosen store; None without a store

    @property
    def variant(self) -> Variant:
        return self.line.variant

    @property
    def image(self) -> ProductImage | None:
        images = self.line.variant.product.images.all()
        return images[0] if images else None

    @property
    def is_orderable(self) -> bool:
        variant = self.line.variant
        return variant.is_active and variant.product.is_active

    @property
    def availability(self) -> str:
        """ "ok" (enough here), "low" (enough, but only a few left), "short" (fewer than wanted)
        or "none" (nothing here); "" when no store is chosen."""
        if self.available is None:
            return ""
        if self.available == 0:
            return "none"
        if self.available < self.line.quantity:
            return "short"
        if self.available <= LOW_STOCK_MAX:
            return "low"
        return "ok"


@dataclass(frozen=True)
class CartView:
    rows: list[CartRow]
    store: Store | None
    stores: list[Store]  # pickup stores, nearest first, each with `supplies_all`

    @property
    def count(self) -> int:
        return sum(row.line.quantity for row in self.rows)

    @property
    def total(self) -> Decimal:
        return sum((row.line.line_total for row in self.rows), Decimal("0.00"))

    @property
    def vat_breakdown(self) -> list[VatAmount]:
        return vat_breakdown((row.line.line_total, row.line.vat_rate) for row in self.rows)

    @property
    def supplying_stores(self) -> list[Store]:
        # `supplies_all` is set on each store by pickup_stores_for (not a model field).
        return [store for store in self.stores if store.supplies_all]  # type: ignore[attr-defined]

    @property
    def store_supplies_all(self) -> bool:
        return self.store is not None and all(
            row.availability in ("ok", "low") for row in self.rows
        )

    @property
    def has_unorderable(self) -> bool:
        return any(not row.is_orderable for row in self.rows)


def cart_lines(cart: Cart | None) -> list[CartLine]:
    """The cart's lines with variant, product and images, in two queries."""
    if cart is None:
        return []
    return list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product")
        .prefetch_related(
            Prefetch(
                "variant__product__images",
                queryset=ProductImage.objects.order_by("position", "id"),
            )
        )
    )


def cart_item_count(*, user: AnyUser, session: SessionBase) -> int:
    """Units in the shopper's cart, for the header: one query, none for a session without a cart."""
    if user.is_authenticated:
        lines = CartLine.objects.filter(cart__user=user)
    elif token := session.get(CART_SESSION_KEY):
        lines = CartLine.objects.filter(cart__token=token, cart__user__isnull=True)
    else:
        return 0
    return lines.aggregate(units=Coalesce(Sum("quantity"), 0))["units"]


def cart_units_subquery(user: User) -> Subquery:
    """Units in a logged-in shopper's cart, as a scalar subquery for the header's one query."""
    units = (
        CartLine.objects.filter(cart__user=user)
        .order_by()
        .values("cart__user")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    return Subquery(units)


def pickup_stores_for(quantities: Mapping[int, int], origin: Point | None) -> list[Store]:
    """Pickup-enabled stores, nearest first, each annotated with `supplies_all`: whether it has
    every variant of `quantities` ({variant_id: units}) available in the wanted number. One query."""
    stores = Store.objects.pickup().prefetch_related(*calendar_prefetches())
    if origin is None:
        stores = stores.order_by("name")
    else:
        stores = stores.annotate(distance_km=distance_km_expression(origin)).order_by(
            "distance_km", "name"
        )
    if not quantities:
        return [_with_supplies(store, False) for store in stores]
    enough = Q()
    for variant_id, units in quantities.items():
        enough |= Q(variant_id=variant_id, on_hand__gte=F("reserved") + F("safety_buffer") + units)
    lines_supplied = (
        StockLevel.objects.filter(enough, store_id=OuterRef("pk"))
        .values("store_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    stores = stores.annotate(
        lines_supplied=Coalesce(Subquery(lines_supplied, output_field=IntegerField()), Value(0))
    )
    return [_with_supplies(store, store.lines_supplied == len(quantities)) for store in stores]


def _with_supplies(store: Store, supplies_all: bool) -> Store:
    store.supplies_all = supplies_all  # type: ignore[attr-defined]  # for the template, not a field
    return store


def cart_view(cart: Cart | None, store: Store | None) -> CartView:
    """Everything the cart page shows, in a fixed number of queries."""
    lines = cart_lines(cart)
    quantities = cart_quantities(lines)
    available = availability_at_store(store.pk, quantities) if store and quantities else {}
    rows = [
        CartRow(line=line, available=available.get(line.variant_id, 0) if store else None)
        for line in lines
    ]
    origin = Point(float(store.latitude), float(store.longitude)) if store else None
    stores = pickup_stores_for(quantities, origin)
    # Each store's "ready today from 16:00" (its calendar and queue, three queries in all).
    annotate_promises([s for s in stores if getattr(s, "supplies_all", False)])
    return CartView(rows=rows, store=store, stores=stores)


def cart_quantities(lines: list[CartLine]) -> dict[int, int]:
    return {line.variant_id: line.quantity for line in lines}
