"""A running job's per-image figures, written to a small item of their own.

A phase reports every image it finishes: its progress, the image counts that moved and the log
lines it wrote. Written on the job item, that write cost a unit per KB of the job (its snapshot
and plan make it several KB) and again in each of the job's three list indexes, per image and per
phase. So those figures go to the job's live item (`JobLiveModel`: small, in no index), one write
unit each, and the job item takes them in now and then (`fold`):

- units: `u_<phase>` counts the phase's finished units; the job's `phase_units_done` follows it.
- counts: `c_<status>`, `c_ok`, `c_failed` are running totals of the pipeline's moves; the job
  item's `live_folded` says how much of them its counters include, so folding adds the
  difference and records the new totals in one conditional write: done twice, or raced, it never
  counts anything twice. Writers other than the pipeline (API actions, settling) keep adding to
  the job item's counters directly.
- the log: `log_seq` hands out every log line's sequence number (`chalicelib.joblog`).

NextStep folds between waves, FinishJob and the failure paths fold before they read the counts.
Readers that show a running job (its page, the lists) overlay its live item (`overlaid`): one
read, and one job runs at a time per workspace.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.models import JobLiveModel, JobModel

COUNTED = ("approved", "qc_failed", "processing", "retry_pending", "retry_failed")
TOTALS = (*COUNTED, "ok", "failed")


def units_attribute(phase: str) -> Any:
    return getattr(JobLiveModel, f"u_{phase}")


def progress_actions(phase: str, units: int, ok: int, failed: int, moves: Counter[str]) -> list[Any]:
    """The live item's actions for finished units of `phase` and the image counts that moved."""
    actions = [units_attribute(phase).add(units)] if units else []
    if ok:
        actions.append(JobLiveModel.c_ok.add(ok))
    if failed:
        actions.append(JobLiveModel.c_failed.add(failed))
    actions += [
        getattr(JobLiveModel, f"c_{s}").add(n) for s, n in sorted(moves.items()) if n and s in COUNTED
    ]
    return actions


def create(job: JobModel) -> None:
    """A new job's live item (its log sequence starts here)."""
    JobLiveModel(job.job_id, workspace=job.workspace).save()


def write(job_id: str, actions: list[Any]) -> JobLiveModel:
    """Apply `actions` to the job's live item; returns it as the write left it.

    A job from before live items (or whose item is missing) gets one, its log sequence carried on
    from the job item, so no line is numbered twice."""
    live = JobLiveModel(job_id)
    try:
        live.update(actions=actions, condition=JobLiveModel.job_id.exists())
        return live
    except UpdateError as err:
        if getattr(err, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
    try:
        job = JobModel.get(job_id, consistent_read=True, attributes_to_get=["workspace", "log_seq"])
        workspace, seq = job.workspace, int(job.log_seq or 0)
    except JobModel.DoesNotExist:
        workspace, seq = None, 0
    seeded = [a for a in actions if not _touches(a, "log_seq")]
    added = sum(_added(a) for a in actions if _touches(a, "log_seq"))
    seeded.append(JobLiveModel.log_seq.set((JobLiveModel.log_seq | seq) + added))
    if workspace:
        seeded.append(JobLiveModel.workspace.set(workspace))
    live.update(actions=seeded)
    return live


def _touches(action: Any, name: str) -> bool:
    return getattr(action.values[0], "path", None) == [name]


def _added(action: Any) -> int:
    value = getattr(action.values[1], "value", None)
    return int(value["N"]) if isinstance(value, dict) and "N" in value else 0


def note_retry(job_id: str, phase: str, retry_count: Any) -> None:
    """A task Step Functions is running again (`$$.State.RetryCount` > 0): one more retry of the
    phase on the step timeline."""
    if int(retry_count or 0) > 0 and hasattr(JobLiveModel, f"r_{phase}"):
        write(job_id, [getattr(JobLiveModel, f"r_{phase}").add(1)])


def retries(live: JobLiveModel | None, phase: str) -> int:
    return int(getattr(live, f"r_{phase}", 0) or 0) if live is not None else 0


def note_export(job_ids: list[str], export_id: str) -> None:
    """An export made from these jobs: each job's page lists it among its artifacts."""
    for job_id in dict.fromkeys(job_ids):
        write(job_id, [JobLiveModel.exports.add({export_id})])


def read(job_id: str, *, consistent: bool = True) -> JobLiveModel | None:
    try:
        return JobLiveModel.get(job_id, consistent_read=consistent)
    except JobLiveModel.DoesNotExist:
        return None


def _totals(live: JobLiveModel) -> dict[str, int]:
    return {name: int(getattr(live, f"c_{name}") or 0) for name in TOTALS}


def _pending(job: JobModel, live: JobLiveModel) -> dict[str, int]:
    folded = job.live_folded or {}
    return {name: value - int(folded.get(name, 0)) for name, value in _totals(live).items()}


def _units(job: JobModel, live: JobLiveModel) -> int | None:
    """The live count of the job's current phase, or None when the plan has no such phase."""
    plan, index = job.plan or [], int(job.phase_index)
    if index >= len(plan) or not hasattr(JobLiveModel, f"u_{plan[index]['name']}"):
        return None
    return int(getattr(live, f"u_{plan[index]['name']}") or 0)


def _apply(job: JobModel, pending: dict[str, int]) -> None:
    for status in COUNTED:
        attribute = f"n_{status}"
        setattr(job, attribute, int(getattr(job, attribute) or 0) + pending[status])
    job.images_ok = int(job.images_ok or 0) + pending["ok"]
    job.images_failed = int(job.images_failed or 0) + pending["failed"]


def overlaid(job: JobModel) -> JobModel:
    """The job with what its live item holds that the job item has not taken in yet (running
    jobs only: a job folds before it stops running). Changes the object in memory only."""
    from chalicelib.statuses import JobStatus

    if job.status != JobStatus.RUNNING.value or getattr(job, "_live_overlaid", False):
        return job
    job._live_overlaid = True  # type: ignore[attr-defined]  # once per object: it adds
    live = read(job.job_id, consistent=False)
    if live is None:
        return job
    _apply(job, _pending(job, live))
    units = _units(job, live)
    if units is not None:
        job.phase_units_done = max(int(job.phase_units_done or 0), units)
    return job


def fold(job: JobModel, *more_actions: Any) -> None:
    """Take the live item's figures into the job item (with `more_actions` in the same write);
    `job` is updated. Safe to repeat and to race: the write is conditional on what it read."""
    for _ in range(5):
        live = read(job.job_id)
        pending = _pending(job, live) if live is not None else dict.fromkeys(TOTALS, 0)
        units = _units(job, live) if live is not None else None
        actions = list(more_actions)
        for status in COUNTED:
            if pending[status]:
                actions.append(getattr(JobModel, f"n_{status}").add(pending[status]))
        if pending["ok"]:
            actions.append(JobModel.images_ok.add(pending["ok"]))
        if pending["failed"]:
            actions.append(JobModel.images_failed.add(pending["failed"]))
        if any(pending.values()) and live is not None:
            actions.append(JobModel.live_folded.set(_totals(live)))
        if units is not None and units > int(job.phase_units_done or 0):
            actions.append(JobModel.phase_units_done.set(units))
        if not actions:
            return
        folded = job.live_folded
        condition = (
            JobModel.live_folded.does_not_exist() if folded is None else JobModel.live_folded == folded
        )
        try:
            job.update(actions=actions, condition=condition)
            return
        except UpdateError as err:
            if getattr(err, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise
            job.refresh(consistent_read=True)
    raise RuntimeError(f"could not fold the live figures of job {job.job_id}")
