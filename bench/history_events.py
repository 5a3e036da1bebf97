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


def count(job: Any) -> tuple[int, int]:
    events = history(job)
    transitions = sum(1 for e in events if e["type"].endswith("StateEntered"))
    return len(events), transitions


def measure() -> dict[str, Any]:
    stack = start_stack()  # production batch size (IMGF_IMAGES_PER_BATCH default)
    try:
        points = []
        for images in SIZES:
            job, _ = run_job(images, max_concurrency=2)
            events, transitions = count(job)
            points.append((images, events, transitions))
    finally:
        stack.stop()
    (n1, e1, t1), (n2, e2, t2) = points
    per_image_events = (e2 - e1) / (n2 - n1)
    per_image_transitions = (t2 - t1) / (n2 - n1)
    return {
        "points": points,
        "events_per_image": per_image_events,
        "transitions_per_image": per_image_transitions,
        "events_10k": round(e1 + per_image_events * (TARGET_IMAGES - n1)),
        "transitions_10k": round(t1 + per_image_transitions * (TARGET_IMAGES - n1)),
    }


def report(result: dict[str, Any]) -> str:
    rows = [[n, e, t, f"{e / n:.2f}", f"{t / n:.2f}"] for n, e, t in result["points"]]
    measured = markdown_table(
        ["images", "history events", "transitions", "events/image", "transitions/image"], rows
    )
    verdict = "fits" if result["events_10k"] < LIMIT else "DOES NOT FIT"
    extrapolated = markdown_table(
        [
            "marginal events/image",
            "marginal transitions/image",
            "10,000-image job: events",
            "limit",
            "verdict",
        ],
        [
            [
                f"{result['events_per_image']:.3f}",
                f"{result['transitions_per_image']:.3f}",
                result["events_10k"],
                LIMIT,
                verdict,
            ]
        ],
    )
    return measured + "\n\n" + extrapolated


if __name__ == "__main__":
    print(report(measure()))
