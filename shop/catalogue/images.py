"""Checks for uploaded product images and the thumbnails made from them (Pillow)."""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

THUMBNAIL_SIZE = (480, 480)
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def validate_product_image(file) -> None:
    """Reject what is not an image, too large a file or too many pixels, with a reason."""
    if file.size > settings.PRODUCT_IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The image is %(size).1f MB; at most %(limit).0f MB are allowed.")
            % {"size": file.size / 1e6, "limit": settings.PRODUCT_IMAGE_MAX_BYTES / 1e6}
        )
    file.seek(0)
    try:
        with Image.open(file) as image:
            width, height = image.size
            if width * height > settings.PRODUCT_IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("The image has %(pixels)s pixels; at most %(limit)s are allowed.")
                    % {
                        "pixels": f"{width * height:,}",
                        "limit": f"{settings.PRODUCT_IMAGE_MAX_PIXELS:,}",
                    }
                )
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(_("Please upload a JPEG, PNG, WebP or GIF image."))
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(_("This file is not an image we can read.")) from None
    finally:
        file.seek(0)


def make_thumbnail(source, name: str) -> ContentFile:
    """A WebP thumbnail that fits THUMBNAIL_SIZE, keeping the aspect ratio."""
    source.seek(0)
    with Image.open(source) as image:
        image = image.convert("RGB")
        image.thumbnail(THUMBNAIL_SIZE)
        out = BytesIO()
        image.save(out, format="WEBP", quality=82)
    return ContentFile(out.getvalue(), name=f"{name}.webp")
