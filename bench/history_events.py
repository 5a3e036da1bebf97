"""Bench 2: Step Functions state transitions and history events per image.

Runs jobs of two sizes with the production batch size, fits events = fixed + per_image × images,
and extrapolates to a 10,000-image job, which must stay under the 25,000-event history limit of
one standard execution.

The worst case the configuration allows is 10,000 images as 1,667 generations × 6 variations with
every phase on (background removal, conversion, enhancement, quality check, metadata), at
max_concurrency 1 and 16: no other shape has more batches in any phase (`MAX_GENERATION_BATCHES`
in `chalicelib/plan.py` caps them, and `tests/unit/test_plan.py` checks every variation count).
History grows with the plan's batches (each is a Map iteration), so for each concurrency two
smaller jobs of that shape are run, events = fixed + per_batch × batches is
fitted, and the 1,667 × 6 plan's batches (as `build_plan` makes them) give its events, plus
EVENTS_PER_WAVE for each NextStep round beyond those of the measured jobs. It must stay at or below
20,000 events, leaving room for retries.
"""

from __future__ import annotations

import math
import time
from typing import Any

from common import history, job_config, markdown_table, start_stack

SIZES = (50, 400)
LIMIT = 25_000
TARGET_IMAGES = 10_000
WORST_GENERATIONS, WORST_VARIATIONS = 1_667, 6
WORST_SIZES = (12, 72)  # generations of the two measured jobs of the worst case's shape
WORST_CONCURRENCY = (1, 16)
WORST_LIMIT = 20_000
# A NextStep round: its Task (5 events), the Route choice (2) and the Map state (4).
EVENTS_PER_WAVE = 11
# `make test` runs every bench at tiny sizes (bench/run_all.py --smoke): what changes there.
SMOKE = {"SIZES": (4, 8), "WORST_SIZES": (2, 4), "WORST_CONCURRENCY": (2,)}


def run_shaped_job(
    generations: int, variations: int, concurrency: int, full: bool, worst: bool = False
) -> Any:
    """A bench job; `worst`: every phase on, small renders (history does not depend on pixels)."""
    from chalicelib.repositories import jobs as job_repo
    from chalicelib.services import jobs as job_service

    config = job_config(generations, variations, concurrency, full_pipeline=full or worst)
    if worst:
        config["processing"]["remove_bg"] = True
        config["parameters"]["dimensions"] = ["256x256"]
    job = job_service.start_job("bench", {"config": config})
    while job.status not in ("completed", "failed", "cancelled"):
        time.sleep(0.2)
        job = job_repo.get_job(job.job_id)
    if job.status != "completed":
        raise RuntimeError(f"bench job ended {job.status}: {job.error}")
    from chalicelib import aws

    while aws.sfn().describe_execution(executionArn=job.execution_arn)["status"] == "RUNNING":
        time.sleep(0.05)
    return job


def plan_shape(plan: list[dict[str, Any]], concurrency: int) -> tuple[int, int]:
    """(batches, NextStep rounds) of a plan: a phase's batches run in waves of concurrency × 4."""
    from chalicelib.engine import WAVE_PER_CONCURRENCY

    batches = waves = 0
    for phase in plan:
        batches += int(phase["batches"])
        waves += math.ceil(int(phase["batches"]) / (concurrency * WAVE_PER_CONCURRENCY))
    return batches, waves


def measure_worst_case() -> dict[int, dict[str, Any]]:
    from chalicelib.plan import build_plan
    from chalicelib.settings import get_settings

    results = {}
    for concurrency in WORST_CONCURRENCY:
        points = []
        for generations in WORST_SIZES:
            job = run_shaped_job(generations, WORST_VARIATIONS, concurrency, full=True, worst=True)
            batches, waves = plan_shape(job.plan, concurrency)
            points.append(
                {"generations": generations, "events": len(history(job)), "batches": batches, "waves": waves}
            )
        names = [phase["name"] for phase in job.plan]
        target = [
            p.to_dict()
            for p in build_plan(
                names, WORST_GENERATIONS, WORST_VARIATIONS, get_settings().images_per_batch, concurrency
            )
        ]
        batches, waves = plan_shape(target, concurrency)
        first, second = points
        per_batch = (second["events"] - first["events"]) / max(1, second["batches"] - first["batches"])
        predicted = second["events"] + per_batch * (batches - second["batches"])
        predicted += EVENTS_PER_WAVE * max(0, waves - second["waves"])
        results[concurrency] = {
            "points": points,
            "per_batch": per_batch,
            "batches": batches,
            "waves": waves,
            "events": round(predicted),
        }
    return results


def count(job: Any) -> tuple[int, int]:
    events = history(job)
    transitions = sum(1 for e in events if e["type"].endswith("StateEntered"))
    return len(events), transitions


PLANS = {"generation only": False, "full pipeline (process, QC, metadata)": True}


def measure() -> dict[str, Any]:
    stack = start_stack()  # production batch size (IMGF_IMAGES_PER_BATCH default)
    results = {}
    try:
        for plan, full in PLANS.items():
            points = []
            for images in SIZES:
                job = run_shaped_job(images, 1, 2, full)
                events, transitions = count(job)
                points.append((images, events, transitions))
            (n1, e1, t1), (n2, e2, t2) = points
            per_image_events = (e2 - e1) / (n2 - n1)
            per_image_transitions = (t2 - t1) / (n2 - n1)
            results[plan] = {
                "points": points,
                "events_per_image": per_image_events,
                "transitions_per_image": per_image_transitions,
                "events_10k": round(e1 + per_image_events * (TARGET_IMAGES - n1)),
            }
        worst = measure_worst_case()
    finally:
        stack.stop()
    return {"plans": results, "worst": worst}


def report(measured: dict[str, Any]) -> str:
    results = measured["plans"]
    rows, fits = [], []
    for plan, result in results.items():
        for n, e, t in result["points"]:
            rows.append([plan, n, e, t, f"{e / n:.2f}"])
        verdict = "fits" if result["events_10k"] < LIMIT else "DOES NOT FIT"
        fits.append(
            [
                plan,
                f"{result['events_per_image']:.3f}",
                f"{result['transitions_per_image']:.3f}",
                result["events_10k"],
                LIMIT,
                verdict,
            ]
        )
    table = markdown_table(["plan", "images", "history events", "transitions", "events/image"], rows)
    header = [
        "plan",
        "events/image (marginal)",
        "transitions/image (marginal)",
        "10,000 images: events",
        "limit",
        "",
    ]
    worst_rows = []
    for concurrency, w in measured["worst"].items():
        for p in w["points"]:
            worst_rows.append(
                [
                    f"{p['generations']} × {WORST_VARIATIONS}, every phase, max_concurrency {concurrency}",
                    p["generations"] * WORST_VARIATIONS,
                    p["batches"],
                    p["events"],
                    "measured",
                ]
            )
        verdict = "fits" if w["events"] <= WORST_LIMIT else "DOES NOT FIT"
        worst_rows.append(
            [
                f"**{WORST_GENERATIONS:,} × {WORST_VARIATIONS}, every phase, max_concurrency {concurrency}**",
                WORST_GENERATIONS * WORST_VARIATIONS,
                w["batches"],
                w["events"],
                f"{w['per_batch']:.2f} events/batch; ≤ {WORST_LIMIT:,}: {verdict}",
            ]
        )
    worst = markdown_table(["worst case", "images", "batches", "history events", ""], worst_rows)
    return table + "\n\n" + markdown_table(header, fits) + "\n\n" + worst


if __name__ == "__main__":
    print(report(measure()))
