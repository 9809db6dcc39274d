"""Checking uploaded pictures (store logos, product images) before they are stored.

The file's name and declared content type are the uploader's word; Pillow's reading of the bytes is
what counts. A PDF renamed `logo.jpg` is refused, and the stored name gets the extension of the real
format so the file is always served as what it is."""

from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from tenants.errors import InvalidInput

# Pillow format name → the extension a stored file gets.
ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}
MB = 1024 * 1024


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return ALLOWED_FORMATS[self.format]


def _size_of(file) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return size
    position = file.tell()
    file.seek(0, 2)
    size = file.tell()
    file.seek(position)
    return size


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".rstrip("0").rstrip(".")


def validate_image_upload(file, *, max_bytes: int, max_side: int, field: str = "image") -> ImageInfo:
    """What the picture really is, or InvalidInput on `field` saying why it cannot be used.

    Checks, cheapest first: the byte size, that Pillow recognises one of the allowed formats, the
    pixel size (read from the header, before decoding, so a decompression bomb is never expanded),
    then a full decode, which catches truncated or corrupt files."""

    def refuse(message: str):
        return InvalidInput({field: [message]})

    not_an_image = _("This file is not a picture we can use. Upload a PNG, JPEG, WebP or GIF image.")
    if file is None:
        raise refuse(_("Choose a picture to upload."))
    size = _size_of(file)
    if size == 0:
        raise refuse(not_an_image)
    if size > max_bytes:
        raise refuse(
            _("This picture is %(size)s MB; pictures can be at most %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(max_bytes)}
        )
    file.seek(0)
    try:
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            if image_format not in ALLOWED_FORMATS:
                raise refuse(
                    _("%(format)s pictures are not accepted. Upload a PNG, JPEG, WebP or GIF image.")
                    % {"format": image_format}
                )
            if width > max_side or height > max_side:
                raise refuse(
                    _("This picture is %(width)s×%(height)s pixels; at most %(max)s×%(max)s are allowed.")
                    % {"width": width, "height": height, "max": max_side}
                )
            image.load()
    except InvalidInput:
        raise
    except Image.DecompressionBombError as exc:
        raise refuse(
            _("This picture has far too many pixels; at most %(max)s×%(max)s are allowed.")
            % {"max": max_side}
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise refuse(not_an_image) from exc
    finally:
        file.seek(0)
    return ImageInfo(format=image_format, width=width, height=height)


def name_for(original_name: str, info: ImageInfo, *, default_stem: str = "image") -> str:
    """The name to store an upload under: its own stem, the extension of its real format."""
    stem = PurePath(original_name or "").stem[:60] or default_stem
    return f"{stem}.{info.extension}"
