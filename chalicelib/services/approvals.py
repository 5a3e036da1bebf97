"""The approval inbox: every job waiting for approval, with its QC results and images, and the
per-image rejection a reviewer makes before post-processing.

A rejected image becomes a failed image (`qc_failed`, stage `approval`, "rejected at approval")
counted in the job's failed images: post-processing, metadata and exports only take images still
in the pipeline, so it is left out of all three, and Failed Images Review can retry it like any
QC failure. Approving the job then goes on with the rest.
"""

from __future__ import annotations

from typing import Any

from chalicelib.errors import ConflictError, ValidationError
from chalicelib.joblog import JobLog
from chalicelib.models import ImageModel, JobModel
from chalicelib.phases.images import APPROVED, PROCESSING, QC_FAILED
from chalicelib.repositories import images as image_repo
from chalicelib.repositories import jobs as job_repo
from chalicelib.repositories.jobs import JobQuery
from chalicelib.statuses import JobStatus

REJECTED_MESSAGE = "rejected at approval"
REJECTED_STAGE = "approval"
IMAGES_PER_JOB = 60  # the inbox's first page of each job's images; the rest through GET /api/images
MAX_REJECT = 1000
WAITING = JobStatus.WAITING_FOR_APPROVAL.value


def inbox_count(workspace: str) -> int:
    """How many jobs wait for approval (the header badge): a COUNT on the status index."""
    return JobModel.by_status.count(f"{workspace}#{WAITING}")


def inbox(workspace: str, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the waiting jobs, oldest first (the one waiting longest on top)."""
    from chalicelib.views import image_view, job_summary

    jobs, next_cursor = job_repo.list_jobs(
        workspace, JobQuery(status=WAITING, sort="oldest", limit=limit, cursor=cursor)
    )
    entries = []
    for job in jobs:
        images = list(ImageModel.by_job.query(job.job_id, limit=IMAGES_PER_JOB + 1))
        shown = images[:IMAGES_PER_JOB]
        qc = {"approved": 0, "qc_failed": 0, "rejected": 0, "pending": 0}
        for image in shown:
            qc[_qc_state(image)] += 1
        entries.append(
            {
                "job": job_summary(job),
                "approval": approval_info(job),
                "qc": {**qc, "quality_check": "quality_check" in [p["name"] for p in job.plan or []]},
                "images": [{**image_view(image), "qc_state": _qc_state(image)} for image in shown],
                "more_images": len(images) > IMAGES_PER_JOB,
            }
        )
    return entries, next_cursor


def _qc_state(image: ImageModel) -> str:
    if image.status == QC_FAILED:
        return "rejected" if (image.failure or {}).get("stage") == REJECTED_STAGE else "qc_failed"
    if image.status == APPROVED:
        return "approved"
    return "pending"


def approval_info(job: JobModel) -> dict[str, Any]:
    from chalicelib.views import iso

    snapshot = job.snapshot or {}
    hours = snapshot.get("approval_timeout_h")
    return {
        "timeout_h": hours,
        "default_action": (snapshot.get("approval_timeout_action") or "reject") if hours else None,
        "deadline": iso(job.approval_deadline) if hours else None,
    }


def reject_images(workspace: str, job_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Fail the chosen images of a job waiting for approval; the job keeps waiting."""
    job = job_repo.get_job(job_id, workspace)  # another workspace's job is a 404 before any 400
    unknown = sorted(set(body) - {"image_ids"})
    if unknown:
        raise ValidationError(f"{unknown[0]} is an unknown key", field=unknown[0])
    ids = body.get("image_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise ValidationError("must be a non-empty list of image ids", field="image_ids")
    if len(ids) > MAX_REJECT:
        raise ValidationError(f"must list at most {MAX_REJECT} images", field="image_ids")
    if job.status != WAITING:
        raise ConflictError(f"job {job_id} is {job.status}; it is not waiting for approval", field="job_id")
    found = {image.image_id: image for image in ImageModel.batch_get(list(dict.fromkeys(ids)))}
    rejected, refused = [], []
    for image_id in dict.fromkeys(ids):
        image = found.get(image_id)
        if image is None or image.job_id != job.job_id:
            refused.append({"id": image_id, "reason": "not an image of this job"})
        elif image.status not in (APPROVED, PROCESSING):
            refused.append({"id": image_id, "reason": f"already {image.status}"})
        else:
            _reject(image)
            rejected.append(image_id)
    if rejected:
        job.update(
            actions=[JobModel.images_ok.add(-len(rejected)), JobModel.images_failed.add(len(rejected))]
        )
        with JobLog(job.job_id, step="approval") as log:
            log.info(f"{len(rejected)} image(s) rejected at approval: {', '.join(rejected)}")
    return {"rejected": rejected, "refused": refused, "job": job_repo.get_job(job_id)}


def _reject(image: ImageModel) -> None:
    from chalicelib.phases.generate import publish_image
    from chalicelib.quality import failure_label

    failure = {
        "stage": REJECTED_STAGE,
        "category": failure_label(REJECTED_STAGE),
        "message": REJECTED_MESSAGE,
    }
    image_repo.set_status(
        image, QC_FAILED, ImageModel.failure.set(failure), ImageModel.qc_reason.set(REJECTED_MESSAGE)
    )
    publish_image(image)
