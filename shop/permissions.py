"""Who may change the catalogue (products, stock, categories, brands, imports, shop settings), who may see
or change the payment settings, and who handles orders and after-sales. Both faces ask here: the console's
pages and the store API."""

from tenants.accounts.models import User

# Customer service and finance look at the catalogue but do not change it.
CATALOG_EDITOR_ROLES = (User.Role.OWNER, User.Role.ADMIN, User.Role.OPERATIONS)


def can_edit_catalog(user) -> bool:
    """An active member of this store's staff with an editor role."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_store_staff
        and user.role in CATALOG_EDITOR_ROLES
    )


# Finance reads the payment settings (to know where the money goes); only the owner and administrators
# change them or test them against the provider.
PAYMENT_SETTINGS_VIEWER_ROLES = (User.Role.OWNER, User.Role.ADMIN, User.Role.FINANCE)


def can_view_payment_settings(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_store_staff
        and user.role in PAYMENT_SETTINGS_VIEWER_ROLES
    )


def can_change_payment_settings(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_store_staff and user.can_manage_store)


# Everyone on the staff reads orders and after-sales (finance included). The owner, administrators and
# operations staff ship and cancel orders; the owner, administrators and customer service decide
# after-sales requests.
ORDER_HANDLER_ROLES = (User.Role.OWNER, User.Role.ADMIN, User.Role.OPERATIONS)
AFTER_SALE_HANDLER_ROLES = (User.Role.OWNER, User.Role.ADMIN, User.Role.CUSTOMER_SERVICE)


def can_handle_orders(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_store_staff
        and user.role in ORDER_HANDLER_ROLES
    )


def can_handle_after_sales(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_store_staff
        and user.role in AFTER_SALE_HANDLER_ROLES
    )


# A refund the provider refused is sent again by whoever handles money or decides after-sales.
REFUND_RETRY_ROLES = (User.Role.OWNER, User.Role.ADMIN, User.Role.FINANCE, User.Role.CUSTOMER_SERVICE)


def can_retry_refunds(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_store_staff and user.role in REFUND_RETRY_ROLES
    )


# The shipping rules (fees, free shipping, the order timings) are set by those who ship.
def can_change_shipping_rules(user) -> bool:
    return can_handle_orders(user)
