"""Job statistics of a workspace (seeds 000/001, reference §3 "Statistics").

Read from the workspace index (`by_workspace_created`), every page, never a Scan: the cost grows
with the workspace's jobs in the date range, not with the table. If that ever gets too slow, a
counter item per workspace updated on each final transition would make the totals O(1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.models import JobModel
from chalicelib.statuses import JobStatus

# Only what the numbers need, to keep each page small.
_ATTRIBUTES = ["job_id", "status", "n_approved", "retry", "started_at", "finished_at"]


@dataclass(frozen=True)
class JobStats:
    """`running` counts every job not finished yet (queued, running, paused, waiting, scheduled).

    `success_rate` (0–1) is completed / finished jobs and `average_duration_s` is over finished
    jobs that ran; both are None when there is nothing to average, rather than a misleading 0.
    """

    total: int
    completed: int
    failed: int
    cancelled: int
    running: int
    success_rate: float | None
    average_duration_s: float | None
    total_images: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(jobs: Iterable[JobModel]) -> JobStats:
    counts = {JobStatus.COMPLETED: 0, JobStatus.FAILED: 0, JobStatus.CANCELLED: 0}
    total = images = 0
    durations: list[float] = []
    for job in jobs:
        total += 1
        if not job.retry:  # a retry's approvals count on the job its images belong to
            images += int(job.n_approved or 0)
        status = JobStatus(job.status)
        if status in counts:
            counts[status] += 1
            if job.started_at and job.finished_at:
                durations.append((job.finished_at - job.started_at).total_seconds())
    finished = sum(counts.values())
    return JobStats(
        total=total,
        completed=counts[JobStatus.COMPLETED],
        failed=counts[JobStatus.FAILED],
        cancelled=counts[JobStatus.CANCELLED],
        running=total - finished,
        success_rate=round(counts[JobStatus.COMPLETED] / finished, 4) if finished else None,
        average_duration_s=round(sum(durations) / len(durations), 3) if durations else None,
        total_images=images,
    )


def workspace_stats(workspace: str, since: datetime | None = None, until: datetime | None = None) -> JobStats:
    """Statistics of the jobs created in [since, until] (either bound optional)."""
    created = JobModel.created_at
    condition: Condition | None = None
    if since is not None and until is not None:
        condition = created.between(since, until)
    elif since is not None:
        condition = created >= since
    elif until is not None:
        condition = created <= until
    jobs = JobModel.by_workspace.query(
        workspace, range_key_condition=condition, attributes_to_get=_ATTRIBUTES
    )
    return summarize(jobs)
