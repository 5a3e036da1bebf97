"""The slot belongs to one attempt of a job, not to the job: a resumed job's new attempt is never
freed by the late release of the attempt that is ending (SPEC §3 concurrency-one)."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib import semaphore
from chalicelib.models import JobModel, SemaphoreModel
from chalicelib.statuses import JobStatus


def save_job(job_id: str, workspace: str, status: JobStatus, attempt: int) -> None:
    JobModel(
        job_id,
        workspace=workspace,
        label=job_id,
        status=status.value,
        snapshot={},
        plan=[],
        attempt=attempt,
        created_at=datetime.now(UTC),
    ).save()


def join(workspace: str, job_id: str, *, attempt: int = 1) -> int:
    """The job's attempt joins the queue; returns its ticket."""
    ticket = semaphore.new_ticket(workspace)
    semaphore.join_queue(workspace, job_id, ticket, attempt=attempt)
    return ticket


def owner(workspace: str) -> str | None:
    return SemaphoreModel.get(workspace, semaphore.LOCK, consistent_read=True).owner


def test_the_late_release_of_an_ending_attempt_does_not_free_the_resumed_attempts_slot(workspace):
    job_id, other = "job-" + workspace, "other-" + workspace
    first = join(workspace, job_id)
    assert semaphore.try_acquire(workspace, job_id, first, attempt=1).acquired

    # The job failed and was resumed at once: attempt 2 queues while attempt 1, whose job has
    # moved on, has not run its release yet; another job queues behind.
    save_job(job_id, workspace, JobStatus.QUEUED, attempt=2)
    second = join(workspace, job_id, attempt=2)
    behind = join(workspace, other)
    assert semaphore.try_acquire(workspace, job_id, second, attempt=2).acquired
    assert owner(workspace) == f"{job_id}#2"

    semaphore.release(workspace, job_id, first, attempt=1)  # attempt 1's late release
    assert owner(workspace) == f"{job_id}#2"
    assert not semaphore.try_acquire(workspace, other, behind, attempt=1).acquired


def test_the_late_release_of_an_ended_attempt_leaves_the_resumed_attempt_in_the_queue(workspace):
    """The release of a failed attempt runs after the job was resumed, with the job's ticket as
    it reads it now: the resumed attempt's entry stays, so it takes the free slot."""
    job_id = "job-" + workspace
    first = join(workspace, job_id)
    assert semaphore.try_acquire(workspace, job_id, first, attempt=1).acquired
    semaphore._free_slot(workspace, semaphore.owner_of(job_id, 1))  # attempt 1 ends: slot first

    second = join(workspace, job_id, attempt=2)  # resumed meanwhile
    save_job(job_id, workspace, JobStatus.QUEUED, attempt=2)
    JobModel(job_id).update(actions=[JobModel.ticket.set(second)])
    semaphore.release(workspace, job_id, second, attempt=1)  # then the rest of attempt 1's release

    assert semaphore.queue_position(workspace, second) == 1
    assert semaphore.try_acquire(workspace, job_id, second, attempt=2).acquired


def test_a_slot_held_by_an_attempt_the_job_has_moved_on_from_is_taken_back(workspace):
    job_id, other = "job-" + workspace, "other-" + workspace
    save_job(job_id, workspace, JobStatus.RUNNING, attempt=3)
    ticket = join(workspace, job_id)
    SemaphoreModel(workspace, semaphore.LOCK).update(actions=[SemaphoreModel.owner.set(f"{job_id}#2")])
    SemaphoreModel(workspace, semaphore._queue_key(ticket)).delete()  # it left the queue
    waiting = join(workspace, other)
    assert semaphore.try_acquire(workspace, other, waiting, attempt=1).acquired
    assert owner(workspace) == f"{other}#1"


def test_a_wake_up_that_finds_an_ended_job_keeps_the_waiting_job_a_move_put_in_its_place(
    workspace, monkeypatch
):
    """The wake-up reads the queue, then each entry's job: a one-image job can start, run and end
    in between while a move puts a waiting job under the entry's key. Dropping the ended job's
    entry must not drop the waiting job with it (it would wait, unqueued, for the re-check)."""
    ended, waiting = "ended-" + workspace, "waiting-" + workspace
    save_job(ended, workspace, JobStatus.QUEUED, attempt=1)
    save_job(waiting, workspace, JobStatus.QUEUED, attempt=1)
    head = join(workspace, ended)
    behind = join(workspace, waiting)
    real_get = JobModel.get

    def get(job_id, *args, **kwargs):
        job = real_get(job_id, *args, **kwargs)
        if job_id == ended and job.status == JobStatus.QUEUED.value:
            # Meanwhile: a move puts the waiting job at the head, then the ended job runs and ends.
            for ticket, job_now in ((head, waiting), (behind, ended)):
                entry = SemaphoreModel(workspace, semaphore._queue_key(ticket))
                entry.update(actions=[SemaphoreModel.job_id.set(job_now)])
            JobModel(ended).update(actions=[JobModel.status.set(JobStatus.COMPLETED.value)])
            job = real_get(job_id, *args, **kwargs)
        return job

    monkeypatch.setattr(JobModel, "get", get)
    semaphore.wake_next(workspace)
    monkeypatch.undo()

    assert semaphore.queue_position(workspace, head) == 1  # still queued, at the head
    assert SemaphoreModel.get(workspace, semaphore._queue_key(head)).job_id == waiting
    assert semaphore.try_acquire(workspace, waiting, head, attempt=1).acquired


def test_a_waiter_whose_ticket_moved_while_it_looked_is_not_queued_twice(workspace, monkeypatch):
    """A waiter reads its ticket, then finds that ticket's entry missing: a move in between gave
    the entry to another job, which took the slot and left. Putting the waiter back there would
    queue it twice (its moved entry and this one). Its own lost entry, though, is put back."""
    waiter, other = "waiter-" + workspace, "other-" + workspace
    save_job(waiter, workspace, JobStatus.QUEUED, attempt=1)
    save_job(other, workspace, JobStatus.RUNNING, attempt=1)
    old = join(workspace, other)  # the waiter's ticket before the move, now the other job's
    moved = join(workspace, waiter)
    JobModel(waiter).update(actions=[JobModel.ticket.set(moved)])
    SemaphoreModel(workspace, semaphore._queue_key(old)).delete()  # the other job took the slot
    SemaphoreModel(workspace, semaphore.LOCK).update(actions=[SemaphoreModel.owner.set(f"{other}#1")])
    monkeypatch.setattr(semaphore, "current_ticket", lambda job_id: old)  # as read before the move

    assert not semaphore.try_acquire(workspace, waiter, old, attempt=1).acquired
    entries = SemaphoreModel.query(workspace, SemaphoreModel.entry.startswith("Q#"), consistent_read=True)
    assert [(e.entry, e.job_id) for e in entries] == [(semaphore._queue_key(moved), waiter)]

    SemaphoreModel(workspace, semaphore._queue_key(moved)).delete()  # its own entry, lost
    monkeypatch.setattr(semaphore, "current_ticket", lambda job_id: moved)
    assert not semaphore.try_acquire(workspace, waiter, moved, attempt=1).acquired
    assert semaphore.queue_position(workspace, moved) == 1  # put back


def test_a_lost_wake_up_is_made_good_by_the_recheck_timer(workspace):
    from tests.functional.helpers import start, wait_status

    blocker = "blocker-" + workspace
    save_job(blocker, workspace, JobStatus.RUNNING, attempt=1)  # alive, holds the slot
    ticket = join(workspace, blocker)
    assert semaphore.try_acquire(workspace, blocker, ticket, attempt=1).acquired
    job = start(workspace, generations=1)
    wait_status(job.job_id, "queued")
    # The slot is freed without waking anyone (as if the wake-up were lost).
    SemaphoreModel(workspace, semaphore.LOCK).update(actions=[SemaphoreModel.owner.remove()])
    wait_status(job.job_id, "completed", timeout=20)  # the stack re-checks every 2 s


def test_a_wake_up_racing_with_a_resume_never_drops_the_resumed_job(workspace, monkeypatch, no_recheck):
    """A release of another job wakes the queue while a failed job is being resumed: the wake-up
    drops the queue entries of ended jobs, and must not take the resumed job's for one."""
    from chalicelib.providers.local import LocalProvider
    from chalicelib.services import jobs as job_service
    from tests.functional.helpers import start, wait_status

    original = LocalProvider.generate

    def fails(self, request):  # type: ignore[no-untyped-def]
        raise RuntimeError("provider down")

    monkeypatch.setattr(LocalProvider, "generate", fails)
    job = start(workspace, generations=1)
    wait_status(job.job_id, "failed")
    monkeypatch.setattr(LocalProvider, "generate", original)

    joining = semaphore.join_queue

    def woken_around(workspace_, job_id, ticket, *, attempt=1):  # type: ignore[no-untyped-def]
        semaphore.wake_next(workspace_)  # a release landing just before the entry is written
        joining(workspace_, job_id, ticket, attempt=attempt)
        semaphore.wake_next(workspace_)  # and just after

    monkeypatch.setattr(semaphore, "join_queue", woken_around)
    job_service.resume_job(workspace, job.job_id)
    wait_status(job.job_id, "completed", timeout=30)  # no re-check timer: only the wake-up moves it
