"""One rule for who may change the catalogue, shared by the console and the API."""

import pytest
from django.contrib.auth.models import AnonymousUser

from shop.permissions import can_edit_catalog
from tenants.accounts.models import User


@pytest.mark.parametrize(
    "role, may_edit",
    [
        ("owner", True),
        ("admin", True),
        ("operations", True),
        ("customer_service", False),
        ("finance", False),
        ("customer", False),
    ],
)
def test_owner_admin_and_operations_edit_the_catalogue_other_roles_only_look(role, may_edit):
    assert can_edit_catalog(User(email="staff@example.com", role=role, is_active=True)) is may_edit


def test_a_deactivated_owner_or_an_anonymous_visitor_cannot_edit():
    assert can_edit_catalog(User(email="gone@example.com", role="owner", is_active=False)) is False
    assert can_edit_catalog(AnonymousUser()) is False
