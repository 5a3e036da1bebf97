"""The S3 side of exports: a multipart upload as a part sink, existence checks, chunked reads.

Built on the shared client of `chalicelib.aws`; a passed client wins (tests, benchmarks).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from botocore.exceptions import ClientError

from chalicelib import aws
from chalicelib.exports.exceptions import MissingObjectError
from chalicelib.settings import get_settings

MISSING_CODES = {"404", "NoSuchKey", "NotFound"}


def _client(client: Any | None) -> Any:
    return client if client is not None else aws.s3()


def content_disposition(filename: str) -> str:
    """`attachment` with the file name, so a browser saves the download under it."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class S3MultipartSink:
    """Parts of one object. The upload starts with the first part and is completed or aborted
    exactly once; until completion nothing is visible at the key (an overwritten file stays
    whole if the export fails)."""

    def __init__(
        self,
        key: str,
        content_type: str,
        *,
        filename: str | None = None,
        client: Any | None = None,
        bucket: str | None = None,
    ) -> None:
        self.key = key
        self._content_type = content_type
        self._filename = filename
        self._client = _client(client)
        self._bucket = bucket or get_settings().bucket
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []

    def _start(self) -> str:
        extra = {"ContentDisposition": content_disposition(self._filename)} if self._filename else {}
        response = self._client.create_multipart_upload(
            Bucket=self._bucket, Key=self.key, ContentType=self._content_type, **extra
        )
        return response["UploadId"]

    def upload_part(self, number: int, data: bytes | bytearray) -> None:
        if self._upload_id is None:
            self._upload_id = self._start()
        response = self._client.upload_part(
            Bucket=self._bucket, Key=self.key, UploadId=self._upload_id, PartNumber=number, Body=data
        )
        self._parts.append({"PartNumber": number, "ETag": response["ETag"]})

    def complete(self) -> None:
        if self._upload_id is None:
            self._upload_id = self._start()
            self.upload_part(1, b"")
        self._client.complete_multipart_upload(
            Bucket=self._bucket,
            Key=self.key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )

    def abort(self) -> None:
        if self._upload_id is not None:
            self._client.abort_multipart_upload(Bucket=self._bucket, Key=self.key, UploadId=self._upload_id)


def object_exists(key: str, *, client: Any | None = None) -> bool:
    try:
        _client(client).head_object(Bucket=get_settings().bucket, Key=key)
    except ClientError as err:
        if err.response["Error"]["Code"] in MISSING_CODES:
            return False
        raise
    return True


def open_object(key: str, *, client: Any | None = None) -> tuple[int, Iterator[bytes]]:
    """(size, chunks) of an object, read as it is consumed: never whole in memory."""
    try:
        response = _client(client).get_object(Bucket=get_settings().bucket, Key=key)
    except ClientError as err:
        if err.response["Error"]["Code"] in MISSING_CODES:
            raise MissingObjectError(key) from err
        raise
    body = response["Body"]
    return int(response["ContentLength"]), body.iter_chunks(chunk_size=1024 * 1024)
