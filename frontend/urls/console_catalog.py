"""The console's catalogue pages, under /console/ (included before the console's own URLs)."""

from django.urls import path

from frontend.views import console_catalog as views

app_name = "catalog"
urlpatterns = [
    path("products/", views.product_list, name="products"),
    path("products/bulk/", views.product_bulk, name="product_bulk"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/matrix/", views.product_matrix, name="product_matrix"),
    path("products/export/", views.export_products, name="export"),
    path("products/import/", views.import_products, name="import"),
    path("products/import/template/", views.import_template, name="import_template"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/delete/", views.product_delete, name="product_delete"),
    path(
        "products/<int:pk>/images/<int:image_id>/<str:action>/",
        views.image_action,
        name="product_image",
    ),
    path("products/<int:pk>/stock/", views.product_stock, name="product_stock"),
    path("products/<int:pk>/stock/<int:sku_id>/adjust/", views.sku_adjust, name="sku_adjust"),
    path("stock/", views.stock_overview, name="stock"),
    path("categories/", views.category_list, name="categories"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("categories/<int:pk>/delete/", views.category_delete, name="category_delete"),
    path("categories/<int:pk>/move/<str:direction>/", views.category_move, name="category_move"),
    path("brands/", views.brand_list, name="brands"),
    path("brands/<int:pk>/edit/", views.brand_edit, name="brand_edit"),
    path("brands/<int:pk>/delete/", views.brand_delete, name="brand_delete"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("shop-settings/", views.shop_settings, name="shop_settings"),
]
