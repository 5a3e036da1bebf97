"""Job lifecycle as the API and CLI see it: start, stop, force stop, pause, resume, rerun."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.expressions.update import Action

from chalicelib import aws, counters, jobconfig, semaphore
from chalicelib.engine import mark_ended, new_job
from chalicelib.errors import ConflictError, InvalidStateError, ValidationError
from chalicelib.joblog import JobLog
from chalicelib.models import ConfigModel, JobModel, label_key
from chalicelib.repositories import jobs as job_repo
from chalicelib.selection import selected_jobs
from chalicelib.services import settings as settings_service
from chalicelib.settle import REJECTION, restore_images
from chalicelib.statuses import ACTIVE_STATUSES, JobStatus

START_KEYS = {"label", "config", "config_id", "scheduled_at"}
_RERUN_SUFFIX = re.compile(r"\s*\(Rerun [0-9a-f]{3,8}\)\s*$")


def start_execution(job: JobModel) -> JobModel:
    """Start the job's Step Functions execution (one per attempt, named after the job)."""
    name = job.job_id if int(job.attempt) == 1 else f"{job.job_id}-{int(job.attempt)}"
    arn = aws.start_execution(name, {"job_id": job.job_id})
    job.update(actions=[JobModel.execution_arn.set(arn)])
    return job


@dataclass(frozen=True)
class StartRequest:
    """A start request once checked: what `start_job` starts and `estimate` prices."""

    config: dict[str, Any]
    config_id: str | None
    scheduled_at: datetime | None


def check_start(workspace: str, body: dict[str, Any]) -> StartRequest:
    """Validate a start body (a 400 naming the field) without starting or storing anything."""
    if not isinstance(body, dict):
        raise ValidationError("the request body must be a JSON object", field="body")
    unknown = sorted(set(body) - START_KEYS)
    if unknown:
        raise ValidationError(f"{unknown[0]} is an unknown key", field=unknown[0])
    scheduled_at = parse_scheduled_at(body.get("scheduled_at"))
    if "config_id" in body:
        if "config" in body:
            raise ValidationError("give either config or config_id, not both", field="config_id")
        stored = load_config(workspace, body["config_id"])
        config, config_id = stored.config, stored.config_id
    else:
        if "config" not in body:
            raise ValidationError("is required", field="config")
        jobconfig.refuse_empty_keywords(body["config"])
        config = jobconfig.normalize_config(settings_service.config_with_defaults(workspace, body["config"]))
        config = settings_service.with_default_keywords_file(workspace, body["config"], config)
        config_id = None
    label = body.get("label")
    if label is not None:
        if not isinstance(label, str) or not label.strip() or len(label) > 200:
            raise ValidationError("must be text of 1 to 200 characters", field="label")
        config = {**config, "label": label.strip()}
    return StartRequest(config, config_id, scheduled_at)


def start_job(workspace: str, body: dict[str, Any]) -> JobModel:
    """Validate everything first: a bad request starts nothing."""
    checked = check_start(workspace, body)
    config, config_id, scheduled_at = checked.config, checked.config_id, checked.scheduled_at
    job = new_job(workspace, config, config_id=config_id, scheduled_at=scheduled_at)
    if scheduled_at is None:
        return start_execution(job)
    try:
        aws.create_one_time_schedule(job.job_id, scheduled_at, {"job_id": job.job_id})
    except Exception as err:
        job_repo.transition(job, JobStatus.FAILED, JobModel.error.set(f"Could not schedule the job: {err}"))
        raise
    return job


MAX_SCHEDULE_AHEAD = timedelta(days=365)


def parse_scheduled_at(value: Any) -> datetime | None:
    """An ISO 8601 time with its offset (`2026-12-01T09:00:00+01:00` or `...Z`), in the future."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise ValidationError("must be an ISO 8601 date and time with its offset", field="scheduled_at")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as err:
        raise ValidationError(
            "must be an ISO 8601 date and time with its offset, such as 2026-12-01T09:00:00Z",
            field="scheduled_at",
        ) from err
    if moment.tzinfo is None:
        raise ValidationError(
            "needs a time zone offset (Z for UTC, or +01:00 and so on)", field="scheduled_at"
        )
    now = datetime.now(UTC)
    if moment <= now:
        raise ValidationError("must be in the future", field="scheduled_at")
    if moment > now + MAX_SCHEDULE_AHEAD:
        raise ValidationError("must be within a year from now", field="scheduled_at")
    return moment.astimezone(UTC)


def start_scheduled_job(event: dict[str, Any]) -> None:
    """The job's schedule fired (EventBridge Scheduler, or the local stack's watcher): queue the
    job and start its execution. Safe to deliver twice: the execution is named after the job."""
    from chalicelib.engine import queue_scheduled_job

    job = job_repo.find_job(str(event.get("job_id") or ""))
    if job is None:
        return
    if queue_scheduled_job(job) or (job.status == JobStatus.QUEUED.value and not job.execution_arn):
        try:
            start_execution(job_repo.get_job(job.job_id))
        except ClientError as err:
            if err.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise


def _cancel_scheduled(job: JobModel) -> JobModel:
    job_repo.require_transition(job, JobStatus.CANCELLED, JobModel.step.set("Cancelled"))
    aws.delete_schedule(job.job_id)
    with JobLog(job.job_id) as log:
        log.info("Job cancelled before its scheduled time")
    return job_repo.get_job(job.job_id)


def load_config(workspace: str, config_id: Any) -> ConfigModel:
    if not isinstance(config_id, str) or not config_id or len(config_id) > 100:
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
    if job.status == JobStatus.SCHEDULED.value:
        return _cancel_scheduled(job)
    if job.status == JobStatus.QUEUED.value:
        return _cancel_queued(job)
    if not job_repo.set_control(job, "stop", *(ACTIVE_STATUSES - {JobStatus.QUEUED, JobStatus.SCHEDULED})):
        raise InvalidStateError(f"job {job_id} is already {job.status}", field="job_id")
    with JobLog(job_id) as log:
        log.info("Stop requested: finishing the current image")
    if job.park_token and job.status in (JobStatus.PAUSED.value, JobStatus.WAITING_FOR_APPROVAL.value):
        aws.send_task_success(job.park_token, {"resumed": False})
    return job_repo.get_job(job_id)


def _cancel_queued(job: JobModel) -> JobModel:
    """A job still waiting for the slot ends at once: its waiting execution is answered and
    runs straight to its end, where the slot bookkeeping is released."""
    job_repo.require_transition(job, JobStatus.CANCELLED, JobModel.step.set("Cancelled"))
    with JobLog(job.job_id) as log:
        log.info("Job cancelled while queued")
    ticket = int(job.ticket) if job.ticket is not None else None
    token = job.slot_token  # as the cancelling write left the job: see `semaphore`
    semaphore.release(job.workspace, job.job_id, ticket, attempt=int(job.attempt))
    if token:
        aws.send_task_success(token, {"acquired": False, "cancelled": True})
    return job_repo.get_job(job.job_id)


def force_stop(workspace: str, job_id: str) -> JobModel:
    """Stop now: the execution is stopped, the job cancelled and the slot freed at once."""
    job = job_repo.get_job(job_id, workspace)
    if JobStatus(job.status).is_final:
        raise InvalidStateError(f"job {job_id} is already {job.status}", field="job_id")
    if job.status == JobStatus.SCHEDULED.value:
        return _cancel_scheduled(job)
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
    mark_ended(job, "Force stopped by user", settle=False)  # the cleanup path settles the images
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
    ticket = semaphore.new_ticket(job.workspace)
    resumed = job_repo.transition(
        job,
        JobStatus.QUEUED,
        JobModel.ticket.set(ticket),
        JobModel.attempt.add(1),
        JobModel.control.remove(),
        JobModel.error.remove(),
        JobModel.finished_at.remove(),
        JobModel.step.set("Queued"),
    )
    if not resumed:  # another resume came first
        raise InvalidStateError(f"job {job_id} is {job.status}; it cannot be resumed now", field="job_id")
    semaphore.join_queue(job.workspace, job_id, ticket, attempt=int(job.attempt))  # the new attempt
    counters.recount_job(job)  # a task that died mid-image left its counters behind its images
    restore_images(job)  # the images its end failed unfinished are in the pipeline again
    with JobLog(job_id) as log:
        log.info("Resume requested: queued to continue from the checkpoint")
    return start_execution(job_repo.get_job(job_id))


REJECT_KEYS = {"reason"}


def approve_job(workspace: str, job_id: str) -> JobModel:
    """The job waiting at its approval step goes on with post-processing, metadata and export."""
    from chalicelib.engine import record_approval
    from chalicelib.plan import step_text

    job = _waiting_for_approval(workspace, job_id)
    record_approval(job_id)
    index = int(job.phase_index)
    if not job_repo.transition(job, JobStatus.RUNNING, JobModel.step.set(step_text(job.plan, index + 1))):
        raise _not_waiting(job)
    with JobLog(job_id) as log:
        log.info("Approved: going on")
    if job.park_token:
        aws.send_task_success(job.park_token, {"approved": True})
    return job_repo.get_job(job_id)


def reject_job(workspace: str, job_id: str, body: dict[str, Any]) -> JobModel:
    """The job fails at its approval step with the reviewer's reason; its images stay as they are
    (a resume brings the job back to the same approval step)."""
    unknown = sorted(set(body) - REJECT_KEYS)
    if unknown:
        raise ValidationError(f"{unknown[0]} is an unknown key", field=unknown[0])
    reason = body.get("reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > 500):
        raise ValidationError("must be text of at most 500 characters", field="reason")
    job = _waiting_for_approval(workspace, job_id)
    message = REJECTION
    if reason and reason.strip():
        message = f"{message}: {reason.strip()}"
    if not job_repo.set_control(job, "fail", JobStatus.WAITING_FOR_APPROVAL):
        raise _not_waiting(job)
    job.update(actions=[JobModel.error.set(message)])
    with JobLog(job_id) as log:
        log.info(message)
    if job.park_token:
        aws.send_task_success(job.park_token, {"approved": False})
    return job_repo.get_job(job_id)


def _waiting_for_approval(workspace: str, job_id: str) -> JobModel:
    job = job_repo.get_job(job_id, workspace)
    if job.status != JobStatus.WAITING_FOR_APPROVAL.value:
        raise _not_waiting(job)
    return job


def _not_waiting(job: JobModel) -> ConflictError:
    return ConflictError(f"job {job.job_id} is {job.status}; it is not waiting for approval", field="job_id")


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


EDITABLE_KEYS = {"label", "config"}
MAX_BULK = 100


def edit_job(workspace: str, job_id: str, body: dict[str, Any]) -> JobModel:
    """Rename the job and/or edit its current configuration (what reruns use). The snapshot, the
    record of how this job ran, never changes."""
    job = job_repo.get_job(job_id, workspace)
    unknown = sorted(set(body) - EDITABLE_KEYS)
    if unknown:
        raise ValidationError(f"{unknown[0]} cannot be edited", field=unknown[0])
    if not body:
        raise ValidationError("send label and/or config", field="body")
    actions: list[Action] = []
    if "label" in body:
        label = body["label"]
        if not isinstance(label, str) or not label.strip() or len(label) > 200:
            raise ValidationError("must be text of 1 to 200 characters", field="label")
        actions.append(JobModel.label.set(label.strip()))
        actions.append(JobModel.label_key.set(label_key(label, job.job_id)))
    if "config" in body:
        if not job.config_id:
            raise InvalidStateError(f"job {job_id} has no configuration to edit", field="config")
        stored = load_config(workspace, job.config_id)
        if not isinstance(body["config"], dict):
            raise ValidationError("must be a JSON object", field="config")
        jobconfig.refuse_empty_keywords(body["config"])
        merged = _merge(stored.config, body["config"])
        config = jobconfig.normalize_config(_without_stored_file(merged))
        config = _keep_stored_file(stored.config, body["config"], config, stored.config_id)
        stored.update(actions=[ConfigModel.config.set(config), ConfigModel.updated_at.set(job_repo.utcnow())])
    if actions:
        job.update(actions=actions)
    return job_repo.get_job(job_id, workspace)


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Changes over the stored configuration, one level of nesting deep (parameters etc.)."""
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict) and key != "keywords_file":
            merged[key] = {**base[key], **value}
        else:
            merged[key] = value
    return merged


def _without_stored_file(config: dict[str, Any]) -> dict[str, Any]:
    upload = config.get("keywords_file")
    if isinstance(upload, dict) and "key" in upload:
        return {**config, "keywords_file": None}
    return config


def _keep_stored_file(
    stored: dict[str, Any], changes: dict[str, Any], config: dict[str, Any], config_id: str
) -> dict[str, Any]:
    """An uploaded keywords file stays unless the edit replaces or removes it."""
    from chalicelib.keywords import store_keywords

    if "keywords_file" in changes:
        return store_keywords(config, config_id) if config.get("keywords_file") else config
    if stored.get("keywords_file"):
        return {**config, "keywords_file": stored["keywords_file"]}
    return config


def delete_job(workspace: str, job_id: str) -> Any:
    """Start deleting the job, its images, log and objects in the background (it leaves every
    list at once); the deletion record to follow. A job still running must be stopped first."""
    from chalicelib import deletions

    deletions.hide_job(workspace, job_id)  # a 404 or 409 before anything is recorded
    return deletions.start(workspace, "jobs", [job_id])


def _bulk_ids(workspace: str, body: dict[str, Any]) -> list[str]:
    """The chosen ids, or every job matching the body's `filter`."""
    return selected_jobs(workspace, body, MAX_BULK)


def bulk_rerun(workspace: str, body: dict[str, Any]) -> list[JobModel]:
    """Rerun the selected jobs one after another, in the order given: each rerun takes its place
    in the workspace's FIFO queue, which lives in DynamoDB and survives any restart."""
    ids = _bulk_ids(workspace, body)
    parents = [job_repo.get_job(job_id, workspace) for job_id in ids]  # all found, or a 404
    for parent in parents:
        if not parent.config_id:
            raise InvalidStateError(f"job {parent.job_id} has no configuration to rerun", field="ids")
    return [rerun_job(workspace, parent.job_id) for parent in parents]


def bulk_delete(workspace: str, body: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
    """Start one background deletion of what can be deleted; report the rest (still running, or
    unknown) with the reason."""
    from chalicelib import deletions

    return deletions.delete_jobs(workspace, _bulk_ids(workspace, body))
