"""The console's order pages, after-sales and shipping rules, under /console/."""

from django.urls import path

from frontend.views import console_aftersales, console_orders, console_shipping

app_name = "orders"
urlpatterns = [
    path("orders/", console_orders.order_list, name="list"),
    path("orders/export/", console_orders.order_export, name="export"),
    path("orders/ship/", console_orders.bulk_ship, name="bulk_ship"),
    path("orders/ship/template/", console_orders.bulk_ship_template, name="bulk_ship_template"),
    path("orders/<int:pk>/", console_orders.order_detail, name="order"),
    path("orders/<int:pk>/ship/", console_orders.order_ship, name="ship"),
    path("orders/<int:pk>/cancel/", console_orders.order_cancel, name="cancel"),
    path("orders/<int:pk>/refunds/<int:refund_pk>/retry/", console_orders.refund_retry, name="refund_retry"),
    path("after-sales/", console_aftersales.after_sale_list, name="after_sales"),
    path("after-sales/<int:pk>/", console_aftersales.after_sale_detail, name="after_sale"),
    path("after-sales/<int:pk>/approve/", console_aftersales.after_sale_approve, name="after_sale_approve"),
    path("after-sales/<int:pk>/reject/", console_aftersales.after_sale_reject, name="after_sale_reject"),
    path("after-sales/<int:pk>/receive/", console_aftersales.after_sale_receive, name="after_sale_receive"),
    path("settings/shipping/", console_shipping.shipping_rules, name="shipping_rules"),
    path("settings/shipping/row/", console_shipping.shipping_rule_row, name="shipping_rule_row"),
]
