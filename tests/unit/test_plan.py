"""The weighted phase plan and the progress derived from it (SPEC §3, seed 001)."""

from __future__ import annotations

import pytest

from chalicelib.plan import build_plan, compute_progress, generations_per_batch, normalise_weights


def _plan(names, generations=10, variations=1, per_batch=2, concurrency=1):
    return [p.to_dict() for p in build_plan(names, generations, variations, per_batch, concurrency)]


def test_weights_always_sum_to_100():
    for names in (
        ["prompts", "generate", "finalize"],
        ["generate"],
        list(["prompts", "generate", "remove_bg", "process", "quality_check", "metadata", "finalize"]),
    ):
        assert sum(normalise_weights(names)) == 100


def test_a_batch_holds_whole_generations():
    assert generations_per_batch(variations=3, images_per_batch=10) == 3
    assert generations_per_batch(variations=20, images_per_batch=10) == 1


def test_prompt_batches_are_larger_than_image_batches():
    prompts, generate, _ = _plan(["prompts", "generate", "finalize"], generations=100)
    assert prompts["batches"] < generate["batches"]
    assert generate["units"] == 100


def test_progress_counts_finished_phases_and_the_fraction_of_the_current_one():
    plan = _plan(["prompts", "generate", "finalize"])
    weights = [p["weight"] for p in plan]
    assert compute_progress(plan, 0, 0, finished=False, images_planned=10) == 0
    half = compute_progress(plan, 1, 5, finished=False, images_planned=10)
    assert half == int(weights[0] + weights[1] / 2)


def test_each_image_moves_the_bar():
    plan = _plan(["prompts", "generate", "finalize"])
    values = [compute_progress(plan, 1, n, finished=False, images_planned=10) for n in range(11)]
    assert values == sorted(values) and len(set(values)) == 11


def test_a_single_image_shows_zero_until_the_job_is_done():
    plan = _plan(["prompts", "generate", "finalize"], generations=1)
    assert compute_progress(plan, 2, 0, finished=False, images_planned=1) == 0
    assert compute_progress(plan, 2, 0, finished=True, images_planned=1) == 100


def test_with_quality_check_the_bar_holds_at_95_until_done():
    plan = _plan(["generate", "quality_check"])
    assert compute_progress(plan, 2, 0, finished=False, images_planned=10) == 95
    assert compute_progress(plan, 2, 0, finished=True, images_planned=10) == 100


def test_an_unfinished_job_never_shows_100():
    plan = _plan(["prompts", "generate"])
    assert compute_progress(plan, 2, 0, finished=False, images_planned=10) == 99


def test_an_approval_step_weighs_nothing_and_alone_still_sums_to_100():
    assert normalise_weights(["prompts", "generate", "approval", "finalize"])[2] == 0
    assert normalise_weights(["approval"]) == [100]


def test_approval_goes_after_generation_and_qc_and_processing_waits_for_it():
    from chalicelib import jobconfig
    from chalicelib.engine import phase_names_for, with_approval

    config = jobconfig.normalize_config(
        {"approval": True, "processing": {"convert": True}, "ai": {"quality_check": True, "metadata": True}}
    )
    assert phase_names_for(config) == [
        "prompts",
        "generate",
        "quality_check",
        "approval",
        "process",
        "metadata",
        "finalize",
    ]
    # A composed plan keeps its order; the step goes after its last generation or QC phase.
    assert with_approval(["prompts", "generate", "process", "finalize"]) == [
        "prompts",
        "generate",
        "approval",
        "process",
        "finalize",
    ]
    assert with_approval(["process", "finalize"]) == ["approval", "process", "finalize"]
    assert with_approval(["generate", "approval", "finalize"]) == ["generate", "approval", "finalize"]


def test_batches_fill_every_slot_the_job_allows():
    """48 generations at max_concurrency 8 make 8 batches of 6 (not 5 of 10 leaving 3 slots idle),
    and every phase's batches share its generations evenly, each covered exactly once."""
    from chalicelib.plan import batch_generations

    for generations, concurrency in ((48, 8), (50, 8), (480, 8), (480, 16), (7, 16), (1000, 3)):
        for phase in _plan(["prompts", "generate", "process", "finalize"], generations, 1, 10, concurrency):
            if phase["name"] == "finalize":
                continue
            shares = [batch_generations(phase, b, generations) for b in range(phase["batches"])]
            assert [g for share in shares for g in share] == list(range(generations))
            assert max(map(len, shares)) - min(map(len, shares)) <= 1
            assert phase["batches"] == generations or phase["batches"] % concurrency == 0
    generate = _plan(["generate"], 48, 1, 10, 8)[0]
    assert (generate["batches"], generate["generations_per_batch"]) == (8, 6)


def test_prompts_filled_in_offline_are_not_split_across_the_slots():
    """An OpenAI model writes prompts one request each, so they share the slots like images; the
    offline template takes microseconds a prompt, so a batch holds as many as a batch can."""
    names = ["prompts", "generate", "finalize"]
    online = build_plan(names, 48, 1, 10, 8, prompts_in_parallel=True)[0]
    offline = build_plan(names, 48, 1, 10, 8, prompts_in_parallel=False)[0]
    assert (online.batches, offline.batches) == (8, 1)
    assert build_plan(names, 1000, 1, 10, 8, prompts_in_parallel=False)[0].batches == 10


def test_many_variations_do_not_multiply_the_batches():
    """A batch holds about as many images as configured, in whole generations: 6 variations make
    batches of 2 generations (12 images), not 1."""
    assert generations_per_batch(variations=6, images_per_batch=10) == 2
    generate = _plan(["generate"], 1667, 6, 10, 1)[0]
    assert generate["batches"] == 834


@pytest.mark.parametrize("concurrency", [1, 16])
def test_no_allowed_shape_of_a_job_has_more_batches_than_the_largest_one_bench_2_measures(concurrency):
    """The history limit holds for every configuration: 1,428 × 7 (one generation a batch) or
    2,000 × 5 get no more batches per phase than 1,667 × 6, the shape bench 2 measures."""
    names = ["prompts", "generate", "process", "quality_check", "metadata", "finalize"]

    def batches(generations: int, variations: int) -> list[int]:
        return [
            p.batches
            for p in build_plan(names, generations, variations, 10, concurrency, prompts_in_parallel=False)
        ]

    measured = batches(1667, 6)
    for variations in range(1, 21):
        generations = min(2500, 10_000 // variations)
        shape = batches(generations, variations)
        assert all(b <= m for b, m in zip(shape, measured, strict=True)), (variations, shape, measured)
