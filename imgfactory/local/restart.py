"""What a restarted local stack puts right: the jobs whose executions died with the old process.

Step Functions executions are threads of the process that ran them, so a job that was queued,
running, paused or waiting for approval when the stack stopped has nothing driving it any more.
It comes back `failed` (resumable from its checkpoint, like any failed job), its slot and queue
place given back, its image counts recounted from its images (a task died between an image's
write and its counters'), and so are every workspace's. Scheduled jobs keep waiting: their
schedules are kept. WebSocket connections of the old process are gone too.
"""

from __future__ import annotations

INTERRUPTED = "interrupted by a restart of the local stack"


def fail_interrupted_jobs() -> list[str]:
    """Fail every job a dead execution held; returns their ids."""
    from chalicelib import counters, joblive, semaphore
    from chalicelib.joblog import JobLog
    from chalicelib.models import JobModel
    from chalicelib.repositories import jobs as job_repo
    from chalicelib.statuses import JobStatus

    interrupted = []
    stuck = [s.value for s in JobStatus if not s.is_final and s is not JobStatus.SCHEDULED]
    for job in JobModel.scan(JobModel.status.is_in(*stuck)):  # the local stack only: a few jobs
        joblive.fold(job)  # the figures its dead execution had not taken into the job item yet
        counters.recount_job(job)  # and those it never wrote
        failed = job_repo.transition(
            job,
            JobStatus.FAILED,
            JobModel.error.set(INTERRUPTED),
            JobModel.step.set(JobStatus.FAILED.label),
            JobModel.control.remove(),
            JobModel.park_token.remove(),
        )
        if failed:
            with JobLog(job.job_id) as log:
                log.info(f"Job failed: {INTERRUPTED}; resume it to go on from its checkpoint")
            interrupted.append(job.job_id)
        ticket = int(job.ticket) if job.ticket is not None else None
        semaphore.release(job.workspace, job.job_id, ticket, attempt=int(job.attempt))
    counters.recount_workspaces()
    return interrupted


def forget_connections() -> None:
    """The old process's WebSocket connections and their subscriptions."""
    from chalicelib.models import ConnectionModel, SubscriptionModel

    for model in (ConnectionModel, SubscriptionModel):
        with model.batch_write() as batch:
            for item in model.scan():
                batch.delete(item)
