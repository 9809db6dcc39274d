"""Catalogue test data. Call inside a store's schema.

- `CategoryFactory`, `BrandFactory`: plain model factories.
- `make_product(...)`: a product written directly (any pk, sales_count, published_at...), with its
  denormalised fields (prices, total stock, search document) computed by the catalogue's own code and
  its description sanitised like the editor does; `images=n` adds n real pictures through the media
  service. Spec names are "规格1", "规格2"... with values in order of appearance in `skus`.
- `new_product(store, ...)`: a product made through `create_product`, the service the console uses.
"""

import io
import itertools

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shop.models import SKU, Brand, Category, Product
from shop.services import brands, categories, media, products
from shop.services.brands import BrandInput
from shop.services.categories import CategoryInput
from shop.services.product_input import ProductInput, sanitize_description, spec_key_for

_counter = itertools.count(1)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"分类{n}")
    parent = None
    sort_order = 0
    is_visible = True


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"品牌{n}")


def image_file(name="apple.jpg", *, size=(800, 600), color=(200, 40, 40), fmt="JPEG", exif=None):
    """An uploaded picture file made with Pillow."""
    buffer = io.BytesIO()
    image = Image.new("RGBA" if fmt == "PNG" else "RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}.get(fmt, "image/jpeg")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def _specs_from(skus: list[dict]) -> list[dict]:
    width = max((len(row.get("spec_values") or []) for row in skus), default=0)
    specs = [{"name": f"规格{i + 1}", "values": []} for i in range(width)]
    for row in skus:
        for spec, value in zip(specs, row.get("spec_values") or [], strict=False):
            if value not in spec["values"]:
                spec["values"].append(value)
    return specs


def make_product(
    *,
    title=None,
    skus=None,
    status=Product.Status.ON_SALE,
    images=0,
    description="",
    published_at="now",
    **fields,
) -> Product:
    """A product written directly; by default on sale with one SKU of 10 at ¥19.90."""
    skus = skus if skus is not None else [{"price": "19.90", "stock": 10}]
    if published_at == "now":
        published_at = timezone.now() if status == Product.Status.ON_SALE else None
    fields.setdefault("specs", _specs_from(skus))
    product = Product.objects.create(
        title=title or f"烟台红富士苹果 {next(_counter)}",
        status=status,
        published_at=published_at,
        description=sanitize_description(description),
        **fields,
    )
    if not product.code:
        product.code = f"T{product.pk:06d}"
        Product.objects.filter(pk=product.pk).update(code=product.code)
    for row in skus:
        values = list(row.get("spec_values") or [])
        SKU.objects.create(
            product=product,
            spec_values=values,
            spec_key=spec_key_for(values),
            price=row.get("price", "19.90"),
            original_price=row.get("original_price"),
            cost_price=row.get("cost_price"),
            stock=row.get("stock", 10),
            low_stock_threshold=row.get("low_stock_threshold", 0),
            weight_grams=row.get("weight_grams", 0),
            barcode=row.get("barcode", ""),
            is_active=row.get("is_active", True),
        )
    products.refresh_denormalised(product)
    if images:
        media.add_product_images(
            product=product,
            files=[image_file(f"p{product.pk}-{i}.jpg", size=(64, 64)) for i in range(images)],
            actor=None,
        )
    product.refresh_from_db()
    return product


def sku_rows(specs=(), *, price="19.90", stock=10, **fields) -> list[dict]:
    """One SKU row per combination of `specs`, all with the same price and stock."""
    combos = list(itertools.product(*(s["values"] for s in specs))) if specs else [()]
    return [{"spec_values": list(c), "price": price, "stock": stock, **fields} for c in combos]


def new_product(
    store,
    *,
    title=None,
    specs=(),
    skus=None,
    price="19.90",
    stock=10,
    status=Product.Status.ON_SALE,
    **fields,
) -> Product:
    """A product made by create_product (the console's path); by default on sale, one SKU of 10 at ¥19.90."""
    title = title or f"烟台红富士苹果 {next(_counter)}"
    skus = skus if skus is not None else sku_rows(specs, price=price, stock=stock)
    actor = fields.pop("actor", None)
    data = ProductInput.build(title=title, specs=list(specs), skus=skus, status=status, **fields)
    return products.create_product(store=store, actor=actor, data=data)


def create_product(*, store, actor=None, **fields) -> Product:
    """create_product with the fields of a ProductInput as keywords."""
    return products.create_product(store=store, actor=actor, data=ProductInput.build(**fields))


def update_product(*, store=None, product, expected_version, actor=None, **fields) -> Product:
    """update_product with the fields of a ProductInput as keywords (`store` is accepted for symmetry
    with create_product and not needed)."""
    data = ProductInput.build(**fields)
    return products.update_product(product=product, expected_version=expected_version, actor=actor, data=data)


def save_product(*, store, product=None, expected_version=None, actor=None, **fields) -> Product:
    """save_product with the fields of a ProductInput (and new_images, video_file, clear_video) as
    keywords."""
    media_fields = {k: fields.pop(k) for k in ("new_images", "video_file", "clear_video") if k in fields}
    return products.save_product(
        store=store,
        actor=actor,
        data=ProductInput.build(**fields),
        product=product,
        expected_version=expected_version,
        **media_fields,
    )


def make_category(name=None, parent=None) -> Category:
    return categories.create_category(
        actor=None, data=CategoryInput(name=name or f"水果{next(_counter)}", parent=parent)
    )


def make_brand(name=None) -> Brand:
    return brands.create_brand(actor=None, data=BrandInput(name=name or f"果园{next(_counter)}"))
