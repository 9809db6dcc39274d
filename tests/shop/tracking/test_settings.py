"""Which tracking provider the platform runs with, from the environment: Kuaidi100 once its keys are set,
else the sandbox in development and none in production (no real buyer sees a made-up delivery), unless
TRACKING_PROVIDER says otherwise; a half-configured Kuaidi100 stops the start."""

import os
import runpy
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import config

SETTINGS_FILE = Path(config.__file__).with_name("settings.py")
TRACKING_VARIABLES = {"TRACKING_PROVIDER", "KUAIDI100_CUSTOMER", "KUAIDI100_KEY", "KUAIDI100_SALT", "DEBUG"}
KEYS = {"KUAIDI100_CUSTOMER": "D5A6B4C3E2F1", "KUAIDI100_KEY": "kQvYxZbT7428", "KUAIDI100_SALT": "fx-salt"}


def provider_with(monkeypatch, *, production=False, **environ) -> str:
    """TRACKING_PROVIDER as config/settings.py decides it in `environ` (without touching the running
    settings); `production` as a server starts it, outside the test run."""
    base = {k: v for k, v in os.environ.items() if k not in TRACKING_VARIABLES | {"FENXIAO_TESTING"}}
    monkeypatch.setattr(os, "environ", {**base, "SECRET_KEY": "a-production-secret", **environ})
    if production:
        monkeypatch.delitem(sys.modules, "pytest")
    return runpy.run_path(str(SETTINGS_FILE))["TRACKING_PROVIDER"]


def test_kuaidi100_is_the_provider_once_its_keys_are_set(monkeypatch):
    assert provider_with(monkeypatch, production=True, **KEYS) == "kuaidi100"


def test_without_keys_development_gets_the_sandbox_and_production_no_tracking(monkeypatch):
    assert provider_with(monkeypatch, DEBUG="1") == "sandbox"
    assert provider_with(monkeypatch, production=True) == "none"


def test_a_demo_platform_may_run_the_sandbox_in_production(monkeypatch):
    assert provider_with(monkeypatch, production=True, TRACKING_PROVIDER="Sandbox") == "sandbox"


@pytest.mark.parametrize(
    "environ",
    [
        {"TRACKING_PROVIDER": "kuaidi100"},
        {"KUAIDI100_CUSTOMER": "D5A6B4C3E2F1", "KUAIDI100_KEY": "kQvYxZbT7428"},  # no salt to verify pushes
        {"TRACKING_PROVIDER": "fedex"},
    ],
)
def test_a_half_configured_tracking_provider_stops_the_start(monkeypatch, environ):
    with pytest.raises(ImproperlyConfigured):
        provider_with(monkeypatch, production=True, **environ)
