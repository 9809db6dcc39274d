"""Links the product sends (welcome email, low-stock email, signup hand-off, share links) come from one
builder: the request's scheme and port when there is one, else PUBLIC_URL_SCHEME / PUBLIC_PORT, which
`make run` sets to its own http port and production leaves at https on the default port."""

import os
import runpy
from pathlib import Path

import pytest
from django.core import mail
from django.test import RequestFactory

from config import devstack
from tenants import tasks
from tenants.links import platform_url, store_url
from tests.conftest import host_client

SETTINGS_FILE = Path(devstack.__file__).with_name("settings.py")


def _settings_from(environ: dict, monkeypatch) -> dict:
    """config/settings.py evaluated afresh in `environ` (without touching the running settings)."""
    monkeypatch.setattr(os, "environ", environ)
    return runpy.run_path(str(SETTINGS_FILE))


def _without_public_settings() -> dict:
    return {k: v for k, v in os.environ.items() if k not in {"PUBLIC_URL_SCHEME", "PUBLIC_PORT"}}


def test_make_run_points_request_less_links_at_its_own_port(monkeypatch):
    environ = _without_public_settings()
    monkeypatch.setattr(os, "environ", environ)
    devstack.serve_environment(8000)
    configured = _settings_from(environ, monkeypatch)
    assert (configured["PUBLIC_URL_SCHEME"], configured["PUBLIC_PORT"]) == ("http", "8000")


def test_production_settings_default_to_https_on_the_default_port(monkeypatch):
    configured = _settings_from(_without_public_settings(), monkeypatch)
    assert (configured["PUBLIC_URL_SCHEME"], configured["PUBLIC_PORT"]) == ("https", "")


@pytest.mark.parametrize(
    "environ", [{"PUBLIC_PORT": "80a"}, {"PUBLIC_PORT": "99999"}, {"PUBLIC_URL_SCHEME": "ftp"}]
)
def test_a_mistyped_public_setting_stops_the_start(monkeypatch, environ):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        _settings_from({**_without_public_settings(), **environ}, monkeypatch)


def test_welcome_email_under_make_run_links_to_the_store_on_port_8000(store_a, settings):
    settings.PUBLIC_URL_SCHEME, settings.PUBLIC_PORT = "http", "8000"
    mail.outbox.clear()
    tasks.send_welcome_email(store_a.pk)
    body = mail.outbox[0].body
    assert "Storefront: http://store-a.localhost:8000/\n" in body
    assert "Merchant console: http://store-a.localhost:8000/console/\n" in body


def test_welcome_email_in_production_links_over_https_without_a_port(store_a, settings):
    settings.PUBLIC_URL_SCHEME, settings.PUBLIC_PORT = "https", ""
    mail.outbox.clear()
    tasks.send_welcome_email(store_a.pk)
    body = mail.outbox[0].body
    assert "Storefront: https://store-a.localhost/\n" in body
    assert "Merchant console: https://store-a.localhost/console/\n" in body


def test_welcome_email_writes_the_store_name_as_typed(store_a, settings):
    store_a.name = "Tom & Jerry's"
    store_a.save(update_fields=["name"])
    mail.outbox.clear()
    tasks.send_welcome_email(store_a.pk)
    assert "Your store “Tom & Jerry's” is open." in mail.outbox[0].body


def test_a_request_on_port_8000_keeps_its_port_and_scheme(store_a, settings):
    settings.PUBLIC_URL_SCHEME, settings.PUBLIC_PORT = "https", ""
    request = RequestFactory().get("/", HTTP_HOST="localhost:8000")
    assert store_url(store_a, "/console/", request=request) == "http://store-a.localhost:8000/console/"
    assert platform_url("/signup/", request=request) == "http://localhost:8000/signup/"


def test_a_request_behind_a_tls_proxy_gets_https_without_the_app_servers_port(store_a):
    # The proxy forwards to the app server on 8000, but the visitor's Host header has no port.
    request = RequestFactory().get("/", secure=True, HTTP_HOST="localhost", SERVER_PORT="8000")
    assert store_url(store_a, "/", request=request) == "https://store-a.localhost/"


def test_an_already_absolute_picture_address_is_kept(store_a):
    request = RequestFactory().get("/", HTTP_HOST="store-a.localhost:8000")
    picture = "https://img.fenxiao.example/a.jpg"
    assert store_url(store_a, picture, request=request) == picture


def test_signup_on_port_8000_hands_off_to_the_new_store_on_port_8000(db):
    response = host_client("localhost:8000").post(
        "/api/v1/signup/",
        {
            "store_name": "Port Shop",
            "subdomain": "port-shop",
            "owner_name": "Pei",
            "email": "pei@port.example",
            "password": "plums-and-pears-42",
            "template": "fresh",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["storefront_url"] == "http://port-shop.localhost:8000/"
    assert body["console_url"] == "http://port-shop.localhost:8000/console/"
    assert body["login_url"].startswith("http://port-shop.localhost:8000/console/login/token/?t=")


def test_a_shared_product_link_keeps_the_port_the_buyer_used(in_store_a):
    from tests.shop.factories import new_product

    product = new_product(in_store_a, title="分享的苹果")
    page = host_client("store-a.localhost:8000").get(f"/products/{product.pk}/").content.decode()
    assert f'<meta property="og:url" content="http://store-a.localhost:8000/products/{product.pk}/">' in page
