from django.urls import path

from frontend.views import (
    storefront,
    storefront_account,
    storefront_aftersales,
    storefront_cart,
    storefront_checkout,
    storefront_orders,
    storefront_pay,
)

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
    path("account/notifications/", storefront_account.notifications, name="notifications"),
    path("account/notifications/read/", storefront_account.notifications_read, name="notifications_read"),
    # the cart (a guest's too) and checkout
    path("cart/", storefront_cart.cart, name="cart"),
    path("cart/add/", storefront_cart.add, name="cart_add"),
    path("cart/lines/<int:line_id>/", storefront_cart.update_line, name="cart_line"),
    path("cart/select/", storefront_cart.select, name="cart_select"),
    path("cart/remove/", storefront_cart.remove, name="cart_remove"),
    path("cart/prices/", storefront_cart.confirm_prices, name="cart_confirm_prices"),
    path("checkout/", storefront_checkout.checkout, name="checkout"),
    # the buyer's orders, paying them, after-sales
    path("orders/", storefront_orders.order_list, name="orders"),
    path("orders/<str:order_number>/", storefront_orders.order_detail, name="order"),
    path("orders/<str:order_number>/cancel/", storefront_orders.cancel, name="order_cancel"),
    path("orders/<str:order_number>/receive/", storefront_orders.confirm_receipt, name="order_receive"),
    path("orders/<str:order_number>/pay/", storefront_pay.pay, name="pay"),
    path("orders/<str:order_number>/pay/return/", storefront_pay.pay_return, name="pay_return"),
    path("orders/<str:order_number>/pay/status/", storefront_pay.pay_status, name="pay_status"),
    path(
        "orders/<str:order_number>/lines/<int:line_id>/after-sale/",
        storefront_aftersales.request_form,
        name="after_sale_new",
    ),
    path("pay/sandbox/<str:out_trade_no>/", storefront_pay.sandbox, name="sandbox_pay"),
    path("after-sales/", storefront_aftersales.request_list, name="after_sales"),
    path("after-sales/<str:after_sale_number>/", storefront_aftersales.request_detail, name="after_sale"),
    path(
        "after-sales/<str:after_sale_number>/withdraw/",
        storefront_aftersales.withdraw,
        name="after_sale_withdraw",
    ),
    path(
        "after-sales/<str:after_sale_number>/return/",
        storefront_aftersales.ship_return,
        name="after_sale_return",
    ),
]
