"""The catalogue feed as a file: admin upload with preview, XLSX, and the nightly command."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from shop.catalogue.models import CatalogueImport, PriceChange, Product, Variant
from tests.factories import CategoryFactory, ProductFactory, UserFactory, VariantFactory

UPLOAD = "/admin/shop/catalogueimport/upload/"
CSV = (
    "slug;name;category;brand;sku;size;colour;price;ean\n"
    "zelt-alpin;Zelt Alpin;outdoor;Bergwerk;ZA-2;2 Pers.;Grün;199,00;4006381333931\n"
    "zelt-alpin;Zelt Alpin;outdoor;Bergwerk;ZA-3;3 Pers.;Grün;249,00;\n"
    "becher;Becher;outdoor;;BE-1;;;7.50;\n"
)


@pytest.fixture
def outdoor(db):
    return CategoryFactory(slug="outdoor", name="Outdoor")


@pytest.fixture
def manager(client, db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="import_catalogue"),
        Permission.objects.get(codename="view_catalogueimport"),
    )
    client.force_login(user)
    return client


def upload(client, content: bytes, name: str = "feed.csv", full: bool = False):
    data = {"file": SimpleUploadedFile(name, content)}
    if full:
        data["full"] = "on"
    return client.post(UPLOAD, data)


def test_upload_shows_a_preview_and_applies_only_on_confirmation(manager, outdoor):
    old = ProductFactory(slug="alt")
    VariantFactory(product=old, sku="ALT-1")
    response = upload(manager, CSV.encode(), full=True)
    assert response.status_code == 302
    preview = CatalogueImport.objects.get(status="preview")
    assert not Product.objects.filter(slug="zelt-alpin").exists()

    page = manager.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "zelt-alpin" in text and "becher" in text
    assert 'data-testid="feed-deactivated"' in text and "alt" in text

    applied = manager.post(response["Location"], {"apply": "1"})
    assert applied.status_code == 302
    zelt = Product.objects.get(slug="zelt-alpin")
    assert sorted(zelt.variants.values_list("sku", "price", "ean")) == [
        ("ZA-2", Decimal("199.00"), "4006381333931"),
        ("ZA-3", Decimal("249.00"), ""),
    ]
    assert not Product.objects.get(slug="alt").is_active
    preview.refresh_from_db()
    assert preview.status == "applied" and preview.payload is None
    assert preview.summary["products_created"] == 2


def test_preview_lists_price_changes(manager, outdoor):
    upload(manager, CSV.encode())
    manager.post(
        f"/admin/shop/catalogueimport/{CatalogueImport.objects.get().pk}/preview/", {"apply": "1"}
    )
    response = upload(manager, CSV.replace("199,00", "179,00").encode())
    page = manager.get(response["Location"]).content.decode()
    assert 'data-testid="feed-prices"' in page and "199.00" in page and "179.00" in page


def test_a_discarded_preview_changes_nothing(manager, outdoor):
    response = upload(manager, CSV.encode())
    manager.post(response["Location"], {"discard": "1"})
    assert not Product.objects.exists()
    assert CatalogueImport.objects.get().status == "discarded"
    # A discarded preview cannot be applied afterwards.
    assert manager.post(response["Location"], {"apply": "1"}).status_code == 404


def test_bad_rows_are_listed_by_line(manager, outdoor):
    bad = CSV.replace("7.50", "sieben").replace("outdoor;;BE-1", "gibtsnicht;;BE-1")
    bad += "zelt-alpin;Zelt Alpina;outdoor;Bergwerk;ZA-4;4 Pers.;Grün;299;\n"
    response = upload(manager, bad.encode())
    assert response.status_code == 200
    rows = response.content.decode().split('data-testid="feed-problems"')[1]
    assert "<td>5</td><td>name</td>" in rows  # the product's name differs from line 2
    assert not Product.objects.exists()


def test_a_file_without_the_required_columns_is_explained(manager, outdoor):
    response = upload(manager, b"sku,price\nA,1\n")
    assert response.status_code == 200
    assert "missing: slug, name, category" in response.content.decode()


def test_xlsx_upload(manager, outdoor):
    book = Workbook()
    sheet = book.active
    sheet.append(["Slug", "Name", "Kategorie", "SKU", "Preis", "EAN", "Inhalt", "Einheit"])
    sheet.append(["olivenoel", "Olivenöl", "outdoor", "OL-1", 12.9, 4006381333931, 0.75, "l"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(manager, buffer.getvalue(), "feed.xlsx")
    assert response.status_code == 302, response.content.decode()[:2000]
    manager.post(response["Location"], {"apply": "1"})
    variant = Variant.objects.get(sku="OL-1")
    assert (variant.price, variant.ean, variant.net_quantity, variant.quantity_unit) == (
        Decimal("12.90"),
        "4006381333931",
        Decimal("0.750"),
        "l",
    )


def test_not_a_workbook(manager, outdoor):
    response = upload(manager, b"PK\x03\x04 nonsense", "feed.xlsx")
    assert "not an Excel workbook" in response.content.decode()


def test_upload_needs_the_catalogue_scope(client, db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_catalogueimport"))
    client.force_login(user)
    assert client.get(UPLOAD).status_code == 403


def test_nightly_command(tmp_path, outdoor, capsys):
    path = tmp_path / "feed.csv"
    path.write_text(CSV)
    call_command("catalogue_import", str(path), "--full")
    assert "products created 2" in capsys.readouterr().out
    assert PriceChange.objects.count() == 3
    call_command("catalogue_import", str(path))
    assert "variants created 0" in capsys.readouterr().out
    assert CatalogueImport.objects.filter(source="command", status="applied").count() == 2


def test_nightly_command_prints_every_problem(tmp_path, outdoor, capsys):
    path = tmp_path / "feed.csv"
    path.write_text(CSV.replace("199,00", "x").replace("249,00", ""))
    with pytest.raises(CommandError):
        call_command("catalogue_import", str(path))
    err = capsys.readouterr().err
    assert "line 2: price" in err and "line 3: price" in err
    assert not Product.objects.exists()
