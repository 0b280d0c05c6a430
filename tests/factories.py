import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from inventory.services import stock_receive
from shop.catalogue.models import Category, Product, ProductImage, Variant
from stores.models import OpeningHours, StaffMembership, StaffRole, Store

PASSWORD = "correct-horse-42"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    first_name = "Erika"
    last_name = "Mustermann"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StoreFactory(DjangoModelFactory):
    class Meta:
        model = Store
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"store-{n}")
    name = factory.Sequence(lambda n: f"Filiale {n}")
    street = "Hauptstraße 1"
    postcode = "10115"
    city = "Berlin"
    latitude = Decimal("52.520008")
    longitude = Decimal("13.404954")

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        """Open 09:00–20:00 Monday to Saturday unless `hours=[]` is given."""
        if not create:
            return
        rows = extracted if extracted is not None else [(day, "09:00", "20:00") for day in range(6)]
        OpeningHours.objects.bulk_create(
            OpeningHours(
                store=obj,
                weekday=day,
                opens=dt.time.fromisoformat(opens),
                closes=dt.time.fromisoformat(closes),
            )
            for day, opens, closes in rows
        )


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Kategorie {n}")
    slug = factory.Sequence(lambda n: f"kategorie-{n}")


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Wanderjacke {n}")
    slug = factory.Sequence(lambda n: f"wanderjacke-{n}")
    brand = "Bergwerk"
    description = "Wasserdicht und atmungsaktiv."


class VariantFactory(DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    size = "M"
    colour = "Blau"
    price = Decimal("49.90")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As read from the database (a price given as "49.90" becomes a Decimal), like every
        # variant the services get from a view: checkout trusts variants loaded with their product.
        variant = super()._create(model_class, *args, **kwargs)
        variant.refresh_from_db()
        return variant


def staff(store: Store, role: str = StaffRole.ASSOCIATE, **kwargs) -> User:
    user = UserFactory(is_staff=True, **kwargs)
    StaffMembership.objects.create(user=user, store=store, role=role)
    return user


def stock(store: Store, variant: Variant, on_hand: int, safety_buffer: int = 0):
    """Put units on a store's shelf through the ledger, as a delivery would."""
    from inventory.models import StockLevel

    if on_hand:
        stock_receive(store_id=store.pk, variant_id=variant.pk, quantity=on_hand, reference="test")
    level, _ = StockLevel.objects.get_or_create(store=store, variant=variant)
    if safety_buffer:
        level.safety_buffer = safety_buffer
        level.save(update_fields=["safety_buffer"])
    level.refresh_from_db()
    return level


def pickup_order(store: Store, items, customer: User | None = None, status: str = "placed", **kw):
    """A pickup order placed through the service, then moved to `status` by an associate.

    `items` is a list of (variant, quantity); stock must already be on the shelf.
    """
    from shop.orders.models import OrderStatus
    from shop.orders.services import orders as services

    customer = customer or UserFactory()
    order = services.order_place(
        customer=customer, store=store, lines=items, phone=kw.pop("phone", "+49 30 1234567"), **kw
    )
    if status == OrderStatus.PLACED:
        return order
    if status == OrderStatus.CANCELLED:
        return services.order_cancel(order=order, actor=customer)
    associate = UserFactory(is_superuser=True, is_staff=True)
    order = services.order_start_picking(order=order, actor=associate)
    if status in (OrderStatus.READY, OrderStatus.COLLECTED):
        order = services.order_mark_ready(order=order, actor=associate)
    if status == OrderStatus.COLLECTED:
        order = services.order_collect(order=order, code=order.pickup_code, actor=associate)
    return order


def collected_order(store: Store, items, customer: User | None = None):
    """A pickup order collected through the real services (which earn its loyalty points)."""
    return pickup_order(store, items, customer=customer, status="collected")


def loyalty_account(user: User | None = None):
    """A loyalty account (with its card number) for `user`, or for a new shopper."""
    from loyalty.services import loyalty_account_open

    return loyalty_account_open(user=user or UserFactory())


# --- stock integrity (issue 7) ---


def store_token(store: Store, name: str = "Kasse 1") -> str:
    """A per-store API token's plain key, as a till would hold it."""
    from stores.tokens import store_token_create

    return store_token_create(store=store, name=name)[1]


def reserve(store: Store, variant: Variant, units: int, reference: str) -> None:
    """Reserve units for a pickup order `reference`, as checkout does."""
    from inventory.services import stock_reserve

    stock_reserve(store_id=store.pk, reference=reference, quantities={variant.pk: units})


class ProductImageFactory(DjangoModelFactory):
    """A picture row pointing at a file name; enough for URLs, no file is written."""

    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.Sequence(lambda n: f"products/test/{n}.jpg")
    thumbnail = factory.Sequence(lambda n: f"products/thumbs/{n}.webp")
    alt_text = "Produktbild"


def product_with_variants(variants: int = 2, **kwargs) -> Product:
    """A product with `variants` variants (sizes S, M, L, …) and one picture."""
    product = ProductFactory(**kwargs)
    for i in range(variants):
        VariantFactory(product=product, size=("S", "M", "L", "XL", "XXL", "3XL")[i % 6])
    ProductImageFactory(product=product)
    return product


def stocked_variant(store: Store, price: str, units: int = 10) -> Variant:
    """A variant at `price` with `units` on the shelf of `store`."""
    variant = VariantFactory(price=price)
    stock(store, variant, units)
    return variant
