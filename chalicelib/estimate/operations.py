"""The AWS operations a job of a given plan performs, predicted from the plan (priced by costmodel).

The counts follow the code paths a job takes, state by state of `stepfunctions/job.asl.json` and
write by write of the phase modules; bench 3 (`bench/cost.py`) counts the same operations on a real
run, and `bench/estimate_accuracy.py` compares the two.

State transitions (StateEntered events of a standard workflow): RegisterJob, AcquireSlot and
SlotTaken? once; per step NextStep and Route, then the Map state and one RunBatch per batch of a
wave, or RunPhase, or WaitForApproval; a last NextStep and Route; FinishJob, Outcome, JobDone.
"""

from __future__ import annotations

import math
from typing import Any

from chalicelib.costmodel import Operations, gb_seconds
from chalicelib.engine import WAVE_PER_CONCURRENCY
from chalicelib.plan import UNIT_KIND

# DynamoDB items written per image by each per-image phase, beyond the job item's update:
# the image item (generate puts it, later phases update it) and one log line for generation.
IMAGE_WRITES = {"generate": 2, "remove_bg": 1, "process": 1, "quality_check": 1, "metadata": 1}
S3_PUTS_PER_IMAGE = {"generate": 2, "remove_bg": 1, "process": 1}  # original + thumbnail; processed
S3_GETS_PER_IMAGE = {"remove_bg": 1, "process": 1, "quality_check": 1, "metadata": 0}
# Search postings rewritten per image when metadata adds title, description and tags (offline
# metadata: about 17 terms; OpenAI's are of the same length by the prompt we send).
METADATA_TERMS_PER_IMAGE = 17
FIXED_JOB_WRITES = 12  # job item: creation's follow-ups, status transitions, phase changes
FIXED_OTHER_WRITES = 14  # config, semaphore ticket/lock/release, job log lines of the lifecycle
FIXED_JOB_READS = 2
HANDLER_S = 0.02  # a control task's handler time (RegisterJob, NextStep, …), 128 MB


def waves(batches: int, concurrency: int) -> int:
    return math.ceil(batches / max(1, concurrency * WAVE_PER_CONCURRENCY))


def predict(
    plan: list[dict[str, Any]],
    concurrency: int,
    *,
    job_item_kb: int,
    prompt_terms: float,
    phase_seconds: dict[str, float],
) -> Operations:
    """Operations of one run of `plan`. `prompt_terms` is the mean number of search terms of a
    prompt; `phase_seconds` the expected wall time of each phase (for Lambda GB-seconds)."""
    transitions = 3 + 2 + 3  # start, the last NextStep/Route, the end
    invocations = 2 + 1 + 1  # RegisterJob, AcquireSlot, the last NextStep, FinishJob
    job_writes, job_reads = FIXED_JOB_WRITES, FIXED_JOB_READS
    other_writes: float = FIXED_OTHER_WRITES
    other_reads = 4
    s3_puts = s3_gets = 0.0
    handler_seconds = {"control": 0.0, "run_batch": 0.0, "run_phase": 0.0}
    for phase in plan:
        name, batches, units = phase["name"], int(phase["batches"]), int(phase["units"])
        if UNIT_KIND.get(name) == "once":
            steps = 1
            transitions += 2 + 1
            invocations += 2
            other_writes += 1  # the phase's checkpoint
            handler_seconds["run_phase"] += phase_seconds.get(name, 0.0)
            other_reads += 2
        else:
            steps = waves(batches, concurrency)
            transitions += steps * 3 + batches
            invocations += steps + batches
            other_writes += batches  # a checkpoint per batch
            other_reads += steps + batches  # checkpoint reads, image queries
            parallel = min(concurrency, batches)
            handler_seconds["run_batch"] += phase_seconds.get(name, 0.0) * parallel
        job_reads += steps + batches
        if name in IMAGE_WRITES:
            job_writes += units  # counters and log sequence, one update per image
            job_reads += units
            other_writes += units * IMAGE_WRITES[name]
            if name == "generate":
                other_writes += units * prompt_terms
            if name == "metadata":
                other_writes += units * METADATA_TERMS_PER_IMAGE
            s3_puts += units * S3_PUTS_PER_IMAGE.get(name, 0)
            s3_gets += units * S3_GETS_PER_IMAGE.get(name, 0)
        if name == "prompts":
            s3_puts += batches
        if name == "generate":
            s3_gets += batches  # each batch reads its prompts
    handler_seconds["control"] = invocations * HANDLER_S
    job_read_units = math.ceil(job_item_kb / 4)
    return Operations(
        transitions=transitions,
        lambda_requests=invocations,
        lambda_gb_seconds=gb_seconds(handler_seconds),
        write_units=job_writes * job_item_kb + other_writes,
        read_units=job_reads * job_read_units + other_reads,
        s3_puts=s3_puts,
        s3_gets=s3_gets,
    )
