"""The weighted phase plan of a job, its batches, and the progress derived from them.

A plan is fixed when the job is registered and stored on the job, so a resume runs the same plan
even if deployment settings changed. Progress is never stored: it is derived from the plan, the
current phase and its finished units (SPEC §3, seed 001).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

# Relative cost of each phase kind; normalised to sum to 100 over the phases a plan uses.
RAW_WEIGHTS: dict[str, int] = {
    "prompts": 10,
    "generate": 60,
    "remove_bg": 10,
    "process": 10,
    "quality_check": 10,
    "metadata": 10,
    "finalize": 5,
    "approval": 0,  # a person's decision: no work of ours to show progress for
}
# How a phase's work is counted: per generation, per image, or once.
UNIT_KIND: dict[str, str] = {
    "prompts": "generation",
    "generate": "image",
    "remove_bg": "image",
    "process": "image",
    "quality_check": "image",
    "metadata": "image",
    "finalize": "once",
    "approval": "once",
}
PROMPT_BATCH_SCALE = 10
IMAGE_PHASE_BATCH_SCALE = 5
# At most this many generation batches per job, whatever its shape. A standard execution's history
# holds 25,000 events and grows with the batches (each is a Map iteration): without a cap, 1,428
# generations × 7 variations made 1,428 batches of one generation, 28k events at concurrency 1.
# 834 is what the 10,000-image plan with the most batches otherwise has (1,667 × 6), measured
# by bench 2 under 20,000 events with every phase on; larger jobs get larger batches instead.
MAX_GENERATION_BATCHES = 834
STEP_TITLES: dict[str, str] = {
    "prompts": "Prompt generation",
    "generate": "Image generation",
    "remove_bg": "Background removal",
    "process": "Conversion and enhancement",
    "quality_check": "Quality check",
    "metadata": "Metadata",
    "finalize": "Finalize",
    "approval": "Approval",
}


@dataclass(frozen=True)
class PlannedPhase:
    name: str
    weight: int
    units: int  # generations or images to do; 1 for a phase that runs once
    batches: int  # Lambda tasks the phase is split into (1 for a phase that runs once)
    generations_per_batch: int  # at most; with `even` the batches share the generations evenly
    even: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalise_weights(names: list[str]) -> list[int]:
    """Integer weights proportional to RAW_WEIGHTS that sum to exactly 100 (largest remainder)."""
    raw = [RAW_WEIGHTS[n] for n in names]
    if not any(raw):  # only phases without work of their own (an approval alone)
        raw = [1] * len(names)
    total = sum(raw)
    exact = [r * 100 / total for r in raw]
    weights = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(names)), key=lambda i: exact[i] - weights[i], reverse=True)
    for i in by_remainder[: 100 - sum(weights)]:
        weights[i] += 1
    return weights


def generations_per_batch(variations: int, images_per_batch: int) -> int:
    """Batches align to generations: one provider call makes all variations of a generation. A batch
    holds about `images_per_batch` images (rounded to whole generations, at least one), so many
    variations do not multiply the batches and the execution's history."""
    return max(1, math.floor(images_per_batch / max(1, variations) + 0.5))


def batch_count(generations: int, per_batch: int, concurrency: int) -> int:
    """How many batches a phase is split into: a multiple of `concurrency` (batches of at most
    `per_batch` generations), so every one of the job's slots has a batch as long as there are
    generations for it, and each round of batches fills all the slots; one generation at least per
    batch."""
    concurrency = max(1, concurrency)
    rounds = math.ceil(generations / (per_batch * concurrency))
    return max(1, min(generations, rounds * concurrency))


def build_plan(
    names: list[str],
    generations: int,
    variations: int,
    images_per_batch: int,
    concurrency: int = 1,
    *,
    prompts_in_parallel: bool = True,
) -> list[PlannedPhase]:
    """The phases with their weights and batches. With `concurrency` N (the job's
    max_concurrency), each phase has a multiple of N batches of near-equal size: 48 generations at
    N = 8 are 8 batches of 6 running side by side, not 5 of 10 that leave 3 slots empty.

    Prompts filled in offline (no OpenAI key: microseconds each) gain nothing from N batches side
    by side, only Lambda tasks and state transitions: `prompts_in_parallel=False` gives them
    batches of their full size."""
    phases = []
    for name, weight in zip(names, normalise_weights(names), strict=False):
        kind = UNIT_KIND[name]
        # Prompts are cheap per generation, and post-processing, QC and metadata take a fraction of
        # a generation's time per image, so their batches are larger: fewer tasks, fewer state
        # transitions (a standard execution's history holds 25,000 events).
        scale = {"generation": PROMPT_BATCH_SCALE, "image": IMAGE_PHASE_BATCH_SCALE}.get(kind, 1)
        if name == "generate":
            scale = 1
        base = max(
            generations_per_batch(variations, images_per_batch),
            math.ceil(generations / MAX_GENERATION_BATCHES),
        )
        per_batch = base * scale
        if kind == "once":
            phases.append(PlannedPhase(name, weight, 1, 1, per_batch))
        else:
            units = generations if kind == "generation" else generations * variations
            parallel = concurrency if name != "prompts" or prompts_in_parallel else 1
            batches = batch_count(generations, per_batch, parallel)
            phases.append(PlannedPhase(name, weight, units, batches, math.ceil(generations / batches)))
    return phases


def batch_generations(phase: dict[str, Any], batch: int, generations: int) -> range:
    """The generation indexes (or, for a retry, the indexes into its image list) that batch `batch`
    of a phase covers: an even share of them; plans stored before even shares (no `even`) keep
    their fixed-size batches, so a resumed job finds its checkpointed batches where they were."""
    if phase.get("even"):
        batches = phase["batches"]
        return range(batch * generations // batches, (batch + 1) * generations // batches)
    per_batch = phase["generations_per_batch"]
    return range(batch * per_batch, min((batch + 1) * per_batch, generations))


def batch_of(phase: dict[str, Any], generation: int, generations: int) -> int:
    """The batch of a phase that covers `generation` (the inverse of `batch_generations`)."""
    if phase.get("even"):
        return ((generation + 1) * phase["batches"] + generations - 1) // generations - 1
    return generation // phase["generations_per_batch"]


def step_text(plan: list[dict[str, Any]], phase_index: int) -> str:
    if not plan:
        return ""
    index = min(phase_index, len(plan) - 1)
    return f"Step {index + 1}/{len(plan)}: {STEP_TITLES[plan[index]['name']]}"


def compute_progress(
    plan: list[dict[str, Any]],
    phase_index: int,
    units_done: int,
    *,
    finished: bool,
    images_planned: int,
) -> int:
    """Progress 0–100 per SPEC §3.

    Finished phases count their full weight, the current one its fraction done. One image shows 0
    until the job is done; with a quality check in the plan the bar holds at 95 until the end; an
    unfinished job never shows 100.
    """
    if finished:
        return 100
    if images_planned <= 1:
        return 0
    done = sum(p["weight"] for p in plan[:phase_index])
    if phase_index < len(plan):
        current = plan[phase_index]
        done += current["weight"] * min(1.0, units_done / max(1, current["units"]))
    cap = 95 if any(p["name"] == "quality_check" for p in plan) else 99
    return int(min(done, cap))
