"""Bench 3: AWS cost per 1,000 images, from what a job actually does (provider fees excluded).

Counted in one run of a job on the local stack: state transitions (from the execution history),
Lambda invocations and handler time per function, DynamoDB write units as AWS bills them (metered
where moto applies each write: one unit per KB of the larger of the item before and after, again
in every global secondary index whose projection the write changes, a put and a delete when an
index key moves; `bench/metering.py`), DynamoDB reads per request, S3 requests. Priced with
us-east-1 list prices (`chalicelib/costmodel.py`). The job has every phase on (prompts,
generation, conversion and enhancement, the offline quality check, metadata, finalize). The
second table counts what the deployed path does per image: Lambda invocations, DynamoDB round
trips, items written and write units per table and per index.
Goal: ≤ $0.02 per 1,000 images.

Prices (`chalicelib/costmodel.py`, checked against AWS's published us-east-1 list prices on
2026-12-02): Step Functions standard workflows $0.025 per 1,000 state transitions; Lambda $0.20 per
million requests and $0.0000166667 per GB-second (x86; run_batch and run_phase at 1,024 MB, the
other functions at 128 MB); DynamoDB on-demand $0.625 per million write request units and $0.125
per million read request units (the prices since November 2024); S3 Standard $0.005 per 1,000
PUT and $0.0004 per 1,000 GET requests. Not per job, so not counted: S3 storage and data transfer
out, CloudWatch Logs, API Gateway and WebSocket messages. Reads are counted per request (one unit
per 4 KB of the job item, else one), a little above what eventually consistent index reads cost;
Lambda GB-seconds are handler wall time here, so they grow with the machine's load.

Which writes went, and why nothing a user sees changed. Counted one unit per item with no index
writes, the job looked cheap; metered as AWS bills them, a full-pipeline image cost 121 write
units ($0.14 per 1,000 images with the other lines). Three changes took about 75 of them off:
- The job item (3 KB with its snapshot and plan, written again in its three indexes) was
  rewritten for every image of every phase: 53 units. That write (units, counts, log sequence)
  now goes to the job's small live item, in no index: 1 unit (`chalicelib/joblive.py`). The job
  item takes the figures in between waves; progress, counts and log lines are still pushed per
  image, and a running job's page and lists read its live item.
- Search postings were one item per term and image: 30 units. A posting is now a group, per
  term, of the images one batch stored with it (`chalicelib/search.py`): 2 to 3 units. A batch
  writes its groups when it ends or after 10 s, so search still finds every image by tag,
  title, description and prompt words, page by page and by date, seconds after it is stored.
- The image item carried a copy of its search terms, written with each of its four writes and
  in each of its four indexes: it keeps a bit mask per group instead (6 units).
Also fewer transitions and tasks: prompts filled in offline are written by NextStep, not a Map.

Why the goal is not met: with processing on, four S3 PUTs per image (the original, its
thumbnail, the processed image, its thumbnail) are $0.020 per 1,000 images on their own; the
image item is written once per phase (generation, processing, quality check, metadata) in its
table and its four all-attribute indexes, about 31 units ($0.019); transitions and Lambda time
add the rest. $0.02 needs fewer objects per image (one thumbnail), one image write for the
post-processing phases run together, or indexes that project less than the whole image.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

import metering
from common import COUNTERS, history, markdown_table, run_job, start_stack

from chalicelib import costmodel

IMAGES = 200
GOAL_USD = 0.02
# `make test` runs every bench at tiny sizes (bench/run_all.py --smoke): what changes there.
SMOKE = {"IMAGES": 4}


def job_item_kb(job: Any) -> int:
    from chalicelib.models import JobModel

    item = JobModel.get(job.job_id).serialize()
    return max(1, math.ceil(len(json.dumps(item)) / 1024))


def finished_history(job: Any, timeout_s: float = 30.0) -> list[dict[str, Any]]:
    """The execution's history once it has ended: the job is final a few states before that."""
    from chalicelib import aws

    deadline = time.monotonic() + timeout_s
    while aws.sfn().describe_execution(executionArn=job.execution_arn)["status"] == "RUNNING":
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return history(job)


def counted_operations(job: Any) -> costmodel.Operations:
    """The operations COUNTERS saw since their last reset (one job's run), in the cost model's terms."""
    transitions = sum(1 for e in finished_history(job) if e["type"].endswith("StateEntered"))
    _, read_units = costmodel.dynamodb_units(dict(COUNTERS.dynamodb), job_item_kb(job))
    write_units = sum(metering.WRITE_UNITS.values())
    return costmodel.Operations(
        transitions=transitions,
        lambda_requests=COUNTERS.lambda_invocations,
        lambda_gb_seconds=costmodel.gb_seconds(dict(COUNTERS.lambda_seconds_by_function)),
        write_units=write_units,
        read_units=read_units,
        s3_puts=COUNTERS.s3.get("PutObject", 0),
        s3_gets=COUNTERS.s3.get("GetObject", 0) + COUNTERS.s3.get("ListObjectsV2", 0),
    )


def measure() -> dict[str, Any]:
    stack = start_stack(metered=True)
    try:
        run_job(2, full_pipeline=True)
        COUNTERS.reset()
        job, _ = run_job(IMAGES, full_pipeline=True)
        ops = counted_operations(job)
        job_kb = job_item_kb(job)
        per_image = {
            "Lambda invocations": COUNTERS.lambda_invocations / IMAGES,
            "DynamoDB round trips": COUNTERS.dynamodb_requests / IMAGES,
        }
        written: dict[str, float] = {}
        for (operation, table), count in COUNTERS.dynamodb.items():
            if operation in costmodel.WRITES:
                written[table] = written.get(table, 0) + count / IMAGES
        units: dict[str, float] = {}
        for (table, where), count in metering.WRITE_UNITS.items():
            name = table if where == "table" else f"{table}, its indexes"
            units[name] = units.get(name, 0) + count / IMAGES
    finally:
        stack.stop()
    lines = costmodel.price_lines(ops.scaled(1000 / IMAGES))
    return {
        "lines": lines,
        "total": sum(cost for _, cost in lines.values()),
        "job_kb": job_kb,
        "per_image": per_image,
        "written": written,
        "units": units,
    }


def report(result: dict[str, Any]) -> str:
    rows = [[name, f"{qty:,.1f}", f"${cost:.5f}"] for name, (qty, cost) in result["lines"].items()]
    verdict = "met" if result["total"] <= GOAL_USD else "NOT MET"
    rows.append(
        ["**total per 1,000 images**", "", f"**${result['total']:.4f}** (goal ≤ ${GOAL_USD}: {verdict})"]
    )
    prices = markdown_table(["per 1,000 images", "quantity", "cost"], rows)
    counts = [[name, f"{value:.2f}"] for name, value in result["per_image"].items()]
    counts += [
        [f"DynamoDB items written: {table}", f"{value:.2f}"]
        for table, value in sorted(result["written"].items(), key=lambda kv: -kv[1])
    ]
    counts += [
        [f"DynamoDB write units: {name}", f"{value:.2f}"]
        for name, value in sorted(result["units"].items(), key=lambda kv: -kv[1])
        if value >= 0.005
    ]
    counts.append(["job item size (KB, one write unit each per write of it)", result["job_kb"]])
    return prices + "\n\n" + markdown_table(["per image", "count"], counts)


if __name__ == "__main__":
    print(report(measure()))
