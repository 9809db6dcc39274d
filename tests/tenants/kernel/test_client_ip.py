"""The caller's address for per-IP limits: REMOTE_ADDR, or behind trusted proxies the address the
outermost of them saw — never what the client itself wrote into X-Forwarded-For."""

from django.test import RequestFactory

from tenants.client_ip import client_ip


def request(remote="10.0.0.2", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_address_is_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(forwarded="1.2.3.4")) == "10.0.0.2"


def test_behind_one_proxy_the_address_is_the_one_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(forwarded="6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(request(forwarded="203.0.113.9")) == "203.0.113.9"


def test_a_missing_or_garbled_header_falls_back_to_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request(forwarded="203.0.113.9")) == "10.0.0.2"
    assert client_ip(request(forwarded="not-an-ip, 10.0.0.1")) == "10.0.0.2"
    assert client_ip(request(remote="garbage")) is None
