"""The operator console, on the platform host only (config/urls_public.py)."""

from django.urls import path

from frontend.views import operator, operator_billing

app_name = "operator"
urlpatterns = [
    path("", operator.store_list, name="home"),
    path("login/", operator.login_view, name="login"),
    path("logout/", operator.logout_view, name="logout"),
    path("stores/", operator.store_list, name="stores"),
    path("stores/<int:store_id>/", operator.store_detail, name="store"),
    path("stores/<int:store_id>/suspend/", operator.store_suspend, name="store_suspend"),
    path("stores/<int:store_id>/reactivate/", operator.store_reactivate, name="store_reactivate"),
    path("stores/<int:store_id>/payments/", operator.store_wechat_sub_merchant, name="store_payments"),
    path("plans/", operator.plan_list, name="plans"),
    path("plans/new/", operator.plan_create, name="plan_create"),
    path("plans/<int:plan_id>/edit/", operator.plan_edit, name="plan_edit"),
    path("templates/", operator.template_list, name="templates"),
    path("templates/new/", operator.template_create, name="template_create"),
    path("templates/<int:template_id>/edit/", operator.template_edit, name="template_edit"),
    path("audit/", operator.audit_log, name="audit"),
    path("billing/", operator_billing.billing_overview, name="billing"),
    path(
        "stores/<int:store_id>/extend-trial/", operator_billing.store_extend_trial, name="store_extend_trial"
    ),
    path("stores/<int:store_id>/grant-plan/", operator_billing.store_grant_plan, name="store_grant_plan"),
]
