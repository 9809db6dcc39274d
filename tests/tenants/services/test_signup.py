"""Self-service signup (tenants.services.signup): every rule, the race for one name, rollback."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from billing.models import Subscription
from tenants.errors import InvalidInput
from tenants.models import Domain, Store
from tenants.services import provisioning
from tenants.services.signup import open_store
from tenants.signals import store_opened
from tests.tenants.conftest import GOOD


def signup(**overrides):
    return open_store(**{**GOOD, **overrides})


def field_errors(excinfo) -> dict:
    return excinfo.value.as_dict()


@pytest.mark.django_db
class TestSignupService:
    def test_signup_opens_a_ready_store_with_owner_domain_and_trial(self):
        result = signup()
        store = Store.objects.get(slug="acme")
        assert store.status == Store.Status.ACTIVE
        assert store.template.code == "classic"
        assert Domain.objects.get(tenant=store).domain == "acme.localhost"
        sub = Subscription.objects.get(store=store)
        assert sub.plan.code == "trial" and sub.status == "trialing" and sub.trial_days_left == 7
        with schema_context(store.schema_name):
            owner = get_user_model().objects.get()
            assert owner.email == "ann@acme.example" and owner.role == "owner"
            assert owner.check_password(GOOD["password"])
        assert result.owner.pk == owner.pk

    def test_signup_claims_from_the_pool_when_it_has_a_schema(self):
        before = provisioning.pool_size()
        assert before > 0
        result = signup()
        assert result.source == "pool"
        assert provisioning.pool_size() == before - 1

    def test_signup_clones_the_base_schema_when_the_pool_is_empty(self):
        Store.objects.filter(status=Store.Status.POOL).update(status=Store.Status.SUSPENDED, slug=None)
        result = signup()
        assert result.source == "clone"
        assert schema_exists(result.store.schema_name)
        # the clone carries the base schema's migration records: nothing left to migrate
        with schema_context(result.store.schema_name), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'shop'")
            assert cursor.fetchone()[0] >= 1

    @pytest.mark.parametrize(
        ("subdomain", "message_part"),
        [
            ("ab", "3 to 30"),
            ("a" * 31, "3 to 30"),
            ("-acme", "hyphen"),
            ("acme-", "hyphen"),
            ("Acme_1", "lowercase"),
            ("ac me", "lowercase"),
            ("商店abc", "lowercase"),
            ("www", "reserved"),
            ("api", "reserved"),
            ("operator", "reserved"),
            ("console", "reserved"),
            ("", "Choose a subdomain"),
            ("xn--80ak6aa92e", "two hyphens"),  # a look-alike name in another script, as browsers write it
            ("ab--cd", "two hyphens"),
        ],
    )
    def test_bad_subdomains_are_refused_on_the_field(self, subdomain, message_part):
        with pytest.raises(InvalidInput) as excinfo:
            signup(subdomain=subdomain)
        assert message_part in " ".join(field_errors(excinfo)["subdomain"])
        assert not Store.objects.filter(name="Acme Fruit").exists()

    def test_uppercase_subdomain_is_normalised(self):
        signup(subdomain="  ACME ")
        assert Store.objects.filter(slug="acme").exists()

    def test_a_taken_subdomain_is_refused(self):
        with pytest.raises(InvalidInput) as excinfo:
            signup(subdomain="store-a")
        assert "taken" in field_errors(excinfo)["subdomain"][0]

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"store_name": "  "}, "store_name"),
            ({"owner_name": ""}, "owner_name"),
            ({"email": "not-an-email"}, "email"),
            ({"phone": "call me"}, "phone"),
            ({"password": "short"}, "password"),
            ({"password": "12345678901"}, "password"),
            ({"password": "password123"}, "password"),
            ({"password": "ann@acme.example"}, "password"),
            ({"template_code": "nope"}, "template"),
            ({"plan_code": "nope"}, "plan"),
        ],
    )
    def test_each_bad_field_is_named_and_nothing_is_created(self, overrides, field):
        pool_before = provisioning.pool_size()
        with pytest.raises(InvalidInput) as excinfo:
            signup(**overrides)
        assert field in field_errors(excinfo)
        assert not Store.objects.filter(slug="acme").exists()
        assert not Domain.objects.filter(domain="acme.localhost").exists()
        assert provisioning.pool_size() == pool_before

    def test_several_bad_fields_are_reported_together(self):
        with pytest.raises(InvalidInput) as excinfo:
            signup(subdomain="x", email="nope", password="1")
        assert {"subdomain", "email", "password"} <= set(field_errors(excinfo))


@pytest.mark.django_db
def test_a_failure_during_provisioning_leaves_nothing_behind_and_returns_the_pool_schema():
    def explode(sender, store, **kwargs):
        raise RuntimeError("seeding failed")

    pool_before = set(Store.objects.filter(status=Store.Status.POOL).values_list("schema_name", flat=True))
    store_opened.connect(explode, dispatch_uid="test.explode")
    try:
        with pytest.raises(RuntimeError):
            signup()
    finally:
        store_opened.disconnect(dispatch_uid="test.explode")
    connection.set_schema_to_public()
    assert not Store.objects.filter(slug="acme").exists()
    assert not Domain.objects.filter(domain="acme.localhost").exists()
    assert (
        set(Store.objects.filter(status=Store.Status.POOL).values_list("schema_name", flat=True))
        == pool_before
    )
    for schema in pool_before:
        with schema_context(schema):
            assert not get_user_model().objects.exists()


def _cleanup_store(slug):
    connection.set_schema_to_public()
    for store in Store.objects.filter(slug=slug):
        provisioning.drop_store(store)


def test_a_failed_clone_signup_leaves_no_orphan_schema(committed_db):
    """Committed for real (no test transaction): the clone's schema must vanish with the rollback."""
    parked = list(Store.objects.filter(status=Store.Status.POOL).values_list("pk", flat=True))
    Store.objects.filter(pk__in=parked).update(status=Store.Status.SUSPENDED)
    schemas_before = _schemas()

    def explode(sender, store, **kwargs):
        raise RuntimeError("owner email service down")

    store_opened.connect(explode, dispatch_uid="test.explode2")
    try:
        with pytest.raises(RuntimeError):
            signup(subdomain="orphan-check")
    finally:
        store_opened.disconnect(dispatch_uid="test.explode2")
        Store.objects.filter(pk__in=parked).update(status=Store.Status.POOL)
    connection.set_schema_to_public()
    assert _schemas() == schemas_before
    assert not Store.objects.filter(slug="orphan-check").exists()
    assert not Domain.objects.filter(domain="orphan-check.localhost").exists()


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 's\\_%%'")
        return {row[0] for row in cursor.fetchall()}


def test_two_signups_racing_for_one_subdomain_exactly_one_wins(committed_db):
    barrier = threading.Barrier(2)
    outcomes: list = []

    def attempt(i):
        from django.db import connections

        try:
            barrier.wait()
            result = signup(subdomain="race", email=f"racer{i}@example.com")
            outcomes.append(("won", result.store.pk))
        except InvalidInput as error:
            outcomes.append(("lost", error.as_dict()))
        finally:
            connections.close_all()

    pool_before = provisioning.pool_size()
    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        won = [o for o in outcomes if o[0] == "won"]
        lost = [o for o in outcomes if o[0] == "lost"]
        assert len(won) == 1 and len(lost) == 1, outcomes
        assert "taken" in lost[0][1]["subdomain"][0]
        assert Store.objects.filter(slug="race").count() == 1
        # the loser's claimed pool schema went back to the pool
        assert provisioning.pool_size() == pool_before - 1
    finally:
        _cleanup_store("race")
        provisioning.refill_pool(pool_before)
