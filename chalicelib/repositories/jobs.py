"""Job items: the only code that reads and writes the jobs table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import QueryError, UpdateError

from chalicelib.errors import InvalidStateError, NotFoundError, ValidationError
from chalicelib.models import JobModel
from chalicelib.repositories.pages import NOT_OURS, between, decode_cursor, encode_cursor, listing_scope
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


def read_control(job_id: str) -> tuple[str | None, str, int]:
    """The job's control flag, status and attempt as they are now: what a running task reads
    before each image to learn of a stop. A job deleted meanwhile reads as cancelled."""
    try:
        job = JobModel.get(job_id, consistent_read=True, attributes_to_get=["control", "status", "attempt"])
    except JobModel.DoesNotExist:
        return "force", JobStatus.CANCELLED.value, 0
    return job.control, job.status, int(job.attempt)


def transition(job: JobModel, target: JobStatus, *extra_actions: Any, attempt: int | None = None) -> bool:
    """Move the job to `target` if its current status allows it; False if it did not.

    The condition is evaluated by DynamoDB, so two writers racing (a stop and a finishing batch,
    say) can never both win, and a final status is never overwritten. `attempt`: only while the
    job is still on that attempt (the end of an execution must not end the resume that followed).
    """
    allowed = [s.value for s in sources_of(target)]
    actions = [
        JobModel.status.set(target.value),
        JobModel.workspace_status.set(f"{job.workspace}#{target.value}"),
        *extra_actions,
    ]
    if target.is_final:
        actions.append(JobModel.finished_at.set(utcnow()))
    if target is JobStatus.RUNNING:
        actions.append(JobModel.started_at.set(utcnow()))
    was = job.status
    try:
        condition = JobModel.status.is_in(*allowed)
        if attempt is not None:
            condition &= JobModel.attempt == attempt
        job.update(actions=actions, condition=condition)
    except UpdateError as err:
        if getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException":
            job.refresh(consistent_read=True)
            return False
        raise
    from chalicelib import notify

    messages: list[dict[str, Any]] = [{"type": "status", "status": target.value, "step": job.step}]
    waiting = JobStatus.WAITING_FOR_APPROVAL.value
    if waiting in (was, target.value):  # the approval inbox's badge follows
        messages.append({"type": "inbox", "count": JobModel.by_status.count(f"{job.workspace}#{waiting}")})
    notify.publish(job.workspace, job.job_id, messages)
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


@dataclass(frozen=True)
class JobQuery:
    """What the jobs list asks for; every combination is served by a Query on an index."""

    status: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    text: str | None = None  # part of the label, or a job id
    parent: str | None = None  # only the reruns of this job
    sort: str = "newest"  # newest | oldest | name
    limit: int = 25
    cursor: str | None = None


def list_jobs(workspace: str, query: JobQuery) -> tuple[list[JobModel], str | None]:
    """A page of a workspace's jobs.

    Status and date range are key conditions (`by_workspace_status`, `by_workspace_created`), so a
    page reads about one item per job returned; name order comes from `by_workspace_label`. Text
    search is a filter on the label key within the same query (DynamoDB reads past the items it
    skips), and an exact job id is a single read.
    """
    if query.text and _ID.fullmatch(query.text):
        job = find_job(query.text)
        return ([job] if job is not None and job.workspace == workspace else []), None
    dates = _date_condition(query)
    filters: list[Any] = []
    index: Any
    if query.text:
        filters.append(JobModel.label_key.contains(query.text.strip().lower()))
    if query.parent:
        filters.append(JobModel.parent_id == query.parent)
    if query.sort == "name":
        index, hash_attr, key, range_attr = JobModel.by_name, "workspace", workspace, "label_key"
        range_condition = None
        if query.status:
            filters.append(JobModel.status == query.status)
        if dates is not None:
            filters.append(dates)
    elif query.status:
        index, hash_attr, range_attr = JobModel.by_status, "workspace_status", "created_at"
        key, range_condition = f"{workspace}#{query.status}", dates
    else:
        index, hash_attr, key, range_attr = JobModel.by_workspace, "workspace", workspace, "created_at"
        range_condition = dates
    condition = None
    for item in filters:
        condition = item if condition is None else condition & item
    scope = cursor_scope(workspace, query)
    start = decode_cursor(query.cursor, scope, ("job_id", hash_attr, range_attr), hash_attr, key)
    try:
        result = index.query(
            key,
            range_condition,
            scan_index_forward=query.sort != "newest",
            filter_condition=condition,
            limit=query.limit,
            last_evaluated_key=start,
        )
        items = list(result)
    except QueryError as err:
        if start is not None and getattr(err, "cause_response_code", None) == "ValidationException":
            raise ValidationError(NOT_OURS, field="cursor") from err
        raise
    return items, encode_cursor(result.last_evaluated_key, scope)


def cursor_scope(workspace: str, query: JobQuery) -> str:
    """What a jobs cursor is bound to: this workspace's jobs list with these filters and sort."""
    return listing_scope("jobs", workspace, query)


_ID = re.compile(r"[0-9a-f]{32}")


def _date_condition(query: JobQuery) -> Any:
    return between(JobModel.created_at, query.created_from, query.created_to)
