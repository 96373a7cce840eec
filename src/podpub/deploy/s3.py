"""The S3 target (I/O): the only module that imports boto3.

Any S3-compatible store (AWS, Cloudflare R2, Backblaze B2, MinIO, Wasabi...). The
endpoint is ``--endpoint-url`` or the standard ``AWS_ENDPOINT_URL``; credentials come only
from the standard AWS chain (environment, profile, instance role), and are never printed.
Requests are retried with exponential back-off (botocore's "standard" retry mode); files
past ``MULTIPART_BYTES`` go up in parts, several at once, reporting progress. Every
botocore failure becomes a ``DeployError`` naming the target.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

from podpub.deploy.targets import Progress
from podpub.errors import DeployError

MULTIPART_BYTES = 16 * 1024 * 1024  # files this big go up in parts, several at once
PART_BYTES = 8 * 1024 * 1024  # S3 parts are at least 5 MiB (but the last)
_RETRIES = Config(
    retries={"max_attempts": 8, "mode": "standard"},  # back-off with jitter, up to 20 s
    connect_timeout=10,
    read_timeout=60,
)
_CREDENTIALS_HINT = (
    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE; podpub reads "
    "credentials only from the standard AWS chain"
)


# botocore says at INFO where it found credentials and the endpoint: not the user's news
for _name in ("boto3", "botocore", "s3transfer"):
    logging.getLogger(_name).setLevel(logging.WARNING)


class S3Target:
    def __init__(self, bucket: str, prefix: str, endpoint_url: str | None = None) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.description = f"s3://{bucket}/{prefix}"
        self.requests = 0
        try:
            session = boto3.session.Session()
            # endpoint_url=None lets botocore read AWS_ENDPOINT_URL (and the profile's)
            self.client: Any = session.client("s3", endpoint_url=endpoint_url, config=_RETRIES)
        except (botocore.exceptions.BotoCoreError, ValueError) as exc:
            raise DeployError(f"cannot use {self.description}: {exc}") from None
        self.client.meta.events.register("before-send.s3", self._count)
        self.transfer = TransferConfig(
            multipart_threshold=MULTIPART_BYTES, multipart_chunksize=PART_BYTES, max_concurrency=4
        )

    def _count(self, **_: Any) -> None:
        self.requests += 1

    def _fail(self, exc: Exception, action: str) -> DeployError:
        """A botocore failure as an error a person can act on."""
        if isinstance(
            exc,
            botocore.exceptions.NoCredentialsError | botocore.exceptions.PartialCredentialsError,
        ):
            return DeployError(f"no AWS credentials to {action}", None, None, _CREDENTIALS_HINT)
        if isinstance(exc, botocore.exceptions.ClientError):
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            if code == "NoSuchBucket":
                return DeployError(
                    f"bucket {self.bucket!r} does not exist", None, None, "create it first"
                )
            if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"):
                return DeployError(
                    f"{self.description} refused to {action} ({code})",
                    None,
                    None,
                    "check the credentials and the bucket's permissions",
                )
            return DeployError(f"cannot {action} on {self.description}: {code} {error}")
        if isinstance(exc, botocore.exceptions.EndpointConnectionError):
            return DeployError(
                f"cannot reach the S3 endpoint to {action}: {exc}",
                None,
                None,
                "check --endpoint-url or AWS_ENDPOINT_URL",
            )
        return DeployError(f"cannot {action} on {self.description}: {exc}")

    def read(self, key: str) -> bytes | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
            data: bytes = response["Body"].read()
            return data
        except botocore.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise self._fail(exc, f"read {key}") from None
        except (botocore.exceptions.BotoCoreError, ValueError) as exc:
            raise self._fail(exc, f"read {key}") from None

    def put(
        self,
        key: str,
        body: bytes | Path,
        content_type: str,
        cache_control: str,
        progress: Progress | None = None,
    ) -> None:
        extra = {"ContentType": content_type, "CacheControl": cache_control}
        try:
            if isinstance(body, Path) and body.stat().st_size >= MULTIPART_BYTES:
                total, sent = body.stat().st_size, 0

                def callback(count: int) -> None:
                    nonlocal sent
                    sent += count
                    if progress is not None:
                        progress(sent, total, key)

                self.client.upload_file(
                    str(body),
                    self.bucket,
                    self.prefix + key,
                    ExtraArgs=extra,
                    Config=self.transfer,
                    Callback=callback,
                )
                return
            data = body if isinstance(body, bytes) else body.read_bytes()
            self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data, **extra)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise self._fail(exc, f"upload {key}") from None
        except boto3.exceptions.S3UploadFailedError as exc:
            raise DeployError(f"cannot upload {key} to {self.description}: {exc}") from None

    def delete(self, keys: Sequence[str]) -> None:
        for start in range(0, len(keys), 1000):  # DeleteObjects takes 1,000 keys a request
            batch = [{"Key": self.prefix + k} for k in keys[start : start + 1000]]
            try:
                response = self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
                )
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
                raise self._fail(exc, "delete stale files") from None
            failed = response.get("Errors") or []
            if failed:
                first = failed[0]
                raise DeployError(
                    f"cannot delete {first.get('Key')} on {self.description}: "
                    f"{first.get('Code')} {first.get('Message')}"
                )
