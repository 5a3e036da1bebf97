"""When a job ends, every one of its images is in a final status (SPEC §2).

A job that completes has approved what was still in its pipeline (finalize). One that ends
otherwise (rejected at its approval step, failed, cancelled) leaves images `processing` (or, for a
retry, `retry_pending`/`processing`): they become failed, with why, and count as failed. A resume
puts them back where they were, so the job carries on with them as if it had never ended.
"""

from __future__ import annotations

from chalicelib.counters import Tally
from chalicelib.models import ImageModel, JobModel
from chalicelib.repositories.images import set_status

# Image statuses (chalicelib.phases.images names them too; importing it would load Pillow).
APPROVED, QC_FAILED, PROCESSING = "approved", "qc_failed", "processing"
RETRY_PENDING, RETRY_FAILED = "retry_pending", "retry_failed"
REJECTION = "Rejected at the approval step"  # how a rejected job's error begins
TIMED_OUT_REJECTION = "rejected by default"  # how an approval that timed out ends, rejecting
REJECTED = "approval"  # a person rejected the job at its approval step
ENDED = "interrupted"  # the job failed or was stopped before the image was finished
SETTLED_STAGES = (REJECTED, ENDED)


def settle_images(job: JobModel, message: str) -> int:
    """Fail the images the ended job left unfinished; the number settled. A job rejected at its
    approval step fails its whole batch, the images its quality check passed included."""
    from chalicelib.quality import failure_label  # Pillow: only when there is something to settle

    rejected = (message.startswith(REJECTION) or message.endswith(TIMED_OUT_REJECTION)) and not job.retry
    stage = REJECTED if rejected else ENDED
    tally = Tally()
    settled = 0
    for image in _unfinished(job, rejected):
        target = RETRY_FAILED if job.retry else QC_FAILED
        failure = {
            "stage": stage,
            "category": failure_label(stage),
            "message": message[:1000],
            "was": image.status,  # where a resume puts it back
        }
        set_status(image, target, ImageModel.failure.set(failure), tally=tally)
        settled += 1
    tally.flush()
    return settled


def _unfinished(job: JobModel, rejected: bool) -> list[ImageModel]:
    if job.retry:
        images = ImageModel.batch_get(list(job.retry["image_ids"]))
        return [i for i in images if i.status in (RETRY_PENDING, PROCESSING)]
    statuses = (PROCESSING, APPROVED) if rejected else (PROCESSING,)
    if not sum(int(getattr(job, f"n_{s}") or 0) for s in statuses):
        return []  # the counters say there is nothing to read
    condition = ImageModel.status.is_in(*statuses)
    return list(ImageModel.by_job.query(job.job_id, filter_condition=condition))


def restore_images(job: JobModel) -> int:
    """A resumed job takes back the images its end settled (and only those)."""
    tally = Tally()
    restored = 0
    if job.retry:
        images = [i for i in ImageModel.batch_get(list(job.retry["image_ids"])) if i.status == RETRY_FAILED]
        back = RETRY_PENDING
    else:
        condition = ImageModel.status == QC_FAILED
        images = list(ImageModel.by_job.query(job.job_id, filter_condition=condition))
        back = PROCESSING
    for image in images:
        failure = image.failure or {}
        # Only what the job's end settled (it knows where the image was): an image a reviewer
        # rejected on its own at the approval step stays rejected.
        if failure.get("stage") in SETTLED_STAGES and "was" in failure:
            set_status(image, failure.get("was") or back, ImageModel.failure.remove(), tally=tally)
            restored += 1
    tally.flush()
    return restored
