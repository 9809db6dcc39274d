from django.urls import path

from frontend.views import console, console_activity, console_billing, console_payments

app_name = "console"
urlpatterns = [
    path("", console.dashboard, name="dashboard"),
    path("login/", console.login_view, name="login"),
    path("login/token/", console.token_login, name="token_login"),
    path("logout/", console.logout_view, name="logout"),
    path("settings/", console.store_settings, name="settings"),
    path("settings/payments/", console_payments.payment_settings, name="payment_settings"),
    path(
        "settings/payments/test/<slug:provider>/",
        console_payments.payment_connection_test,
        name="payment_test",
    ),
    path("settings/wechat/", console.wechat_settings, name="wechat_settings"),
    path("staff/", console.staff_list, name="staff"),
    path("staff/<int:pk>/role/", console.staff_role, name="staff_role"),
    path("staff/<int:pk>/active/", console.staff_active, name="staff_active"),
    path("activity/", console_activity.activity_log, name="activity"),
    path("billing/", console_billing.billing_page, name="billing"),
    path("billing/checkout/", console_billing.billing_checkout, name="billing_checkout"),
    path("billing/portal/", console_billing.billing_portal, name="billing_portal"),
    path(
        "billing/sandbox/checkout/<str:token>/",
        console_billing.sandbox_checkout,
        name="billing_sandbox_checkout",
    ),
    path("billing/sandbox/portal/", console_billing.sandbox_portal, name="billing_sandbox_portal"),
]
