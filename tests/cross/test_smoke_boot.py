from django.db import connection
from django_tenants.utils import schema_context


def test_stores_a_and_b_have_their_own_owner(store_a, store_b):
    from tests.conftest import owner_of

    assert owner_of(store_a).email == "alice@a.example"
    assert owner_of(store_b).email == "bob@b.example"
    with schema_context(store_a.schema_name):
        from django.contrib.auth import get_user_model

        assert not get_user_model().objects.filter(email="bob@b.example").exists()
    connection.set_schema_to_public()


def test_storefront_renders(client_a, store_a):
    response = client_a.get("/")
    assert response.status_code == 200
    assert "Store A" in response.content.decode()
