from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import webhooks
from api.store import activity_views, order_views, payment_views, shop_views, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("staff", views.StaffViewSet, basename="api-staff")
router.register("activity", activity_views.ActivityViewSet, basename="api-activity")
router.register("orders", order_views.OrderViewSet, basename="api-order")
router.register("after-sales", order_views.AfterSaleViewSet, basename="api-after-sale")
router.register("shop/products", shop_views.ShopProductViewSet, basename="api-shop-product")
router.register("shop/categories", shop_views.ShopCategoryViewSet, basename="api-shop-category")

urlpatterns = [
    path("store/", views.StoreDetail.as_view(), name="api-store"),
    path("payment-settings/", payment_views.PaymentSettingsDetail.as_view(), name="api-payment-settings"),
    path("payment-settings/test/", payment_views.PaymentConnectionTest.as_view(), name="api-payment-test"),
    path("wechat-settings/", views.WechatSettingsDetail.as_view(), name="api-wechat-settings"),
    path("shipping-rules/", order_views.ShippingRulesDetail.as_view(), name="api-shipping-rules"),
    path("auth/token/", views.ObtainToken.as_view(), name="api-token"),
    # Kuaidi100 posts here, on the host of the store that subscribed the parcel (the name is what
    # shop.services.tracking_updates reverses for the provider's code).
    path("webhooks/tracking/kuaidi100/", webhooks.kuaidi100_tracking_push, name="webhook-tracking-kuaidi100"),
    # Where shop.services.payments.notify_url sends each provider's notifications, on the store's host.
    path("webhooks/payments/<slug:provider>/", webhooks.payment_notification, name="webhook-payments"),
    path("schema/", SpectacularAPIView.as_view(urlconf="config.urls_tenant"), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    *router.urls,
    path("", include("api.store.catalog_urls")),
    path("buyer/", include("api.store.buyer_urls")),
]
