"""Job items: the only code that reads and writes the jobs table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.errors import InvalidStateError, NotFoundError
from chalicelib.models import JobModel
from chalicelib.repositories.pages import decode_cursor, encode_cursor
from chalicelib.statuses import JobStatus, sources_of


def utcnow() -> datetime:
    return datetime.now(UTC)


def get_job(job_id: str, workspace: str | None = None, *, consistent: bool = True) -> JobModel:
    """The job, or NotFoundError; another workspace's job is not found either."""
    try:
        job = JobModel.get(job_id, consistent_read=consistent)
    except JobModel.DoesNotExist:
        raise NotFoundError(f"job {job_id} not found", field="job_id") from None
    if workspace is not None and job.workspace != workspace:
        raise NotFoundError(f"job {job_id} not found", field="job_id")
    return job


def find_job(job_id: str) -> JobModel | None:
    try:
        return JobModel.get(job_id, consistent_read=True)
    except JobModel.DoesNotExist:
        return None


def transition(job: JobModel, target: JobStatus, *extra_actions: Any) -> bool:
    """Move the job to `target` if its current status allows it; False if it did not.

    The condition is evaluated by DynamoDB, so two writers racing (a stop and a finishing batch,
    say) can never both win, and a final status is never overwritten.
    """
    allowed = [s.value for s in sources_of(target)]
    actions = [JobModel.status.set(target.value), *extra_actions]
    if target.is_final:
        actions.append(JobModel.finished_at.set(utcnow()))
    if target is JobStatus.RUNNING:
        actions.append(JobModel.started_at.set(utcnow()))
    try:
        job.update(actions=actions, condition=JobModel.status.is_in(*allowed))
    except UpdateError as err:
        if getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException":
            job.refresh(consistent_read=True)
            return False
        raise
    from chalicelib import notify

    notify.publish(job.workspace, job.job_id, [{"type": "status", "status": target.value, "step": job.step}])
    return True


def require_transition(job: JobModel, target: JobStatus, *extra_actions: Any) -> None:
    if not transition(job, target, *extra_actions):
        raise InvalidStateError(
            f"job {job.job_id} is {job.status}; it cannot become {target.value}", field="status"
        )


def set_control(job: JobModel, control: str | None, *only_from: JobStatus) -> bool:
    """Ask the running execution to stop or pause at its next check."""
    action = JobModel.control.set(control) if control else JobModel.control.remove()
    try:
        job.update(actions=[action], condition=JobModel.status.is_in(*[s.value for s in only_from]))
        return True
    except UpdateError as err:
        if getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException":
            job.refresh(consistent_read=True)
            return False
        raise


def list_jobs(
    workspace: str,
    *,
    newest_first: bool = True,
    status: str | None = None,
    limit: int = 25,
    cursor: str | None = None,
) -> tuple[list[JobModel], str | None]:
    """A page of a workspace's jobs by creation time, from the workspace index."""
    condition = JobModel.status == status if status else None
    query = JobModel.by_workspace.query(
        workspace,
        scan_index_forward=not newest_first,
        filter_condition=condition,
        limit=limit,
        last_evaluated_key=decode_cursor(cursor),
    )
    items = list(query)
    return items, encode_cursor(query.last_evaluated_key)
