"""Uploaded files go through Django's storage API: a bucket named in the environment puts them in an
S3-compatible store (django-storages), none keeps them on the local disk (`make run`, the tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); "
    "from django.conf import settings; from django.core.files.storage import default_storage; "
    "default_storage._setup(); s = default_storage._wrapped; "
    "print(json.dumps([type(s).__module__ + '.' + type(s).__name__, getattr(s, 'bucket_name', None), "
    "getattr(s, 'endpoint_url', None), getattr(s, 'access_key', None), getattr(s, 'querystring_auth', None)]))"
)


def _storage_with(**env: str) -> list:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "AWS_"))}
    clean.update(DJANGO_SETTINGS_MODULE="pragueprocess.settings", **env)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=clean, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_without_a_bucket_uploads_stay_on_the_local_disk():
    assert settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    default_storage._setup()
    assert isinstance(default_storage._wrapped, FileSystemStorage)
    assert _storage_with()[0] == "django.core.files.storage.filesystem.FileSystemStorage"


def test_a_bucket_in_the_environment_puts_uploads_in_the_object_store():
    backend, bucket, endpoint, key, signed = _storage_with(
        S3_BUCKET="portal-files",
        S3_ENDPOINT_URL="http://minio:9000",
        S3_ACCESS_KEY_ID="portal",
        S3_SECRET_ACCESS_KEY="secret",
    )
    assert (backend, bucket, endpoint, key, signed) == (
        "storages.backends.s3.S3Storage",
        "portal-files",
        "http://minio:9000",
        "portal",
        True,
    )


def test_the_aws_names_of_the_settings_are_read_too():
    assert _storage_with(AWS_STORAGE_BUCKET_NAME="b", AWS_ACCESS_KEY_ID="k")[1:4:2] == ["b", "k"]
