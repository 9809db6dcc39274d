"""The demo store's catalogue: realistic, on sale, with pictures, and seeding twice adds nothing."""

from shop import demo
from shop.models import Brand, Category, Product, ProductImage, StockMovement
from shop.services import categories
from shop.services.categories import CategoryInput
from tests.conftest import owner_of


def test_demo_catalogue_is_on_sale_with_pictures_and_seeding_twice_adds_nothing(in_store_a, media_root):
    owner = owner_of(in_store_a)
    from django.db import connection

    connection.set_schema(in_store_a.schema_name)
    demo.seed(in_store_a, owner)

    products = Product.objects.all()
    assert 8 <= products.count() <= 12
    assert set(products.values_list("status", flat=True)) == {"on_sale"}
    assert all(p.main_image_id and p.in_stock and p.share_copy for p in products)
    apple = products.get(code="DEMO-01")
    assert apple.skus.count() == 4 and apple.category.parent.name == "水果"
    counts = (products.count(), Category.objects.count(), Brand.objects.count(), ProductImage.objects.count())
    movements = StockMovement.objects.count()

    demo.seed(in_store_a, owner)

    assert (Product.objects.count(), Category.objects.count(), Brand.objects.count()) == counts[:3]
    assert ProductImage.objects.count() == counts[3] and StockMovement.objects.count() == movements


def test_demo_categories_have_pictures_not_emoji_and_an_old_demos_emoji_is_replaced(in_store_a, media_root):
    owner = owner_of(in_store_a)
    categories.create_category(
        actor=None, data=CategoryInput(name="水果", icon="\N{RED APPLE}")
    )  # as an earlier demo seeded it

    demo.seed(in_store_a, owner)

    seeded = Category.objects.all()
    assert seeded.count() == 9
    assert all(c.image and not c.icon for c in seeded), [(c.name, c.icon) for c in seeded]
