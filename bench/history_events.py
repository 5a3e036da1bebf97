"""Bench 2: Step Functions state transitions and history events per image.

Runs jobs of two sizes with the production batch size, fits events = fixed + per_image × images,
and extrapolates to a 10,000-image job, which must stay under the 25,000-event history limit of
one standard execution.
"""

from __future__ import annotations

from typing import Any

from common import history, markdown_table, run_job, start_stack

SIZES = (50, 400)
LIMIT = 25_000
TARGET_IMAGES = 10_000
# `make test` runs every bench at tiny sizes (bench/run_all.py --smoke): what changes there.
SMOKE = {"SIZES": (4, 8)}


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
                job, _ = run_job(images, max_concurrency=2, full_pipeline=full)
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
    finally:
        stack.stop()
    return results


def report(results: dict[str, Any]) -> str:
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
    measured = markdown_table(["plan", "images", "history events", "transitions", "events/image"], rows)
    header = [
        "plan",
        "events/image (marginal)",
        "transitions/image (marginal)",
        "10,000 images: events",
        "limit",
        "",
    ]
    return measured + "\n\n" + markdown_table(header, fits)


if __name__ == "__main__":
    print(report(measure()))
