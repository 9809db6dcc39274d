"""A category's or brand's order is a whole number the database can hold: a huge one is a field error,
never a 500 (the API fuzz test found `sort_order: 2**40` on POST /api/v1/brands/)."""

import pytest

from shop.services import catalog
from tenants.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("create", [catalog.create_brand, catalog.create_category])
def test_an_order_beyond_the_column_is_refused_on_its_field(in_store_a, create):
    with pytest.raises(InvalidInput) as refused:
        create(name="排序", sort_order=2**40)
    assert refused.value.errors == {"sort_order": ["Order is too large."]}
    assert create(name="排序", sort_order=-1_000_000).sort_order == -1_000_000
