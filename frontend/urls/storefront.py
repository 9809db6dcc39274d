from django.urls import path

from frontend.views import storefront, storefront_account

app_name = "storefront"
urlpatterns = [
    path("", storefront.home, name="home"),
    path("categories/", storefront.categories, name="categories"),
    path("categories/<int:pk>/", storefront.category, name="category"),
    path("search/", storefront.search, name="search"),
    path("products/<int:pk>/", storefront.product, name="product"),
    path("account/", storefront_account.account, name="account"),
    path("account/sign-in/", storefront_account.sign_in, name="sign_in"),
    path("account/sign-in/code/", storefront_account.send_code, name="send_code"),
    path("account/sign-in/wechat/", storefront_account.wechat_sign_in, name="wechat_sign_in"),
    path("account/sign-in/wechat/callback/", storefront_account.wechat_callback, name="wechat_callback"),
    path("account/sign-out/", storefront_account.sign_out, name="sign_out"),
    path("account/profile/", storefront_account.profile, name="profile"),
    path("account/phone/", storefront_account.phone, name="phone"),
    path("account/addresses/", storefront_account.address_list, name="addresses"),
    path("account/addresses/new/", storefront_account.address_new, name="address_new"),
    path("account/addresses/<int:pk>/", storefront_account.address_edit, name="address_edit"),
    path("account/addresses/<int:pk>/default/", storefront_account.address_default, name="address_default"),
    path("account/addresses/<int:pk>/delete/", storefront_account.address_delete, name="address_delete"),
]
