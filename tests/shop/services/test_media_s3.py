"""Media on an S3-compatible store (S3_BUCKET): every store's files under its own key prefix, links
through the CDN domain or signed, files removed with their rows. S3 is faked at the HTTP layer (moto)."""

import boto3
import pytest
from django.core.files.base import ContentFile
from django_tenants.utils import schema_context
from moto import mock_aws
from PIL import Image

from config.media_storage import default_storage_from
from shop.services import media
from tenants.storage import platform_storage
from tests.shop.factories import image_file, new_product

BUCKET = "fenxiao-test-media"


ENVIRONMENT = {  # what an operator sets (docker/.env.example)
    "S3_BUCKET": BUCKET,
    "S3_REGION": "us-east-1",
    "S3_ACCESS_KEY_ID": "test-key",
    "S3_SECRET_ACCESS_KEY": "test-secret",
}


def s3_storage(**environ) -> dict:
    """STORAGES as config/settings.py builds it from these environment variables."""
    return {
        "default": default_storage_from({**ENVIRONMENT, **environ}),
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def bucket(settings):
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = s3_storage(S3_CUSTOM_DOMAIN="img.fenxiao.example")
        yield client


def keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_pictures_go_to_the_bucket_under_the_store_and_link_through_the_cdn(bucket, in_store_a):
    product = new_product(in_store_a, title="丹东草莓")

    [image] = media.add_product_images(
        actor=None, product=product, files=[image_file("a.jpg", size=(1600, 1200))]
    )

    prefix = f"media/{in_store_a.schema_name}/"
    assert keys(bucket) == {prefix + image.image.name, prefix + image.thumbnail.name}
    assert image.image.name.startswith("products/") and image.thumbnail.name.startswith("products/thumbs/")
    assert image.image.url == f"https://img.fenxiao.example/{prefix}{image.image.name}"
    with image.thumbnail.open("rb") as handle, Image.open(handle) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == media.THUMBNAIL_SIDE


def test_two_stores_never_share_a_key_even_for_the_same_file_name(bucket, store_a, store_b):
    stored = {}
    for store in (store_a, store_b):
        with schema_context(store.schema_name):
            product = new_product(store, title="同名图片")
            [image] = media.add_product_images(actor=None, product=product, files=[image_file("same.jpg")])
            stored[store.schema_name] = image.image.name

    all_keys = keys(bucket)
    for schema, name in stored.items():
        assert f"media/{schema}/{name}" in all_keys
    assert {key.split("/")[1] for key in all_keys} == {store_a.schema_name, store_b.schema_name}


def test_deleting_a_picture_removes_its_objects_once_committed(
    bucket, in_store_a, django_capture_on_commit_callbacks
):
    product = new_product(in_store_a, title="蓝莓")
    first, second = media.add_product_images(
        actor=None, product=product, files=[image_file("a.jpg"), image_file("b.jpg")]
    )

    with django_capture_on_commit_callbacks(execute=True):
        media.delete_product_image(actor=None, product=product, image_id=first.pk)

    prefix = f"media/{in_store_a.schema_name}/"
    assert keys(bucket) == {prefix + second.image.name, prefix + second.thumbnail.name}


def test_without_a_cdn_domain_links_are_signed_and_expire(settings, in_store_a):
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings.STORAGES = s3_storage(S3_URL_EXPIRE="600")
        product = new_product(in_store_a, title="杨梅")
        [image] = media.add_product_images(actor=None, product=product, files=[image_file("a.jpg")])

        url = image.image.url

    assert f"/media/{in_store_a.schema_name}/products/" in url
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=600" in url


def test_without_s3_bucket_files_stay_on_disk_in_a_folder_per_store():
    assert default_storage_from({}) == {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"}
    assert default_storage_from({"S3_BUCKET": "  "})["BACKEND"].endswith("TenantFileSystemStorage")


def test_the_platforms_own_files_stay_in_the_public_folder_whatever_store_is_active(bucket, in_store_a):
    storage = platform_storage()

    name = storage.save("templates/ocean.png", ContentFile(b"\x89PNG preview"))

    assert keys(bucket) == {f"media/public/{name}"}
    assert storage.url(name) == f"https://img.fenxiao.example/media/public/{name}"
