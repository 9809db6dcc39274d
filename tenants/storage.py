"""Where uploaded files go: a folder per store (its schema name), on disk under MEDIA_ROOT through
django-tenants' TenantFileSystemStorage, or on an S3-compatible store (tenants/s3.py) when S3_BUCKET is
set — config/media_storage.py decides from the environment.

The platform's own files (template preview pictures, uploaded in the operator console) are shown on
store pages too, so they must not follow the store of the page: `platform_storage` keeps them in the
public folder whatever schema is active.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property
from django_tenants.utils import get_public_schema_name


class PlatformFileSystemStorage(FileSystemStorage):
    """MEDIA_ROOT/public/, where TenantFileSystemStorage puts the public schema's files."""

    @cached_property
    def base_location(self):
        media_root = self._value_or_setting(self._location, settings.MEDIA_ROOT)
        return os.path.join(media_root, get_public_schema_name())

    @cached_property
    def base_url(self):
        media_url = self._value_or_setting(self._base_url, settings.MEDIA_URL)
        return media_url.rstrip("/") + "/" + get_public_schema_name() + "/"


def platform_storage():
    """The storage of the platform's own files (a FileField's `storage` callable)."""
    default = settings.STORAGES["default"]
    if default["BACKEND"] == "tenants.s3.TenantS3Storage":
        from tenants.s3 import PlatformS3Storage

        return PlatformS3Storage(**default.get("OPTIONS", {}))
    return PlatformFileSystemStorage()
