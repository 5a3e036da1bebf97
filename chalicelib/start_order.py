"""Direct starts keep the order their executions started in.

A job started straight on Step Functions (`aws stepfunctions start-execution`) joins its
workspace's queue when its RegisterJob task runs, with its execution's start time as its ticket.
Executions race to that task, so one started first can register after one started later has
already taken the free slot. Before a job takes the slot, it therefore looks for executions of
the job machine that started before its ticket, in its workspace, and have not registered yet:
while there is one, it waits (that execution's RegisterJob and AcquireSlot take the slot first,
or wake the queue when they fail). Only the last `WINDOW_S` seconds are searched: an execution
that has not registered by then has failed or is stuck, and must not hold the queue.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from chalicelib import aws
from chalicelib.models import JobModel
from chalicelib.settings import get_settings

WINDOW_S = 60


def earlier_start_registering(workspace: str, joined_at: datetime) -> bool:
    """True when an execution started before `joined_at` in `workspace` has not registered."""
    settings = get_settings()
    if not settings.job_state_machine_arn:
        return False
    since = joined_at - timedelta(seconds=WINDOW_S)
    earlier: list[dict[str, Any]] = []
    pages = (
        aws.sfn()
        .get_paginator("list_executions")
        .paginate(stateMachineArn=settings.job_state_machine_arn, statusFilter="RUNNING")
    )
    for page in pages:  # newest first
        for execution in page["executions"]:
            started = execution["startDate"]
            if started < since:
                return _any_unregistered_in(workspace, earlier)
            if started < joined_at:
                earlier.append(execution)
    return _any_unregistered_in(workspace, earlier)


def _job_id_of(execution_name: str) -> str:
    """Executions are named `<job id>` and, for resumes, `<job id>-<attempt>`."""
    head, _, attempt = execution_name.rpartition("-")
    return head if head and attempt.isdigit() else execution_name


def _any_unregistered_in(workspace: str, executions: list[dict[str, Any]]) -> bool:
    if not executions:
        return False
    names = {e["name"]: e for e in executions}
    candidates = set(names) | {_job_id_of(name) for name in names}
    registered = {job.job_id for job in JobModel.batch_get(candidates)}
    for name, execution in names.items():
        if name in registered or _job_id_of(name) in registered:
            continue
        if _workspace_of(execution["executionArn"]) == workspace:
            return True
    return False


def _workspace_of(execution_arn: str) -> str:
    """The workspace an unregistered execution will join: its input's, or the default."""
    try:
        raw = aws.sfn().describe_execution(executionArn=execution_arn).get("input") or "{}"
        payload = json.loads(raw)
    except Exception:  # noqa: BLE001 - an execution gone or with odd input queues nobody
        return ""
    workspace = payload.get("workspace") if isinstance(payload, dict) else None
    return str(workspace or get_settings().default_workspace)
