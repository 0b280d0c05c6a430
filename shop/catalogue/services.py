"""Writes to the catalogue that more than one caller makes (admin, demo data, API)."""

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
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
from shop.catalogue.selectors import REFERENCE_DAYS, lowest_price_in
from shop.catalogue.versions import catalogue_changed

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


@dataclass(frozen=True)
class PriceSetting:
    """What `variant_prices_set` sets on one variant."""

    variant: Variant
    price: Decimal
    sale_price: Decimal | None = None
    sale_from: dt.datetime | None = None
    sale_until: dt.datetime | None = None


def price_refusal(
    *,
    price: Decimal,
    sale_price: Decimal | None,
    sale_from: dt.datetime | None,
    sale_until: dt.datetime | None,
) -> str | None:
    """Why these price settings cannot be set (a sentence), or None when they can."""
    if price < 0:
        return _("A price cannot be negative.")
    if sale_price is not None and not 0 <= sale_price < price:
        return _("A sale price must be lower than the price.")
    if sale_price is None and (sale_from or sale_until):
        return _("A sale period needs a sale price.")
    if sale_from and sale_until and sale_until <= sale_from:
        return _("A sale must end after it starts.")
    return None


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

    The one path for price changes (admin, demo data, scripts; the catalogue feed uses
    `variant_prices_set`, the same for many variants). A variant without history first
    gets an entry with its settings so far. Setting what is already set records nothing.
    Raises PriceError (negative price, a sale price not below the price, a period that ends
    before it starts); then nothing is changed.
    """
    setting = PriceSetting(
        variant=variant,
        price=Decimal(price),
        sale_price=None if sale_price is None else Decimal(sale_price),
        sale_from=sale_from,
        sale_until=sale_until,
    )
    refusal = price_refusal(
        price=setting.price,
        sale_price=setting.sale_price,
        sale_from=sale_from,
        sale_until=sale_until,
    )
    if refusal:
        raise PriceError(refusal)
    locked = Variant.objects.select_for_update().get(pk=variant.pk)
    _prices_write(
        [PriceSetting(locked, setting.price, setting.sale_price, sale_from, sale_until)],
        actor=actor,
        note=note,
        now=now or timezone.now(),
    )
    return locked


@transaction.atomic
def variant_prices_set(
    *,
    settings: Sequence[PriceSetting],
    actor: User | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> int:
    """`variant_price_set` for many variants in a handful of statements, whatever their number:
    the same checks, history entries and reference prices. The caller has locked the variants'
    rows (select_for_update) and passes those instances. Returns how many changed.

    Raises PriceError naming the first SKU whose settings cannot be set; then nothing changes.
    """
    for setting in settings:
        refusal = price_refusal(
            price=setting.price,
            sale_price=setting.sale_price,
            sale_from=setting.sale_from,
            sale_until=setting.sale_until,
        )
        if refusal:
            raise PriceError(f"{setting.variant.sku}: {refusal}")
    return _prices_write(settings, actor=actor, note=note, now=now or timezone.now())


def _prices_write(
    settings: Sequence[PriceSetting], *, actor: User | None, note: str, now: dt.datetime
) -> int:
    changed = [
        s
        for s in settings
        if (s.price, s.sale_price, s.sale_from, s.sale_until)
        != tuple(getattr(s.variant, name) for name in PRICE_FIELDS)
    ]
    ids = [s.variant.pk for s in settings]
    with_history: set[int] = set()
    for start in range(0, len(ids), REFRESH_BATCH):
        with_history.update(
            PriceChange.objects.filter(variant_id__in=ids[start : start + REFRESH_BATCH])
            .values_list("variant_id", flat=True)
            .distinct()
        )
    # A variant without history first gets an entry with its settings so far.
    rows = [
        PriceChange(
            variant=s.variant,
            **{name: getattr(s.variant, name) for name in PRICE_FIELDS},
            changed_at=now,
            note="initial",
        )
        for s in settings
        if s.variant.pk not in with_history
    ]
    rows += [
        PriceChange(
            variant=s.variant,
            price=s.price,
            sale_price=s.sale_price,
            sale_from=s.sale_from,
            sale_until=s.sale_until,
            changed_at=now,
            changed_by=actor,
            note=note[:100],
        )
        for s in changed
    ]
    PriceChange.objects.bulk_create(rows, batch_size=REFRESH_BATCH)
    history = _history_before(
        [s.variant.pk for s in changed if s.sale_price is not None],
        until=max((s.sale_from or now for s in changed), default=now),
    )
    for s in changed:
        variant = s.variant
        variant.price, variant.sale_price = s.price, s.sale_price
        variant.sale_from, variant.sale_until = s.sale_from, s.sale_until
        sale_start = s.sale_from or now
        variant.sale_reference_price = (
            None
            if s.sale_price is None
            else lowest_price_in(
                [row for row in history.get(variant.pk, []) if row.changed_at < sale_start],
                sale_start - dt.timedelta(days=REFERENCE_DAYS),
                sale_start,
            )
        )
    Variant.objects.bulk_update(
        [s.variant for s in changed],
        [*PRICE_FIELDS, "sale_reference_price"],
        batch_size=REFRESH_BATCH,
    )
    if changed:
        catalogue_changed()
    return len(changed)


def _history_before(variant_ids: list[int], *, until: dt.datetime) -> dict[int, list[PriceChange]]:
    """The price history of these variants before `until`, oldest first (one query a batch)."""
    history: dict[int, list[PriceChange]] = {}
    for start in range(0, len(variant_ids), REFRESH_BATCH):
        rows = PriceChange.objects.filter(
            variant_id__in=variant_ids[start : start + REFRESH_BATCH], changed_at__lt=until
        ).order_by("changed_at", "id")
        for row in rows:
            history.setdefault(row.variant_id, []).append(row)
    return history


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
    if ids:
        catalogue_changed()
    return len(ids)


def product_search_documents_write_new(*, products: Sequence[tuple[Product, Sequence[str]]]) -> int:
    """The search documents of products just created in bulk, from the values in hand: each
    product with the colours of its active variants in their order (what
    `product_search_index_refresh` would read back). One query for the categories, the writes,
    and the vocabulary extended once; returns how many."""
    if not products:
        return 0
    categories = {
        c.pk: _category_names(c)
        for c in Category.objects.filter(pk__in={p.category_id for p, _c in products})
        .select_related("parent")
        .only("name", "parent__name")
    }
    documents = [
        search_document(
            product_id=product.pk,
            name=product.name,
            brand=product.brand,
            categories=categories[product.category_id],
            description=product.description,
            colours=dict.fromkeys(c for c in colours if c),
        )
        for product, colours in products
    ]
    write_documents(connection, documents)
    if vocabulary_extend(documents) is None:
        search_vocabulary_rebuild()
    catalogue_changed()
    return len(documents)


def search_vocabulary_rebuild() -> None:
    """The spelling vocabulary from every active product, into the cache."""
    rows = Product.objects.active().values_list("search_words", "description")
    vocabulary_build(rows.iterator(chunk_size=2000))


def product_search_index_remove(*, product_ids: Collection[int]) -> None:
    """Forget deleted products (on SQLite their FTS rows; PostgreSQL drops them with the row)."""
    delete_documents(connection, sorted(product_ids))
    catalogue_changed()


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
