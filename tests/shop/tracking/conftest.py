"""Fixtures of the tracking tests: the provider chosen through settings, and the HTTP layer faked with
`responses` (a request it does not know fails the test: nothing reaches Kuaidi100)."""

import pytest
import responses

from shop.tracking.kuaidi100 import Kuaidi100Client
from tests.shop.tracking.fakes import CUSTOMER, KEY, SALT


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def kuaidi100(settings):
    """The platform with its Kuaidi100 keys set; the client it builds from them."""
    settings.TRACKING_PROVIDER = "kuaidi100"
    settings.KUAIDI100_CUSTOMER = CUSTOMER
    settings.KUAIDI100_KEY = KEY
    settings.KUAIDI100_SALT = SALT
    return Kuaidi100Client(customer=CUSTOMER, key=KEY, salt=SALT)


@pytest.fixture
def sandbox(settings):
    settings.TRACKING_PROVIDER = "sandbox"


@pytest.fixture
def no_tracking(settings):
    settings.TRACKING_PROVIDER = "none"
