"""The local stack's moto answers a query from the items of its key alone (imgfactory/local/
moto_key_index.py), with the same results as DynamoDB's: items whose index key changes move between
partitions, deleted ones leave, a cancelled transaction leaves the index as it was."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.models import ImageModel, LogLineModel
from imgfactory.local import moto_fixes, moto_key_index

START = datetime(2026, 1, 5, tzinfo=UTC)


def _image(workspace: str, job_id: str, n: int, status: str) -> ImageModel:
    image = ImageModel(
        f"{job_id}.{n:05d}.00",
        job_id=job_id,
        workspace=workspace,
        generation=n,
        variation=0,
        prompt=f"prompt {n}",
        provider="local",
        seed=n,
        status=status,
        created_at=START + timedelta(seconds=n),
    )
    image.save()
    return image


def _moto_table(short: str):  # type: ignore[no-untyped-def]
    from moto.dynamodb.models import dynamodb_backends

    for regions in dynamodb_backends.values():
        for backend in regions.values():
            for name, table in backend.tables.items():
                if name.endswith(f"-{short}"):
                    return table
    raise AssertionError(f"no table {short}")


def by_status(workspace: str, status: str) -> list[str]:
    return sorted(i.image_id for i in ImageModel.by_status.query(f"{workspace}#{status}"))


def test_index_queries_match_what_the_items_say_through_puts_updates_and_deletes(workspace):
    job_id = uuid.uuid4().hex
    statuses = ("approved", "qc_failed", "processing")
    images = [_image(workspace, job_id, n, statuses[n % 3]) for n in range(30)]
    rng = random.Random(7)
    for image in rng.sample(images, 12):  # status moves: the index key changes
        image.update(actions=[ImageModel.status.set(rng.choice(statuses))])
    gone = rng.sample(images, 6)
    for image in gone:
        image.delete()
    left = [ImageModel.get(i.image_id) for i in images if i not in gone]
    for status in statuses:
        assert by_status(workspace, status) == sorted(i.image_id for i in left if i.status == status)
    assert [i.image_id for i in ImageModel.by_job.query(job_id)] == sorted(i.image_id for i in left)


def test_a_query_is_handed_the_items_of_its_key_not_the_table(workspace):
    job_id = uuid.uuid4().hex
    for n in range(5):
        _image(workspace, job_id, n, "approved")
    table = _moto_table("images")
    assert len(table.all_items()) > 5  # other tests' images too
    from moto.dynamodb.models.dynamo_type import DynamoType

    wanted = [("job_id", DynamoType({"S": job_id}))]
    found = moto_key_index.candidates(table, None, "by_job", wanted, moto_fixes.DYNAMODB_WRITE_LOCK)
    assert found is not None and len(found) == 5
    logs = _moto_table("logs")
    LogLineModel(job_id, 1, time=START, level="standard", step="", message="one").save()
    found = moto_key_index.candidates(
        logs, DynamoType({"S": job_id}), None, None, moto_fixes.DYNAMODB_WRITE_LOCK
    )
    assert [i.attrs["message"].value for i in found] == ["one"]


def test_a_cancelled_transaction_leaves_the_index_as_it_was(workspace):
    job_id = uuid.uuid4().hex
    first, second = _image(workspace, job_id, 0, "processing"), _image(workspace, job_id, 1, "processing")
    meta = ImageModel.Meta
    with pytest.raises(TransactWriteError):
        with TransactWrite(connection=Connection(region=meta.region, host=meta.host)) as transaction:
            transaction.update(first, actions=[ImageModel.status.set("approved")])
            transaction.update(
                second,
                actions=[ImageModel.status.set("approved")],
                condition=ImageModel.status == "qc_failed",
            )
    assert by_status(workspace, "processing") == sorted([first.image_id, second.image_id])
    assert by_status(workspace, "approved") == []
