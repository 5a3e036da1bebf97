"""Bench 10: a stack that has run, stopped and queued many jobs is as quick and as idle as a
fresh one (issue 9, item 7).

On one stack: a 40-image job (fresh), then 20 rounds of one running job with 8 queued behind it,
the 8 stopped 3 s after they were queued; then the executions of ended jobs still RUNNING, the
stack process's CPU over 10 idle seconds, and the same 40-image job again. Goals: 0 left
RUNNING, idle CPU ≤ 10 % of a core, the later job ≤ 1.5 × the fresh one.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from common import job_config, markdown_table, run_job, start_stack

ROUNDS = 20
QUEUED = 8
IDLE_S = 10.0
IMAGES = 40
RUNNING_IMAGES = 30  # the job the 8 queue behind: long enough to outlast the 3 s before the stops
SMOKE = {"IDLE_S": 1.0, "IMAGES": 2}
SMOKE_ARGS = {"rounds": 1}


def stop_round() -> list[str]:
    """One running job, 8 queued, the 8 stopped 3 s later; returns every job id once all ended."""
    from chalicelib.errors import InvalidStateError
    from chalicelib.repositories import jobs as job_repo
    from chalicelib.services import jobs as job_service

    workspace = f"leak-{uuid.uuid4().hex[:8]}"
    running = job_service.start_job(workspace, {"config": job_config(RUNNING_IMAGES, 1, 1, False)})
    queued = [job_service.start_job(workspace, {"config": job_config(1, 1, 1, False)}) for _ in range(QUEUED)]
    time.sleep(3)
    for job in queued:
        try:
            job_service.request_stop(workspace, job.job_id)
        except InvalidStateError:
            pass  # it got to run and finish first: nothing to stop
    ids = [running.job_id, *(job.job_id for job in queued)]
    while any(job_repo.get_job(i).status not in ("completed", "failed", "cancelled") for i in ids):
        time.sleep(0.2)
    return ids


def left_running(job_ids: list[str]) -> int:
    """Executions of these (ended) jobs that are still RUNNING, 5 s after the last one ended."""
    from chalicelib import aws
    from chalicelib.repositories import jobs as job_repo

    time.sleep(5)
    arns = [job_repo.get_job(i).execution_arn for i in job_ids]
    return sum(aws.execution_status(arn) == "RUNNING" for arn in arns if arn)


def idle_cpu() -> float:
    """Share of one core the whole stack process uses while nothing runs."""
    wall, cpu = time.perf_counter(), time.process_time()
    time.sleep(IDLE_S)
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def measure(rounds: int = ROUNDS) -> dict[str, Any]:
    stack = start_stack()
    try:
        fresh_idle = idle_cpu()
        _, fresh = run_job(IMAGES, max_concurrency=1, workspace="fresh")
        ended: list[str] = []
        for _ in range(rounds):
            ended += stop_round()
        leaked = left_running(ended)
        later_idle = idle_cpu()
        _, later = run_job(IMAGES, max_concurrency=1, workspace="later")
    finally:
        stack.stop()
    return {
        "rounds": rounds,
        "jobs": len(ended),
        "leaked": leaked,
        "fresh_idle": fresh_idle,
        "later_idle": later_idle,
        "fresh_s": fresh,
        "later_s": later,
    }


def report(result: dict[str, Any]) -> str:
    ratio = result["later_s"] / result["fresh_s"]
    rows = [
        ["executions of ended jobs left RUNNING", result["leaked"], "0"],
        ["idle CPU, fresh stack", f"{result['fresh_idle']:.1%} of a core", ""],
        [f"idle CPU after {result['jobs']} jobs", f"{result['later_idle']:.1%} of a core", "≤ 10 %"],
        [f"{IMAGES}-image job, fresh stack", f"{result['fresh_s']:.1f} s", ""],
        [f"{IMAGES}-image job afterwards", f"{result['later_s']:.1f} s ({ratio:.2f}×)", "≤ 1.5×"],
    ]
    return markdown_table(["measure", "value", "goal"], rows)


if __name__ == "__main__":
    import sys

    print(report(measure(int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS)))
