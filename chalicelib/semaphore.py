"""A FIFO, concurrency-one semaphore per workspace, held in DynamoDB.

Items (table `semaphore`, hash key = workspace):
- `LOCK`: `owner` = the attempt holding the slot (`<job id>#<attempt>`: a resumed job's new
  attempt is another owner than the one ending, so the late release of the one ending can never
  free the slot the new one took), `next_ticket` = a counter that breaks ties between tickets.
- `Q#<ticket>`: a waiting job (`job_id`) and which of its attempts waits (`attempt`), so the
  late release of an attempt that has ended can never delete the entry of the resume after it.
  A ticket is the time the job joined the queue, in microseconds,
  × 10,000 plus the counter: for a job started through the API, when the API queued it; for one
  started straight on Step Functions, its execution's start time (`$$.Execution.StartTime`), so
  such jobs queue in the order their executions started, as on AWS, whenever RegisterJob runs.

Only the head of the queue may take the slot, with a conditional write on `owner`, so two jobs can
never hold it and jobs run in queue order. The queue can be reordered (`chalicelib/job_queue.py`):
a move permutes which job each `Q#` key holds, in one transaction that also sets each moved job's
`ticket`, so deleting a job's own entry is conditional on the entry still holding that job, and
follows the job's ticket when it has moved; a woken job that finds the slot free but is not the
head (the queue was reordered after the wake-up) wakes the head.

Waking: a waiting execution's task token lives on its job item (`slot_token`). AcquireSlot writes
its token there first and only then reads the job's status and the lock; a release frees the lock
first and only then reads the head's token; a cancel ends the job first (the same write returns
the token) and only then answers it. Each pair is two writes and two reads on single items, so
whichever way they interleave one side sees the other: the waiter sees the free slot or the
ended job, or the releaser/canceller answers the token that waiter is parked on. A token of an
earlier round answered late wakes nobody, and costs nothing: the round after it looks again.
A queued execution also re-checks on a timer, and a slot whose owner has already ended is taken
back, so a crashed owner never blocks the queue. A direct start that has not registered yet
goes before a later one that has (`chalicelib/start_order.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib import aws, start_order
from chalicelib.models import JobModel, SemaphoreModel
from chalicelib.statuses import JobStatus

LOCK = "LOCK"


def _queue_key(ticket: int) -> str:
    return f"Q#{ticket:024d}"


def _conditional_failed(err: Exception) -> bool:
    return getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException"


@dataclass(frozen=True)
class SlotState:
    acquired: bool
    position: int  # 0 when acquired; 1 = next in line


def ensure_lock(workspace: str) -> None:
    try:
        SemaphoreModel(workspace, LOCK, next_ticket=0).save(
            condition=SemaphoreModel.workspace.does_not_exist()
        )
    except PutError as err:
        if not _conditional_failed(err):
            raise


TIE_BREAKS = 10_000


def new_ticket(workspace: str, at: datetime | None = None) -> int:
    """A place in the workspace's FIFO order for a job joining at time `at` (now by default).

    Nothing is queued yet: the caller saves the ticket (and the attempt) on the job first and
    only then calls `join_queue`, so a queue entry always belongs to a job that is already
    queued for that attempt, and `wake_next`, which drops the entries of ended jobs, can never
    drop one that is being created."""
    ensure_lock(workspace)
    lock = SemaphoreModel(workspace, LOCK)
    lock.update(actions=[SemaphoreModel.next_ticket.add(1)])
    moment = at or datetime.now(UTC)
    return int(moment.timestamp() * 1_000_000) * TIE_BREAKS + int(lock.next_ticket or 0) % TIE_BREAKS


def join_queue(workspace: str, job_id: str, ticket: int, *, attempt: int = 1) -> None:
    """Put the job's attempt in the queue at its ticket (again, if its entry was lost)."""
    SemaphoreModel(workspace, _queue_key(ticket), job_id=job_id, attempt=attempt).save()


def joined_at(entry: SemaphoreModel) -> datetime:
    """When the entry's job joined the queue (its ticket's time)."""
    return datetime.fromtimestamp(int(entry.entry[2:]) // TIE_BREAKS / 1_000_000, UTC)


def lock_of(workspace: str) -> SemaphoreModel:
    """The workspace's lock item (created on first use: a read costs less than a conditional
    write, and a queued job reads it on every re-check)."""
    try:
        return SemaphoreModel.get(workspace, LOCK, consistent_read=True)
    except SemaphoreModel.DoesNotExist:
        ensure_lock(workspace)
        return SemaphoreModel.get(workspace, LOCK, consistent_read=True)


def _head(workspace: str) -> SemaphoreModel | None:
    query = SemaphoreModel.query(
        workspace,
        SemaphoreModel.entry.startswith("Q#"),
        consistent_read=True,
        limit=1,
    )
    return next(iter(query), None)


def queue_position(workspace: str, ticket: int) -> int:
    """1 for the head of the queue, 2 for the next, …"""
    return SemaphoreModel.count(
        workspace,
        SemaphoreModel.entry.between("Q#", _queue_key(ticket)),
        consistent_read=True,
    )


def owner_of(job_id: str, attempt: int) -> str:
    return f"{job_id}#{attempt}"


def _owner_has_ended(owner_id: str) -> bool:
    """True when the slot's owner can no longer release it itself (crashed or ended)."""
    job_id, _, attempt = owner_id.partition("#")
    try:
        owner = JobModel.get(job_id, consistent_read=True)
    except JobModel.DoesNotExist:
        return True
    if JobStatus(owner.status).is_final:
        return True
    if attempt.isdigit() and int(attempt) != int(owner.attempt):
        return True  # an attempt the job has moved on from
    if owner.execution_arn:
        try:
            return aws.execution_status(owner.execution_arn) != "RUNNING"
        except Exception:  # noqa: BLE001 - an unknown execution cannot hold the slot either
            return True
    return False


def _take_slot(workspace: str, owner: str) -> bool:
    try:
        SemaphoreModel(workspace, LOCK).update(
            actions=[SemaphoreModel.owner.set(owner)],
            condition=SemaphoreModel.owner.does_not_exist() | (SemaphoreModel.owner == owner),
        )
        return True
    except UpdateError as err:
        if _conditional_failed(err):
            return False
        raise


def _free_slot(workspace: str, owner_id: str) -> None:
    try:
        SemaphoreModel(workspace, LOCK).update(
            actions=[SemaphoreModel.owner.remove()],
            condition=SemaphoreModel.owner == owner_id,
        )
    except UpdateError as err:
        if not _conditional_failed(err):
            raise


def current_ticket(job_id: str) -> int | None:
    """The job's ticket now (a queue move may have changed it since the caller read the job)."""
    try:
        ticket = JobModel.get(job_id, consistent_read=True).ticket
    except JobModel.DoesNotExist:
        return None
    return int(ticket) if ticket is not None else None


def try_acquire(workspace: str, job_id: str, ticket: int, *, attempt: int) -> SlotState:
    """Take the slot if this job is at the head of the queue and the slot is free.

    The caller has stored its task token on the job before, so a release after this check
    always finds the token to wake; a release before it leaves the slot free for the check.
    """
    owner = owner_of(job_id, attempt)
    lock = lock_of(workspace)
    acquired = lock.owner == owner
    if not acquired:
        head = _head(workspace)
        if head is not None and _is_entry_of(head, job_id, attempt):
            if lock.owner and _owner_has_ended(lock.owner):
                _free_slot(workspace, lock.owner)
                lock.owner = None
            if not lock.owner and not start_order.earlier_start_registering(workspace, joined_at(head)):
                acquired = _take_slot(workspace, owner)
        elif head is not None and not lock.owner:
            wake_next(workspace)  # reordered since we were woken: the head goes first
        if not acquired and lock_of(workspace).owner == owner:
            # Taken meanwhile by this job's own earlier round (woken before it could answer):
            # it left the queue after taking the slot, so the head read above missed this job.
            acquired = True
    if acquired:
        _leave_queue(workspace, job_id, ticket, attempt=attempt)
        return SlotState(True, 0)
    ticket = current_ticket(job_id) or ticket
    if _entry_missing(workspace, ticket):  # never expected: a waiting job is never left out
        _rejoin(workspace, job_id, ticket, attempt=attempt)
    return SlotState(False, max(1, queue_position(workspace, ticket)))


def _rejoin(workspace: str, job_id: str, ticket: int, *, attempt: int) -> None:
    """Put a waiting attempt back at its ticket, in one transaction with the check that the job
    still holds that ticket for that attempt. The ticket was read before the entry was found
    missing: a move in between gives the ticket's entry to another job, which may then take the
    slot and delete it, and a plain put would queue this job twice (its moved entry and this)."""
    meta: Any = SemaphoreModel.Meta
    try:
        with TransactWrite(connection=Connection(region=meta.region, host=meta.host)) as transaction:
            transaction.save(
                SemaphoreModel(workspace, _queue_key(ticket), job_id=job_id, attempt=attempt),
                condition=SemaphoreModel.entry.does_not_exist(),
            )
            transaction.condition_check(
                JobModel, job_id, condition=(JobModel.ticket == ticket) & (JobModel.attempt == attempt)
            )
    except TransactWriteError as err:
        if getattr(err, "cause_response_code", None) != "TransactionCanceledException":
            raise


def _entry_missing(workspace: str, ticket: int) -> bool:
    try:
        SemaphoreModel.get(workspace, _queue_key(ticket), consistent_read=True, attributes_to_get=["job_id"])
        return False
    except SemaphoreModel.DoesNotExist:
        return True


def _delete_stale_entry(workspace: str, entry: SemaphoreModel) -> None:
    """Delete an entry judged stale, only if it still holds what was judged: a move may have put
    a waiting job under its key since it was read (a one-image job can start, run and end
    between the read and the judgement), and deleting that would strand the waiting job."""
    holds = SemaphoreModel.job_id == entry.job_id
    if entry.attempt is None:
        holds &= SemaphoreModel.attempt.does_not_exist()
    else:
        holds &= SemaphoreModel.attempt == int(entry.attempt)
    try:
        SemaphoreModel(workspace, entry.entry).delete(condition=holds)
    except DeleteError as err:
        if not _conditional_failed(err):
            raise


def _leave_queue(workspace: str, job_id: str, ticket: int | None, *, attempt: int) -> None:
    """Delete this attempt's own queue entry, following its ticket if a move changed it.

    Only the attempt's own entry: a late release of an attempt that has ended (its execution's
    last task, the cleanup machine) must never follow the job's ticket into the entry a resume
    has since taken for the next attempt, or the resumed job would wait at the head of a queue it
    is no longer in."""
    for _ in range(5):
        if ticket is None:
            return
        try:
            SemaphoreModel(workspace, _queue_key(ticket)).delete(condition=_held_by(job_id, attempt))
            return
        except DeleteError as err:
            if not _conditional_failed(err):
                raise
        try:
            job = JobModel.get(job_id, consistent_read=True)
        except JobModel.DoesNotExist:
            return
        if int(job.attempt) != attempt or job.ticket is None or int(job.ticket) == ticket:
            return  # the entry is gone already, or the job has moved on to another attempt
        ticket = int(job.ticket)


def _is_entry_of(entry: SemaphoreModel, job_id: str, attempt: int) -> bool:
    return entry.job_id == job_id and (entry.attempt is None or int(entry.attempt) == attempt)


def _held_by(job_id: str, attempt: int) -> Any:
    """The condition that a queue entry is this attempt's (entries written before entries named
    their attempt count as any attempt's)."""
    return (SemaphoreModel.job_id == job_id) & (
        SemaphoreModel.attempt.does_not_exist() | (SemaphoreModel.attempt == attempt)
    )


def release(workspace: str, job_id: str, ticket: int | None, *, attempt: int) -> None:
    """Give the slot back (if this attempt holds it) and leave the queue (if in it). Safe to call
    any number of times, from the job's own execution, the cleanup machine or a force stop."""
    _free_slot(workspace, owner_of(job_id, attempt))
    _leave_queue(workspace, job_id, ticket, attempt=attempt)
    wake_next(workspace)


def wake_next(workspace: str) -> None:
    """Wake the head of the queue so it tries to take the free slot.

    Entries of jobs that have already ended are dropped on the way.
    """
    lock = lock_of(workspace)
    if lock.owner:
        return
    for entry in SemaphoreModel.query(workspace, SemaphoreModel.entry.startswith("Q#"), consistent_read=True):
        try:
            job = JobModel.get(entry.job_id, consistent_read=True)
            ended = JobStatus(job.status).is_final or not _is_entry_of(entry, job.job_id, int(job.attempt))
        except JobModel.DoesNotExist:
            ended = True
        if ended:  # or an attempt the job has moved on from
            _delete_stale_entry(workspace, entry)
            continue
        if job.slot_token:
            aws.send_task_success(job.slot_token, {"acquired": False, "woken": True})
        return
