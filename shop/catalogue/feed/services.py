"""The catalogue feed: products and variants from the ERP, checked as a whole, applied set-based.

A feed lists products, each with all of its variants. A variant is known by its SKU: a product of
the feed whose SKUs exist is that product (updated), one whose SKUs are all new is created. The
feed is the truth for what it lists: a listed product's variants that the feed leaves out are
deactivated, and a *full* feed also deactivates every product it does not list. Nothing is ever
deleted (order lines keep pointing at their variants).

It is all or nothing: every problem of every row is collected first (position, field, reason)
and one bad row rejects the feed. A price that changes goes through
`shop.catalogue.services.variant_prices_set` (price history, § 11 PAngV reference price); new
variants start their history with their first price. Everything else is written with bulk
statements, so 10,000 products take a handful of queries per thousand rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from shop.catalogue.base_prices import QuantityUnit
from shop.catalogue.errors import CatalogueFeedRejected
from shop.catalogue.models import (
    CatalogueImport,
    Category,
    PriceChange,
    Product,
    TaxClass,
    Variant,
)
from shop.catalogue.services import (
    PriceSetting,
    product_search_documents_write_new,
    product_search_index_refresh,
    variant_prices_set,
)

MAX_PRODUCTS = 10_000
MAX_VARIANTS_PER_PRODUCT = 200
CHUNK = 2000  # rows per IN (...) lookup and per bulk statement
MAX_PRICE = Decimal("99999999.99")
MAX_QUANTITY = Decimal("9999999.999")
EAN = re.compile(r"^\d{8}$|^\d{13}$")
PRODUCT_FIELDS = ("name", "category_id", "brand", "description", "tax_class", "is_active", "slug")
VARIANT_FIELDS = ("ean", "size", "colour", "net_quantity", "quantity_unit", "is_active", "position")
SEARCHED_FIELDS = {"name", "category_id", "brand", "description"}
PREVIEW_LIMIT = 200  # rows of each kind of change kept for the preview
# The choices' `values` are built anew on every access: once here, not once per row.
TAX_CLASSES = frozenset(TaxClass.values)
QUANTITY_UNITS = frozenset(QuantityUnit.values)


# --- what a feed is made of -------------------------------------------------------------------


@dataclass
class FeedVariant:
    """A variant as the feed gives it (raw values: text from a file, anything from JSON)."""

    sku: Any
    price: Any
    ean: Any = ""
    size: Any = ""
    colour: Any = ""
    net_quantity: Any = None
    quantity_unit: Any = ""
    active: Any = True
    # The sale is changed only when the feed carries it (`sale_given`); then no sale price ends it.
    sale_given: bool = False
    sale_price: Any = None
    sale_from: Any = None
    sale_until: Any = None
    line: int | None = None  # the file's line (CSV/XLSX)


@dataclass
class FeedProduct:
    name: Any
    category: Any
    variants: list[FeedVariant]
    slug: Any = ""
    brand: Any = ""
    description: Any = ""
    tax_class: Any = TaxClass.STANDARD
    active: Any = True
    line: int | None = None


@dataclass(frozen=True)
class FeedProblem:
    """One reason a feed is refused: the product's position (from 0), the variant's position in
    it (None for the product itself), the file's line where there is one, the field and why."""

    product: int
    variant: int | None
    line: int | None
    field: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "variant": self.variant,
            "line": self.line,
            "field": self.field,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class FieldChange:
    key: str  # slug or SKU
    field: str
    old: str
    new: str


@dataclass
class FeedReport:
    """What a feed changes (a preview) or changed."""

    products: int = 0
    products_created: list[str] = field(default_factory=list)
    products_updated: list[str] = field(default_factory=list)
    products_deactivated: list[str] = field(default_factory=list)
    variants_created: list[str] = field(default_factory=list)
    variants_updated: list[str] = field(default_factory=list)
    variants_deactivated: list[str] = field(default_factory=list)
    price_changes: list[FieldChange] = field(default_factory=list)
    field_changes: list[FieldChange] = field(default_factory=list)
    applied: bool = False
    import_id: int | None = None

    @property
    def changed(self) -> bool:
        return any(self.counts().values())

    def counts(self) -> dict[str, int]:
        return {
            "products_created": len(self.products_created),
            "products_updated": len(self.products_updated),
            "products_deactivated": len(self.products_deactivated),
            "variants_created": len(self.variants_created),
            "variants_updated": len(self.variants_updated),
            "variants_deactivated": len(self.variants_deactivated),
            "price_changes": len(self.price_changes),
        }

    def summary(self) -> dict[str, Any]:
        """Counts and the first rows of each kind of change (stored with the import)."""
        return {
            **self.counts(),
            "samples": {
                "products_created": self.products_created[:PREVIEW_LIMIT],
                "products_deactivated": self.products_deactivated[:PREVIEW_LIMIT],
                "variants_created": self.variants_created[:PREVIEW_LIMIT],
                "variants_deactivated": self.variants_deactivated[:PREVIEW_LIMIT],
                "price_changes": [c.__dict__ for c in self.price_changes[:PREVIEW_LIMIT]],
                "field_changes": [c.__dict__ for c in self.field_changes[:PREVIEW_LIMIT]],
            },
        }


# --- checking values (no queries) --------------------------------------------------------------


@dataclass
class _Variant:
    sku: str
    ean: str
    size: str
    colour: str
    price: Decimal
    net_quantity: Decimal | None
    quantity_unit: str
    is_active: bool
    position: int
    sale: tuple[Decimal | None, dt.datetime | None, dt.datetime | None] | None


@dataclass
class _Product:
    index: int
    line: int | None
    name: str
    category: str
    slug: str
    brand: str
    description: str
    tax_class: str
    is_active: bool
    variants: list[_Variant]
    variant_lines: list[int | None]


Where = tuple[int, int | None, int | None]  # product, variant, line


class _Checker:
    """Collects the problems of one feed while turning raw values into clean ones."""

    def __init__(self) -> None:
        self.problems: list[FeedProblem] = []

    def problem(self, where: Where, name: str, reason: str) -> None:
        self.problems.append(FeedProblem(*where, name, reason))

    def text(self, value: Any, max_length: int, where: Where, name: str, required: bool) -> str:
        if value is None:
            value = ""
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            self.problem(where, name, _("Give this as text."))
            return ""
        result = str(value).strip()
        if "\x00" in result:
            self.problem(where, name, _("A text may not contain a NUL character."))
            return ""
        if required and not result:
            self.problem(where, name, _("This field is required."))
        elif len(result) > max_length:
            self.problem(
                where,
                name,
                _("At most %(max)d characters (this has %(n)d).")
                % {"max": max_length, "n": len(result)},
            )
        return result

    def decimal(
        self,
        value: Any,
        where: Where,
        name: str,
        *,
        places: int,
        maximum: Decimal,
        minimum: Decimal,
    ) -> Decimal | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.problem(where, name, _("Give a number."))
            return None
        text = str(value).strip().replace(",", ".") if isinstance(value, str) else value
        try:
            number = Decimal(str(text))
        except InvalidOperation:
            self.problem(where, name, _("“%(value)s” is not a number.") % {"value": value})
            return None
        if not number.is_finite():
            self.problem(where, name, _("Give a finite number."))
            return None
        if number != number.quantize(Decimal(1).scaleb(-places)):
            self.problem(where, name, _("At most %(places)d decimal places.") % {"places": places})
            return None
        if not minimum <= number <= maximum:
            self.problem(
                where,
                name,
                _("Give a number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum},
            )
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def boolean(self, value: Any, where: Where, name: str) -> bool:
        if value is None or value == "":
            return True
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "ja", "y", "x"}:
            return True
        if text in {"0", "false", "no", "nein", "n"}:
            return False
        self.problem(where, name, _("Give true or false."))
        return True

    def moment(self, value: Any, where: Where, name: str) -> dt.datetime | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            moment = value
        else:
            try:
                parsed = parse_datetime(str(value).strip())
            except ValueError:
                parsed = None
            if parsed is None:
                self.problem(
                    where, name, _("Give a date and time such as 2026-12-01T00:00:00+01:00.")
                )
                return None
            moment = parsed
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment


def _check_shapes(feed: Sequence[FeedProduct]) -> tuple[list[_Product], list[FeedProblem]]:
    check = _Checker()
    products: list[_Product] = []
    seen_skus: dict[str, tuple[int, int | None]] = {}
    for index, raw in enumerate(feed):
        here = (index, None, raw.line)
        tax_class = check.text(raw.tax_class or TaxClass.STANDARD, 10, here, "tax_class", True)
        if tax_class and tax_class not in TAX_CLASSES:
            check.problem(
                here,
                "tax_class",
                _("Unknown VAT rate “%(value)s”; give one of %(choices)s.")
                % {"value": tax_class, "choices": ", ".join(TaxClass.values)},
            )
        slug = check.text(raw.slug, 220, here, "slug", False)
        if slug and slugify(slug) != slug:
            check.problem(here, "slug", _("A slug has only lower-case letters, digits, - and _."))
        product = _Product(
            index=index,
            line=raw.line,
            name=check.text(raw.name, 200, here, "name", True),
            category=check.text(raw.category, 120, here, "category", True),
            slug=slug,
            brand=check.text(raw.brand, 100, here, "brand", False),
            description=check.text(raw.description, 20_000, here, "description", False),
            tax_class=tax_class,
            is_active=check.boolean(raw.active, here, "active"),
            variants=[],
            variant_lines=[],
        )
        if not isinstance(raw.variants, list) or not raw.variants:
            check.problem(here, "variants", _("A product needs at least one variant."))
        elif len(raw.variants) > MAX_VARIANTS_PER_PRODUCT:
            check.problem(
                here,
                "variants",
                _("At most %(max)d variants per product.") % {"max": MAX_VARIANTS_PER_PRODUCT},
            )
        else:
            for position, variant in enumerate(raw.variants):
                clean = _check_variant(check, variant, (index, position, variant.line), position)
                if clean is None:
                    continue
                if clean.sku in seen_skus:
                    first = seen_skus[clean.sku]
                    check.problem(
                        (index, position, variant.line),
                        "sku",
                        _("SKU “%(sku)s” is already listed in product %(product)d of the feed.")
                        % {"sku": clean.sku, "product": first[0]},
                    )
                    continue
                seen_skus[clean.sku] = (index, variant.line)
                product.variants.append(clean)
                product.variant_lines.append(variant.line)
        products.append(product)
    return products, check.problems


def _check_variant(
    check: _Checker, raw: FeedVariant, where: Where, position: int
) -> _Variant | None:
    sku = check.text(raw.sku, 40, where, "sku", True)
    ean = check.text(raw.ean, 13, where, "ean", False)
    if ean and not EAN.match(ean):
        check.problem(where, "ean", _("An EAN has 8 or 13 digits."))
    price = check.decimal(
        raw.price, where, "price", places=2, maximum=MAX_PRICE, minimum=Decimal("0.00")
    )
    if raw.price is None or raw.price == "":
        check.problem(where, "price", _("This field is required."))
    net_quantity = check.decimal(
        raw.net_quantity,
        where,
        "net_quantity",
        places=3,
        maximum=MAX_QUANTITY,
        minimum=Decimal("0.001"),
    )
    unit = check.text(raw.quantity_unit, 2, where, "quantity_unit", False)
    if unit and unit not in QUANTITY_UNITS:
        check.problem(
            where,
            "quantity_unit",
            _("Unknown unit “%(value)s”; give one of %(choices)s.")
            % {"value": unit, "choices": ", ".join(QuantityUnit.values)},
        )
    if (net_quantity is None) != (not unit):
        check.problem(
            where, "net_quantity", _("Give the net quantity and its unit together, or neither.")
        )
    sale = None
    if raw.sale_given:
        sale_price = check.decimal(
            raw.sale_price, where, "sale_price", places=2, maximum=MAX_PRICE, minimum=Decimal(0)
        )
        sale_from = check.moment(raw.sale_from, where, "sale_from")
        sale_until = check.moment(raw.sale_until, where, "sale_until")
        if sale_price is not None and price is not None and sale_price >= price:
            check.problem(where, "sale_price", _("A sale price must be lower than the price."))
        if sale_price is None and (sale_from or sale_until):
            check.problem(where, "sale_price", _("A sale period needs a sale price."))
        if sale_from and sale_until and sale_until <= sale_from:
            check.problem(where, "sale_until", _("A sale must end after it starts."))
        sale = (sale_price, sale_from, sale_until)
    variant = _Variant(
        sku=sku,
        ean=ean,
        size=check.text(raw.size, 20, where, "size", False),
        colour=check.text(raw.colour, 40, where, "colour", False),
        price=price or Decimal(0),
        net_quantity=net_quantity,
        quantity_unit=unit,
        is_active=check.boolean(raw.active, where, "active"),
        position=position,
        sale=sale,
    )
    return variant if sku else None


# --- planning against the database -------------------------------------------------------------


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


@dataclass
class _Plan:
    report: FeedReport
    new_products: list[tuple[Product, _Product]] = field(default_factory=list)
    product_updates: dict[str, list[Product]] = field(default_factory=dict)
    new_variants: list[tuple[Variant, _Variant]] = field(default_factory=list)
    variant_updates: dict[str, list[Variant]] = field(default_factory=dict)
    prices: list[tuple[Variant, _Variant]] = field(default_factory=list)
    deactivate_products: list[int] = field(default_factory=list)
    deactivate_variants: list[int] = field(default_factory=list)
    search_refresh: set[int] = field(default_factory=set)


def _plan(products: list[_Product], *, full: bool, lock: bool) -> tuple[_Plan, list[FeedProblem]]:
    check = _Checker()
    skus = [v.sku for p in products for v in p.variants]
    variants_query = Variant.objects.select_related("product")
    if lock:
        variants_query = variants_query.select_for_update(of=("self",))
    existing: dict[str, Variant] = {}
    for chunk in _chunks(skus):
        existing.update((v.sku, v) for v in variants_query.filter(sku__in=chunk))
    categories = dict(
        Category.objects.filter(slug__in={p.category for p in products}).values_list("slug", "pk")
    )
    matched: dict[int, Product] = {}  # feed position -> existing product
    claimed: dict[int, int] = {}  # product id -> feed position
    for product in products:
        here = (product.index, None, product.line)
        if product.category and product.category not in categories:
            check.problem(
                here,
                "category",
                _("No category with the slug “%(slug)s”.") % {"slug": product.category},
            )
        owners = {existing[v.sku].product_id for v in product.variants if v.sku in existing}
        if len(owners) > 1:
            listed = sorted(
                f"{v.sku} → {existing[v.sku].product.slug}"
                for v in product.variants
                if v.sku in existing
            )
            check.problem(
                here,
                "variants",
                _("These SKUs belong to different products: %(list)s.")
                % {"list": ", ".join(listed)},
            )
        elif owners:
            owner = owners.pop()
            if owner in claimed:
                check.problem(
                    here,
                    "variants",
                    _("Product %(first)d of the feed already lists variants of this product.")
                    % {"first": claimed[owner]},
                )
            else:
                claimed[owner] = product.index
                matched[product.index] = next(
                    existing[v.sku].product for v in product.variants if v.sku in existing
                )
    # Slugs: given ones must be free (or the product's own); new products without one get
    # their name and first SKU.
    wanted_slugs: dict[str, int] = {}
    for product in products:
        own = matched.get(product.index)
        slug = product.slug or (
            own.slug
            if own
            else slugify(f"{product.name[:150]} {product.variants[0].sku}")[:220]
            if product.variants
            else ""
        )
        product.slug = slug
        if not slug:
            if product.variants:  # else: no valid variant, its problems are reported already
                check.problem(
                    (product.index, None, product.line),
                    "slug",
                    _("Give this product a slug; none can be made from its name and SKU."),
                )
            continue
        if slug in wanted_slugs:
            check.problem(
                (product.index, None, product.line),
                "slug",
                _("The slug “%(slug)s” is already used by product %(first)d of the feed.")
                % {"slug": slug, "first": wanted_slugs[slug]},
            )
        wanted_slugs[slug] = product.index
    taken: dict[str, int] = {}
    slug_list = list(wanted_slugs)
    for chunk in _chunks(slug_list):
        taken.update(Product.objects.filter(slug__in=chunk).values_list("slug", "pk"))
    for product in products:
        own = matched.get(product.index)
        if product.slug in taken and (own is None or taken[product.slug] != own.pk):
            check.problem(
                (product.index, None, product.line),
                "slug",
                _("Another product already has the slug “%(slug)s”.") % {"slug": product.slug},
            )
    if check.problems:
        return _Plan(FeedReport(products=len(products))), check.problems

    plan = _Plan(FeedReport(products=len(products)))
    report = plan.report
    # The active variants of the listed products, to deactivate those the feed leaves out.
    siblings: dict[int, list[tuple[int, str]]] = {}
    for chunk in _chunks([own.pk for own in matched.values()]):
        rows = Variant.objects.filter(product_id__in=chunk, is_active=True)
        for pk, sku, product_id in rows.values_list("pk", "sku", "product_id"):
            siblings.setdefault(product_id, []).append((pk, sku))
    for product in products:
        values = {
            "name": product.name,
            "category_id": categories[product.category],
            "brand": product.brand,
            "description": product.description,
            "tax_class": product.tax_class,
            "is_active": product.is_active,
            "slug": product.slug,
        }
        own = matched.get(product.index)
        if own is None:
            new = Product(**values)
            plan.new_products.append((new, product))
            report.products_created.append(product.slug)
            for variant in product.variants:
                report.variants_created.append(variant.sku)
            continue
        changed = [name for name, value in values.items() if getattr(own, name) != value]
        for name in changed:
            report.field_changes.append(
                FieldChange(own.slug, name, str(getattr(own, name)), str(values[name]))
            )
            setattr(own, name, values[name])
            plan.product_updates.setdefault(name, []).append(own)
        if changed:
            report.products_updated.append(own.slug)
        if SEARCHED_FIELDS & set(changed):
            plan.search_refresh.add(own.pk)
        _plan_variants(plan, own, product, existing, siblings)
    if full:
        in_feed = {own.pk for own in matched.values()}
        for pk, slug in Product.objects.active().values_list("pk", "slug"):
            if pk not in in_feed:
                plan.deactivate_products.append(pk)
                report.products_deactivated.append(slug)
    return plan, []


def _plan_variants(
    plan: _Plan,
    own: Product,
    product: _Product,
    existing: dict[str, Variant],
    siblings: dict[int, list[tuple[int, str]]],
) -> None:
    report = plan.report
    listed = set()
    for variant in product.variants:
        current = existing.get(variant.sku)
        values = {
            "ean": variant.ean,
            "size": variant.size,
            "colour": variant.colour,
            "net_quantity": variant.net_quantity,
            "quantity_unit": variant.quantity_unit,
            "is_active": variant.is_active,
            "position": variant.position,
        }
        if current is None:
            plan.new_variants.append(
                (Variant(product=own, sku=variant.sku, price=variant.price, **values), variant)
            )
            report.variants_created.append(variant.sku)
            plan.search_refresh.add(own.pk)
            continue
        listed.add(current.pk)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        for name in changed:
            if name != "position":
                report.field_changes.append(
                    FieldChange(variant.sku, name, str(getattr(current, name)), str(values[name]))
                )
            setattr(current, name, values[name])
            plan.variant_updates.setdefault(name, []).append(current)
        if {"colour", "is_active"} & set(changed):
            plan.search_refresh.add(own.pk)
        if set(changed) - {"position"}:
            report.variants_updated.append(variant.sku)
        sale = variant.sale or (current.sale_price, current.sale_from, current.sale_until)
        if (variant.price, *sale) != (
            current.price,
            current.sale_price,
            current.sale_from,
            current.sale_until,
        ):
            plan.prices.append((current, variant))
            report.price_changes.append(
                FieldChange(variant.sku, "price", _price_text(current), _price_text(variant, sale))
            )
    # The product's active variants that the feed leaves out.
    for pk, sku in siblings.get(own.pk, []):
        if pk not in listed:
            plan.deactivate_variants.append(pk)
            report.variants_deactivated.append(sku)
            plan.search_refresh.add(own.pk)


def _price_text(variant: Variant | _Variant, sale: tuple | None = None) -> str:
    if sale is None:
        assert isinstance(variant, Variant)
        sale = (variant.sale_price, variant.sale_from, variant.sale_until)
    text = str(variant.price)
    if sale[0] is not None:
        text += f" (sale {sale[0]})"
    return text


# --- applying ----------------------------------------------------------------------------------


def _write(plan: _Plan, *, actor: User | None, now: dt.datetime) -> None:
    report = plan.report
    new_products = [p for p, _raw in plan.new_products]
    for chunk in _chunks(new_products):
        Product.objects.bulk_create(chunk)
    # bulk_create sets the primary keys on PostgreSQL and SQLite; the new variants follow.
    new_variants: list[Variant] = []
    for product, feed_product in plan.new_products:
        for item in feed_product.variants:
            new_variants.append(
                Variant(
                    product=product,
                    sku=item.sku,
                    ean=item.ean,
                    size=item.size,
                    colour=item.colour,
                    price=item.price,
                    net_quantity=item.net_quantity,
                    quantity_unit=item.quantity_unit,
                    is_active=item.is_active,
                    position=item.position,
                )
            )
    new_variants += [created for created, _item in plan.new_variants]
    raw_by_sku = {item.sku: item for _p, fp in plan.new_products for item in fp.variants}
    raw_by_sku.update((item.sku, item) for _v, item in plan.new_variants)
    for chunk in _chunks(new_variants):
        Variant.objects.bulk_create(chunk)
    # Each new variant's price history starts with its first price.
    history = [
        PriceChange(variant=v, price=v.price, changed_at=now, changed_by=actor, note="feed")
        for v in new_variants
    ]
    for chunk in _chunks(history):
        PriceChange.objects.bulk_create(chunk)
    # A new variant on sale: the sale is set through the price history like any other.
    sales = [
        (v, raw_by_sku[v.sku])
        for v in new_variants
        if (raw_by_sku[v.sku].sale or (None,))[0] is not None
    ]
    for name, products in plan.product_updates.items():
        for chunk in _chunks(products):
            Product.objects.bulk_update(chunk, [name])
    for name, variants in plan.variant_updates.items():
        for chunk in _chunks(variants):
            Variant.objects.bulk_update(chunk, [name])
    settings = []
    for target, wanted in [*plan.prices, *sales]:
        sale = wanted.sale or (target.sale_price, target.sale_from, target.sale_until)
        settings.append(PriceSetting(target, wanted.price, *sale))
    variant_prices_set(settings=settings, actor=actor, note="catalogue feed", now=now)
    for chunk in _chunks(plan.deactivate_products):
        Product.objects.filter(pk__in=chunk).update(is_active=False)
    for chunk in _chunks(plan.deactivate_variants):
        Variant.objects.filter(pk__in=chunk).update(is_active=False)
    # New products' documents from the values in hand (reading 10,000 products back with their
    # variants was a third of a large first feed); changed products' documents are rebuilt.
    product_search_documents_write_new(
        products=[
            (product, [item.colour for item in feed_product.variants if item.is_active])
            for product, feed_product in plan.new_products
        ]
    )
    if plan.search_refresh:
        product_search_index_refresh(product_ids=plan.search_refresh)
    # Bulk writes send no signals: one `product.changed` per created, changed or deactivated
    # product, written in bulk (nothing, and no query, when no endpoint wants the event).
    from shop.catalogue.webhooks import products_changed_webhook

    products_changed_webhook(
        product_ids={
            *(product.pk for product, _raw in plan.new_products),
            *plan.search_refresh,  # new/deactivated variants, searched fields
            *(p.pk for products in plan.product_updates.values() for p in products),
            *(v.product_id for variants in plan.variant_updates.values() for v in variants),
            *(target.product_id for target, _wanted in plan.prices),
            *plan.deactivate_products,
        }
    )
    report.applied = True


def catalogue_feed_import(
    *,
    feed: Sequence[FeedProduct],
    full: bool,
    source: str,
    actor: User | None = None,
    dry_run: bool = False,
    file_name: str = "",
    preview: CatalogueImport | None = None,
    now: dt.datetime | None = None,
) -> FeedReport:
    """Check a whole feed and apply it (or, with `dry_run`, only say what it would change).

    Raises CatalogueFeedRejected with every problem (nothing is changed, the refusal is logged
    as a rejected CatalogueImport). An applied feed is logged with its counts; `preview` is the
    admin's stored preview of this feed, which then becomes that log entry.
    """
    now = now or timezone.now()
    if len(feed) > MAX_PRODUCTS:
        error = CatalogueFeedRejected(
            [],
            _("A feed holds at most %(max)d products; this one has %(n)d. Split it.")
            % {"max": MAX_PRODUCTS, "n": len(feed)},
        )
        _log_rejection(
            error, source=source, full=full, actor=actor, file_name=file_name, n=len(feed)
        )
        raise error
    products, problems = _check_shapes(feed)
    try:
        with transaction.atomic():
            # The database's checks run even when values are wrong: every problem at once.
            plan, found = _plan(products, full=full, lock=not dry_run and not problems)
            if problems or found:
                raise CatalogueFeedRejected(problems + found)
            if dry_run:
                return plan.report
            _write(plan, actor=actor, now=now)
            log = preview or CatalogueImport(source=source, created_by=actor)
            log.status = CatalogueImport.Status.APPLIED
            log.full = full
            log.file_name = file_name[:200] or log.file_name
            log.products = len(feed)
            log.summary = plan.report.summary()
            log.problems = []
            log.payload = None
            log.applied_at = now
            log.save()
            plan.report.import_id = log.pk
            return plan.report
    except IntegrityError:
        # Two feeds creating the same SKU or slug at the same moment: the later one's insert
        # fails on the unique index after the checks passed; nothing of it was written.
        error = CatalogueFeedRejected(
            [],
            _(
                "Another import created some of these products at the same moment; nothing "
                "was changed. Send the feed again."
            ),
        )
        _log_rejection(
            error,
            source=source,
            full=full,
            actor=actor,
            file_name=file_name,
            n=len(feed),
            log=preview,
        )
        raise error from None
    except CatalogueFeedRejected as error:
        error.problems.sort(key=lambda p: (p.product, -1 if p.variant is None else p.variant))
        _log_rejection(
            error,
            source=source,
            full=full,
            actor=actor,
            file_name=file_name,
            n=len(feed),
            log=preview,
        )
        raise


def _log_rejection(
    error: CatalogueFeedRejected,
    *,
    source: str,
    full: bool,
    actor: User | None,
    file_name: str,
    n: int,
    log: CatalogueImport | None = None,
) -> None:
    log = log or CatalogueImport(source=source, created_by=actor)
    log.status = CatalogueImport.Status.REJECTED
    log.full = full
    log.file_name = file_name[:200] or log.file_name
    log.products = n
    log.summary = {"detail": str(error)}
    log.problems = [p.as_dict() for p in error.problems[:1000]]
    log.payload = None
    log.save()
