"""Routes of the buyer API, included under /api/v1/buyer/ on a store host."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from api.store import buyer_views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("addresses", buyer_views.AddressViewSet, basename="api-buyer-address")

urlpatterns = [
    path("auth/sms-code/", buyer_views.SmsCodeRequest.as_view(), name="api-buyer-sms-code"),
    path("auth/sms-sign-in/", buyer_views.SmsSignIn.as_view(), name="api-buyer-sms-sign-in"),
    path("auth/wechat-mini/", buyer_views.WechatMiniSignIn.as_view(), name="api-buyer-wechat-mini"),
    path("auth/sign-out/", buyer_views.SignOut.as_view(), name="api-buyer-sign-out"),
    path("profile/", buyer_views.Profile.as_view(), name="api-buyer-profile"),
    path("profile/phone/", buyer_views.PhoneBinding.as_view(), name="api-buyer-phone"),
    *router.urls,
]
