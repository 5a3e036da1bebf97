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
    stack = start_stack()
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
