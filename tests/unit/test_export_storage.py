"""The S3 multipart sink, against a fake client that keeps what it is sent."""

from __future__ import annotations

import pytest

from chalicelib.exports.storage import S3MultipartSink, content_disposition
from chalicelib.exports.zipstream import MIN_PART_SIZE, MultipartWriter


class FakeS3:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def create_multipart_upload(self, **kwargs):
        self.calls.append(("create", kwargs))
        return {"UploadId": "up-1"}

    def upload_part(self, **kwargs):
        self.calls.append(("part", {**kwargs, "Body": len(kwargs["Body"])}))
        return {"ETag": f'"etag-{kwargs["PartNumber"]}"'}

    def complete_multipart_upload(self, **kwargs):
        self.calls.append(("complete", kwargs))

    def abort_multipart_upload(self, **kwargs):
        self.calls.append(("abort", kwargs))

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def _sink(client: FakeS3) -> S3MultipartSink:
    return S3MultipartSink("exports/w/x.zip", "application/zip", filename="x.zip", client=client, bucket="b")


def test_a_written_object_is_one_upload_completed_with_every_part_in_order():
    client = FakeS3()
    with MultipartWriter(_sink(client), MIN_PART_SIZE) as out:
        out.write(b"x" * (MIN_PART_SIZE + 3))
    assert client.names() == ["create", "part", "part", "complete"]
    create = client.calls[0][1]
    assert (create["Bucket"], create["Key"]) == ("b", "exports/w/x.zip")
    assert create["ContentType"] == "application/zip"
    assert create["ContentDisposition"].startswith('attachment; filename="x.zip"')
    assert [c[1]["Body"] for c in client.calls if c[0] == "part"] == [MIN_PART_SIZE, 3]
    parts = client.calls[-1][1]["MultipartUpload"]["Parts"]
    assert parts == [{"PartNumber": 1, "ETag": '"etag-1"'}, {"PartNumber": 2, "ETag": '"etag-2"'}]


def test_a_failed_export_aborts_the_upload_it_started():
    client = FakeS3()
    with pytest.raises(RuntimeError), MultipartWriter(_sink(client), MIN_PART_SIZE) as out:
        out.write(b"x" * MIN_PART_SIZE)
        raise RuntimeError("boom")
    assert client.names() == ["create", "part", "abort"]


def test_nothing_is_sent_when_the_export_fails_before_the_first_part():
    client = FakeS3()
    with pytest.raises(RuntimeError), MultipartWriter(_sink(client), MIN_PART_SIZE) as out:
        out.write(b"small")
        raise RuntimeError("boom")
    assert client.names() == []


def test_the_download_name_survives_characters_outside_ascii():
    header = content_disposition('Ré"sumé.zip')
    assert header.startswith('attachment; filename="R__sum_.zip"')
    assert header.endswith("filename*=UTF-8''R%C3%A9%22sum%C3%A9.zip")
