"""Bench 1: a 50-image job on the local stack ÷ the same generation work in a plain loop.

The loop renders the same prompts, sizes and seeds with the same provider in one process; the
job does that plus everything the product adds (Step Functions, DynamoDB, S3, logs, checkpoints).
Goal: ≤ 1.25.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from common import markdown_table, run_job, start_stack

IMAGES = 50
# `make test` runs every bench at tiny sizes (bench/run_all.py --smoke): what changes there.
SMOKE = {"IMAGES": 4}
SMOKE_ARGS = {"rounds": 1}


def plain_loop(job_id: str) -> float:
    from chalicelib.jobconfig import normalize_config
    from chalicelib.prompts import build_prompt, choose_keyword, generation_seed
    from chalicelib.providers.base import ImageRequest
    from chalicelib.providers.local import LocalProvider

    config = normalize_config(
        {"generations": IMAGES, "keywords": ["lighthouse at dawn", "city park in autumn", "mountain lake"]}
    )
    provider = LocalProvider()
    started = time.perf_counter()
    for generation in range(IMAGES):
        keyword = choose_keyword(config["keywords"], generation, random_order=False, seed=job_id)
        request = ImageRequest(
            prompt=build_prompt(None, keyword),
            width=1024,
            height=1024,
            seed=generation_seed(job_id, generation),
        )
        provider.generate(request)
    return time.perf_counter() - started


def measure(rounds: int = 5) -> dict[str, Any]:
    stack = start_stack()
    try:
        run_job(2)  # warm up imports and connections
        ratios, jobs, loops = [], [], []
        for _ in range(rounds):
            job, job_s = run_job(IMAGES)
            loop_s = plain_loop(job.job_id)
            jobs.append(job_s)
            loops.append(loop_s)
            ratios.append(job_s / loop_s)
        return {
            "job_s": statistics.median(jobs),
            "loop_s": statistics.median(loops),
            "ratio": statistics.median(ratios),
        }
    finally:
        stack.stop()


def report(result: dict[str, Any]) -> str:
    return markdown_table(
        ["what", "50-image job (s)", "plain loop (s)", "job ÷ loop", "goal"],
        [
            [
                "local stack wall time",
                f"{result['job_s']:.2f}",
                f"{result['loop_s']:.2f}",
                f"{result['ratio']:.2f}",
                "≤ 1.25",
            ]
        ],
    )


if __name__ == "__main__":
    print(report(measure()))
