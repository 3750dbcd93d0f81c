"""Blobs in S3-compatible object storage (AWS S3, MinIO, the object stores of Chinese clouds), for several nodes.

Objects are named `<prefix><sha256>` in the configured bucket. Credentials come from the environment the way boto3
reads them (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the machine's role), never from the configuration
file. Like the filesystem store, an object is written before the use case commits: a rolled-back upload leaves an
unreferenced object, never a row without its content.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from engine.errors import NotFound

S3 = "s3"
_MISSING_CODES = {"404", "NoSuchKey", "NotFound"}


@cache
def s3_client(endpoint: str | None, region: str | None) -> Any:
    """One client per endpoint and region, shared by the threads of a process (boto3 clients are thread-safe)."""
    import boto3  # loaded only where the store is configured

    return boto3.client("s3", endpoint_url=endpoint or None, region_name=region or None)


class S3Store:
    """Blobs as objects of one bucket, under a prefix."""

    kind = S3

    def __init__(self, bucket: str, prefix: str = "", endpoint: str | None = None, region: str | None = None) -> None:
        self.bucket, self.prefix = bucket, prefix
        self.client = s3_client(endpoint, region)

    def _name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def put(self, session: Session, content: bytes) -> str:
        """Write the object once: the same content is the same key."""
        from botocore.exceptions import ClientError

        from engine.files.stores import key_of

        key = key_of(content)
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
            return key
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) not in _MISSING_CODES:
                raise
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=content, ContentLength=len(content))
        return key

    def open(self, session: Session, key: str) -> BinaryIO:
        """The object's content, read whole."""
        from botocore.exceptions import ClientError

        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in _MISSING_CODES:
                raise NotFound("附件的文件内容缺失，请联系系统管理员") from exc
            raise
        return io.BytesIO(found["Body"].read())
