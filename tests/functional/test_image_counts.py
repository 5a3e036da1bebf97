"""An image that failed counts as failed everywhere, every image of an ended job is in a final
status, and the per-status counters follow every change (generation, QC, retry, manual approval,
delete) so the gallery's counts are one read."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from PIL import Image

from chalicelib.models import DeletionModel
from chalicelib.repositories import images as image_repo
from chalicelib.repositories import jobs as job_repo
from chalicelib.repositories.images import ImageQuery
from chalicelib.services import images as image_service
from chalicelib.services import jobs as job_service
from chalicelib.services.stats import workspace_stats
from chalicelib.views import job_detail, job_summary
from tests.functional.helpers import images_of, start, wait_status, wait_until

FINAL = {"approved", "qc_failed", "retry_failed"}


@pytest.fixture
def blank_images(monkeypatch):
    """The local provider renders every image black: the offline quality check fails them all."""
    from chalicelib.providers.base import GeneratedImage
    from chalicelib.providers.local import LocalProvider

    def blank(self, request):
        buffer = io.BytesIO()
        Image.new("RGB", (request.width, request.height), "black").save(buffer, "PNG")
        return [GeneratedImage(buffer.getvalue(), "image/png", "png", request.seed)]

    monkeypatch.setattr(LocalProvider, "generate", blank)


def counts(workspace: str, **filters) -> dict[str, int]:
    page = image_repo.list_images(workspace, ImageQuery(**filters))
    assert page.counts is not None and page.counts_exact
    return page.counts


def recount(workspace: str) -> dict[str, int]:
    """The counts as a pass over every image of the workspace would find them."""
    seen: Counter[str] = Counter()
    cursor = None
    while True:
        page = image_repo.list_images(workspace, ImageQuery(limit=200, cursor=cursor, with_counts=False))
        seen.update(image.status for image in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    statuses = ("approved", "qc_failed", "processing", "retry_pending", "retry_failed")
    return {"total": sum(seen.values()), **{s: seen[s] for s in statuses}}


def test_a_job_whose_images_all_fail_qc_counts_them_failed_everywhere(workspace, blank_images):
    job = start(workspace, generations=3, ai={"quality_check": True, "metadata": False})
    done = wait_status(job.job_id, "completed")  # images were produced: the job completes

    statistics = job_detail(done, None)["statistics"]
    assert statistics == {"total": 3, "successful": 0, "failed": 3, "pending": 0, "success_rate": 0}
    summary = job_summary(done)
    assert (summary["images_ok"], summary["images_failed"]) == (0, 3)
    listed = job_repo.list_jobs(workspace, job_repo.JobQuery())[0]
    assert [(j.job_id, job_summary(j)["images_ok"]) for j in listed] == [(job.job_id, 0)]
    assert workspace_stats(workspace).total_images == 0
    by_job = counts(workspace, job_id=job.job_id)
    assert (by_job["total"], by_job["qc_failed"], by_job["approved"]) == (3, 3, 0)
    assert counts(workspace) == recount(workspace) == by_job


def test_counts_follow_manual_approval_retry_and_delete(workspace, blank_images, monkeypatch):
    job = start(workspace, generations=3, ai={"quality_check": True, "metadata": False})
    wait_status(job.job_id, "completed")
    first, second, third = (image.image_id for image in images_of(job.job_id))

    image_service.approve_image(workspace, first)
    assert counts(workspace)["approved"] == 1 and counts(workspace)["qc_failed"] == 2
    assert job_summary(job_repo.get_job(job.job_id))["images_ok"] == 1

    retry = image_service.retry_images(workspace, {"ids": [second]})
    during = counts(workspace, job_id=job.job_id)
    assert during["retry_pending"] + during["approved"] == 2  # pending, or already through
    wait_status(retry.job_id, "completed")
    assert counts(workspace, job_id=job.job_id) == {
        "total": 3,
        "approved": 2,
        "qc_failed": 1,
        "processing": 0,
        "retry_pending": 0,
        "retry_failed": 0,
    }
    assert job_detail(job_repo.get_job(job.job_id), None)["statistics"]["successful"] == 2

    deletion = image_service.delete_images(workspace, {"ids": [third]})
    wait_until(lambda: DeletionModel.get(deletion.deletion_id).status == "done")
    assert counts(workspace) == recount(workspace)
    assert counts(workspace)["total"] == 2 and counts(workspace)["qc_failed"] == 0


def test_a_rejected_jobs_images_end_failed_and_a_resume_takes_them_back(workspace):
    job = start(
        workspace,
        generations=2,
        approval=True,
        processing={"convert": True, "convert_format": "jpg"},
        ai={"quality_check": True, "metadata": False},
    )
    wait_status(job.job_id, "waiting_for_approval")
    assert counts(workspace, job_id=job.job_id)["approved"] == 2  # by the quality check
    job_service.reject_job(workspace, job.job_id, {"reason": "off-brand colours"})
    failed = wait_status(job.job_id, "failed")

    # settled just after the job's final status is written
    wait_until(lambda: {i.status for i in images_of(job.job_id)} == {"qc_failed"})
    images = images_of(job.job_id)
    assert len(images) == 2
    assert {i.failure["category"] for i in images} == {"Rejected at approval"}
    assert all("off-brand colours" in i.failure["message"] for i in images)
    assert job_detail(job_repo.get_job(failed.job_id), None)["statistics"]["failed"] == 2
    assert counts(workspace) == recount(workspace)
    assert counts(workspace)["approved"] == 0 and counts(workspace)["qc_failed"] == 2

    job_service.resume_job(workspace, job.job_id)
    wait_status(job.job_id, "waiting_for_approval")
    assert {i.status for i in images_of(job.job_id)} == {"approved"}  # as the check left them
    assert {i.failure for i in images_of(job.job_id)} == {None}
    job_service.approve_job(workspace, job.job_id)
    wait_status(job.job_id, "completed")
    assert {i.status for i in images_of(job.job_id)} == {"approved"}
    assert counts(workspace)["approved"] == 2 and counts(workspace) == recount(workspace)


def test_a_rejected_job_without_quality_check_leaves_nothing_processing(workspace):
    job = start(workspace, generations=2, approval=True, ai={"quality_check": False, "metadata": False})
    wait_status(job.job_id, "waiting_for_approval")
    assert {i.status for i in images_of(job.job_id)} == {"processing"}
    job_service.reject_job(workspace, job.job_id, {})
    wait_status(job.job_id, "failed")
    wait_until(lambda: {i.status for i in images_of(job.job_id)} == {"qc_failed"})
    assert counts(workspace) == recount(workspace)


def test_a_stopped_job_leaves_no_image_unfinished(workspace):
    job = start(workspace, generations=2, approval=True, ai={"quality_check": False, "metadata": False})
    wait_status(job.job_id, "waiting_for_approval")
    job_service.request_stop(workspace, job.job_id)
    wait_status(job.job_id, "cancelled")
    settled = wait_until(lambda: {i.status for i in images_of(job.job_id)} <= FINAL)
    assert settled
    assert {i.failure["category"] for i in images_of(job.job_id)} == {"Job ended unfinished"}
    assert counts(workspace) == recount(workspace)
    assert job_summary(job_repo.get_job(job.job_id))["images_failed"] == 2


def _lose_a_counter_write(workspace: str, job_id: str, status: str) -> None:
    """As a task killed between an image's write and its counters' leaves them: one move short."""
    from chalicelib.models import ImageCountsModel, JobModel

    JobModel(job_id).update(actions=[getattr(JobModel, f"n_{status}").add(-1)])
    ImageCountsModel(workspace).update(actions=[getattr(ImageCountsModel, f"n_{status}").add(-1)])


def test_a_resume_recounts_the_images_a_dead_task_left_uncounted(workspace):
    from chalicelib.counters import job_counts

    job = start(workspace, generations=2, approval=True, ai={"quality_check": False, "metadata": False})
    wait_status(job.job_id, "waiting_for_approval")
    job_service.request_stop(workspace, job.job_id)
    wait_status(job.job_id, "cancelled")
    _lose_a_counter_write(workspace, job.job_id, "qc_failed")
    assert counts(workspace) != recount(workspace)

    job_service.resume_job(workspace, job.job_id)
    wait_status(job.job_id, "waiting_for_approval")
    assert counts(workspace) == recount(workspace)
    assert job_counts(job_repo.get_job(job.job_id))["processing"] == 2
    job_service.force_stop(workspace, job.job_id)


def test_the_local_stack_recounts_its_workspaces_when_it_comes_back(workspace):
    from chalicelib.counters import recount_workspaces

    job = start(workspace, generations=2, ai={"quality_check": False, "metadata": False})
    wait_status(job.job_id, "completed")
    _lose_a_counter_write(workspace, job.job_id, "approved")
    assert counts(workspace)["approved"] == 1
    recount_workspaces()
    assert counts(workspace) == recount(workspace)
    assert counts(workspace)["approved"] == 2


def test_a_custom_retry_applies_its_settings_to_those_images_only(workspace, blank_images):
    job = start(workspace, generations=2, ai={"quality_check": True, "metadata": False})
    wait_status(job.job_id, "completed")
    retried, other = images_of(job.job_id)
    custom = {"convert": True, "convert_format": "webp"}
    retry = image_service.retry_images(
        workspace, {"ids": [retried.image_id], "mode": "custom", "processing": custom}
    )
    wait_status(retry.job_id, "completed")

    image, applied = image_service.image_detail(workspace, retried.image_id)
    assert image.status == "approved" and image.current_key.endswith(".webp")
    assert applied["source"] == "custom_retry" and applied["processing"]["convert_format"] == "webp"
    _, untouched = image_service.image_detail(workspace, other.image_id)
    assert untouched["source"] == "job_snapshot" and untouched["processing"]["convert"] is False
    assert job_repo.get_job(job.job_id).snapshot["processing"]["convert"] is False  # the job is unchanged
    assert counts(workspace, job_id=job.job_id)["approved"] == 1


def test_a_resume_keeps_the_images_a_reviewer_rejected_one_by_one(workspace):
    from chalicelib.services import approvals

    job = start(workspace, generations=2, approval=True, ai={"quality_check": True, "metadata": False})
    wait_status(job.job_id, "waiting_for_approval")
    first, second = images_of(job.job_id)
    approvals.reject_images(workspace, job.job_id, {"image_ids": [first.image_id]})
    job_service.reject_job(workspace, job.job_id, {"reason": "redo"})
    wait_status(job.job_id, "failed")
    wait_until(lambda: {i.status for i in images_of(job.job_id)} == {"qc_failed"})

    job_service.resume_job(workspace, job.job_id)
    wait_status(job.job_id, "waiting_for_approval")
    statuses = {i.image_id: i.status for i in images_of(job.job_id)}
    assert statuses == {first.image_id: "qc_failed", second.image_id: "approved"}
    assert counts(workspace) == recount(workspace)
    job_service.force_stop(workspace, job.job_id)


def test_two_writers_changing_one_images_status_move_its_counters_once(workspace, blank_images):
    """Two settles of one ended job (its last task and the cleanup machine), each holding the
    image as it read it: the image is counted once under its final status, and a status change
    that comes after the image was deleted neither brings it back nor counts it."""
    from chalicelib.models import ImageModel

    job = start(workspace, generations=2, ai={"quality_check": True, "metadata": False})
    wait_status(job.job_id, "completed")
    kept, deleted = images_of(job.job_id)
    before = counts(workspace)
    assert before["qc_failed"] == 2

    first, second = (ImageModel.get(kept.image_id, consistent_read=True) for _ in range(2))
    image_repo.set_status(first, "approved")
    image_repo.set_status(second, "approved")  # read before the first write: stale
    assert counts(workspace) == recount(workspace)
    assert (counts(workspace)["approved"], counts(workspace)["qc_failed"]) == (1, 1)

    stale = ImageModel.get(deleted.image_id, consistent_read=True)
    image_repo.delete_images([ImageModel.get(deleted.image_id, consistent_read=True)])
    image_repo.set_status(stale, "approved")
    assert ImageModel.count(deleted.image_id) == 0  # not written back
    after = counts(workspace)
    assert after == recount(workspace)
    assert (after["total"], after["approved"], after["qc_failed"]) == (1, 1, 0)
