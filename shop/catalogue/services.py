"""Writes to the catalogue that more than one caller makes (admin, demo data, API)."""

import datetime as dt
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from shop.catalogue.errors import PriceError
from shop.catalogue.images import make_thumbnail, validate_product_image
from shop.catalogue.models import PriceChange, Product, ProductImage, Variant
from shop.catalogue.selectors import lowest_price_before


class ProductImageError(ValidationError):
    """An upload that is not a product image we accept; the message is meant for a person."""


@transaction.atomic
def product_image_add(
    *, product: Product, file: File, alt_text: str = "", position: int | None = None
) -> ProductImage:
    """Check an uploaded image, store it with a WebP thumbnail and return the new row.

    Raises ProductImageError (not an image, too large, too many pixels); then nothing is stored.
    """
    try:
        validate_product_image(file)
    except ValidationError as error:
        raise ProductImageError(error.messages) from None
    if position is None:
        last = product.images.order_by("-position").values_list("position", flat=True).first()
        position = 0 if last is None else last + 1
    image = ProductImage(product=product, alt_text=alt_text or product.name, position=position)
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
