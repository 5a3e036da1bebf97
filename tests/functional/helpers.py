"""Helpers for functional tests: users, start jobs, wait for them, look at what they left."""

from __future__ import annotations

import sys
import time
import traceback
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any

from chalicelib import aws
from chalicelib.models import ImageModel, JobModel, SemaphoreModel
from chalicelib.repositories import jobs as job_repo
from chalicelib.services import jobs as job_service
from chalicelib.settings import get_settings
from imgfactory.local import dispatch, users
from imgfactory.local.users import SignedInUser

QUIET = {"quality_check": False, "metadata": False}


def new_user(prefix: str = "user") -> SignedInUser:
    """A new Cognito user of this process's local stack, signed in: its own workspace (`sub`),
    seeing nothing of any other test's."""
    return users.sign_in(f"{prefix}-{uuid.uuid4().hex[:10]}")


@cache
def session_user() -> SignedInUser:
    """The user this test process calls the API as unless a test signs in as another."""
    return new_user("session")


def config(generations: int = 6, **extra: Any) -> dict[str, Any]:
    return {"generations": generations, "keywords": ["red fox", "blue lake"], "ai": QUIET, **extra}


def start(workspace: str, generations: int = 6, **extra: Any) -> JobModel:
    return job_service.start_job(workspace, {"config": config(generations, **extra)})


def wait_until(predicate: Callable[[], Any], timeout: float = 30, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def wait_status(job_id: str, *statuses: str, timeout: float = 30) -> JobModel:
    def reached() -> JobModel | None:
        job = job_repo.find_job(job_id)  # a job started straight on Step Functions appears later
        return job if job is not None and job.status in statuses else None

    try:
        return wait_until(reached, timeout)
    except AssertionError:
        job = job_repo.find_job(job_id)
        seen = describe_stuck_job(job) if job else "missing"
        raise AssertionError(f"job {job_id} is {seen}, not {statuses}") from None


def describe_stuck_job(job: JobModel) -> str:
    """Where a job that did not get on is: its status, who holds the slot, its execution's end."""
    seen = f"{job.status} ({job.step}, {job.error})"
    if job.status == "queued":
        seen += f"; the slot is {_slot_holder(job.workspace)}"
    return seen + f"; its execution: {_execution_story(job)}" + _tasks_waited_on()


def _tasks_waited_on() -> str:
    """Lambda tasks of the local stack slow to come back (30 s or more), and the stacks of the
    Step Functions threads waiting on an invocation: where a stuck task hangs."""
    slow = dispatch.in_flight(longer_than_s=30)
    stacks = [traceback.format_stack(frame) for frame in sys._current_frames().values()]
    waiting = ["".join(stack[-14:]) for stack in stacks if any("lambda_eval_utils" in line for line in stack)]
    return f"\n{len(slow)} slow tasks: {slow}\n{len(waiting)} invocations waited on: {waiting}"


def _execution_story(job: JobModel) -> str:
    """The execution's status and its last few events, for the message of a job that is stuck."""
    if not job.execution_arn:
        return "none registered"
    try:
        sfn = aws.sfn()
        status = sfn.describe_execution(executionArn=job.execution_arn)["status"]
        events = sfn.get_execution_history(executionArn=job.execution_arn)["events"]
    except Exception as err:  # noqa: BLE001 - a diagnostic must not hide the failure it explains
        return f"unreadable ({err})"
    last = [
        e["type"] + (f" {d['name']}" if (d := e.get("stateEnteredEventDetails")) else "") for e in events[-6:]
    ]
    return f"{status}, {len(events)} events, ending {' > '.join(last)}"


def _slot_holder(workspace: str) -> str:
    """Who holds a workspace's slot, for the message of a job stuck in the queue."""
    try:
        owner = SemaphoreModel.get(workspace, "LOCK", consistent_read=True).owner
    except SemaphoreModel.DoesNotExist:
        return "free (no lock item)"
    if not owner:
        return "free"
    holder = job_repo.find_job(owner.partition("#")[0])
    if holder is None:
        return f"held by {owner}, a job that no longer exists"
    state = f"{holder.label!r} {holder.status} ({holder.step})"
    return f"held by {owner}: {state}, execution {holder.execution_arn}"


def images_of(job_id: str) -> list[ImageModel]:
    return list(ImageModel.by_job.query(job_id))


def stored_originals(job_id: str) -> list[str]:
    response = aws.s3().list_objects_v2(Bucket=get_settings().bucket, Prefix=f"jobs/{job_id}/original/")
    return [item["Key"] for item in response.get("Contents", [])]


def slot_owner(workspace: str) -> str | None:
    try:
        owner = SemaphoreModel.get(workspace, "LOCK", consistent_read=True).owner
        return owner.partition("#")[0] if owner else None  # the job, whichever attempt
    except SemaphoreModel.DoesNotExist:
        return None


def execution_status(job: JobModel) -> str:
    return aws.execution_status(job_repo.get_job(job.job_id).execution_arn)
