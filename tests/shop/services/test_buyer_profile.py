"""The buyer's profile: a nickname and an optional avatar (a real picture, checked like every upload)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shop.services.buyer_profile import ProfileInput, update_profile
from tenants.errors import InvalidInput
from tests.shop.conftest import PHONE_1, make_buyer

pytestmark = pytest.mark.django_db


def png(name="me.png", size=(64, 64)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def buyer(in_store_a, media_root):
    return make_buyer(in_store_a, PHONE_1, name="旧名字")


def test_the_buyer_changes_the_nickname_and_none_keeps_it(buyer):
    update_profile(buyer=buyer, data=ProfileInput(name="  小王  "))
    buyer.refresh_from_db()
    assert buyer.name == "小王"
    update_profile(buyer=buyer, data=ProfileInput())
    buyer.refresh_from_db()
    assert buyer.name == "小王"


def test_a_nickname_has_at_most_forty_characters(buyer):
    with pytest.raises(InvalidInput) as refused:
        update_profile(buyer=buyer, data=ProfileInput(name="名" * 41))
    assert list(refused.value.errors) == ["name"]


@pytest.mark.parametrize("name", ["小\x00王", "\x1b[2J小王", "小\x07王"])
def test_a_nickname_with_a_control_character_is_refused_and_nothing_changes(buyer, name):
    with pytest.raises(InvalidInput) as refused:
        update_profile(buyer=buyer, data=ProfileInput(name=name, avatar=png()))
    assert list(refused.value.errors) == ["name"]
    assert "control character" in refused.value.errors["name"][0]
    buyer.refresh_from_db()
    assert buyer.name == "旧名字" and not buyer.avatar


def test_an_avatar_is_stored_under_its_real_format_and_can_be_removed(
    buyer, django_capture_on_commit_callbacks
):
    update_profile(buyer=buyer, data=ProfileInput(avatar=png("selfie.jpg")))
    buyer.refresh_from_db()
    assert buyer.avatar.name.startswith("avatars/selfie") and buyer.avatar.name.endswith(".png")
    stored = buyer.avatar.name
    storage = buyer.avatar.storage
    with django_capture_on_commit_callbacks(execute=True):
        update_profile(buyer=buyer, data=ProfileInput(clear_avatar=True))
    buyer.refresh_from_db()
    assert not buyer.avatar and not storage.exists(stored)


def test_a_file_that_is_not_a_picture_is_refused_on_the_avatar(buyer):
    fake = SimpleUploadedFile("me.png", b"%PDF-1.4 not a picture", content_type="image/png")
    with pytest.raises(InvalidInput) as refused:
        update_profile(buyer=buyer, data=ProfileInput(avatar=fake))
    assert list(refused.value.errors) == ["avatar"]
