"""Bench 11: many workspaces at once ÷ the same jobs in one workspace.

24 two-image jobs are started together on the local stack, once in one workspace (they run one at
a time, in FIFO order, by design) and once as 8 workspaces × 3 jobs (each workspace still one job
at a time, the 8 workspaces side by side). Wall time is from the first start to the last job's
end. With the CPU-bound local provider on a small machine no speed-up is expected, but running
side by side must not cost more than 10 % over one after another. A poll of every job's status
checks that no workspace ever had two jobs running. Goal: ≤ 1.1.
"""

from __future__ import annotations

import time
from typing import Any

from common import job_config, markdown_table, start_stack

WORKSPACES, JOBS_EACH, IMAGES = 8, 3, 2
GOAL = 1.1
# `make test` runs every bench at tiny sizes (bench/run_all.py --smoke): what changes there.
SMOKE = {"WORKSPACES": 2, "JOBS_EACH": 2, "IMAGES": 1}


def run_together(workspaces: list[str]) -> tuple[float, int]:
    """Start one job per entry of `workspaces` at once; (seconds until all ended, the most jobs of
    one workspace seen running at the same poll)."""
    from chalicelib.models import JobModel
    from chalicelib.services import jobs as job_service

    started = time.perf_counter()
    jobs = [job_service.start_job(w, {"config": job_config(IMAGES)}) for w in workspaces]
    most_running = 0
    pending = {job.job_id: job.workspace for job in jobs}
    while pending:
        time.sleep(0.25)
        running: dict[str, int] = {}
        for item in JobModel.batch_get(list(pending)):
            if item.status in ("completed", "failed", "cancelled"):
                if item.status != "completed":
                    raise RuntimeError(f"bench job ended {item.status}: {item.error}")
                pending.pop(item.job_id)
            elif item.status == "running":
                running[item.workspace] = running.get(item.workspace, 0) + 1
        most_running = max([most_running, *running.values()])
    return time.perf_counter() - started, most_running


def measure() -> dict[str, Any]:
    stack = start_stack()
    try:
        run_together(["bench-warm"])
        total = WORKSPACES * JOBS_EACH
        one_s, one_running = run_together(["bench-one"] * total)
        many = [f"bench-many-{n}" for n in range(WORKSPACES)] * JOBS_EACH
        many_s, many_running = run_together(many)
    finally:
        stack.stop()
    return {
        "one_s": one_s,
        "many_s": many_s,
        "ratio": many_s / one_s,
        "most_running": max(one_running, many_running),
    }


def report(result: dict[str, Any]) -> str:
    verdict = "met" if result["ratio"] <= GOAL and result["most_running"] <= 1 else "NOT MET"
    return markdown_table(
        [
            f"{WORKSPACES * JOBS_EACH} jobs of {IMAGES} images",
            "one workspace (s)",
            f"{WORKSPACES} workspaces × {JOBS_EACH} (s)",
            "ratio",
            "most jobs running in one workspace",
            "goal",
            "verdict",
        ],
        [
            [
                "local stack wall time",
                f"{result['one_s']:.1f}",
                f"{result['many_s']:.1f}",
                f"{result['ratio']:.2f}",
                result["most_running"],
                f"≤ {GOAL}, 1",
                verdict,
            ]
        ],
    )


if __name__ == "__main__":
    print(report(measure()))
