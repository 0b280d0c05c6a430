"""Build (or extend) the demo chain: stores, categories, products, images, stock and accounts.

Idempotent: everything is keyed by a natural key (store code, category and product slug, SKU,
e-mail), only what is missing is created, and stock is received only for store/variant pairs
created in the same run — so a second run adds nothing and takes a few queries.

Stock comes in as receipts in the ledger: one StockLevel and one `receipt` StockMovement per
stocked pair, inserted in bulk (COPY on PostgreSQL), so on_hand always equals the ledger's sum.
"""

import datetime as dt
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from inventory.models import MovementKind, StockLevel, StockMovement
from legal.models import LegalSettings, LegalText
from legal.services import contract_model_set, legal_text_save
from shop.catalogue.images import make_thumbnail
from shop.catalogue.models import (
    Category,
    Manufacturer,
    PriceChange,
    Product,
    ProductImage,
    Variant,
)
from shop.catalogue.services import product_search_index_refresh, variant_price_set
from stores.models import OpeningHours, SpecialDay, StaffMembership, StaffRole, Store
from stores.staff_groups import GROUP_FOR_ROLE, staff_groups_ensure

from .catalogue_data import (
    CATEGORY_TREE,
    COLOURS,
    EXTRA_CATEGORIES,
    LEAVES,
    SAFETY_WARNINGS,
    DemoProduct,
    demo_manufacturer,
    demo_products,
)
from .drawing import draw_product
from .legal_data import DEMO_LEGAL_TEXTS
from .offers import demo_offers_seed
from .orders import demo_orders_seed
from .recommendations import demo_receipts_seed, demo_recommendations_compute
from .stores_data import DemoStore, demo_stores

DEFAULT_PRODUCTS = 320
SALE_DEMO_SKU = "SP-00002-2"  # sun cream, 200 ml
DEFAULT_STORES = 8
EACH_IMAGE_LIMIT = 1000  # above this many products, products of a category share one picture
RECEIPT_REFERENCE = "demo-seed"
RECEIPT_NOTE = "Erstausstattung (Demodaten)"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    first_name: str
    last_name: str
    description: str
    role: str = ""  # a StaffRole, "superuser", or "" for a shopper
    store_index: int = 0  # which demo store (by position) the account belongs to


DEMO_ACCOUNTS = [
    DemoAccount("kunde@omnishop.example", "omnishop-kunde", "Erika", "Mustermann", "Shopper"),
    DemoAccount(
        "verkauf.berlin@omnishop.example",
        "omnishop-verkauf",
        "Jonas",
        "Becker",
        "Associate, first store (Berlin)",
        StaffRole.ASSOCIATE,
        0,
    ),
    DemoAccount(
        "verkauf2.berlin@omnishop.example",
        "omnishop-verkauf",
        "Sophie",
        "Wagner",
        "Second associate, first store (Berlin)",
        StaffRole.ASSOCIATE,
        0,
    ),
    DemoAccount(
        "verkauf.hamburg@omnishop.example",
        "omnishop-verkauf",
        "Lena",
        "Schulz",
        "Associate, second store (Hamburg)",
        StaffRole.ASSOCIATE,
        1,
    ),
    DemoAccount(
        "leitung.berlin@omnishop.example",
        "omnishop-leitung",
        "Murat",
        "Yılmaz",
        "Store manager, first store (Berlin)",
        StaffRole.MANAGER,
        0,
    ),
    DemoAccount(
        "admin@omnishop.example", "omnishop-admin", "Anna", "Admin", "Superuser", "superuser"
    ),
]


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, what: str, count: int) -> None:
        self.created[what] = self.created.get(what, 0) + count


def demo_seed(
    *,
    products: int = DEFAULT_PRODUCTS,
    stores: int = DEFAULT_STORES,
    images: str = "auto",
    log: Callable[[str], None] = lambda message: None,
) -> SeedReport:
    """Create whatever of the demo chain of this size is missing. See the module docstring.

    images: "each" draws one picture per product, "shared" one per category (fast, for large
    sets), "none" skips them, "auto" picks "each" up to EACH_IMAGE_LIMIT products.
    """
    if products < 1 or stores < 1:
        raise ValueError("A demo chain needs at least one product and one store.")
    if images == "auto":
        images = "each" if products <= EACH_IMAGE_LIMIT else "shared"
    started = time.monotonic()
    report = SeedReport()
    say = log
    log = lambda message: say(f"{time.monotonic() - started:6.1f} s  {message}")  # noqa: E731
    plan = demo_products(products)
    with transaction.atomic():
        store_rows, new_store_ids = _seed_stores(demo_stores(stores), report)
        log(f"stores: {len(new_store_ids)} new")
        categories = _seed_categories(report)
        product_ids = _seed_products(plan, categories, report)
        log(f"products: {report.created.get('products', 0)} new")
        variant_ids, new_variant_ids = _seed_variants(plan, product_ids, report)
        log(f"variants: {len(new_variant_ids)} new")
        _seed_sale(report)
        _seed_manufacturers(plan, report)
        # bulk_create sends no signals: the search documents of new products are written here
        if report.created.get("products", 0) or new_variant_ids:
            product_search_index_refresh(product_ids=product_ids.values())
            log("search index written")
        _seed_stock(store_rows, new_store_ids, variant_ids, new_variant_ids, report)
        log(f"stock levels: {report.created.get('stock levels', 0)} new")
        if images != "none":
            _seed_images(plan, product_ids, shared=images == "shared", report=report)
            log(f"product images: {report.created.get('product images', 0)} new")
        _seed_accounts([store for store, _demo in store_rows], report)
        _seed_legal(report)
        report.add(
            "pickup orders",
            demo_orders_seed(shopper_email=DEMO_ACCOUNTS[0].email, store=store_rows[0][0]),
        )
        report.add("till receipts", demo_receipts_seed(store=store_rows[0][0]))
        report.add("offers", demo_offers_seed())
        demo_recommendations_compute()  # the nightly job, once, so the pages show some
        log("recommendations computed")
        log("committing")
    log("committed")
    if connection.vendor == "postgresql" and report.created.get("stock levels", 0) > 10_000:
        with connection.cursor() as cursor:  # fresh planner statistics after a bulk load
            for model in (Product, Variant, StockLevel, StockMovement, ProductImage):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        log("analysed")
    report.totals = {
        "stores": Store.objects.count(),
        "categories": Category.objects.count(),
        "products": Product.objects.count(),
        "variants": Variant.objects.count(),
        "stock levels": StockLevel.objects.count(),
        "stock movements": StockMovement.objects.count(),
        "product images": ProductImage.objects.count(),
    }
    report.seconds = time.monotonic() - started
    return report


# The demo's legal texts are in force from this moment on (their first version).
LEGAL_VALID_FROM = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _seed_legal(report: SeedReport) -> None:
    """The template legal texts (first version of each page) and the contract model setting."""
    have = set(LegalText.objects.values_list("page", flat=True))
    for demo in DEMO_LEGAL_TEXTS:
        if demo.page in have:
            continue
        legal_text_save(
            text=LegalText(
                page=demo.page,
                valid_from=LEGAL_VALID_FROM,
                title_de=demo.title_de,
                title_en=demo.title_en,
                body_de=demo.body_de,
                body_en=demo.body_en,
            )
        )
        report.add("legal texts", 1)
    if not LegalSettings.objects.exists():
        contract_model_set(model="reservation")


def _seed_stores(
    plan: list[DemoStore], report: SeedReport
) -> tuple[list[tuple[Store, DemoStore]], set[int]]:
    existing = Store.objects.in_bulk([s.code for s in plan], field_name="code")
    missing = [
        Store(
            code=s.code,
            name=s.name,
            street=s.street,
            postcode=s.postcode,
            city=s.city,
            latitude=Decimal(s.latitude),
            longitude=Decimal(s.longitude),
            phone=s.phone,
            email=f"{s.code}@omnishop.example",
            pickup_enabled=True,
            pickup_hold_days=s.pickup_hold_days,
            state=s.state,
        )
        for s in plan
        if s.code not in existing
    ]
    Store.objects.bulk_create(missing)
    stores = Store.objects.in_bulk([s.code for s in plan], field_name="code")
    new_ids = {stores[s.code].pk for s in missing}
    OpeningHours.objects.bulk_create(
        OpeningHours(
            store=stores[s.code],
            weekday=day,
            opens=dt.time.fromisoformat(opens),
            closes=dt.time.fromisoformat(closes),
        )
        for s in plan
        if stores[s.code].pk in new_ids
        for days, opens, closes in s.hours
        for day in days
    )
    # Short hours on Christmas Eve and New Year's Eve, as most German shops keep them.
    year = dt.date.today().year
    SpecialDay.objects.bulk_create(
        SpecialDay(
            store_id=store_id,
            date=dt.date(year, 12, day),
            opens=dt.time(10),
            closes=dt.time(14),
            note=note,
        )
        for store_id in new_ids
        for day, note in ((24, "Heiligabend"), (31, "Silvester"))
        if dt.date(year, 12, day).weekday() != 6
    )
    report.add("stores", len(missing))
    return [(stores[s.code], s) for s in plan], new_ids


def _seed_categories(report: SeedReport) -> dict[str, Category]:
    existing = Category.objects.in_bulk(field_name="slug")
    created = 0
    for position, (slug, name, leaves) in enumerate(CATEGORY_TREE):
        parent = existing.get(slug)
        if parent is None:
            parent = existing[slug] = Category.objects.create(
                slug=slug, name=name, position=position
            )
            created += 1
        for child_position, leaf in enumerate(leaves):
            if leaf.slug not in existing:
                existing[leaf.slug] = Category.objects.create(
                    slug=leaf.slug, name=leaf.name, parent=parent, position=child_position
                )
                created += 1
    for position, (parent_slug, slug, name) in enumerate(EXTRA_CATEGORIES, start=len(LEAVES)):
        if slug not in existing:
            existing[slug] = Category.objects.create(
                slug=slug, name=name, parent=existing[parent_slug], position=position
            )
            created += 1
    report.add("categories", created)
    return existing


def _seed_products(
    plan: list[DemoProduct], categories: dict[str, Category], report: SeedReport
) -> dict[str, int]:
    existing = set(Product.objects.values_list("slug", flat=True))
    missing = [
        Product(
            slug=p.slug,
            name=p.name,
            brand=p.brand,
            description=p.description,
            category=categories[p.category_slug],
            tax_class=p.tax_class,
        )
        for p in plan
        if p.slug not in existing
    ]
    Product.objects.bulk_create(missing, batch_size=2000)
    report.add("products", len(missing))
    wanted = {p.slug for p in plan}
    return {slug: pk for slug, pk in Product.objects.values_list("slug", "pk") if slug in wanted}


def _seed_variants(
    plan: list[DemoProduct], product_ids: dict[str, int], report: SeedReport
) -> tuple[list[int], set[int]]:
    existing = set(Variant.objects.values_list("sku", flat=True))
    missing = [
        Variant(
            product_id=product_ids[p.slug],
            sku=v.sku,
            ean=v.ean,
            size=v.size,
            colour=v.colour,
            price=v.price,
            net_quantity=v.net_quantity,
            quantity_unit=v.quantity_unit,
            position=v.position,
        )
        for p in plan
        for v in p.variants
        if v.sku not in existing
    ]
    Variant.objects.bulk_create(missing, batch_size=5000)
    report.add("variants", len(missing))
    wanted = {v.sku for p in plan for v in p.variants}
    ids = {sku: pk for sku, pk in Variant.objects.values_list("sku", "pk") if sku in wanted}
    return sorted(ids.values()), {ids[v.sku] for v in missing}


def _seed_manufacturers(plan: list[DemoProduct], report: SeedReport) -> None:
    """A manufacturer per brand (GPSR) and the safety warnings of the special goods, for the
    products of this plan that have none yet."""
    by_name = {maker.name: maker for maker in Manufacturer.objects.all()}
    for brand in sorted({p.brand for p in plan}):
        name, address, country, email, website, responsible = demo_manufacturer(brand)
        maker = by_name.get(name)
        if maker is None:
            r_name, r_address, r_email = responsible or ("", "", "")
            maker = Manufacturer.objects.create(
                name=name,
                address=address,
                country=country,
                email=email,
                website=website,
                responsible_name=r_name,
                responsible_address=r_address,
                responsible_email=r_email,
            )
            report.add("manufacturers", 1)
        slugs = [p.slug for p in plan if p.brand == brand]
        Product.objects.filter(slug__in=slugs, manufacturer=None).update(manufacturer=maker)
    for p in plan:
        if p.name in SAFETY_WARNINGS:
            Product.objects.filter(slug=p.slug, safety_information="").update(
                safety_information=SAFETY_WARNINGS[p.name]
            )


def _seed_sale(report: SeedReport) -> None:
    """A sale with a price history that has the trap § 11 PAngV is about: the sun cream (200 ml)
    cost 14,95 € for weeks, was raised to 16,95 € three days ago and is now on sale at 12,95 €.
    The reference ("lowest price of the last 30 days") is 14,95 €, not the raised price."""
    variant = Variant.objects.filter(sku=SALE_DEMO_SKU).first()
    if variant is None or PriceChange.objects.filter(variant=variant).exists():
        return
    now = timezone.now()
    variant_price_set(variant=variant, price=variant.price, now=now - dt.timedelta(days=45))
    variant_price_set(variant=variant, price=Decimal("16.95"), now=now - dt.timedelta(days=3))
    variant_price_set(
        variant=variant,
        price=Decimal("16.95"),
        sale_price=Decimal("12.95"),
        sale_until=now + dt.timedelta(days=14),
        now=now,
    )
    report.add("sales", 1)


def units_received(store_code: str, store_size: float, variant_id: int) -> int | None:
    """How many units of a variant a demo store received, or None if it does not carry it.

    Big stores carry the whole range, small ones about two thirds. Of what a store carries,
    about one item in seven is sold out and one in twelve down to its last 1–3 units; the rest
    is stocked in proportion to the store's size.
    """
    h = zlib.crc32(f"{store_code}|{variant_id}".encode())
    if (h >> 20) % 100 >= 45 + 35 * store_size:
        return None
    bucket = h % 100
    if bucket < 14:
        return 0
    if bucket < 22:
        return 1 + (h >> 8) % 3
    return max(4, round((4 + (h >> 8) % 20) * store_size))


def _seed_stock(
    stores: list[tuple[Store, DemoStore]],
    new_store_ids: set[int],
    variant_ids: list[int],
    new_variant_ids: set[int],
    report: SeedReport,
) -> None:
    """A StockLevel for each new store/variant pair the store carries, and a receipt movement
    for the units it received."""
    now = timezone.now()
    levels, movements = [], []
    for store, demo in stores:
        pairs = variant_ids if store.pk in new_store_ids else sorted(new_variant_ids)
        for variant_id in pairs:
            units = units_received(demo.code, demo.size, variant_id)
            if units is None:
                continue
            if reorder_point(variant_id) and (variant_id // REORDER_EVERY) % REORDER_LOW_EVERY == 0:
                units = min(units, REORDER_POINT)
            levels.append((store.pk, variant_id, units, 0, 0, reorder_point(variant_id), now))
            if units:
                movements.append(
                    (
                        store.pk,
                        variant_id,
                        MovementKind.RECEIPT.value,
                        units,
                        0,
                        RECEIPT_REFERENCE,
                        "",
                        RECEIPT_NOTE,
                        None,
                        now,
                    )
                )
    bulk_insert(
        StockLevel,
        [
            "store_id",
            "variant_id",
            "on_hand",
            "reserved",
            "safety_buffer",
            "reorder_point",
            "updated_at",
        ],
        levels,
    )
    bulk_insert(
        StockMovement,
        [
            "store_id",
            "variant_id",
            "kind",
            "quantity",
            "reserved_delta",
            "reference",
            "external_id",
            "note",
            "created_by_id",
            "created_at",
        ],
        movements,
    )
    report.add("stock levels", len(levels))
    report.add("stock movements", len(movements))


REORDER_EVERY = 40  # one variant in 40 is a core item the stores reorder
REORDER_POINT = 2
# One core item in three is at its reorder point wherever it is carried, so the low-stock
# report has lines whatever ids the variants got (chance alone left it empty one seed in 16).
REORDER_LOW_EVERY = 3


def reorder_point(variant_id: int) -> int:
    """The reorder point of a variant in every store: 2 units for the core range, else none.

    Enough for the low-stock report to show a few lines per store, as in a real week.
    """
    return REORDER_POINT if variant_id % REORDER_EVERY == 0 else 0


def bulk_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert many rows fast: COPY on PostgreSQL, batched bulk_create elsewhere.

    Only for rows whose primary key the caller does not need back.
    """
    rows = list(rows)
    if not rows:
        return
    if connection.vendor == "postgresql":
        # COPY bypasses the ORM, so fields the caller leaves out get their model default here.
        defaults = {
            f.attname: f.get_default()
            for f in model._meta.concrete_fields
            if not f.primary_key and f.attname not in columns and f.has_default()
        }
        table = connection.ops.quote_name(model._meta.db_table)
        column_of = {f.attname: f.column for f in model._meta.concrete_fields}
        names = ", ".join(connection.ops.quote_name(column_of[c]) for c in [*columns, *defaults])
        extra = tuple(defaults.values())
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row((*row, *extra))
        return
    model.objects.bulk_create(
        (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=2000
    )


def _seed_images(
    plan: list[DemoProduct], product_ids: dict[str, int], *, shared: bool, report: SeedReport
) -> None:
    with_images = set(ProductImage.objects.values_list("product_id", flat=True).distinct())
    todo = [p for p in plan if product_ids[p.slug] not in with_images]
    rows = []
    shared_files: dict[str, tuple[str, str]] = {}
    for p in todo:
        colour_name = p.variants[0].colour or "Orange"  # the special goods have no colour
        if shared:
            if p.category_slug not in shared_files:
                shared_files[p.category_slug] = _shared_picture(p, colour_name)
            image_name, thumb_name = shared_files[p.category_slug]
            rows.append(
                ProductImage(
                    product_id=product_ids[p.slug],
                    image=image_name,
                    thumbnail=thumb_name,
                    alt_text=p.name,
                )
            )
            continue
        # One picture per colour, so that the product page's pictures follow the chosen colour.
        colours = list(dict.fromkeys(v.colour for v in p.variants)) if p.variants[0].colour else []
        for position, colour in enumerate(colours or [""]):
            name = colour or colour_name
            picture = ContentFile(_draw(p, name))
            stem = f"{p.slug}-{slugify(colour)}" if colour else p.slug
            row = ProductImage(
                product_id=product_ids[p.slug],
                alt_text=f"{p.name} ({colour})" if colour else p.name,
                colour=colour,
                position=position,
            )
            row.image.save(f"{stem}.jpg", picture, save=False)
            row.thumbnail.save(f"{stem}.webp", make_thumbnail(picture, stem), save=False)
            rows.append(row)
    ProductImage.objects.bulk_create(rows, batch_size=2000)
    report.add("product images", len(rows))


def _draw(p: DemoProduct, colour_name: str) -> bytes:
    return draw_product(shape=p.shape, colour=COLOURS[colour_name], title=p.name, subtitle=p.brand)


def _shared_picture(p: DemoProduct, colour_name: str) -> tuple[str, str]:
    """One picture per category for large data sets, written once and reused by every run."""
    leaf = next((leaf for leaf in LEAVES if leaf.slug == p.category_slug), None)
    # The special goods (categories of their own) are few: each keeps its own picture.
    slug, shape, title = (leaf.slug, leaf.shape, leaf.name) if leaf else (p.slug, p.shape, p.name)
    image_name = f"products/demo/{slug}.jpg"
    thumb_name = f"products/thumbs/demo-{slug}.webp"
    if not default_storage.exists(image_name):
        picture = ContentFile(
            draw_product(shape=shape, colour=COLOURS[colour_name], title=title, subtitle="Omnishop")
        )
        default_storage.save(image_name, picture)
        default_storage.save(thumb_name, make_thumbnail(picture, slug))
    return image_name, thumb_name


def _seed_accounts(stores: list[Store], report: SeedReport) -> None:
    groups = staff_groups_ensure()
    User = get_user_model()
    existing = set(
        User.objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS]).values_list(
            "email", flat=True
        )
    )
    created = 0
    for account in DEMO_ACCOUNTS:
        if account.email in existing:
            continue
        store = stores[min(account.store_index, len(stores) - 1)]
        names = {"first_name": account.first_name, "last_name": account.last_name}
        if account.role == "superuser":
            user = User.objects.create_superuser(account.email, account.password, **names)
        elif account.role:
            user = User.objects.create_user(account.email, account.password, is_staff=True, **names)
            StaffMembership.objects.get_or_create(
                user=user, store=store, defaults={"role": account.role}
            )
            user.groups.add(groups[GROUP_FOR_ROLE[account.role]])
        else:
            user = User.objects.create_user(
                account.email, account.password, preferred_store=store, **names
            )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        created += 1
    report.add("accounts", created)
