"""S3-compatible servers started by the tests, and the site's storages pointed at them.

- moto's server (in this process, on a free port): buckets, objects, ACLs and bucket
  policies. It refuses an anonymous read of a private object, but it checks neither the
  signature nor the expiry of a signed link.
- s3rver (Node.js, tests/s3rver/, installed with npm on first use): it refuses a signed
  link once expired, as AWS S3, R2, SeaweedFS and Garage do.

The storages are built by the same functions as the settings' (cms/settings/storage.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests
from botocore.config import Config

from tests.smtp import free_port

S3RVER_DIR = Path(__file__).resolve().parent / "s3rver"
PRIVATE_BUCKET = "applicants"
MEDIA_BUCKET = "media"


@dataclass
class ObjectStore:
    endpoint: str
    access_key: str
    secret_key: str

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def s3(self) -> dict:
        """The site's S3 settings for this server (settings.S3's keys)."""
        return {
            "endpoint_url": self.endpoint,
            "region": "us-east-1",
            "access_key": self.access_key,
            "secret_key": self.secret_key,
        }

    def keys(self, bucket: str) -> set[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return {item["Key"] for item in listing.get("Contents", [])}

    def empty(self, bucket: str) -> None:
        client = self.client()
        for key in self.keys(bucket):
            client.delete_object(Bucket=bucket, Key=key)

    def use(self, settings, url_seconds: int = 300) -> None:
        """Media and applicants' files in this server's buckets, as S3_MEDIA_BUCKET and
        S3_PRIVATE_BUCKET would set them."""
        # Here, not at the top: the plugin's own test project loads this module too, and
        # imports nothing of the site's.
        from cms.settings.storage import media_storage, private_storage

        settings.STORAGES = {
            **settings.STORAGES,
            "default": media_storage(MEDIA_BUCKET, None, **self.s3()),
            "private": private_storage(PRIVATE_BUCKET, url_seconds, **self.s3()),
        }
        settings.MEMBERSHIP_FORMS = {
            **settings.MEMBERSHIP_FORMS,
            "PRIVATE_FILE_URL_SECONDS": url_seconds,
        }


def _wait_until_listening(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url, timeout=10)
            return
        except requests.ConnectionError:
            if process.poll() is not None:
                pytest.fail(f"the S3 server at {url} stopped: {process.stdout.read()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no S3 server at {url} within 30 s")
            time.sleep(0.05)


@pytest.fixture(scope="session")
def _moto():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()  # returns once it listens
    store = ObjectStore(f"http://127.0.0.1:{port}", "site-key", "site-secret")
    client = store.client()
    client.create_bucket(Bucket=PRIVATE_BUCKET)
    client.create_bucket(Bucket=MEDIA_BUCKET)
    # docs/storage.md: the media bucket is readable by anyone, the applicants' by nobody.
    client.put_bucket_policy(
        Bucket=MEDIA_BUCKET,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{MEDIA_BUCKET}/*",
                    }
                ],
            }
        ),
    )
    yield store
    server.stop()


@pytest.fixture
def object_store(_moto, settings):
    """moto's server holding the site's media and applicants' files; emptied after the test."""
    _moto.use(settings)
    yield _moto
    for bucket in (PRIVATE_BUCKET, MEDIA_BUCKET):
        _moto.empty(bucket)


@pytest.fixture(scope="session")
def _s3rver():
    if not (S3RVER_DIR / "node_modules" / ".bin" / "s3rver").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=S3RVER_DIR,
            check=True,
            timeout=300,
        )
    port = free_port()
    directory = tempfile.mkdtemp(prefix="s3rver-")
    command = [str(S3RVER_DIR / "node_modules" / ".bin" / "s3rver")]
    command += ["--address", "127.0.0.1", "--port", str(port), "--directory", directory]
    command += ["--no-vhost-buckets", "--silent"]
    command += ["--configure-bucket", PRIVATE_BUCKET]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # s3rver knows one account, S3RVER.
    store = ObjectStore(f"http://127.0.0.1:{port}", "S3RVER", "S3RVER")
    _wait_until_listening(store.endpoint, process)
    yield store
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def expiring_store(_s3rver, settings):
    """s3rver holding the applicants' files, signed links living one second."""
    _s3rver.use(settings, url_seconds=1)
    yield _s3rver
    _s3rver.empty(PRIVATE_BUCKET)
