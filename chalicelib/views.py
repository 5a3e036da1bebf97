"""How jobs and images look in API responses (snake_case JSON, UTC times ending in Z)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib import aws, semaphore
from chalicelib.counters import job_totals
from chalicelib.engine import progress_of
from chalicelib.models import ImageModel, JobModel
from chalicelib.statuses import JobStatus


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def job_summary(job: JobModel) -> dict[str, Any]:
    from chalicelib.joblive import overlaid

    status = JobStatus(job.status)
    overlaid(job)  # a running job's latest figures are on its live item
    approved, failed, pending = job_totals(job)
    duration = None
    if job.started_at:
        end = job.finished_at or datetime.now(job.started_at.tzinfo)
        duration = round((end - job.started_at).total_seconds(), 3)
    queue_position = None
    if status is JobStatus.QUEUED and job.ticket is not None:
        queue_position = semaphore.queue_position(job.workspace, int(job.ticket)) or None
    return {
        "id": job.job_id,
        "label": job.label,
        "status": status.value,
        "status_label": status.label,
        "progress": progress_of(job),
        "step": job.step,
        "queue_position": queue_position,
        "images_planned": int(job.images_planned),
        "images_ok": approved,
        "images_failed": failed,
        "images_pending": pending,
        "parent_id": job.parent_id,
        "config_id": job.config_id,
        "error": job.error,
        "control": job.control,
        "attempt": int(job.attempt),
        "kind": "retry" if job.retry else "generation",
        "created_at": iso(job.created_at),
        "scheduled_at": iso(job.scheduled_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
        "duration_s": duration,
    }


_HELD = {JobStatus.WAITING_FOR_APPROVAL.value: "waiting", JobStatus.PAUSED.value: "paused"}


def job_detail(job: JobModel, current_config: dict[str, Any] | None) -> dict[str, Any]:
    from chalicelib import joblive

    live = joblive.read(job.job_id, consistent=False)  # retries and exports (the timeline's)
    phase_index = int(job.phase_index)
    phases = []
    for index, phase in enumerate(job.plan or []):
        if index < phase_index or job.status == JobStatus.COMPLETED.value:
            state = "done"
        elif index == phase_index and job.status == JobStatus.RUNNING.value:
            state = "running"
        elif index == phase_index and job.status in _HELD:
            state = _HELD[job.status]  # the phase the job holds at, waiting on a person
        else:
            state = "pending"
        retries = joblive.retries(live, phase["name"])
        phases.append(
            {**phase, "state": state, "retries": retries, **_timing(job, index, phase["name"], state)}
        )
    summary = job_summary(job)
    return {
        **summary,
        "snapshot": job.snapshot,
        "config": current_config,
        "phases": phases,
        "metrics": {**_metrics(job, phases), "retries": sum(p["retries"] for p in phases)},
        "artifacts": _artifacts(job, summary, live),
        "execution_arn": job.execution_arn,
        "cost": _cost(job),
        "statistics": job_statistics(job),
        "approval": _approval(job),
    }


MAX_LISTED_EXPORTS = 20


def _artifacts(job: JobModel, summary: dict[str, Any], live: Any) -> dict[str, Any]:
    """What the job produced: its images, its log, and the exports made from it (newest first)."""
    from chalicelib.models import ExportModel

    ids = sorted(getattr(live, "exports", None) or ())
    exports = list(ExportModel.batch_get(ids)) if ids else []
    exports.sort(key=lambda record: record.created_at, reverse=True)
    return {
        "images_ok": summary["images_ok"],
        "images_failed": summary["images_failed"],
        "log_lines": max(int(getattr(live, "log_seq", 0) or 0), int(job.log_seq or 0)),
        "exports": [_export_artifact(record) for record in exports[:MAX_LISTED_EXPORTS]],
        "exports_total": len(exports),
    }


def _export_artifact(record: Any) -> dict[str, Any]:
    ready = record.status == "ready" and record.key
    return {
        "id": record.export_id,
        "kind": record.kind,
        "status": record.status,
        "key": record.key,
        "url": aws.presigned_url(record.key) if ready else None,
        "created_at": iso(record.created_at),
    }


def _timing(job: JobModel, index: int, name: str, state: str) -> dict[str, Any]:
    """A phase on the step timeline: its outcome, when it first started, how long it ran (so
    far, for the one running), and the job's error on the phase it ended at."""
    import time

    started = (job.phase_starts or {}).get(name)
    seconds = (job.phase_seconds or {}).get(name)
    current = index == int(job.phase_index)
    if current and state == "running" and job.phase_started is not None:
        seconds = float(seconds or 0.0) + max(0.0, time.time() - float(job.phase_started))
    outcome = {"done": "succeeded", "pending": "pending"}.get(state, state)
    ended_here = current and job.status in (JobStatus.FAILED.value, JobStatus.CANCELLED.value)
    if ended_here:
        outcome = "failed" if job.status == JobStatus.FAILED.value else "cancelled"
    elif state == "pending" and JobStatus(job.status).is_final and index > int(job.phase_index):
        outcome = "skipped"
    return {
        "status": outcome,
        "started_at": iso(datetime.fromtimestamp(float(started), UTC)) if started is not None else None,
        "seconds": round(float(seconds), 3) if seconds is not None else None,
        "error": job.error if ended_here and job.status == JobStatus.FAILED.value else None,
    }


def _metrics(job: JobModel, phases: list[dict[str, Any]]) -> dict[str, Any]:
    """The execution's figures: duration, steps succeeded and failed, and the attempts it took
    (a resume from a checkpoint is a new attempt)."""
    duration = None
    if job.started_at:
        end = job.finished_at or datetime.now(job.started_at.tzinfo)
        duration = round((end - job.started_at).total_seconds(), 3)
    return {
        "total_s": duration,
        "steps": len(phases),
        "steps_succeeded": sum(1 for p in phases if p["status"] == "succeeded"),
        "steps_failed": sum(1 for p in phases if p["status"] == "failed"),
        "attempts": int(job.attempt),
        "resumes": int(job.attempt) - 1,
    }


def _approval(job: JobModel) -> dict[str, Any] | None:
    """The approval step's timeout and default action, for a job whose plan has that step."""
    if not any(phase["name"] == "approval" for phase in job.plan or []):
        return None
    from chalicelib.services.approvals import approval_info

    return approval_info(job)


def _cost(job: JobModel) -> dict[str, Any] | None:
    if not JobStatus(job.status).is_final:
        return None
    from chalicelib.estimate.service import actual

    return actual(job)


def job_statistics(job: JobModel) -> dict[str, Any]:
    """An image that failed for any reason counts as failed; success rate = approved ÷ planned."""
    approved, failed, pending = job_totals(job)
    planned = int(job.images_planned)
    return {
        "total": planned,
        "successful": approved,
        "failed": failed,
        "pending": pending,
        "success_rate": round(approved / planned, 4) if planned else 0,
    }


def failure_group(image: ImageModel) -> str | None:
    """Failed Images Review's group: `quality` (the check, or a person rejecting it), `technical`
    (generation, processing, metadata, an ended job) or `retry` (a retry that failed)."""
    if image.status == "retry_failed":
        return "retry"
    if image.status != "qc_failed":
        return None
    stage = (image.failure or {}).get("stage")
    return "quality" if stage in (None, "qc", "approval") else "technical"


def image_view(image: ImageModel) -> dict[str, Any]:
    return {
        "id": image.image_id,
        "job_id": image.job_id,
        "status": image.status,
        "generation": int(image.generation),
        "variation": int(image.variation),
        "keyword": image.keyword,
        "prompt": image.prompt,
        "provider": image.provider,
        "seed": int(image.seed),
        "width": int(image.width) if image.width is not None else None,
        "height": int(image.height) if image.height is not None else None,
        "title": image.title,
        "description": image.description,
        "tags": image.tags or [],
        "qc_reason": image.qc_reason,
        "failure": image.failure,
        "failure_group": failure_group(image),
        "processing_settings": image.processing_settings,
        "url": aws.presigned_url(image.current_key) if image.current_key else None,
        "original_url": aws.presigned_url(image.original_key) if image.original_key else None,
        "thumbnail_url": aws.presigned_url(image.thumbnail_key) if image.thumbnail_key else None,
        "created_at": iso(image.created_at),
    }
