"""Shared parts of the benchmarks: a local stack, a job runner, and request counters.

Figures are ratios or counts measured in one run, so a noisy machine moves both sides alike.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass
class Counters:
    """What a job cost in requests and Lambda time, counted where our code makes the calls."""

    lambda_invocations: int = 0
    lambda_seconds: float = 0.0
    lambda_seconds_by_function: Counter = field(default_factory=Counter)
    dynamodb: Counter = field(default_factory=Counter)
    dynamodb_requests: int = 0  # round trips (a BatchWriteItem of 25 items is one)
    s3: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        import metering

        metering.reset()
        with self.lock:
            self.lambda_invocations, self.lambda_seconds = 0, 0.0
            self.lambda_seconds_by_function.clear()
            self.dynamodb.clear()
            self.dynamodb_requests = 0
            self.s3.clear()


COUNTERS = Counters()


def start_stack(images_per_batch: int | None = None, *, metered: bool = False) -> Any:
    """A local stack, with request counters; `metered`: DynamoDB write units sized too (bench 3
    and the estimate's bench price them; it costs CPU inside the stack the others time)."""
    import metering

    from imgfactory.local.stack import LocalStack

    stack = LocalStack(stage=f"bench{os.getpid()}", images_per_batch=images_per_batch).start()
    _instrument()
    metering.ENABLED = metered
    _hear_ended_executions()
    return stack


_ended: set[str] = set()
_ended_changed = threading.Condition()
_hearing = False


def _hear_ended_executions() -> None:
    """Executions end as the local stack's watcher hears of it (moto_fixes.on_execution_ended),
    so a bench waits on that instead of polling the job, which took CPU from the job itself."""
    global _hearing
    if _hearing:
        return
    _hearing = True
    from imgfactory.local import moto_fixes

    def ended(arn: str, status: str) -> None:
        with _ended_changed:
            _ended.add(arn)
            _ended_changed.notify_all()

    moto_fixes.on_execution_ended(ended)


def wait_for_execution(execution_arn: str, timeout_s: float) -> bool:
    """True once the execution has ended (False when `timeout_s` passed first)."""
    deadline = time.monotonic() + timeout_s
    with _ended_changed:
        while execution_arn not in _ended:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            _ended_changed.wait(left)
    return True


_instrumented = False


def _instrument() -> None:
    """Count Lambda invocations and time, DynamoDB items written/read, and S3 requests (once per
    process, however many stacks a benchmark starts)."""
    global _instrumented
    import metering

    from chalicelib import aws

    metering.install()
    aws.s3().meta.events.register("before-call.s3.*", _count_s3)  # clients are rebuilt per stack
    _time_handlers()  # each stack installs the app's handlers afresh
    if _instrumented:
        return
    _instrumented = True
    from pynamodb.connection.base import Connection

    original = Connection.dispatch

    def counting(self: Any, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
        items = 1
        if operation_name == "BatchWriteItem":
            items = sum(len(v) for v in operation_kwargs.get("RequestItems", {}).values())
        table = str(operation_kwargs.get("TableName", "batch")).rsplit("-", 1)[-1]
        with COUNTERS.lock:
            COUNTERS.dynamodb[(operation_name, table)] += items
            COUNTERS.dynamodb_requests += 1
        return original(self, operation_name, operation_kwargs)

    Connection.dispatch = counting  # type: ignore[method-assign]


def _time_handlers() -> None:
    from imgfactory.local import dispatch

    for name, handler in list(dispatch.HANDLERS.items()):
        if getattr(handler, "timed", False):
            continue

        def timed(event: Any, context: Any, _handler: Any = handler, _name: str = name) -> Any:
            started = time.perf_counter()
            try:
                return _handler(event, context)
            finally:
                spent = time.perf_counter() - started
                with COUNTERS.lock:
                    COUNTERS.lambda_invocations += 1
                    COUNTERS.lambda_seconds += spent
                    COUNTERS.lambda_seconds_by_function[_name] += spent

        timed.timed = True  # type: ignore[attr-defined]
        dispatch.HANDLERS[name] = timed


def _count_s3(event_name: str, **_: Any) -> None:
    with COUNTERS.lock:
        COUNTERS.s3[event_name.rsplit(".", 1)[-1]] += 1


def job_config(
    generations: int, variations: int = 1, max_concurrency: int = 2, full_pipeline: bool = False
) -> dict[str, Any]:
    """The configuration of a bench job."""
    config: dict[str, Any] = {
        "generations": generations,
        "variations": variations,
        "keywords": ["lighthouse at dawn", "city park in autumn", "mountain lake"],
        "parameters": {"max_concurrency": max_concurrency},
        "ai": {"quality_check": False, "metadata": False},
    }
    if full_pipeline:  # processing, offline quality check and metadata as well
        config["ai"] = {"quality_check": True, "metadata": True}
        config["processing"] = {"convert": True, "convert_format": "jpg", "enhance": True}
    return config


def run_job(
    generations: int,
    variations: int = 1,
    max_concurrency: int = 2,
    workspace: str = "bench",
    full_pipeline: bool = False,
) -> Any:
    """Start a job through the service layer and wait for it; returns (job, wall seconds)."""
    from chalicelib.repositories import jobs as job_repo
    from chalicelib.services import jobs as job_service

    config = job_config(generations, variations, max_concurrency, full_pipeline)
    started = time.perf_counter()
    job = job_service.start_job(workspace, {"config": config})
    if not wait_for_execution(job.execution_arn, 600):
        raise RuntimeError(f"bench job {job.job_id} still running after 600 s")
    elapsed = time.perf_counter() - started
    job = job_repo.get_job(job.job_id)
    if job.status != "completed":
        raise RuntimeError(f"bench job ended {job.status}: {job.error}")
    return job, elapsed


def history(job: Any) -> list[dict[str, Any]]:
    """Every event of the job's execution (all pages)."""
    from chalicelib import aws

    pages = aws.sfn().get_paginator("get_execution_history").paginate(executionArn=job.execution_arn)
    return [event for page in pages for event in page["events"]]


def markdown_table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
