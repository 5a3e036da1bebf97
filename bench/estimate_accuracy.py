"""Bench 9: the estimate against what the job then does (ETA and AWS cost).

On the local stack, a 50-image job (generation only, as bench 3's job) is estimated with no
history (built-in figures), run once so the workspace has a measurement of these settings,
estimated again, and run again. The second estimate's ETA is set against the second run's wall
time (start request to completed, as a user waits for it), and its AWS cost against the cost of
the operations bench 3's counters saw during that run, priced by the same cost model
(`chalicelib/costmodel.py`). Goals: ETA within 25 %, AWS cost within 10 %.
"""

from __future__ import annotations

from typing import Any

from common import COUNTERS, job_config, markdown_table, run_job, start_stack
from cost import counted_operations

from chalicelib import costmodel

IMAGES = 50
WORKSPACE = "bench-estimate"
# `make test` runs every bench at tiny sizes (bench/run_all.py --smoke): what changes there.
SMOKE = {"IMAGES": 4}


def _estimate() -> dict[str, Any]:
    from chalicelib.estimate.service import estimate_start

    return estimate_start(WORKSPACE, {"config": job_config(IMAGES)})


def measure() -> dict[str, Any]:
    stack = start_stack(metered=True)
    try:
        run_job(2, workspace="bench-warmup")
        cold = _estimate()
        _, first_s = run_job(IMAGES, workspace=WORKSPACE)
        warm = _estimate()
        COUNTERS.reset()
        job, second_s = run_job(IMAGES, workspace=WORKSPACE)
        counted = costmodel.total(counted_operations(job))
    finally:
        stack.stop()
    return {"cold": cold, "warm": warm, "first_s": first_s, "second_s": second_s, "counted_usd": counted}


def _verdict(ratio: float, tolerance: float) -> str:
    return "met" if abs(ratio - 1) <= tolerance else "missed"


def report(result: dict[str, Any]) -> str:
    cold, warm = result["cold"], result["warm"]
    eta_ratio = warm["eta"]["seconds"] / result["second_s"]
    cost_ratio = warm["aws"]["total_usd"] / result["counted_usd"]
    rows = [
        [
            "ETA, no history (built-in figures)",
            f"{cold['eta']['seconds']:.2f} s",
            f"{result['first_s']:.2f} s (1st run)",
            f"{cold['eta']['seconds'] / result['first_s']:.2f}",
            "info",
            "-",
        ],
        [
            "ETA after one run of the same settings",
            f"{warm['eta']['seconds']:.2f} s",
            f"{result['second_s']:.2f} s (2nd run)",
            f"{eta_ratio:.2f}",
            "within 25 %",
            _verdict(eta_ratio, 0.25),
        ],
        [
            "AWS cost (estimate vs bench 3's count of the 2nd run)",
            f"${warm['aws']['total_usd']:.6f}",
            f"${result['counted_usd']:.6f}",
            f"{cost_ratio:.3f}",
            "within 10 %",
            _verdict(cost_ratio, 0.10),
        ],
    ]
    header = ["50-image job", "estimate", "actual", "estimate ÷ actual", "goal", "verdict"]
    return markdown_table(header, rows)


if __name__ == "__main__":
    print(report(measure()))
