"""Fixtures for the shop tests (shared by the catalogue, storefront and console suites)."""

import pytest
from django.core.files.storage import storages


def _forget_cached_media_root():
    # TenantFileSystemStorage caches its root and django-tenants does not clear it on MEDIA_ROOT changes.
    storages["default"].__dict__.pop("relative_media_root", None)


@pytest.fixture
def media_root(tmp_path, settings):
    """Uploaded files go to a temporary folder for this test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    _forget_cached_media_root()
    yield settings.MEDIA_ROOT
    _forget_cached_media_root()
