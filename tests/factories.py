import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from inventory.services import stock_receive
from shop.models import Category, Product, ProductImage, Variant
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
