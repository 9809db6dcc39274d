"""The one check every uploaded picture goes through (tenants/images.py): formats, bytes, pixels."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.errors import InvalidInput
from tenants.images import validate_image_upload
from tests.factories import picture


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_image_validation_accepts_the_four_web_formats(fmt):
    info = validate_image_upload(picture(fmt, (40, 30)), max_bytes=2 * 1024 * 1024, max_side=4000)
    assert (info.format, info.width, info.height) == (fmt, 40, 30)


def test_image_validation_refuses_other_formats_by_name():
    with pytest.raises(InvalidInput) as error:
        validate_image_upload(picture("BMP"), max_bytes=2 * 1024 * 1024, max_side=4000, field="logo")
    assert "BMP pictures are not accepted" in error.value.errors["logo"][0]


def test_image_validation_refuses_files_over_the_byte_limit():
    with pytest.raises(InvalidInput) as error:
        validate_image_upload(picture("PNG", (200, 200)), max_bytes=100, max_side=4000)
    assert "pictures can be at most" in error.value.errors["image"][0]


def test_image_validation_refuses_a_decompression_bomb_without_decoding_it():
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
    bomb = b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    with pytest.raises(InvalidInput) as error:
        validate_image_upload(SimpleUploadedFile("bomb.png", bomb), max_bytes=2 * 1024 * 1024, max_side=4000)
    assert "far too many pixels" in error.value.errors["image"][0]


def test_image_validation_refuses_a_truncated_picture():
    whole = picture("PNG", (300, 300)).read()
    broken = SimpleUploadedFile("cut.png", whole[: len(whole) // 2], content_type="image/png")
    with pytest.raises(InvalidInput):
        validate_image_upload(broken, max_bytes=2 * 1024 * 1024, max_side=4000)
