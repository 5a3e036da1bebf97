"""The workspace queue as a user steers it: run order with estimated start times, moves, cancels.

The queue is the semaphore's `Q#<ticket>` entries in key order (`chalicelib/semaphore.py`): the
head is the next job to take the slot. A move never changes the keys; it permutes which job each
key of the affected window holds (with its attempt), in one DynamoDB transaction that also sets
each moved job's `ticket`, conditional on every entry still holding the job read and every job
still being queued with that ticket. A release, an acquire or another move racing with it makes the
transaction fail as a whole, and it is read and tried again: the queue is never half-moved, no
job is lost or listed twice, and the one-job-per-workspace slot is untouched (moves only reorder
waiting jobs). Jobs the move does not touch keep their relative order (a bulk rerun stays in
order unless one of its jobs is moved).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import semaphore
from chalicelib.errors import ConflictError, ValidationError
from chalicelib.models import JobModel, SemaphoreModel
from chalicelib.repositories import jobs as job_repo
from chalicelib.statuses import JobStatus

MAX_WINDOW = 45  # entries one transaction rotates (2 items each; DynamoDB allows 100 per transaction)
ATTEMPTS = 50
SETTLE_READS = 5  # reads of the queue taken again while they show a move half applied
QUEUED = JobStatus.QUEUED.value


def entries(workspace: str) -> list[SemaphoreModel]:
    """The queue in run order (every page of the workspace's `Q#` entries).

    A query sees each item as committed, but not a transaction's items all at once: read while a
    move is being applied, it can show one job under two keys and another under none. Such a
    read is taken again (a move takes milliseconds); one that stays so is returned as it is."""
    for _ in range(SETTLE_READS):
        listed = list(
            SemaphoreModel.query(workspace, SemaphoreModel.entry.startswith("Q#"), consistent_read=True)
        )
        if not _has_twice(listed):
            return listed
        time.sleep(random.uniform(0.005, 0.02))
    return listed


def _has_twice(listed: list[SemaphoreModel]) -> bool:
    held = [e.job_id for e in listed if e.job_id]
    return len(set(held)) < len(held)


def _ticket_of(entry: SemaphoreModel) -> int:
    return int(entry.entry[2:])


def _eta_s(job: JobModel) -> float:
    return float((job.estimate or {}).get("eta_s") or 0.0)


@dataclass(frozen=True)
class QueueQuery:
    """The queue list has no filters: a cursor is bound to the workspace's queue alone."""


def queue_page(workspace: str, limit: int, cursor: str | None) -> dict[str, Any]:
    """A page of `queue_listing`: positions and estimated starts are the whole queue's. The cursor
    holds the queue entry the page ended at, bound to this workspace's queue like every list's
    cursor, so the next page starts after that entry even if jobs ahead of it have started."""
    from chalicelib.repositories.pages import decode_cursor, encode_cursor, listing_scope

    scope = listing_scope("queue", workspace, QueueQuery())
    start = decode_cursor(cursor, scope, ("workspace", "entry"), "workspace", workspace)
    listing, keys = _listing(workspace)
    after = start["entry"]["S"] if start else None
    first = next((n for n, key in enumerate(keys) if after is None or key > after), len(keys))
    page = listing["items"][first : first + limit]
    more = first + limit < len(keys)
    last = {"workspace": {"S": workspace}, "entry": {"S": keys[first + limit - 1]}} if more else None
    return {**listing, "items": page, "total": len(keys), "next_cursor": encode_cursor(last, scope)}


def queue_listing(workspace: str) -> dict[str, Any]:
    """Every queued job in run order with its position and estimated start, then the scheduled
    jobs (they join the end of the queue at their time)."""
    return _listing(workspace)[0]


def _listing(workspace: str) -> tuple[dict[str, Any], list[str]]:
    """The listing, and each listed job's queue entry key."""
    from chalicelib.repositories import jobs as job_repo
    from chalicelib.views import iso

    now = job_repo.utcnow()
    lock = semaphore.lock_of(workspace)
    running = None
    wait_s = 0.0
    if lock.owner:
        running = job_repo.find_job(lock.owner.partition("#")[0])
        if running is not None and running.started_at is not None:
            elapsed = (now - running.started_at).total_seconds()
            wait_s = max(0.0, _eta_s(running) - elapsed)
    listed = entries(workspace)
    jobs = {job.job_id: job for job in JobModel.batch_get([e.job_id for e in listed if e.job_id])}
    items: list[dict[str, Any]] = []
    keys: list[str] = []
    shown: set[str] = set()
    for entry in listed:
        job = jobs.get(entry.job_id or "")
        if job is None or job.status != QUEUED or job.job_id in shown:
            continue  # an entry being created or released, or a half-applied move's copy
        shown.add(job.job_id)
        keys.append(entry.entry)
        items.append(
            {
                "position": len(items) + 1,
                "id": job.job_id,
                "label": job.label,
                "images": int(job.images_planned),
                "status": job.status,
                "created_at": iso(job.created_at),
                "estimated_start": iso(now + timedelta(seconds=wait_s)),
                "eta_s": _eta_s(job),
            }
        )
        wait_s += _eta_s(job)
    scheduled, _ = job_repo.list_jobs(
        workspace, job_repo.JobQuery(status=JobStatus.SCHEDULED.value, sort="oldest", limit=100)
    )
    listing = {
        "running": {"id": running.job_id, "label": running.label, "status": running.status}
        if running is not None
        else None,
        "items": items,
        "scheduled": [
            {
                "id": job.job_id,
                "label": job.label,
                "images": int(job.images_planned),
                "status": job.status,
                "scheduled_at": iso(job.scheduled_at),
                "estimated_start": iso(max(job.scheduled_at, now + timedelta(seconds=wait_s)))
                if job.scheduled_at
                else None,
                "eta_s": _eta_s(job),
            }
            for job in sorted(scheduled, key=lambda j: j.scheduled_at or now)
        ],
    }
    return listing, keys


def target_position(current: int, length: int, body: dict[str, Any]) -> int:
    """Where a move asks the job to go: `{"to": N}` (1 = front) or `{"direction": ...}`."""
    unknown = sorted(set(body) - {"to", "direction"})
    if unknown:
        raise ValidationError(f"{unknown[0]} is an unknown key", field=unknown[0])
    if ("to" in body) == ("direction" in body):
        raise ValidationError("give either to (a position) or direction (front, up, down, back)", field="to")
    if "to" in body:
        to = body["to"]
        if not isinstance(to, int) or isinstance(to, bool) or to < 1:
            raise ValidationError("must be a position from 1 (the front of the queue)", field="to")
        return min(to, length)
    direction = body["direction"]
    moves = {"front": 1, "up": current - 1, "down": current + 1, "back": length}
    if direction not in moves:
        raise ValidationError("must be one of front, up, down, back", field="direction")
    return max(1, min(moves[direction], length))


def move(workspace: str, job_id: str, body: dict[str, Any]) -> int:
    """Move a queued job; returns its new position (1 = next to run)."""
    job_repo.get_job(job_id, workspace)  # another workspace's job is not found, not "not queued"
    if not isinstance(body, dict):
        raise ValidationError("the request body must be a JSON object", field="body")
    for _ in range(ATTEMPTS):
        listed = [e for e in entries(workspace) if e.job_id]
        if _has_twice(listed):  # still half moved: a transaction naming one job twice is refused
            time.sleep(random.uniform(0.005, 0.05))
            continue
        index = next((i for i, e in enumerate(listed) if e.job_id == job_id), None)
        if index is None:
            raise ConflictError(f"job {job_id} is not in the queue", field="job_id")
        target = target_position(index + 1, len(listed), body) - 1
        if target == index:
            return index + 1
        # One window at a time, the job moving by at most MAX_WINDOW - 1 places per transaction.
        step = max(-(MAX_WINDOW - 1), min(MAX_WINDOW - 1, target - index))
        if _rotate(workspace, listed, index, index + step):
            if index + step == target:
                semaphore.wake_next(workspace)  # the head may have changed while the slot is free
                return target + 1
            continue
        time.sleep(random.uniform(0.005, 0.05))  # someone else moved first: let them finish
    raise ConflictError("the queue kept changing; try the move again", field="job_id")


def _rotate(workspace: str, listed: list[SemaphoreModel], source: int, target: int) -> bool:
    """Move the entry at `source` to `target`, shifting the entries between by one; False when
    something changed since `listed` was read (nothing is written then)."""
    low, high = min(source, target), max(source, target)
    window = listed[low : high + 1]
    holders = [(e.job_id, e.attempt) for e in window]
    if source < target:
        moved = holders[1:] + holders[:1]
    else:
        moved = holders[-1:] + holders[:-1]
    meta: Any = SemaphoreModel.Meta
    connection = Connection(region=meta.region, host=meta.host)
    try:
        with TransactWrite(connection=connection) as transaction:
            for entry, (old_job, _), (new_job, new_attempt) in zip(window, holders, moved, strict=True):
                attempt_action = (
                    SemaphoreModel.attempt.remove()
                    if new_attempt is None
                    else SemaphoreModel.attempt.set(new_attempt)
                )
                transaction.update(
                    SemaphoreModel(workspace, entry.entry),
                    actions=[SemaphoreModel.job_id.set(new_job), attempt_action],
                    condition=SemaphoreModel.job_id == old_job,
                )
                transaction.update(
                    JobModel(new_job),
                    actions=[JobModel.ticket.set(_ticket_of(entry))],
                    condition=(JobModel.status == QUEUED)
                    & (JobModel.ticket == _ticket_of(_entry_of(window, new_job))),
                )
    except TransactWriteError as err:
        if getattr(err, "cause_response_code", None) == "TransactionCanceledException":
            return False
        raise
    return True


def _entry_of(window: list[SemaphoreModel], job_id: str) -> SemaphoreModel:
    return next(e for e in window if e.job_id == job_id)


def cancel_many(workspace: str, body: dict[str, Any]) -> dict[str, Any]:
    """Cancel queued (or scheduled) jobs; report those that could not be, with the reason."""
    from chalicelib.errors import ImageFactoryError
    from chalicelib.selection import selected_ids
    from chalicelib.services import jobs as job_service

    cancelled, refused = [], []
    from chalicelib.repositories import jobs as job_repo

    waiting = (QUEUED, JobStatus.SCHEDULED.value)
    for job_id in selected_ids(body, "job", 100):
        try:
            job = job_repo.get_job(job_id, workspace)
            if job.status not in waiting:
                raise ConflictError(f"job {job_id} is {job.status}, not queued", field="ids")
            job = job_service.request_stop(workspace, job_id)
            cancelled.append(job.job_id)
        except ImageFactoryError as err:
            refused.append({"id": job_id, "error": err.to_dict()})
    return {"cancelled": cancelled, "refused": refused}
