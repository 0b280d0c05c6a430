"""Writes to the catalogue that more than one caller makes (admin, demo data, API)."""

from collections.abc import Collection
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Prefetch, Q

from shop.catalogue.images import make_thumbnail, validate_product_image
from shop.catalogue.models import Category, Product, ProductImage, Variant
from shop.catalogue.search_index import delete_documents, search_document, write_documents
from shop.catalogue.search_vocabulary import vocabulary_build, vocabulary_extend

REFRESH_BATCH = 1000


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
