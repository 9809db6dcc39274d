"""Routes of the catalogue API, included under /api/v1/ on a store host."""

from rest_framework.routers import DefaultRouter

from api.store import catalog_views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("products", catalog_views.ProductViewSet, basename="api-product")
router.register("skus", catalog_views.SKUViewSet, basename="api-sku")
router.register("categories", catalog_views.CategoryViewSet, basename="api-category")
router.register("brands", catalog_views.BrandViewSet, basename="api-brand")

urlpatterns = router.urls
