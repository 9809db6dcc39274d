"""Product pictures and video: checked before they are stored, thumbnailed, ordered, removed."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shop.models import Product, ProductImage
from shop.services import media
from tenants.errors import InvalidInput, NotFound
from tests.shop.factories import image_file, new_product


@pytest.fixture
def product(in_store_a, media_root):
    return new_product(in_store_a, title="丹东草莓")


def stored(image_field) -> bool:
    return image_field.storage.exists(image_field.name)


def test_pictures_are_stored_with_a_thumbnail_and_the_first_becomes_main(product):
    images = media.add_product_images(
        actor=None,
        product=product,
        files=[image_file("a.jpg", size=(1600, 1200)), image_file("b.png", fmt="PNG")],
    )

    product.refresh_from_db()
    assert product.main_image == images[0]
    first = images[0]
    assert (first.width, first.height) == (1600, 1200)
    assert stored(first.image) and stored(first.thumbnail)
    assert first.image.url.startswith("/media/")
    with first.thumbnail.open("rb") as handle, Image.open(handle) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == media.THUMBNAIL_SIDE
    with images[1].thumbnail.open("rb") as handle, Image.open(handle) as thumb:
        assert thumb.mode == "RGB"  # transparency flattened
    assert [i.pk for i in product.images.all()] == [i.pk for i in images]


def test_a_sideways_phone_photo_is_thumbnailed_upright(product):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    upload = image_file("phone.jpg", size=(800, 400), exif=exif.tobytes())

    [image] = media.add_product_images(actor=None, product=product, files=[upload])

    assert (image.width, image.height) == (400, 800)
    with image.thumbnail.open("rb") as handle, Image.open(handle) as thumb:
        assert thumb.size == (200, 400)


def test_a_50_mb_picture_is_refused_and_nothing_is_saved(product):
    huge = SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff\xe0" + b"\0" * (50 * 1024 * 1024), "image/jpeg")

    with pytest.raises(InvalidInput) as caught:
        media.add_product_images(actor=None, product=product, files=[image_file("ok.jpg"), huge])

    assert "huge.jpg" in caught.value.errors["images"][0]
    assert "at most 10 MB" in caught.value.errors["images"][0]
    assert not ProductImage.objects.exists()


def test_a_pdf_renamed_jpg_is_refused(product):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF", "image/jpeg")
    with pytest.raises(InvalidInput) as caught:
        media.add_product_images(actor=None, product=product, files=[fake])
    assert "not a picture" in caught.value.errors["images"][0]
    assert not ProductImage.objects.exists()


def test_a_picture_wider_than_6000_pixels_is_refused(product):
    buffer = io.BytesIO()
    Image.new("L", (6001, 10)).save(buffer, "PNG")
    wide = SimpleUploadedFile("wide.png", buffer.getvalue(), "image/png")
    with pytest.raises(InvalidInput) as caught:
        media.add_product_images(actor=None, product=product, files=[wide])
    assert "6001×10" in caught.value.errors["images"][0]


def test_a_product_has_at_most_15_pictures(product):
    media.add_product_images(
        actor=None, product=product, files=[image_file(f"{i}.jpg", size=(20, 20)) for i in range(15)]
    )
    with pytest.raises(InvalidInput, match="at most 15"):
        media.add_product_images(actor=None, product=product, files=[image_file("16.jpg", size=(20, 20))])


def test_reordering_choosing_the_main_picture_and_deleting_it(product, django_capture_on_commit_callbacks):
    a, b, c = media.add_product_images(
        actor=None, product=product, files=[image_file(f"{n}.jpg", size=(40, 40)) for n in "abc"]
    )

    media.reorder_product_images(actor=None, product=product, ordered_ids=[c.pk, a.pk, b.pk])
    assert [i.pk for i in product.images.all()] == [c.pk, a.pk, b.pk]
    with pytest.raises(InvalidInput):
        media.reorder_product_images(actor=None, product=product, ordered_ids=[c.pk, 999999])

    media.set_main_image(actor=None, product=product, image_id=b.pk)
    assert Product.objects.get(pk=product.pk).main_image_id == b.pk

    files = [b.image.path, b.thumbnail.path]
    with django_capture_on_commit_callbacks(execute=True):
        media.delete_product_image(actor=None, product=product, image_id=b.pk)
    assert Product.objects.get(pk=product.pk).main_image_id == c.pk  # the next in order
    assert not any(os.path.exists(path) for path in files)
    with pytest.raises(NotFound):
        media.set_main_image(actor=None, product=product, image_id=b.pk)


def test_another_products_picture_cannot_be_touched(product, in_store_a):
    other = new_product(in_store_a, title="别的")
    [image] = media.add_product_images(actor=None, product=other, files=[image_file(size=(20, 20))])
    with pytest.raises(NotFound):
        media.delete_product_image(actor=None, product=product, image_id=image.pk)
    assert ProductImage.objects.filter(pk=image.pk).exists()


MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\x82\x84webm"


def test_a_video_is_an_mp4_or_webm_upload_or_a_web_address(product):
    media.set_product_video(
        actor=None, product=product, file=SimpleUploadedFile("clip.MP4", MP4_HEAD + b"\0" * 100)
    )
    product.refresh_from_db()
    assert product.video_file.name.endswith(".mp4") and product.video_url == ""

    media.set_product_video(
        actor=None, product=product, file=SimpleUploadedFile("clip.webm", WEBM_HEAD + b"\0" * 100)
    )
    media.set_product_video(actor=None, product=product, url="https://v.example.com/strawberry.mp4")
    product.refresh_from_db()
    assert product.video_url == "https://v.example.com/strawberry.mp4" and not product.video_file

    media.set_product_video(actor=None, product=product, clear=True)
    product.refresh_from_db()
    assert product.video_url == "" and not product.video_file


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("clip.mp4", b"%PDF-1.4 not a video" + b"\0" * 50), "not a real MP4"),
        (SimpleUploadedFile("clip.webm", MP4_HEAD), "not a real WEBM"),
        (SimpleUploadedFile("clip.avi", MP4_HEAD), "MP4 or WebM"),
        (SimpleUploadedFile("big.mp4", MP4_HEAD + b"\0" * (50 * 1024 * 1024)), "at most 50 MB"),
    ],
)
def test_bad_videos_are_refused(product, upload, message):
    with pytest.raises(InvalidInput) as caught:
        media.set_product_video(actor=None, product=product, file=upload)
    assert message in caught.value.errors["video_file"][0]
    product.refresh_from_db()
    assert not product.video_file


def test_a_video_address_must_be_http(product):
    with pytest.raises(InvalidInput) as caught:
        media.set_product_video(actor=None, product=product, url="javascript:alert(1)")
    assert "video_url" in caught.value.errors
