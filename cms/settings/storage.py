"""Files on S3-compatible object storage (docs/storage.md): the STORAGES entries for the
media bucket (public) and the applicants' bucket (private, signed URLs only).

Plain functions of their arguments, so that the settings and the tests build the same thing.
"""

from __future__ import annotations

from typing import Any

S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_options(
    *,
    endpoint_url: str | None,
    region: str,
    access_key: str | None,
    secret_key: str | None,
    addressing_style: str | None = None,
) -> dict[str, Any]:
    """What both buckets share: where the store is and how to sign requests.

    Empty keys leave boto3 to find credentials itself (an instance role on AWS). A store
    of its own (an endpoint URL) is addressed by path, as SeaweedFS and Garage expect and
    R2 accepts; AWS by bucket host name.
    """
    return {
        "endpoint_url": endpoint_url or None,
        "region_name": region,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "signature_version": "s3v4",
        "addressing_style": addressing_style or ("path" if endpoint_url else None),
        # Never replace a file of the same name: Django's usual suffix instead.
        "file_overwrite": False,
    }


def media_storage(bucket: str, custom_domain: str | None, **s3: Any) -> dict[str, Any]:
    """Media (Wagtail's images and documents): plain public URLs, the bucket's policy
    makes them readable (no ACL is sent: R2 and Garage have none)."""
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            **s3_options(**s3),
            "bucket_name": bucket,
            "querystring_auth": False,
            "custom_domain": custom_domain or None,
        },
    }


def private_storage(bucket: str, url_seconds: int, **s3: Any) -> dict[str, Any]:
    """Applicants' files: no ACL sent (the bucket's default, private), every URL signed
    and short-lived (the plugin's check membership_forms.E007 holds them to ten minutes).
    Bucket and policy must refuse anonymous reads (docs/storage.md)."""
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            **s3_options(**s3),
            "bucket_name": bucket,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": url_seconds,
        },
    }
