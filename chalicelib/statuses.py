"""Job status as an explicit state machine: one enum, one table of allowed transitions.

`completed` never changes again. `failed` and `cancelled` are final too, except for the one
explicit way out the product offers: resume, which puts the same job back in the queue.
"""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    RUNNING = "running"
    WAITING_FOR_APPROVAL = "waiting_for_approval"
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES


FINAL_STATUSES = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED})
ACTIVE_STATUSES = frozenset(set(JobStatus) - FINAL_STATUSES)

_S = JobStatus
ALLOWED_TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    _S.SCHEDULED: frozenset({_S.QUEUED, _S.CANCELLED, _S.FAILED}),
    _S.QUEUED: frozenset({_S.RUNNING, _S.CANCELLED, _S.FAILED}),
    _S.RUNNING: frozenset({_S.PAUSED, _S.WAITING_FOR_APPROVAL, _S.COMPLETED, _S.FAILED, _S.CANCELLED}),
    _S.PAUSED: frozenset({_S.RUNNING, _S.CANCELLED, _S.FAILED}),
    _S.WAITING_FOR_APPROVAL: frozenset({_S.RUNNING, _S.CANCELLED, _S.FAILED}),
    _S.COMPLETED: frozenset(),
    _S.FAILED: frozenset({_S.QUEUED}),  # resume
    _S.CANCELLED: frozenset({_S.QUEUED}),  # resume
}


def sources_of(target: JobStatus) -> list[JobStatus]:
    """Statuses from which `target` may be entered (used as a write condition)."""
    return [s for s, targets in ALLOWED_TRANSITIONS.items() if target in targets]
