"""The media storage chosen by the environment (used by config/settings.py; no Django imports here).

Without S3_BUCKET: files on disk, a folder per store under MEDIA_ROOT (django-tenants'
TenantFileSystemStorage). With it: an S3-compatible object store through django-storages (AWS S3, or
MinIO, Aliyun OSS, Tencent COS... via S3_ENDPOINT_URL), keys <S3_LOCATION>/<store schema>/<name>
(tenants/s3.py). Credentials: S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY, else boto3's usual chain
(AWS_* variables, an instance role). With S3_CUSTOM_DOMAIN (a CDN in front of a public-read bucket)
links are plain; without it they are signed (SigV4) and expire after S3_URL_EXPIRE seconds.
"""

from collections.abc import Mapping

FILESYSTEM = {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"}


def default_storage_from(environ: Mapping[str, str]) -> dict:
    """The STORAGES["default"] entry for these environment variables."""
    bucket = environ.get("S3_BUCKET", "").strip()
    if not bucket:
        return dict(FILESYSTEM)
    custom_domain = environ.get("S3_CUSTOM_DOMAIN") or None
    return {
        "BACKEND": "tenants.s3.TenantS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,
            "region_name": environ.get("S3_REGION") or None,
            "access_key": environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("S3_SECRET_ACCESS_KEY") or None,
            "location": environ.get("S3_LOCATION", "media"),
            "custom_domain": custom_domain,
            "querystring_auth": custom_domain is None,
            "querystring_expire": int(environ.get("S3_URL_EXPIRE") or 3600),
            "signature_version": environ.get("S3_SIGNATURE_VERSION") or "s3v4",
            "addressing_style": environ.get("S3_ADDRESSING_STYLE") or None,
            # Never replace an object: a second upload of "a.jpg" gets a new name, as on disk.
            "file_overwrite": False,
            # The bucket's own policy decides who reads (public-read behind a CDN, or private + signed).
            "default_acl": None,
        },
    }
