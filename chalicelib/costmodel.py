"""What AWS charges for the operations a job performs: one counting model for bench 3 and the estimate.

Bench 3 (`bench/cost.py`) counts a job's operations as it runs on the local stack; the estimate
(`chalicelib/estimate/operations.py`) predicts the same operations from a job's plan. Both price
them here, with the same list prices, function memory and unit rules, so the two can be compared
line by line.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

PRICES_DATE = "2026-11-23"
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
DEFAULT_MEMORY_MB = 128
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"})
READS = frozenset({"GetItem", "Query", "Scan"})
BIG_ITEM_TABLE = "jobs"  # the one table whose items exceed 1 KB (snapshot and plan)
WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096


@dataclass
class Operations:
    """The billable operations of one job (or of any number of jobs, summed)."""

    transitions: float = 0.0
    lambda_requests: float = 0.0
    lambda_gb_seconds: float = 0.0
    write_units: float = 0.0
    read_units: float = 0.0
    s3_puts: float = 0.0
    s3_gets: float = 0.0

    def scaled(self, factor: float) -> Operations:
        return Operations(**{f.name: getattr(self, f.name) * factor for f in fields(self)})

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def gb_seconds(seconds_by_function: dict[str, float]) -> float:
    return sum(s * MEMORY_MB.get(name, DEFAULT_MEMORY_MB) / 1024 for name, s in seconds_by_function.items())


def dynamodb_units(requests: dict[tuple[str, str], float], job_item_kb: int) -> tuple[float, float]:
    """(write units, read units) of DynamoDB requests counted per (operation, table): a write costs
    one unit per KB of the item, a strongly consistent read one per 4 KB."""
    write_units = read_units = 0.0
    for (operation, table), count in requests.items():
        kb = job_item_kb if table == BIG_ITEM_TABLE else 1
        if operation in WRITES:
            write_units += count * kb
        elif operation in READS:
            read_units += count * max(1, math.ceil(kb / 4))
    return write_units, read_units


def write_units(before_bytes: int | None, after_bytes: int | None, *, transactional: bool = False) -> int:
    """Write units a write of one item costs in its table, as DynamoDB bills it: one per KB of the
    larger of the item before and after the write (a failed condition too: the item as it is),
    at least one; twice that inside a transaction."""
    size = max(before_bytes or 0, after_bytes or 0)
    units = max(1, math.ceil(size / WRITE_UNIT_BYTES))
    return units * (2 if transactional else 1)


IndexEntry = tuple[object, int, object]  # (index key, projected bytes, projected content)


def index_write_units(before: IndexEntry | None, after: IndexEntry | None) -> int:
    """Write units a write of one item costs in one global secondary index: nothing when the item
    is in neither version of the index or its projection did not change; a put when it enters,
    a delete when it leaves, both when its index key changes (each one unit per projected KB)."""
    if before is None and after is None:
        return 0
    if before is None or after is None:
        entry = after or before
        assert entry is not None
        return max(1, math.ceil(entry[1] / WRITE_UNIT_BYTES))
    if before[0] != after[0]:
        return max(1, math.ceil(before[1] / WRITE_UNIT_BYTES)) + max(
            1, math.ceil(after[1] / WRITE_UNIT_BYTES)
        )
    if before[2] == after[2]:
        return 0
    return max(1, math.ceil(max(before[1], after[1]) / WRITE_UNIT_BYTES))


def price_lines(ops: Operations) -> dict[str, tuple[float, float]]:
    """Each billable line: (quantity, USD)."""
    return {
        "Step Functions transitions": (ops.transitions, ops.transitions * PRICES["transition"]),
        "Lambda requests": (ops.lambda_requests, ops.lambda_requests * PRICES["lambda_request"]),
        "Lambda GB-seconds": (ops.lambda_gb_seconds, ops.lambda_gb_seconds * PRICES["lambda_gb_second"]),
        "DynamoDB write units": (ops.write_units, ops.write_units * PRICES["write_unit"]),
        "DynamoDB read units": (ops.read_units, ops.read_units * PRICES["read_unit"]),
        "S3 PUT": (ops.s3_puts, ops.s3_puts * PRICES["s3_put"]),
        "S3 GET/LIST": (ops.s3_gets, ops.s3_gets * PRICES["s3_get"]),
    }


SERVICE_OF_LINE = {
    "Step Functions transitions": "Step Functions",
    "Lambda requests": "Lambda",
    "Lambda GB-seconds": "Lambda",
    "DynamoDB write units": "DynamoDB",
    "DynamoDB read units": "DynamoDB",
    "S3 PUT": "S3",
    "S3 GET/LIST": "S3",
}


def total(ops: Operations) -> float:
    return sum(cost for _, cost in price_lines(ops).values())


def breakdown(ops: Operations) -> dict[str, Any]:
    """AWS cost by service and by line, as the API and the job page show it."""
    lines = price_lines(ops)
    services: dict[str, float] = {}
    for name, (_, cost) in lines.items():
        services[SERVICE_OF_LINE[name]] = services.get(SERVICE_OF_LINE[name], 0.0) + cost
    return {
        "total_usd": round(sum(services.values()), 6),
        "by_service": {name: round(cost, 6) for name, cost in services.items()},
        "lines": [
            {"name": name, "quantity": round(qty, 2), "usd": round(cost, 6)}
            for name, (qty, cost) in lines.items()
        ],
        "prices_date": PRICES_DATE,
    }
