"""Factories. Tenant-schema objects must be built inside the store's schema (the fixtures do that)."""

import io

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

User = get_user_model()
PASSWORD = "s3cret-pass-word"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name", locale="zh_CN")
    role = User.Role.CUSTOMER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    role = User.Role.OPERATIONS


class OperatorFactory(UserFactory):
    """A platform operator: only meaningful in the public schema."""

    role = User.Role.OPERATOR
    is_staff = True
    is_superuser = True


def picture(fmt: str = "PNG", size=(64, 64), name: str | None = None) -> SimpleUploadedFile:
    """An uploaded picture in `fmt` (PNG, JPEG, WEBP, GIF, BMP) made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (26, 163, 90)).save(buffer, format=fmt)
    extension = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif", "BMP": "bmp"}[fmt]
    return SimpleUploadedFile(
        name or f"logo.{extension}", buffer.getvalue(), content_type=f"image/{extension}"
    )


def pdf_named_jpg(name: str = "photo.jpg") -> SimpleUploadedFile:
    """A PDF wearing a picture's name and content type: what an upload check must see through."""
    content = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="image/jpeg")
