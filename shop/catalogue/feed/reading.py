"""Reading a catalogue feed: the API's JSON, or a CSV/XLSX file with one row per variant.

JSON (the API body, or a .json file)::

    {"full": false, "products": [{"slug": "…", "name": "…", "category": "<category slug>",
      "brand": "…", "description": "…", "tax_class": "standard", "active": true,
      "variants": [{"sku": "…", "ean": "…", "size": "…", "colour": "…", "price": "19.90",
                    "net_quantity": "0.75", "quantity_unit": "l", "active": true,
                    "sale_price": null, "sale_from": null, "sale_until": null}]}]}

A file has a header row and one row per variant; the rows of one product share its `slug` and
the product's columns are read from its first row (a later row that says otherwise is a problem).
The header names (English or German) are listed in COLUMNS. The sale columns, when present, set
the sale (an empty sale price ends it); without them the sale stays as it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.input import NUL, json_loads
from shop.catalogue.errors import CatalogueFeedRejected

from .services import MAX_PRODUCTS, FeedProblem, FeedProduct, FeedVariant

MAX_ROWS = 50_000
PRODUCT_COLUMNS = ("slug", "name", "category", "brand", "description", "tax_class", "active")
VARIANT_COLUMNS = (
    "sku",
    "ean",
    "size",
    "colour",
    "price",
    "net_quantity",
    "quantity_unit",
    "variant_active",
)
SALE_COLUMNS = ("sale_price", "sale_from", "sale_until")
COLUMNS: dict[str, tuple[str, ...]] = {
    "slug": ("slug", "product", "artikel"),
    "name": ("name", "bezeichnung"),
    "category": ("category", "kategorie"),
    "brand": ("brand", "marke"),
    "description": ("description", "beschreibung"),
    "tax_class": ("tax_class", "vat", "steuerklasse"),
    "active": ("active", "product_active", "aktiv"),
    "sku": ("sku",),
    "ean": ("ean", "gtin"),
    "size": ("size", "größe", "groesse"),
    "colour": ("colour", "color", "farbe"),
    "price": ("price", "preis"),
    "net_quantity": ("net_quantity", "inhalt"),
    "quantity_unit": ("quantity_unit", "unit", "einheit"),
    "variant_active": ("variant_active", "variante_aktiv"),
    "sale_price": ("sale_price", "aktionspreis"),
    "sale_from": ("sale_from", "aktion_ab"),
    "sale_until": ("sale_until", "aktion_bis"),
}
REQUIRED = ("slug", "name", "category", "sku", "price")


def _rejected(reason: str, line: int | None = None, name: str = "file") -> CatalogueFeedRejected:
    return CatalogueFeedRejected([FeedProblem(0, None, line, name, reason)], reason)


# --- JSON ----------------------------------------------------------------------------------


def feed_from_data(data: Any) -> tuple[list[FeedProduct], bool]:
    """The products of a JSON feed (already parsed) and whether it is a full feed."""
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        raise _rejected(_("Send an object with a list “products”."), name="products")
    full = data.get("full", False)
    if not isinstance(full, bool):
        raise _rejected(_("“full” is true or false."), name="full")
    products = []
    for raw in data["products"]:
        if not isinstance(raw, dict):
            raw = {}
        variants = raw.get("variants")
        products.append(
            FeedProduct(
                slug=raw.get("slug", ""),
                name=raw.get("name"),
                category=raw.get("category"),
                brand=raw.get("brand", ""),
                description=raw.get("description", ""),
                tax_class=raw.get("tax_class", "standard"),
                active=raw.get("active", True),
                variants=[_variant(v if isinstance(v, dict) else {}) for v in variants]
                if isinstance(variants, list)
                else [],
            )
        )
    return products, full


def _variant(raw: dict[str, Any]) -> FeedVariant:
    return FeedVariant(
        sku=raw.get("sku"),
        ean=raw.get("ean", ""),
        size=raw.get("size", ""),
        colour=raw.get("colour", ""),
        price=raw.get("price"),
        net_quantity=raw.get("net_quantity"),
        quantity_unit=raw.get("quantity_unit", ""),
        active=raw.get("active", True),
        sale_given=any(name in raw for name in SALE_COLUMNS),
        sale_price=raw.get("sale_price"),
        sale_from=raw.get("sale_from"),
        sale_until=raw.get("sale_until"),
    )


def feed_to_data(products: list[FeedProduct], *, full: bool) -> dict[str, Any]:
    """A feed as JSON data (what the admin keeps between preview and apply)."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return value

    return {
        "full": full,
        "products": [
            {
                "slug": p.slug,
                "name": p.name,
                "category": p.category,
                "brand": p.brand,
                "description": p.description,
                "tax_class": p.tax_class,
                "active": p.active,
                "line": p.line,
                "variants": [
                    {
                        "sku": v.sku,
                        "ean": v.ean,
                        "size": v.size,
                        "colour": v.colour,
                        "price": plain(v.price),
                        "net_quantity": plain(v.net_quantity),
                        "quantity_unit": v.quantity_unit,
                        "active": v.active,
                        "line": v.line,
                        **(
                            {
                                "sale_price": plain(v.sale_price),
                                "sale_from": plain(v.sale_from),
                                "sale_until": plain(v.sale_until),
                            }
                            if v.sale_given
                            else {}
                        ),
                    }
                    for v in p.variants
                ],
            }
            for p in products
        ],
    }


def feed_from_stored(data: dict[str, Any]) -> tuple[list[FeedProduct], bool]:
    """The inverse of feed_to_data (keeps the file's line numbers)."""
    products, full = feed_from_data(data)
    for product, raw in zip(products, data["products"], strict=True):
        product.line = raw.get("line")
        for variant, raw_variant in zip(product.variants, raw["variants"], strict=True):
            variant.line = raw_variant.get("line")
    return products, full


# --- files ---------------------------------------------------------------------------------


def feed_read_file(data: bytes, filename: str) -> tuple[list[FeedProduct], bool | None]:
    """The products of an uploaded or nightly file (.csv, .xlsx or .json); the second value is
    the JSON file's "full" (None for CSV/XLSX: the caller decides).

    Raises CatalogueFeedRejected for a file that cannot be read (with the line where known).
    """
    name = filename.lower()
    if name.endswith(".json"):
        try:
            return feed_from_data(json_loads(data.decode("utf-8-sig")))
        except (ValueError, UnicodeDecodeError) as error:
            raise _rejected(_("Not valid JSON: %(e)s") % {"e": error}) from None
    if name.endswith(".xlsx"):
        return _from_rows(_xlsx_rows(data)), None
    if name.endswith(".csv") or name.endswith(".txt"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _rejected(_("The file is not UTF-8 text.")) from None
        if NUL in text:
            line = text.count("\n", 0, text.index(NUL)) + 1
            raise _rejected(_("A text may not contain a NUL character."), line)
        return _from_rows(_csv_rows(text)), None
    raise _rejected(_("Upload a .csv, .xlsx or .json file."))


def _csv_rows(text: str) -> Iterator[list[Any]]:
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as error:
        raise _rejected(
            _("This line cannot be read as CSV: %(e)s") % {"e": error}, reader.line_num
        ) from None


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _rejected(_("This is not an Excel workbook (.xlsx).")) from None
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        book.close()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel keeps numbers as floats: 4006381333931.0 is an EAN, 19.9 a price.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value if isinstance(value, str | bool) else str(value)


def _from_rows(rows: Iterator[list[Any]]) -> list[FeedProduct]:
    header = next(rows, None)
    if not header:
        raise _rejected(_("The file is empty."), 1)
    names = [str(h).strip().lower() for h in header]
    columns: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        found = [i for i, h in enumerate(names) if h in aliases]
        if found:
            columns[key] = found[0]
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        raise _rejected(
            _("The header needs the columns %(columns)s (missing: %(missing)s).")
            % {"columns": ", ".join(REQUIRED), "missing": ", ".join(missing)},
            1,
            "header",
        )
    sale_given = "sale_price" in columns
    products: dict[str, FeedProduct] = {}
    conflicts: list[FeedProblem] = []
    count = 0
    for line, row in enumerate(rows, start=2):
        if not any(str(cell).strip() for cell in row):
            continue
        count += 1
        if count > MAX_ROWS:
            raise _rejected(
                _("A file holds at most %(max)d rows.") % {"max": MAX_ROWS}, line, "file"
            )

        def get(key: str, row: list[Any] = row) -> Any:
            index = columns.get(key)
            return row[index] if index is not None and index < len(row) else ""

        slug = str(get("slug")).strip()
        product = products.get(slug)
        if product is None:
            product = FeedProduct(
                slug=slug,
                name=get("name"),
                category=get("category"),
                brand=get("brand"),
                description=get("description"),
                tax_class=get("tax_class") or "standard",
                active=get("active"),
                variants=[],
                line=line,
            )
            products[slug] = product
            if len(products) > MAX_PRODUCTS:
                raise _rejected(
                    _("A feed holds at most %(max)d products.") % {"max": MAX_PRODUCTS}, line
                )
        else:
            for key in PRODUCT_COLUMNS[1:]:
                value = get(key)
                if key in columns and value != "" and value != getattr(product, key):
                    conflicts.append(
                        FeedProblem(
                            list(products).index(slug),
                            len(product.variants),
                            line,
                            key,
                            _("Differs from the product's first row (line %(line)d).")
                            % {"line": product.line},
                        )
                    )
        product.variants.append(
            FeedVariant(
                sku=get("sku"),
                ean=get("ean"),
                size=get("size"),
                colour=get("colour"),
                price=get("price"),
                net_quantity=get("net_quantity"),
                quantity_unit=get("quantity_unit"),
                active=get("variant_active"),
                sale_given=sale_given,
                sale_price=get("sale_price"),
                sale_from=get("sale_from"),
                sale_until=get("sale_until"),
                line=line,
            )
        )
    if conflicts:
        raise CatalogueFeedRejected(conflicts)
    return list(products.values())
