"""Store files on an S3-compatible object store (AWS, MinIO, Aliyun OSS, Tencent COS, ...) through
django-storages, a folder per store as on disk: the object key is <S3_LOCATION>/<schema>/<name>, so one
bucket serves every store and a store's files never meet another's. Used when S3_BUCKET is set
(config/media_storage.py); imported only then (boto3 is heavy)."""

from django.db import connection
from django_tenants.utils import get_public_schema_name
from storages.backends.s3 import S3Storage


class TenantS3Storage(S3Storage):
    """django-storages' S3Storage with the current store's schema name as the folder of every key."""

    folder: str | None = None  # a fixed folder instead of the current store's

    @property
    def location(self) -> str:
        return "/".join(part for part in (self._base_location, self.folder or connection.schema_name) if part)

    @location.setter
    def location(self, value: str) -> None:
        # S3Storage sets `location` (AWS_LOCATION / the "location" option) in its constructor.
        self._base_location = (value or "").strip("/")


class PlatformS3Storage(TenantS3Storage):
    """The platform's own files, in the public folder whatever store is active."""

    @property
    def folder(self) -> str:
        return get_public_schema_name()
