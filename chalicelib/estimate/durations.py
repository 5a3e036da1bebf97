"""How long a job of given settings takes: learned from this workspace's finished jobs.

A finished job (first attempt, completed, not a retry) leaves the wall seconds of each phase per
unit of that phase (image, generation, or once) under its settings signature: provider, model,
sizes, variations, concurrency, the plan and the paid services it used, but not the number of
generations, so a 20-image run teaches the estimate of a 500-image one. Each new measurement
moves the figures halfway towards it. With no history for the signature, built-in figures per
provider are used, and the answer says so.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.models import DurationModel, JobModel

LEARNING_RATE = 0.5
# Built-in seconds per unit of each phase, per provider (generation: per image, at one at a time).
BUILTIN_GENERATE_S = {"local": 0.12, "runware": 4.0, "openai": 25.0, "midjourney": 15.0}
BUILTIN_PHASE_S = {
    "prompts": 0.002,
    "remove_bg": 0.15,
    "process": 0.15,
    "quality_check": 0.05,
    "metadata": 0.03,
    "finalize": 0.3,
    "approval": 0.0,
}
BUILTIN_PAID_S = {"prompts": 2.0, "quality_check": 4.0, "metadata": 4.0, "remove_bg": 3.0}
BUILTIN_OVERHEAD_S = 1.5
NOT_TIMED = {"approval"}  # a person's time, not the job's


def signature(config: dict[str, Any], phases: list[str], keys: set[str]) -> str:
    """What makes two jobs take the same time per image (everything but how many)."""
    parameters = config["parameters"]
    wanted = {
        "provider": config["provider"],
        "model": parameters["model"] if config["provider"] != "midjourney" else parameters["process_mode"],
        "dimensions": parameters["dimensions"],
        "variations": config["variations"],
        "concurrency": parameters["max_concurrency"],
        "processing": config["processing"],
        "ai": config["ai"],
        "openai_model": parameters["openai_model"] if "openai" in keys else None,
        "phases": phases,
        "paid": sorted(keys & {"openai", "remove_bg"}),
    }
    return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()[:32]


def builtin_figures(config: dict[str, Any], phases: list[str], keys: set[str]) -> dict[str, float]:
    concurrency = config["parameters"]["max_concurrency"]
    figures = {}
    for name in phases:
        if name == "generate":
            figures[name] = BUILTIN_GENERATE_S.get(config["provider"], 5.0) / concurrency
        elif name in BUILTIN_PAID_S and ("openai" in keys if name != "remove_bg" else "remove_bg" in keys):
            figures[name] = BUILTIN_PAID_S[name] / concurrency
        else:
            figures[name] = BUILTIN_PHASE_S.get(name, 0.1)
    return figures


def learned(workspace: str, sig: str) -> DurationModel | None:
    try:
        return DurationModel.get(workspace, sig)
    except DoesNotExist:
        return None


def eta(workspace: str, config: dict[str, Any], plan: list[dict[str, Any]], keys: set[str]) -> dict[str, Any]:
    """Expected run time (from taking the slot to the end, a person's approval time excluded)."""
    names = [p["name"] for p in plan]
    sig = signature(config, names, keys)
    history = learned(workspace, sig)
    per_unit = builtin_figures(config, names, keys)
    overhead = BUILTIN_OVERHEAD_S
    if history is not None:
        per_unit.update({k: float(v) for k, v in history.seconds_per_unit.items() if k in per_unit})
        overhead = float(history.overhead_s)
    phases = [
        {
            "name": p["name"],
            "weight": p["weight"],
            "units": p["units"],
            "seconds": 0.0 if p["name"] in NOT_TIMED else round(per_unit[p["name"]] * p["units"], 3),
        }
        for p in plan
    ]
    return {
        "seconds": round(overhead + sum(p["seconds"] for p in phases), 3),
        "source": "history" if history is not None else "built-in",
        "samples": int(history.samples) if history is not None else 0,
        "learned_from_job": history.job_id if history is not None else None,
        "overhead_s": round(overhead, 3),
        "phases": phases,
        "excludes": "queue wait and the time an approval takes" if "approval" in names else "queue wait",
        "signature": sig,
    }


# --- measuring a job as it runs (called by chalicelib.engine) ------------------------------------


def now_s() -> float:
    return time.time()


def phase_change_actions(job: JobModel, new_index: int) -> list[Any]:
    """The update actions that close the current phase's timing and open the next one's."""
    now = now_s()
    actions: list[Any] = [JobModel.phase_started.set(now), *_first_start(job, new_index, now)]
    old = int(job.phase_index)
    if job.phase_started is not None and old < len(job.plan or []) and new_index != old:
        seconds = dict(job.phase_seconds or {})
        name = job.plan[old]["name"]
        seconds[name] = round(seconds.get(name, 0.0) + now - float(job.phase_started), 4)
        actions.append(JobModel.phase_seconds.set(seconds))
    return actions


def _first_start(job: JobModel, index: int, now: float) -> list[Any]:
    """Note when the phase at `index` first started (a resume keeps the first start)."""
    plan = job.plan or []
    if index >= len(plan) or plan[index]["name"] in (job.phase_starts or {}):
        return []
    return [JobModel.phase_starts.set({**(job.phase_starts or {}), plan[index]["name"]: round(now, 3)})]


def slot_taken_actions(job: JobModel) -> list[Any]:
    """The job took the slot: its current phase starts now; the queue wait is noted (first start)."""
    now = now_s()
    actions: list[Any] = [JobModel.phase_started.set(now), *_first_start(job, int(job.phase_index), now)]
    if int(job.attempt) == 1 and not job.phase_seconds:
        waited = now - job.created_at.timestamp()
        actions.append(JobModel.phase_seconds.set({"_queue_wait": round(max(0.0, waited), 4)}))
    return actions


def run_seconds(job: JobModel, finished_at: datetime | None = None) -> float | None:
    """How long the job took, queue wait and approval time left out (None: no timing recorded)."""
    end = finished_at or job.finished_at
    if not job.phase_seconds or end is None:
        return None
    seconds = job.phase_seconds
    total = end.timestamp() - job.created_at.timestamp()
    waited = sum(float(seconds.get(k, 0.0)) for k in ("_queue_wait", *NOT_TIMED))
    return max(0.0, total - waited)


def learn(job: JobModel, keys: set[str], finished_at: datetime | None = None) -> None:
    """A completed first attempt teaches the estimate for its settings."""
    if job.retry or int(job.attempt) != 1 or not job.phase_seconds or not job.plan:
        return
    total = run_seconds(job, finished_at)
    if total is None:
        return
    names = [p["name"] for p in job.plan]
    measured = {
        p["name"]: float(job.phase_seconds[p["name"]]) / max(1, int(p["units"]))
        for p in job.plan
        if p["name"] in job.phase_seconds and p["name"] not in NOT_TIMED
    }
    if len(measured) != len([n for n in names if n not in NOT_TIMED]):
        return  # a phase without timing (skipped by a checkpoint): nothing reliable to learn
    overhead = max(0.0, total - sum(float(job.phase_seconds[n]) for n in measured))
    sig = signature(job.snapshot, names, keys)
    previous = learned(job.workspace, sig)
    if previous is not None:
        old = {k: float(v) for k, v in previous.seconds_per_unit.items()}
        measured = {k: old.get(k, v) + LEARNING_RATE * (v - old.get(k, v)) for k, v in measured.items()}
        overhead = float(previous.overhead_s) + LEARNING_RATE * (overhead - float(previous.overhead_s))
    from chalicelib.repositories.jobs import utcnow

    DurationModel(
        job.workspace,
        sig,
        seconds_per_unit={k: round(v, 6) for k, v in measured.items()},
        overhead_s=round(overhead, 4),
        samples=(int(previous.samples) if previous is not None else 0) + 1,
        job_id=job.job_id,
        updated_at=utcnow(),
    ).save()
