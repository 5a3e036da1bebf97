"""Bring the shared test stack back to idle between test files."""

from __future__ import annotations

import time

from chalicelib import aws
from chalicelib.errors import ImageFactoryError
from chalicelib.models import JobModel
from chalicelib.services import jobs as job_service
from chalicelib.settings import get_settings
from chalicelib.statuses import JobStatus

ACTIVE = [s.value for s in JobStatus if not s.is_final]


def stop_everything_active(timeout: float = 30) -> list[str]:
    """Force-stop every job that is not final and wait until no job execution runs; returns the
    jobs it stopped."""
    stopped = []
    for job in JobModel.scan(JobModel.status.is_in(*ACTIVE)):
        try:
            job_service.force_stop(job.workspace, job.job_id)
            stopped.append(job.job_id)
        except ImageFactoryError:
            pass  # ended meanwhile
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _running_executions():
        time.sleep(0.1)
    for arn in _running_executions():  # parked with no job to answer it (a failed registration)
        aws.stop_execution(arn, "left running by a test file")
    return stopped


def _running_executions() -> list[str]:
    pages = (
        aws.sfn()
        .get_paginator("list_executions")
        .paginate(stateMachineArn=get_settings().job_state_machine_arn, statusFilter="RUNNING")
    )
    return [e["executionArn"] for page in pages for e in page["executions"]]
