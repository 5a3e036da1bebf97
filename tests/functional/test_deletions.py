"""Deleting jobs and images runs in the background: the answer is 202 with a deletion to follow,
a job leaves every list at once, and nothing is left behind (objects, image items, search
postings, counts, log, checkpoints, the job item)."""

from __future__ import annotations

import threading

import pytest

from chalicelib import aws, deletions, search
from chalicelib.errors import NotFoundError
from chalicelib.models import CheckpointModel, DeletionModel, ImageTermModel, JobModel, LogLineModel
from chalicelib.repositories import images as image_repo
from chalicelib.repositories import jobs as job_repo
from chalicelib.repositories.images import ImageQuery
from chalicelib.services import images as image_service
from chalicelib.services import jobs as job_service
from chalicelib.settings import get_settings
from tests.functional.helpers import images_of, start, wait_status, wait_until

FULL = {"quality_check": True, "metadata": True}  # titles and tags: more search postings


def objects(prefix: str) -> list[str]:
    listed = aws.s3().list_objects_v2(Bucket=get_settings().bucket, Prefix=prefix)
    return [item["Key"] for item in listed.get("Contents", [])]


def postings_of(workspace: str, images) -> list[str]:
    """Search postings still naming any of these images."""
    ids = {image.image_id for image in images}
    terms = {
        term for image in images for term in search.image_terms(image.prompt, image.title, None, image.tags)
    }
    left = []
    for term in terms:
        for posting in ImageTermModel.query(search.term_key(workspace, term)):
            named = {search.full_id(posting.job_id, s) for s in posting.ids or ()} | {posting.image_id}
            left += [f"{term}:{image_id}" for image_id in sorted(named & ids)]
    return left


def counts(workspace: str) -> dict[str, int]:
    page = image_repo.list_images(workspace, ImageQuery(with_counts=True))
    assert page.counts is not None
    return page.counts


def finished(deletion_id: str) -> DeletionModel:
    def done() -> DeletionModel | None:
        record = DeletionModel.get(deletion_id, consistent_read=True)
        return record if record.status != "running" else None

    return wait_until(done, timeout=60)


def test_a_deleted_job_leaves_the_lists_at_once_and_nothing_behind(workspace, monkeypatch):
    job = start(workspace, generations=3, ai=FULL)
    wait_status(job.job_id, "completed")
    images = images_of(job.job_id)
    assert len(images) == 3 and postings_of(workspace, images) and objects(f"jobs/{job.job_id}/")
    assert counts(workspace)["total"] == 3

    gate = threading.Event()
    real_delete_prefix = aws.delete_prefix
    monkeypatch.setattr(aws, "delete_prefix", lambda prefix: (gate.wait(30), real_delete_prefix(prefix))[1])
    deletion = job_service.delete_job(workspace, job.job_id)

    # The worker is held: the job is already gone from every list and reads as not found.
    assert deletion.status == "running" and deletion.ids == [job.job_id]
    assert [j.job_id for j in job_repo.list_jobs(workspace, job_repo.JobQuery())[0]] == []
    assert job_repo.list_jobs(workspace, job_repo.JobQuery(sort="name"))[0] == []
    assert job_repo.list_jobs(workspace, job_repo.JobQuery(status="completed"))[0] == []
    with pytest.raises(NotFoundError):
        job_repo.get_job(job.job_id, workspace)
    gate.set()

    record = finished(deletion.deletion_id)
    assert (record.status, int(record.done), int(record.images_deleted)) == ("done", 1, 3)
    assert job_repo.find_job(job.job_id) is None
    assert images_of(job.job_id) == []
    assert postings_of(workspace, images) == []
    assert objects(f"jobs/{job.job_id}/") == []
    assert list(LogLineModel.query(job.job_id)) == []
    assert list(CheckpointModel.query(job.job_id)) == []
    assert counts(workspace)["total"] == 0


def test_a_running_job_is_refused_and_stays_listed(workspace, monkeypatch):
    import time

    from chalicelib.providers.local import LocalProvider

    original = LocalProvider.generate
    monkeypatch.setattr(LocalProvider, "generate", lambda self, r: (time.sleep(0.2), original(self, r))[1])
    job = start(workspace, generations=10, parameters={"max_concurrency": 1})
    wait_status(job.job_id, "running")
    deletion, refused = job_service.bulk_delete(workspace, {"ids": [job.job_id]})
    assert deletion is None and refused[0]["error"]["code"] == "conflict"
    assert [j.job_id for j in job_repo.list_jobs(workspace, job_repo.JobQuery())[0]] == [job.job_id]
    job_service.force_stop(workspace, job.job_id)


def test_deleting_images_removes_their_objects_postings_and_counts(workspace):
    job = start(workspace, generations=3, ai=FULL)
    wait_status(job.job_id, "completed")
    first, *rest = images_of(job.job_id)
    deletion = image_service.delete_images(workspace, {"ids": [image.image_id for image in rest]})
    record = finished(deletion.deletion_id)
    assert (record.status, int(record.images_deleted)) == ("done", 2)
    assert [image.image_id for image in images_of(job.job_id)] == [first.image_id]
    assert postings_of(workspace, rest) == [] and postings_of(workspace, [first])
    left = objects(f"jobs/{job.job_id}/")
    assert left and not any(image.image_id in key for image in rest for key in left)
    assert counts(workspace)["total"] == 1
    assert JobModel.get(job.job_id).n_approved == 1  # the job's own counts followed


def test_a_worker_short_of_time_hands_the_rest_to_a_fresh_invocation(workspace, monkeypatch):
    job = start(workspace, generations=4, ai={"quality_check": False, "metadata": False})
    wait_status(job.job_id, "completed")
    monkeypatch.setattr(deletions, "CHUNK", 1)
    invocations = []
    monkeypatch.setattr(aws, "invoke_async", lambda arn, payload: invocations.append(payload))
    deletion = job_service.delete_job(workspace, job.job_id)  # recorded; the invocation is ours

    class ShortOfTime:
        def get_remaining_time_in_millis(self) -> int:
            return deletions.SPARE_MS - 1  # time for one chunk only

    rounds = 0
    while DeletionModel.get(deletion.deletion_id).status == "running":
        assert invocations, "a worker stopped without handing on"
        deletions.run_deletion(invocations.pop(), ShortOfTime())
        rounds += 1
        assert rounds < 20
    assert rounds >= 4  # one image per invocation, then the rest
    record = DeletionModel.get(deletion.deletion_id)
    assert (record.status, int(record.images_deleted)) == ("done", 4)
    assert job_repo.find_job(job.job_id) is None and images_of(job.job_id) == []
    assert counts(workspace)["total"] == 0


def test_another_workspaces_deletion_is_not_found(workspace):
    record = DeletionModel(
        "d" * 32, workspace="someone-else", kind="jobs", status="done", ids=[], created_at=job_repo.utcnow()
    )
    record.save()
    with pytest.raises(NotFoundError):
        deletions.get_deletion(workspace, record.deletion_id)
