"""Helpers the store console's and the platform's tests share."""

from django.db import connection

# A signup that passes every rule (the service's keyword arguments).
GOOD = {
    "store_name": "Acme Fruit",
    "subdomain": "acme",
    "owner_name": "Ann",
    "email": "ann@acme.example",
    "password": "plums-and-pears-42",
    "template_code": "classic",
    "plan_code": "trial",
    "phone": "13800000000",
}


def settings_post(store, **overrides):
    """What the console's settings form posts: the store's name and template as they are, plus changes."""
    data = {"name": store.name, "template": store.template.code}
    data.update(overrides)
    return data


def suspend(store, operator, reason="Unpaid invoice #42"):
    from tenants.services.operator import suspend_store

    connection.set_schema_to_public()
    return suspend_store(store=store, actor=operator, reason=reason)
