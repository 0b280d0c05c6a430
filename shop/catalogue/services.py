"""Writes to the catalogue that more than one caller makes (admin, demo data, API)."""

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from shop.catalogue.errors import PriceError
from shop.catalogue.images import make_thumbnail, validate_product_image
from shop.catalogue.models import Category, PriceChange, Product, ProductImage, Variant
from shop.catalogue.search_index import delete_documents, search_document, write_documents
from shop.catalogue.search_vocabulary import vocabulary_build, vocabulary_extend
from shop.catalogue.selectors import lowest_price_before

REFRESH_BATCH = 1000


class ProductImageError(ValidationError):
    """An upload that is not a product image we accept; the message is meant for a person."""


@transaction.atomic
def product_image_add(
    *,
    product: Product,
    file: File,
    alt_text: str = "",
    position: int | None = None,
    colour: str = "",
) -> ProductImage:
    """Check an uploaded image, store it with a WebP thumbnail and return the new row.

    `colour`: the image shows the product in that colour (as written on its variants), and
    the product page shows it when that colour is chosen; empty for every colour.

    Raises ProductImageError (not an image, too large, too many pixels); then nothing is stored.
    """
    try:
        validate_product_image(file)
    except ValidationError as error:
        raise ProductImageError(error.messages) from None
    if position is None:
        last = product.images.order_by("-position").values_list("position", flat=True).first()
        position = 0 if last is None else last + 1
    image = ProductImage(
        product=product, alt_text=alt_text or product.name, position=position, colour=colour
    )
    # An upload without a file name (possible for a File built in code) is stored as "image".
    image.image.save(PurePath(file.name or "image").name, file, save=False)
    stem = PurePath(image.image.name or "image").stem
    image.thumbnail.save(f"{stem}.webp", make_thumbnail(file, stem), save=False)
    image.save()
    return image


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    """Remove an image row; its files go once the deletion is committed."""
    stored = [(f.storage, f.name) for f in (image.image, image.thumbnail) if f.name]
    image.delete()

    def delete_files() -> None:
        for storage, name in stored:
            storage.delete(name)

    transaction.on_commit(delete_files)


PRICE_FIELDS = ("price", "sale_price", "sale_from", "sale_until")


@transaction.atomic
def variant_price_set(
    *,
    variant: Variant,
    price: Decimal,
    sale_price: Decimal | None = None,
    sale_from: dt.datetime | None = None,
    sale_until: dt.datetime | None = None,
    actor: User | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Variant:
    """Set a variant's price and sale, record the change in the price history and work out the
    sale's reference price: the lowest price of the 30 days before the sale starts (§ 11 PAngV).

    The one path for price changes (admin, demo data, scripts). A variant without history first
    gets an entry with its settings so far. Setting what is already set records nothing.
    Raises PriceError (negative price, a sale price not below the price, a period that ends
    before it starts); then nothing is changed.
    """
    now = now or timezone.now()
    price = Decimal(price)
    sale_price = None if sale_price is None else Decimal(sale_price)
    if price < 0:
        raise PriceError(_("A price cannot be negative."))
    if sale_price is not None and not 0 <= sale_price < price:
        raise PriceError(_("A sale price must be lower than the price."))
    if sale_price is None and (sale_from or sale_until):
        raise PriceError(_("A sale period needs a sale price."))
    if sale_from and sale_until and sale_until <= sale_from:
        raise PriceError(_("A sale must end after it starts."))
    locked = Variant.objects.select_for_update().get(pk=variant.pk)
    history = PriceChange.objects.filter(variant=locked)
    if not history.exists():
        PriceChange.objects.create(
            variant=locked,
            **{field: getattr(locked, field) for field in PRICE_FIELDS},
            changed_at=now,
            note="initial",
        )
    wanted = {
        "price": price,
        "sale_price": sale_price,
        "sale_from": sale_from,
        "sale_until": sale_until,
    }
    if all(getattr(locked, field) == value for field, value in wanted.items()):
        return locked
    for field, value in wanted.items():
        setattr(locked, field, value)
    PriceChange.objects.create(
        variant=locked, **wanted, changed_at=now, changed_by=actor, note=note[:100]
    )
    locked.sale_reference_price = (
        None if sale_price is None else lowest_price_before(variant=locked, start=sale_from or now)
    )
    locked.save(update_fields=[*PRICE_FIELDS, "sale_reference_price"])
    return locked


def product_search_index_refresh(*, product_ids: Collection[int] | None = None) -> int:
    """Rebuild the search documents of these products (all when None); returns how many.

    Called whenever a product, one of its variants or its category changes (see
    shop.catalogue.signals) and after bulk loads (demo data, `manage.py search_reindex`).
    """
    ids = list(
        Product.objects.order_by("pk").values_list("pk", flat=True)
        if product_ids is None
        else sorted(set(product_ids))
    )
    colours = Prefetch(
        "variants", queryset=Variant.objects.filter(is_active=True).only("product_id", "colour")
    )
    for start in range(0, len(ids), REFRESH_BATCH):
        chunk = ids[start : start + REFRESH_BATCH]
        products = (
            Product.objects.filter(pk__in=chunk)
            .select_related("category", "category__parent")
            .prefetch_related(colours)
            .only(
                "name",
                "brand",
                "description",
                "category__name",
                "category__parent__name",
            )
        )
        documents = [
            search_document(
                product_id=product.pk,
                name=product.name,
                brand=product.brand,
                categories=_category_names(product.category),
                description=product.description,
                colours=dict.fromkeys(v.colour for v in product.variants.all() if v.colour),
            )
            for product in products
        ]
        write_documents(connection, documents)
        found = {d.product_id for d in documents}
        delete_documents(connection, [pk for pk in chunk if pk not in found])
        if vocabulary_extend(documents) is None:
            search_vocabulary_rebuild()
    return len(ids)


def search_vocabulary_rebuild() -> None:
    """The spelling vocabulary from every active product, into the cache."""
    rows = Product.objects.active().values_list("search_words", "description")
    vocabulary_build(rows.iterator(chunk_size=2000))


def product_search_index_remove(*, product_ids: Collection[int]) -> None:
    """Forget deleted products (on SQLite their FTS rows; PostgreSQL drops them with the row)."""
    delete_documents(connection, sorted(product_ids))


def category_product_ids(*, category: Category) -> list[int]:
    """Products whose search document carries this category's name (its own or its parent's)."""
    return list(
        Product.objects.filter(Q(category=category) | Q(category__parent=category)).values_list(
            "pk", flat=True
        )
    )


def _category_names(category: Category) -> list[str]:
    names = [category.name]
    if category.parent_id is not None and category.parent is not None:
        names.append(category.parent.name)
    return names
