from django.urls import path

from frontend.views import storefront

app_name = "storefront"
urlpatterns = [
    path("", storefront.home, name="home"),
    path("categories/", storefront.categories, name="categories"),
    path("categories/<int:pk>/", storefront.category, name="category"),
    path("search/", storefront.search, name="search"),
    path("products/<int:pk>/", storefront.product, name="product"),
    path("account/", storefront.account, name="account"),
]
