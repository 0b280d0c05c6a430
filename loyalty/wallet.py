"""Apple Wallet pass (.pkpass) of a loyalty card.

A .pkpass is a zip of pass.json, images, manifest.json (SHA-1 of every other file) and
`signature`: a detached PKCS#7 signature of manifest.json made with the pass type certificate,
carrying Apple's WWDR intermediate. Offered only when all signing settings are configured.
"""

import hashlib
import io
import json
import zipfile
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from .models import LoyaltyAccount

WALLET_MEDIA_TYPE = "application/vnd.apple.pkpass"
BRAND_RGB = (11, 110, 79)
_REQUIRED = (
    "WALLET_PASS_CERT",
    "WALLET_PASS_KEY",
    "WALLET_WWDR_CERT",
    "WALLET_PASS_TYPE_ID",
    "WALLET_TEAM_ID",
)


def wallet_enabled() -> bool:
    return all(getattr(settings, name, "") for name in _REQUIRED)


def _signing_material():
    cert = x509.load_pem_x509_certificate(Path(settings.WALLET_PASS_CERT).read_bytes())
    password = settings.WALLET_PASS_KEY_PASSWORD or None
    key = serialization.load_pem_private_key(
        Path(settings.WALLET_PASS_KEY).read_bytes(),
        password=password.encode() if password else None,
    )
    wwdr = x509.load_pem_x509_certificate(Path(settings.WALLET_WWDR_CERT).read_bytes())
    return cert, key, wwdr


def manifest_sign(manifest: bytes) -> bytes:
    """Detached, binary PKCS#7 (DER) signature of the manifest, with the WWDR certificate."""
    cert, key, wwdr = _signing_material()
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(manifest)
        .add_signer(cert, key, hashes.SHA256())
        .add_certificate(wwdr)
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
    )


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _icon(size: int) -> bytes:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=BRAND_RGB)
    font = ImageFont.load_default(size=int(size * 0.7))
    draw.text((size / 2, size / 2), "O", font=font, fill="white", anchor="mm")
    return _png(image)


def _logo(scale: int) -> bytes:
    width, height = 160 * scale, 50 * scale
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    size = 36 * scale
    draw.rounded_rectangle((0, 7 * scale, size, 7 * scale + size), radius=8 * scale, fill="white")
    font = ImageFont.load_default(size=26 * scale)
    draw.text((size / 2, 25 * scale), "O", font=font, fill=BRAND_RGB, anchor="mm")
    return _png(image)


@cache
def _images() -> dict[str, bytes]:
    return {
        "icon.png": _icon(29),
        "icon@2x.png": _icon(58),
        "icon@3x.png": _icon(87),
        "logo.png": _logo(1),
        "logo@2x.png": _logo(2),
    }


def pass_json(account: LoyaltyAccount, *, balance: int) -> dict:
    number = account.card_number
    barcode = {
        "format": "PKBarcodeFormatQR",
        "message": number,
        "messageEncoding": "iso-8859-1",
        "altText": account.card_number_grouped,
    }
    return {
        "formatVersion": 1,
        "passTypeIdentifier": settings.WALLET_PASS_TYPE_ID,
        "teamIdentifier": settings.WALLET_TEAM_ID,
        "serialNumber": number,
        "organizationName": settings.WALLET_ORGANIZATION_NAME,
        "description": _("Loyalty card"),
        "logoText": settings.WALLET_ORGANIZATION_NAME,
        "foregroundColor": "rgb(255, 255, 255)",
        "labelColor": "rgb(214, 240, 228)",
        "backgroundColor": "rgb({}, {}, {})".format(*BRAND_RGB),
        "storeCard": {
            "headerFields": [{"key": "points", "label": _("Points"), "value": balance}],
            "primaryFields": [
                {
                    "key": "tier",
                    "label": _("Tier"),
                    "value": account.tier.name if account.tier else "–",
                }
            ],
            "secondaryFields": [
                {"key": "member", "label": _("Member"), "value": account.user.display_name}
            ],
            "backFields": [
                {"key": "number", "label": _("Card number"), "value": account.card_number_grouped}
            ],
        },
        "barcodes": [barcode],
        "barcode": barcode,  # iOS 8 and older read only this key
    }


def wallet_pass_build(account: LoyaltyAccount, *, balance: int) -> bytes:
    """The signed .pkpass file for `account`; call only when `wallet_enabled()`."""
    files = {
        "pass.json": json.dumps(pass_json(account, balance=balance), ensure_ascii=False).encode(),
        **_images(),
    }
    manifest = json.dumps(
        {name: hashlib.sha1(data).hexdigest() for name, data in files.items()},  # noqa: S324
        sort_keys=True,
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", manifest)
        archive.writestr("signature", manifest_sign(manifest))
    return out.getvalue()
