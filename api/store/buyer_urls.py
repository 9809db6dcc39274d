"""Routes of the buyer API, included under /api/v1/buyer/ on a store host."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from api.store import buyer_order_views, buyer_views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("addresses", buyer_views.AddressViewSet, basename="api-buyer-address")
router.register("cart/lines", buyer_order_views.CartLineViewSet, basename="api-buyer-cart-line")
router.register("orders", buyer_order_views.BuyerOrderViewSet, basename="api-buyer-order")
router.register("after-sales", buyer_order_views.BuyerAfterSaleViewSet, basename="api-buyer-after-sale")
router.register(
    "notifications", buyer_order_views.BuyerNotificationViewSet, basename="api-buyer-notification"
)

urlpatterns = [
    path("auth/sms-code/", buyer_views.SmsCodeRequest.as_view(), name="api-buyer-sms-code"),
    path("auth/sms-sign-in/", buyer_views.SmsSignIn.as_view(), name="api-buyer-sms-sign-in"),
    path("auth/wechat-mini/", buyer_views.WechatMiniSignIn.as_view(), name="api-buyer-wechat-mini"),
    path("auth/sign-out/", buyer_views.SignOut.as_view(), name="api-buyer-sign-out"),
    path("profile/", buyer_views.Profile.as_view(), name="api-buyer-profile"),
    path("profile/phone/", buyer_views.PhoneBinding.as_view(), name="api-buyer-phone"),
    path("cart/", buyer_order_views.CartDetail.as_view(), name="api-buyer-cart"),
    path("cart/select/", buyer_order_views.CartSelect.as_view(), name="api-buyer-cart-select"),
    path(
        "cart/confirm-prices/", buyer_order_views.CartConfirmPrices.as_view(), name="api-buyer-cart-confirm"
    ),
    path("checkout/quote/", buyer_order_views.CheckoutQuote.as_view(), name="api-buyer-checkout-quote"),
    *router.urls,
]
