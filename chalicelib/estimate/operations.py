"""The AWS operations a job of a given plan performs, predicted from the plan (priced by costmodel).

The counts follow the code paths a job takes, state by state of `stepfunctions/job.asl.json` and
write by write of the phase modules; bench 3 (`bench/cost.py`) counts the same operations on a real
run, and `bench/estimate_accuracy.py` compares the two.

State transitions (StateEntered events of a standard workflow): RegisterJob, AcquireSlot and
SlotTaken? once; per step NextStep and Route, then the Map state and one RunBatch per batch of a
wave, or RunPhase, or WaitForApproval; a last NextStep and Route; FinishJob, Outcome, JobDone.
Prompts filled in offline are written by the NextStep that reaches them: no step of their own.
"""

from __future__ import annotations

import math
from typing import Any

from chalicelib.costmodel import Operations, gb_seconds
from chalicelib.engine import WAVE_PER_CONCURRENCY
from chalicelib.plan import UNIT_KIND

# Write units per image of each per-image phase's write of the image item, as DynamoDB bills
# them: the item's size after the phase (KB: about 1 until quality check and metadata add their
# text) in the table and again in each of its four indexes (all attributes projected).
IMAGE_KB = {"generate": 1, "remove_bg": 1, "process": 1, "quality_check": 2, "metadata": 2}
IMAGE_INDEXES = 4
JOB_INDEXES = 3
# A status change moves the image in the status index: a delete and a put (quality check).
STATUS_MOVE_UNITS = {"quality_check": 2}
LIVE_WRITES_PER_IMAGE = 1  # the job's live item (units, counts, log sequence): one unit
LOG_LINES_PER_GENERATION = 1  # "Generated n image(s) for generation g of G"
S3_PUTS_PER_IMAGE = {
    "generate": 2,
    "remove_bg": 1,
    "process": 2,
}  # original + thumbnail; processed + its thumbnail
S3_GETS_PER_IMAGE = {"remove_bg": 1, "process": 1, "quality_check": 1, "metadata": 0}
# Search postings are groups (one per term and batch of images stored together), so a batch
# writes about the distinct terms of its images: the prompt's, a little more for the keywords
# that vary; metadata's title, description and tags (offline: about 17 terms the prompt does
# not have; OpenAI's are of the same length by the prompt we send).
METADATA_TERMS_PER_IMAGE = 17
TERM_SPREAD = 1.3  # distinct terms of a batch ÷ the terms of one image
FIXED_JOB_WRITES = 12  # job item: creation's follow-ups, status transitions, phase changes, folds
FIXED_OTHER_WRITES = 14  # config, live item, semaphore ticket/lock/release, job log lines of the lifecycle
FIXED_JOB_READS = 2
# Reads per image: the job's control flag (once per generation, before and after each other
# image), and the live updates' subscriber lists (cached for a second).
READS_PER_IMAGE = {"generate": 2.0}
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
    prompts_online: bool = False,
) -> Operations:
    """Operations of one run of `plan`. `prompt_terms` is the mean number of search terms of a
    prompt; `phase_seconds` the expected wall time of each phase (for Lambda GB-seconds);
    `prompts_online`: an OpenAI model writes the prompts (batches of tasks), else NextStep fills
    them in itself."""
    transitions = 3 + 2 + 3  # start, the last NextStep/Route, the end
    invocations = 2 + 1 + 1  # RegisterJob, AcquireSlot, the last NextStep, FinishJob
    job_writes: float = FIXED_JOB_WRITES
    job_reads: float = FIXED_JOB_READS
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
        elif name == "prompts" and not prompts_online:  # in the NextStep that reaches them
            steps = 0
            other_writes += batches  # a checkpoint per batch
            handler_seconds["control"] += phase_seconds.get(name, 0.0)
        else:
            steps = waves(batches, concurrency)
            transitions += steps * 3 + batches
            invocations += steps + batches
            other_writes += batches  # a checkpoint per batch
            other_reads += steps + batches  # checkpoint reads, image queries
            parallel = min(concurrency, batches)
            handler_seconds["run_batch"] += phase_seconds.get(name, 0.0) * parallel
        job_reads += steps + batches
        job_writes += steps  # NextStep folds the live figures into the job item
        if name in IMAGE_KB:
            job_reads += units * READS_PER_IMAGE.get(name, 2.5)  # the control flag, subscribers
            other_writes += units * (IMAGE_KB[name] * (1 + IMAGE_INDEXES) + STATUS_MOVE_UNITS.get(name, 0))
            other_writes += units * LIVE_WRITES_PER_IMAGE
            if name == "generate":
                other_writes += units * LOG_LINES_PER_GENERATION
                other_writes += batches * prompt_terms * TERM_SPREAD
            if name == "metadata":
                other_writes += batches * METADATA_TERMS_PER_IMAGE * TERM_SPREAD
            s3_puts += units * S3_PUTS_PER_IMAGE.get(name, 0)
            s3_gets += units * S3_GETS_PER_IMAGE.get(name, 0)
        if name == "prompts":
            s3_puts += batches
        if name == "generate":
            s3_gets += batches  # each batch reads its prompts
    handler_seconds["control"] += invocations * HANDLER_S
    job_read_units = math.ceil(job_item_kb / 4)
    return Operations(
        transitions=transitions,
        lambda_requests=invocations,
        lambda_gb_seconds=gb_seconds(handler_seconds),
        write_units=job_writes * job_item_kb * (1 + JOB_INDEXES) + other_writes,
        read_units=job_reads * job_read_units + other_reads,
        s3_puts=s3_puts,
        s3_gets=s3_gets,
    )
