"""The quota gate: every limited create path asks tenants.quotas, which billing answers and which
refuses when nobody can answer."""

import pytest

from billing import quotas as billing_quotas
from tenants import quotas
from tenants.errors import ErrorCode, QuotaExceeded


@pytest.fixture
def no_decider(monkeypatch):
    monkeypatch.setattr(quotas, "_decider", None)


def test_billing_decides_through_the_gate(store_a):
    assert quotas._decider is billing_quotas
    allowed = billing_quotas.limit(store_a, "staff")
    quotas.check_limit(store_a, "staff", current=allowed - 1)
    with pytest.raises(QuotaExceeded) as refused:
        quotas.check_limit(store_a, "staff", current=allowed)
    assert refused.value.code == ErrorCode.QUOTA_EXCEEDED and refused.value.limit == "staff"
    assert f"Staff accounts: your plan allows {allowed}." in refused.value.message


def test_without_a_decider_the_gate_refuses_instead_of_allowing_everything(store_a, no_decider):
    with pytest.raises(QuotaExceeded) as refused:
        quotas.check_limit(store_a, "products", current=0)
    assert refused.value.code == ErrorCode.QUOTA_UNAVAILABLE
    with pytest.raises(QuotaExceeded):
        quotas.require_feature(store_a, "coupons")
    with pytest.raises(QuotaExceeded):
        quotas.distribution_levels(store_a)


def test_without_a_decider_no_staff_member_is_added(store_a, no_decider):
    from django_tenants.utils import schema_context

    from tenants.accounts.services import add_staff_member, staff_members
    from tests.conftest import owner_of

    owner = owner_of(store_a)
    with schema_context(store_a.schema_name):
        before = staff_members().count()
        with pytest.raises(QuotaExceeded):
            add_staff_member(store=store_a, actor=owner, email="new@a.example", name="New", role="finance")
        assert staff_members().count() == before


def test_the_law_caps_distribution_levels_at_three_whatever_the_plan(store_a, monkeypatch):
    monkeypatch.setattr(billing_quotas, "limit", lambda store, key: 5)
    assert quotas.distribution_levels(store_a) == 3
    monkeypatch.setattr(billing_quotas, "limit", lambda store, key: 2)
    assert quotas.distribution_levels(store_a) == 2
