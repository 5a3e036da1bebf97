"""Job lifecycle as the API and CLI see it: start, stop, force stop, pause, resume, rerun."""

from __future__ import annotations

import re
import uuid
from typing import Any

from chalicelib import aws, jobconfig, semaphore
from chalicelib.engine import mark_ended, new_job
from chalicelib.errors import InvalidStateError, ValidationError
from chalicelib.joblog import JobLog
from chalicelib.models import ConfigModel, JobModel
from chalicelib.repositories import jobs as job_repo
from chalicelib.statuses import ACTIVE_STATUSES, JobStatus

START_KEYS = {"label", "config", "config_id", "scheduled_at"}
_RERUN_SUFFIX = re.compile(r"\s*\(Rerun [0-9a-f]{3,8}\)\s*$")


def start_execution(job: JobModel) -> JobModel:
    """Start the job's Step Functions execution (one per attempt, named after the job)."""
    name = job.job_id if int(job.attempt) == 1 else f"{job.job_id}-{int(job.attempt)}"
    arn = aws.start_execution(name, {"job_id": job.job_id})
    job.update(actions=[JobModel.execution_arn.set(arn)])
    return job


def start_job(workspace: str, body: dict[str, Any]) -> JobModel:
    """Validate everything first: a bad request starts nothing."""
    if not isinstance(body, dict):
        raise ValidationError("the request body must be a JSON object", field="body")
    unknown = sorted(set(body) - START_KEYS)
    if unknown:
        raise ValidationError(f"{unknown[0]} is an unknown key", field=unknown[0])
    if body.get("scheduled_at") is not None:
        raise ValidationError("scheduling jobs for later is not available yet", field="scheduled_at")
    if "config_id" in body:
        if "config" in body:
            raise ValidationError("give either config or config_id, not both", field="config_id")
        stored = load_config(workspace, body["config_id"])
        config, config_id = stored.config, stored.config_id
    else:
        if "config" not in body:
            raise ValidationError("is required", field="config")
        config = jobconfig.normalize_config(body["config"])
        config_id = None
    if config["parameters"]["format"] == "svg":
        raise ValidationError("SVG output (vector models) is not available yet", field="parameters.format")
    label = body.get("label")
    if label is not None:
        if not isinstance(label, str) or not label.strip() or len(label) > 200:
            raise ValidationError("must be text of 1 to 200 characters", field="label")
        config = {**config, "label": label.strip()}
    job = new_job(workspace, config, config_id=config_id)
    return start_execution(job)


def load_config(workspace: str, config_id: Any) -> ConfigModel:
    if not isinstance(config_id, str):
        raise ValidationError("must be a configuration id", field="config_id")
    try:
        stored = ConfigModel.get(config_id)
    except ConfigModel.DoesNotExist:
        stored = None
    if stored is None or stored.workspace != workspace:
        raise ValidationError(f"configuration {config_id} does not exist", field="config_id")
    return stored


def request_stop(workspace: str, job_id: str) -> JobModel:
    """Graceful stop: the current image finishes, the job ends `cancelled` at the next check."""
    job = job_repo.get_job(job_id, workspace)
    if job.status == JobStatus.QUEUED.value:
        return _cancel_queued(job)
    if not job_repo.set_control(job, "stop", *(ACTIVE_STATUSES - {JobStatus.QUEUED})):
        raise InvalidStateError(f"job {job_id} is already {job.status}", field="job_id")
    with JobLog(job_id) as log:
        log.info("Stop requested: finishing the current image")
    if job.park_token and job.status == JobStatus.PAUSED.value:
        aws.send_task_success(job.park_token, {"resumed": False})
    return job_repo.get_job(job_id)


def _cancel_queued(job: JobModel) -> JobModel:
    """A job still waiting for the slot ends at once: its waiting execution is answered and
    runs straight to its end, where the slot bookkeeping is released."""
    job_repo.require_transition(job, JobStatus.CANCELLED, JobModel.step.set("Cancelled"))
    with JobLog(job.job_id) as log:
        log.info("Job cancelled while queued")
    ticket = int(job.ticket) if job.ticket is not None else None
    token = semaphore.waiting_token(job.workspace, ticket)
    semaphore.release(job.workspace, job.job_id, ticket)
    if token:
        aws.send_task_success(token, {"acquired": False, "cancelled": True})
    return job_repo.get_job(job.job_id)


def force_stop(workspace: str, job_id: str) -> JobModel:
    """Stop now: the execution is stopped, the job cancelled and the slot freed at once."""
    job = job_repo.get_job(job_id, workspace)
    if JobStatus(job.status).is_final:
        raise InvalidStateError(f"job {job_id} is already {job.status}", field="job_id")
    if job.status == JobStatus.QUEUED.value:
        job = _cancel_queued(job)
        if job.execution_arn:
            aws.stop_execution(job.execution_arn, "Force stopped by user")
        return job
    # The flag makes a task that is still running return at its next check (StopExecution does
    # not interrupt a running Lambda).
    job_repo.set_control(job, "force", *ACTIVE_STATUSES)
    if job.execution_arn:
        aws.stop_execution(job.execution_arn, "Force stopped by user")
    job.refresh(consistent_read=True)
    mark_ended(job, "Force stopped by user")
    if job.park_token:
        aws.send_task_success(job.park_token, {"resumed": False})
    return job_repo.get_job(job_id)


def pause_job(workspace: str, job_id: str) -> JobModel:
    job = job_repo.get_job(job_id, workspace)
    if not job_repo.set_control(job, "pause", JobStatus.RUNNING):
        raise InvalidStateError(
            f"only a running job can be paused; job {job_id} is {job.status}", field="job_id"
        )
    with JobLog(job_id) as log:
        log.info("Pause requested: holding at the next checkpoint")
    return job_repo.get_job(job_id)


def resume_job(workspace: str, job_id: str) -> JobModel:
    """Paused: carry on. Failed or cancelled: the same job runs again from its checkpoint."""
    job = job_repo.get_job(job_id, workspace)
    if job.status == JobStatus.PAUSED.value or job.control == "pause":
        job_repo.set_control(job, None, JobStatus.PAUSED, JobStatus.RUNNING)
        job_repo.transition(job, JobStatus.RUNNING, JobModel.step.set("Resuming"))
        with JobLog(job_id) as log:
            log.info("Resumed by user")
        if job.park_token:
            aws.send_task_success(job.park_token, {"resumed": True})
        return job_repo.get_job(job_id)
    if job.status not in (JobStatus.FAILED.value, JobStatus.CANCELLED.value) or not job.plan:
        raise InvalidStateError(
            f"only a paused, failed or cancelled job can be resumed; job {job_id} is {job.status}",
            field="job_id",
        )
    ticket = semaphore.take_ticket(job.workspace, job.job_id)
    job_repo.require_transition(
        job,
        JobStatus.QUEUED,
        JobModel.ticket.set(ticket),
        JobModel.attempt.add(1),
        JobModel.control.remove(),
        JobModel.error.remove(),
        JobModel.finished_at.remove(),
        JobModel.step.set("Queued"),
    )
    with JobLog(job_id) as log:
        log.info("Resume requested: queued to continue from the checkpoint")
    return start_execution(job_repo.get_job(job_id))


def rerun_job(workspace: str, job_id: str) -> JobModel:
    """A new job from the parent's current configuration, labelled `Parent (Rerun xxxxxx)`."""
    parent = job_repo.get_job(job_id, workspace)
    if not parent.config_id:
        raise InvalidStateError(f"job {job_id} has no configuration to rerun", field="job_id")
    config = load_config(workspace, parent.config_id).config
    new_id = uuid.uuid4().hex
    base = _RERUN_SUFFIX.sub("", parent.label) or parent.label
    label = f"{base} (Rerun {new_id[:6]})"
    job = new_job(
        workspace, config, job_id=new_id, config_id=parent.config_id, parent_id=parent.job_id, label=label
    )
    return start_execution(job)
