from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from shop.catalogue.models import ProductImage
from shop.catalogue.services import ProductImageError, product_image_add
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files land in a fresh folder; messages are checked in English."""
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


def png(width=640, height=480, colour=(11, 110, 79)) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


def bomb_png(width=4000, height=4000) -> SimpleUploadedFile:
    """Many pixels, few bytes: a one-colour palette image compresses to almost nothing."""
    out = BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG", optimize=True)
    return SimpleUploadedFile("bomb.png", out.getvalue(), content_type="image/png")


def text_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.png", b"certainly not a picture", content_type="image/png")


def test_image_is_stored_with_a_thumbnail(settings):
    product = ProductFactory()
    image = product_image_add(product=product, file=png(1600, 1200))
    assert image.pk and image.alt_text == product.name
    with Image.open(image.thumbnail.path) as thumb:
        assert thumb.format == "WEBP"
        assert max(thumb.size) == 480
    second = product_image_add(product=product, file=png(), alt_text="Rückseite")
    assert second.position == image.position + 1


@pytest.mark.parametrize(
    ("upload", "overrides", "reason"),
    [
        (text_file, {}, "not an image"),
        (png, {"PRODUCT_IMAGE_MAX_BYTES": 1000}, "MB"),
        (bomb_png, {"PRODUCT_IMAGE_MAX_PIXELS": 1_000_000}, "pixels"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(settings, upload, overrides, reason):
    for name, value in overrides.items():
        setattr(settings, name, value)
    product = ProductFactory()
    with pytest.raises(ProductImageError) as excinfo:
        product_image_add(product=product, file=upload())
    assert reason in " ".join(excinfo.value.messages)
    assert not ProductImage.objects.exists()
    assert not any(settings.MEDIA_ROOT.rglob("*.*"))


def admin_post(client, product, upload):
    data = {
        "category": product.category_id,
        "name": product.name,
        "slug": product.slug,
        "brand": product.brand,
        "description": product.description,
        "tax_class": product.tax_class,
        "is_active": "on",
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-0-image": upload,
        "images-0-alt_text": "Vorderseite",
        "images-0-position": "0",
    }
    return client.post(
        reverse("admin:shop_product_change", args=[product.pk]),
        data,
        headers={"Accept-Language": "en"},
    )


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_upload_goes_through_the_service(admin_client_):
    product = ProductFactory()
    response = admin_post(admin_client_, product, png())
    assert response.status_code == 302, response.content.decode()[:2000]
    image = product.images.get()
    assert image.alt_text == "Vorderseite"
    assert image.thumbnail.name.endswith(".webp")


@pytest.mark.parametrize(
    ("upload", "overrides", "reason"),
    [
        (text_file, {}, "image"),
        (png, {"PRODUCT_IMAGE_MAX_BYTES": 1000}, "MB"),
        (bomb_png, {"PRODUCT_IMAGE_MAX_PIXELS": 1_000_000}, "pixels"),
    ],
)
def test_admin_shows_a_form_error_for_a_bad_upload(
    admin_client_, settings, upload, overrides, reason
):
    for name, value in overrides.items():
        setattr(settings, name, value)
    product = ProductFactory()
    response = admin_post(admin_client_, product, upload())
    assert response.status_code == 200
    errors = " ".join(
        str(e)
        for form in response.context["inline_admin_formsets"][1].formset
        for e in form.errors.get("image", [])
    )
    assert reason in errors
    assert not ProductImage.objects.exists()


@pytest.mark.parametrize("term", ["Nordkap", "Bergwerk", "NK-0042", "4006381333931"])
def test_admin_finds_products_by_name_brand_sku_and_ean(admin_client_, term):
    from tests.factories import VariantFactory

    wanted = ProductFactory(name="Regenjacke Nordkap", brand="Bergwerk")
    VariantFactory(product=wanted, sku="NK-0042", ean="4006381333931")
    VariantFactory(product=wanted, sku="NK-0043")
    VariantFactory(product=ProductFactory(name="Pfanne", brand="Kochhaus"), sku="PF-1")
    response = admin_client_.get(reverse("admin:shop_product_changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [wanted]


def test_admin_pages_for_the_catalogue_render(admin_client_):
    product = ProductFactory()
    product_image_add(product=product, file=png())
    for url in [
        reverse("admin:shop_product_changelist"),
        reverse("admin:shop_product_change", args=[product.pk]),
        reverse("admin:shop_product_add"),
        reverse("admin:shop_category_changelist"),
        reverse("admin:shop_variant_changelist"),
    ]:
        assert admin_client_.get(url).status_code == 200, url
