"""Bench 9: throughput against a provider that takes 0.5 s per request, at max_concurrency 1, 8, 16.

Jobs of 48 and 480 images (one variation) on the local stack call the Runware fake
(`tests/fakes/servers.py`) over real HTTP; the fake takes 0.5 s per request and counts the requests
it serves at once. Time ÷ ideal compares the job's wall time with images × latency ÷ concurrency;
speed-up is the concurrency-1 time ÷ this time, in the same run. Goals: concurrency 8 at least 6×
faster than 1 on 48 images and 7× on 480; requests in flight never above max_concurrency.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from common import markdown_table, start_stack, wait_for_execution

LATENCY_S = 0.5
SIZES = (48, 480)
CONCURRENCY = (1, 8, 16)
SPEEDUP_GOALS = {(48, 8): 6.0, (480, 8): 7.0}
# `make test` runs every bench at tiny sizes (bench/run_all.py --smoke): what changes there.
JOB_DEADLINE_S = 120  # beyond the ideal time: a job this late is stuck, and the bench says where
SMOKE_ARGS = {"sizes": (4,), "latency_s": 0.05}


def _point_at(fake: Any) -> None:
    from chalicelib import secrets
    from chalicelib.providers import factory
    from chalicelib.settings import get_settings

    secrets.store_api_keys("bench", {"runware": "test-key"})
    urls = {**get_settings().provider_urls, "runware": fake.base_url}
    patched = dataclasses.replace(get_settings(), provider_urls=urls)
    factory.get_settings = lambda: patched  # type: ignore[attr-defined]


def run_runware_job(images: int, concurrency: int) -> float:
    from chalicelib.repositories import jobs as job_repo
    from chalicelib.services import jobs as job_service

    config = {
        "provider": "runware",
        "generations": images,
        "keywords": ["lighthouse at dawn", "city park in autumn", "mountain lake"],
        "parameters": {"max_concurrency": concurrency, "retry_backoff_ms": 0},
        "ai": {"quality_check": False, "metadata": False},
    }
    started = time.perf_counter()
    job = job_service.start_job("bench", {"config": config})
    if not wait_for_execution(job.execution_arn, JOB_DEADLINE_S + images * LATENCY_S):
        from tests.functional.helpers import describe_stuck_job

        raise RuntimeError(f"bench job stuck: {describe_stuck_job(job_repo.get_job(job.job_id))}")
    elapsed = time.perf_counter() - started
    job = job_repo.get_job(job.job_id)
    if job.status != "completed" or int(job.images_ok) != images:
        raise RuntimeError(f"bench job ended {job.status} with {job.images_ok}/{images} images: {job.error}")
    return elapsed


def measure(sizes: tuple[int, ...] = SIZES, latency_s: float = LATENCY_S) -> dict[str, Any]:
    from tests.fakes.servers import FakeRunware

    stack = start_stack()
    fake = FakeRunware().start()
    results: dict[tuple[int, int], dict[str, Any]] = {}
    try:
        _point_at(fake)
        run_runware_job(2, 2)  # warm up imports and connections
        fake.latency_s = latency_s
        for images in sizes:
            for concurrency in CONCURRENCY:
                fake.reset_counts()
                seconds = run_runware_job(images, concurrency)
                requests = len(fake.api_requests)
                results[(images, concurrency)] = {
                    "seconds": seconds,
                    "ideal": images * latency_s / concurrency,
                    "max_in_flight": fake.max_in_flight,
                    "requests": requests,
                }
    finally:
        fake.stop()
        stack.stop()
    for (images, _), r in results.items():
        r["speedup"] = results[(images, 1)]["seconds"] / r["seconds"]
    return {"latency_s": latency_s, "results": results}


def report(measured: dict[str, Any]) -> str:
    rows = []
    for (images, concurrency), r in measured["results"].items():
        goal = SPEEDUP_GOALS.get((images, concurrency))
        in_flight_ok = r["max_in_flight"] <= concurrency
        speed_ok = goal is None or r["speedup"] >= goal
        rows.append(
            [
                images,
                concurrency,
                f"{r['seconds']:.1f}",
                f"{r['ideal']:.1f}",
                f"{r['seconds'] / r['ideal']:.2f}",
                f"{r['speedup']:.1f}×" + (f" (goal ≥ {goal:g}×)" if goal else ""),
                f"{r['max_in_flight']} (≤ {concurrency})",
                "met" if in_flight_ok and speed_ok else "NOT MET",
            ]
        )
    header = [
        "images",
        "max_concurrency",
        "time (s)",
        "ideal (s)",
        "time ÷ ideal",
        "speed-up vs 1",
        "max in flight at the fake",
        "verdict",
    ]
    return markdown_table(header, rows)


if __name__ == "__main__":
    print(report(measure()))
