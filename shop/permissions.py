"""Who may change the catalogue (products, stock, categories, brands, imports, shop settings). Both faces
ask here: the console's pages and the store API."""

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
