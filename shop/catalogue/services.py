"""Writes to the catalogue that more than one caller makes (admin, demo data, API)."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from shop.catalogue.images import make_thumbnail, validate_product_image
from shop.catalogue.models import Product, ProductImage


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
