"""Bench 3: AWS cost per 1,000 images, from what a job actually does (provider fees excluded).

Counted in one run of a job on the local stack: state transitions (from the execution history),
Lambda invocations and handler time per function, DynamoDB requests per operation and table (with
the job item's size, since a write costs one unit per KB), S3 requests. Priced with us-east-1
list prices. Goal: ≤ $0.05 per 1,000 images.
"""

from __future__ import annotations

import json
import math
from typing import Any

from common import COUNTERS, history, markdown_table, run_job, start_stack

IMAGES = 200
PRICES = {  # us-east-1 list prices, USD
    "transition": 0.025 / 1000,  # Step Functions standard workflow
    "lambda_request": 0.20 / 1_000_000,
    "lambda_gb_second": 0.0000166667,  # x86
    "write_unit": 0.625 / 1_000_000,  # DynamoDB on-demand WRU (1 KB)
    "read_unit": 0.125 / 1_000_000,  # DynamoDB on-demand RRU (4 KB, strongly consistent)
    "s3_put": 0.005 / 1000,
    "s3_get": 0.0004 / 1000,
}
# Memory of each function as configured in .chalice/config.json (Chalice's default is 128 MB).
MEMORY_MB = {"run_batch": 1024, "run_phase": 1024}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"}
READS = {"GetItem", "Query", "Scan"}


def job_item_kb(job: Any) -> int:
    from chalicelib.models import JobModel

    item = JobModel.get(job.job_id).serialize()
    return max(1, math.ceil(len(json.dumps(item)) / 1024))


def measure() -> dict[str, Any]:
    stack = start_stack()
    try:
        run_job(2)
        COUNTERS.reset()
        job, _ = run_job(IMAGES)
        transitions = sum(1 for e in history(job) if e["type"].endswith("StateEntered"))
        job_kb = job_item_kb(job)
    finally:
        stack.stop()
    write_units = read_units = 0
    for (operation, table), count in COUNTERS.dynamodb.items():
        units = job_kb if table == "jobs" else 1
        if operation in WRITES:
            write_units += count * units
        elif operation in READS:
            read_units += count * max(1, math.ceil(units / 4))
    gb_seconds = sum(
        seconds * MEMORY_MB.get(name, 128) / 1024
        for name, seconds in COUNTERS.lambda_seconds_by_function.items()
    )
    s3_puts = COUNTERS.s3.get("PutObject", 0)
    s3_gets = COUNTERS.s3.get("GetObject", 0) + COUNTERS.s3.get("ListObjectsV2", 0)
    scale = 1000 / IMAGES
    lines = {
        "Step Functions transitions": (transitions * scale, transitions * PRICES["transition"] * scale),
        "Lambda requests": (
            COUNTERS.lambda_invocations * scale,
            COUNTERS.lambda_invocations * PRICES["lambda_request"] * scale,
        ),
        "Lambda GB-seconds": (gb_seconds * scale, gb_seconds * PRICES["lambda_gb_second"] * scale),
        "DynamoDB write units": (write_units * scale, write_units * PRICES["write_unit"] * scale),
        "DynamoDB read units": (read_units * scale, read_units * PRICES["read_unit"] * scale),
        "S3 PUT": (s3_puts * scale, s3_puts * PRICES["s3_put"] * scale),
        "S3 GET/LIST": (s3_gets * scale, s3_gets * PRICES["s3_get"] * scale),
    }
    return {"lines": lines, "total": sum(cost for _, cost in lines.values()), "job_kb": job_kb}


def report(result: dict[str, Any]) -> str:
    rows = [[name, f"{qty:,.1f}", f"${cost:.5f}"] for name, (qty, cost) in result["lines"].items()]
    rows.append(["**total per 1,000 images**", "", f"**${result['total']:.4f}** (goal ≤ $0.05)"])
    return markdown_table(["per 1,000 images", "quantity", "cost"], rows)


if __name__ == "__main__":
    print(report(measure()))
