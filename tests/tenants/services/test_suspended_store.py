"""The store services refuse every change to a suspended store (whichever face calls them)."""

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from tenants.errors import NotAllowed
from tests.conftest import fresh_store, make_staff
from tests.tenants.conftest import suspend

User = get_user_model()


def test_services_refuse_changes_to_a_suspended_store(store_a, operator):
    from tenants.accounts.services import add_staff_member, change_staff_role, set_staff_active
    from tenants.services.store_settings import update_store_settings

    member = make_staff(store_a, email="ops@a.example")
    store = suspend(store_a, operator)
    with pytest.raises(NotAllowed):
        update_store_settings(store=store_a, actor=None, name="Renamed", template_code="urban")
    with schema_context(store.schema_name):
        owner = User.objects.get(role="owner")
        with pytest.raises(NotAllowed):
            add_staff_member(store=store, actor=owner, email="n@a.example", name="N", role="admin")
        with pytest.raises(NotAllowed):
            change_staff_role(store=store, actor=owner, member=member, role="admin")
        with pytest.raises(NotAllowed):
            set_staff_active(store=store, actor=owner, member=member, active=False)
    assert fresh_store(store_a).name == "Store A"
