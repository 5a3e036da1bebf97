"""Image counts by status, per job (on the job item) and per workspace (`image_counts`).

Every write that creates, deletes or changes the status of an image records the move in a
`Tally`. The pipeline puts its job's share into the write of the job's live item it makes per
image anyway (`PhaseContext.units_done`, `chalicelib.joblive`, which the job item takes in later)
and writes the rest once per batch (`Tally.flush`): the workspace item, and other jobs' items for a
retry, whose images belong to the job they came from. API actions flush their tally at once. So
the gallery's counts are one read at any size.

The counters move in a separate write from the image's own, as the job's progress counters
always have: a task that dies between the two leaves them off by the images of that moment. The
image remembers the status it is counted under (`counted_status`), so no later write counts it
twice, and a status change is conditional on it, so two writers racing on one image count it
once. A job that stopped without its tasks ending (a restart of the local stack, a task killed
on AWS) is recounted from its images when it resumes (`recount_job`), and the local stack
recounts its workspaces when it comes back (`recount_workspaces`).
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.models import ImageCountsModel, ImageModel, JobModel

STATUSES = ("approved", "qc_failed", "processing", "retry_pending", "retry_failed")
FAILED = ("qc_failed", "retry_failed")
PENDING = ("processing", "retry_pending")


def _attribute(model: Any, status: str) -> Any:
    return getattr(model, f"n_{status}")


def actions(model: Any, moves: Counter[str]) -> list[Any]:
    """ADD actions for the non-zero moves (statuses outside STATUSES are not counted)."""
    return [_attribute(model, s).add(n) for s, n in sorted(moves.items()) if n and s in STATUSES]


class Tally:
    """Status moves not yet written, per job and per workspace. Thread-safe: generation stores
    images from a second thread."""

    def __init__(self) -> None:
        self._jobs: dict[str, Counter[str]] = {}
        self._workspaces: dict[str, Counter[str]] = {}
        self._lock = threading.Lock()

    def move(self, workspace: str, job_id: str, old: str | None, new: str | None) -> None:
        """One image moved from `old` to `new` (None: did not exist / no longer exists)."""
        if old == new:
            return
        with self._lock:
            for counter in (
                self._jobs.setdefault(job_id, Counter()),
                self._workspaces.setdefault(workspace, Counter()),
            ):
                if old:
                    counter[old] -= 1
                if new:
                    counter[new] += 1

    def take_job(self, job_id: str) -> list[Any]:
        """The job's pending moves as actions on its item (for a write the caller makes anyway)."""
        return actions(JobModel, self.take_job_moves(job_id))

    def take_job_moves(self, job_id: str) -> Counter[str]:
        """The job's pending moves, taken out of the tally (the caller writes them)."""
        with self._lock:
            return self._jobs.pop(job_id, Counter())

    def flush(self) -> None:
        """Write what is pending: one update per job and per workspace touched."""
        with self._lock:
            jobs, self._jobs = self._jobs, {}
            workspaces, self._workspaces = self._workspaces, {}
        for job_id, moves in jobs.items():
            update_job(job_id, moves)
        for workspace, moves in workspaces.items():
            todo = actions(ImageCountsModel, moves)
            if todo:
                ImageCountsModel(workspace).update(actions=todo)


def update_job(job_id: str, moves: Counter[str]) -> None:
    """ADD to a job's counters, unless the job is gone (an update would create a stray item)."""
    todo = actions(JobModel, moves)
    if not todo:
        return
    try:
        JobModel(job_id).update(actions=todo, condition=JobModel.job_id.exists())
    except UpdateError as err:
        if getattr(err, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise


def _counts(item: Any) -> dict[str, int]:
    values = {s: max(0, int(_attribute(item, s) or 0)) for s in STATUSES}
    return {"total": sum(values.values()), **values}


def workspace_counts(workspace: str) -> dict[str, int]:
    """One GetItem: the workspace's images by status, with their total."""
    try:
        item = ImageCountsModel.get(workspace, consistent_read=True)
    except ImageCountsModel.DoesNotExist:
        item = ImageCountsModel(workspace)
    return _counts(item)


def job_counts(job: JobModel) -> dict[str, int]:
    """A job's images by status, from the job item already read."""
    return _counts(job)


def job_totals(job: JobModel) -> tuple[int, int, int]:
    """(approved, failed, pending) as the console shows a job. A retry job's own images belong to
    the job they came from, so its outcome is the one its finalize recorded."""
    if job.retry:
        return int(job.images_ok or 0), int(job.images_failed or 0), 0
    counts = job_counts(job)
    return (
        counts["approved"],
        sum(counts[s] for s in FAILED),
        sum(counts[s] for s in PENDING),
    )


def recount_job(job: JobModel) -> Counter[str]:
    """Set a job's counters to what its images say; the workspace's move by the same difference.
    For a job nothing runs for (ended, about to resume): one query over its images. Returns the
    correction (empty when the counters were right). A retry job's images are its source job's."""
    if job.retry:
        return Counter()
    from chalicelib import joblive  # its figures first: what it has not folded in is counted here

    joblive.fold(job)
    found: Counter[str] = Counter()
    for image in ImageModel.by_job.query(job.job_id, attributes_to_get=["status"]):
        found[image.status] += 1
    correction = Counter({s: found[s] - int(_attribute(job, s) or 0) for s in STATUSES})
    correction = Counter({s: n for s, n in correction.items() if n})
    if not correction:
        return correction
    job.update(
        actions=[_attribute(JobModel, s).set(found[s]) for s in STATUSES],
        condition=JobModel.job_id.exists(),
    )
    todo = actions(ImageCountsModel, correction)
    ImageCountsModel(job.workspace).update(actions=todo)
    return correction


def recount_workspaces() -> int:
    """Set every workspace's counters to what a scan of the images finds (the local stack on its
    restart: its executions died between an image's write and its counters' write)."""
    found: dict[str, Counter[str]] = {}
    for image in ImageModel.scan(attributes_to_get=["workspace", "status"]):
        found.setdefault(image.workspace, Counter())[image.status] += 1
    for item in ImageCountsModel.scan():
        found.setdefault(item.workspace, Counter())
    for workspace, statuses in found.items():
        ImageCountsModel(workspace).update(
            actions=[_attribute(ImageCountsModel, s).set(statuses[s]) for s in STATUSES]
        )
    return len(found)
