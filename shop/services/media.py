"""Product media: image gallery (validated, thumbnailed, ordered, with a main image) and video.
Files go through Django's storage API (per-store folders locally, S3-compatible when configured)."""

import contextlib
import io
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from shop import locks
from shop.models import Product, ProductImage
from tenants import activity
from tenants.errors import InvalidInput, NotFound
from tenants.images import name_for, validate_image_upload

MB = 1024 * 1024
PRODUCT_IMAGE_MAX_BYTES = 10 * MB
PRODUCT_IMAGE_MAX_SIDE = 6000
MAX_IMAGES_PER_PRODUCT = 15
THUMBNAIL_SIDE = 400
VIDEO_MAX_BYTES = 50 * MB
VIDEO_EXTENSIONS = ("mp4", "webm")
ICON_MAX_BYTES = 2 * MB
ICON_MAX_SIDE = 2000


def get_product(product: Product | int) -> Product:
    """The product, row-locked (without its SKUs: media never waits for stock), for a media change."""
    return locks.lock_product(product, with_skus=False)


def delete_files_on_commit(names: list[str]) -> None:
    """Remove stored files once the transaction commits (storage is not transactional: a rollback must
    not have deleted a picture its row still names)."""
    names = [name for name in names if name]

    def remove():
        for name in names:
            with contextlib.suppress(OSError):
                default_storage.delete(name)

    if names:
        transaction.on_commit(remove)


def store_picture(instance, field_name: str, file, *, errors_key: str) -> None:
    """Validate a small picture (a category icon, a brand logo) and put it on the instance's image
    field (saved with the instance)."""
    info = validate_image_upload(file, max_bytes=ICON_MAX_BYTES, max_side=ICON_MAX_SIDE, field=errors_key)
    getattr(instance, field_name).save(name_for(getattr(file, "name", ""), info), file, save=False)


def make_thumbnail(file, *, side: int = THUMBNAIL_SIDE) -> tuple[ContentFile, int, int]:
    """A JPEG of at most side×side, turned upright from its EXIF orientation, transparency flattened
    on white. Returns (content, upright width, upright height) of the original."""
    file.seek(0)
    with Image.open(file) as original:
        width, height = original.size
        if original.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # EXIF orientation: rotated a quarter turn
            width, height = height, width
        # For JPEGs, decode at a reduced scale straight away: a 6000 px photo never expands in full.
        original.draft("RGB", (side * 2, side * 2))
        image = ImageOps.exif_transpose(original)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.getchannel("A"))
            image = background
        elif image.mode != "RGB":
            image = image.convert("RGB")
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85, optimize=True)
    file.seek(0)
    return ContentFile(buffer.getvalue()), width, height


@transaction.atomic
def add_product_images(*, product: Product | int, files: list, actor) -> list[ProductImage]:
    """Validate every file first (InvalidInput on "images" naming the file; nothing saved if any is bad),
    then store each with a 400 px thumbnail. The first image becomes the main image if none is set."""
    product = get_product(product)
    files = [f for f in files or () if f]
    if not files:
        raise InvalidInput({"images": [_("Choose at least one picture.")]})
    existing = ProductImage.objects.filter(product=product).count()
    if existing + len(files) > MAX_IMAGES_PER_PRODUCT:
        raise InvalidInput(
            {
                "images": [
                    _("A product has at most %(n)s pictures; it has %(existing)s already.")
                    % {"n": MAX_IMAGES_PER_PRODUCT, "existing": existing}
                ]
            }
        )
    infos = []
    for file in files:
        try:
            infos.append(
                validate_image_upload(
                    file, max_bytes=PRODUCT_IMAGE_MAX_BYTES, max_side=PRODUCT_IMAGE_MAX_SIDE, field="images"
                )
            )
        except InvalidInput as error:
            name = getattr(file, "name", "") or _("picture")
            raise InvalidInput({"images": [f"{PurePath(name).name}: {error.message}"]}) from error
    last = ProductImage.objects.filter(product=product).order_by("-sort_order").first()
    position = (last.sort_order + 10) if last else 0
    created = []
    try:
        for file, info in zip(files, infos, strict=True):
            name = name_for(getattr(file, "name", ""), info, default_stem="product")
            thumbnail, width, height = make_thumbnail(file)
            image = ProductImage(product=product, width=width, height=height, sort_order=position)
            created.append(image)
            image.image.save(name, file, save=False)
            image.thumbnail.save(f"{PurePath(name).stem}_thumb.jpg", thumbnail, save=False)
            image.save()
            position += 10
    except Exception:
        # Storage is not transactional: remove what this call already wrote, then let the error
        # roll the rows back.
        for image in created:
            for field_file in (image.image, image.thumbnail):
                if field_file.name:
                    with contextlib.suppress(OSError):
                        field_file.storage.delete(field_file.name)
        raise
    if product.main_image_id is None:
        product.main_image = created[0]
        product.save(update_fields=["main_image", "updated_at"])
    activity.record(
        actor=actor, action="product.images_added", target=product, changes={"images": [None, len(created)]}
    )
    return created


@transaction.atomic
def reorder_product_images(*, product: Product | int, ordered_ids: list[int], actor) -> None:
    """The gallery in the given order; every id must be one of the product's pictures (those left out
    keep their relative order after the ones given)."""
    product = get_product(product)
    images = {image.pk: image for image in ProductImage.objects.filter(product=product)}
    ids = [pk for pk in ordered_ids or () if isinstance(pk, int) and not isinstance(pk, bool)]
    if len(ids) != len(ordered_ids or ()) or set(ids) - set(images) or len(set(ids)) != len(ids):
        raise InvalidInput({"images": [_("Reload the page: the pictures have changed.")]})
    before = sorted(images, key=lambda pk: (images[pk].sort_order, pk))
    ordered = ids + [pk for pk in before if pk not in ids]
    for position, pk in enumerate(ordered):
        images[pk].sort_order = position * 10
    ProductImage.objects.bulk_update(images.values(), ["sort_order"])
    if ordered != before:
        activity.record(
            actor=actor,
            action="product.images_reordered",
            target=product,
            changes={"images": [before, ordered]},
        )


@transaction.atomic
def move_product_image(*, product: Product | int, image_id: int, direction: str, actor) -> None:
    """Swap a picture with its neighbour before ("up") or after ("down"); at either end nothing moves."""
    if direction not in ("up", "down"):
        raise InvalidInput({"direction": [_("Move a picture up or down.")]})
    ids = list(
        ProductImage.objects.filter(product_id=getattr(product, "pk", product))
        .order_by("sort_order", "id")
        .values_list("pk", flat=True)
    )
    if image_id not in ids:
        raise NotFound(_("This picture no longer exists."))
    at = ids.index(image_id)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(ids):
        ids[at], ids[to] = ids[to], ids[at]
        reorder_product_images(product=product, ordered_ids=ids, actor=actor)


@transaction.atomic
def set_main_image(*, product: Product | int, image_id: int, actor) -> Product:
    product = get_product(product)
    image = ProductImage.objects.filter(product=product, pk=image_id).first()
    if image is None:
        raise NotFound(_("This picture no longer exists."))
    before = product.main_image_id
    product.main_image = image
    product.save(update_fields=["main_image", "updated_at"])
    if before != image.pk:
        activity.record(
            actor=actor,
            action="product.main_image_set",
            target=product,
            changes={"main_image": [before, image.pk]},
        )
    return product


@transaction.atomic
def delete_product_image(*, product: Product | int, image_id: int, actor) -> None:
    """Deletes the row and its files; the next image becomes main if the main one was deleted."""
    product = get_product(product)
    image = ProductImage.objects.filter(product=product, pk=image_id).first()
    if image is None:
        raise NotFound(_("This picture no longer exists."))
    files = [image.image.name, image.thumbnail.name]
    was_main = product.main_image_id == image.pk
    if was_main:
        product.main_image = None
        product.save(update_fields=["main_image", "updated_at"])
    image.delete()
    if was_main:
        product.main_image = ProductImage.objects.filter(product=product).order_by("sort_order", "id").first()
        product.save(update_fields=["main_image", "updated_at"])
    delete_files_on_commit(files)
    activity.record(
        actor=actor, action="product.image_deleted", target=product, changes={"image": [image_id, None]}
    )


def _video_problem(file) -> str | None:
    extension = PurePath(getattr(file, "name", "") or "").suffix.lower().lstrip(".")
    if extension not in VIDEO_EXTENSIONS:
        return _("Upload an MP4 or WebM video.")
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size > VIDEO_MAX_BYTES:
        return _("This video is %(size)s MB; videos can be at most %(limit)s MB.") % {
            "size": f"{size / MB:.1f}",
            "limit": VIDEO_MAX_BYTES // MB,
        }
    file.seek(0)
    head = file.read(64)
    file.seek(0)
    # The bytes decide, not the name: MP4 has an "ftyp" box at offset 4, WebM starts with EBML.
    is_mp4 = head[4:8] == b"ftyp"
    is_webm = head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head
    if (extension == "mp4" and not is_mp4) or (extension == "webm" and not is_webm):
        return _("This file is not a real %(format)s video.") % {"format": extension.upper()}
    return None


@transaction.atomic
def set_product_video(
    *, product: Product | int, actor, url: str = "", file=None, clear: bool = False
) -> Product:
    """Either an http(s) URL or an mp4/webm upload (<= 50 MB, checked by extension and magic bytes);
    clear=True removes both. InvalidInput on "video_url" / "video_file"."""
    product = get_product(product)
    old_file = product.video_file.name if product.video_file else ""
    old_url = product.video_url
    url = (url or "").strip()
    if clear:
        product.video_url = ""
        product.video_file = ""
    elif file:
        problem = _video_problem(file)
        if problem:
            raise InvalidInput({"video_file": [problem]})
        stem = PurePath(file.name).stem[:60] or "video"
        product.video_file.save(f"{stem}{PurePath(file.name).suffix.lower()}", file, save=False)
        product.video_url = ""
    elif url:
        if len(url) > 200:
            raise InvalidInput({"video_url": [_("At most 200 characters.")]})
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise InvalidInput(
                {"video_url": [_("Enter a web address starting with http:// or https://.")]}
            ) from None
        product.video_url = url
        product.video_file = ""
    else:
        raise InvalidInput({"video_url": [_("Give a video address or upload a video file.")]})
    product.save(update_fields=["video_url", "video_file", "updated_at"])
    if old_file and old_file != (product.video_file.name if product.video_file else ""):
        delete_files_on_commit([old_file])
    activity.record(
        actor=actor,
        action="product.video_changed",
        target=product,
        changes={
            "video": [old_file or old_url or None, product.video_file.name or product.video_url or None]
        },
    )
    return product
