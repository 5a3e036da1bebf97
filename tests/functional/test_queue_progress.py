"""The queue always makes progress (issue 9, items 6 to 8): a job stopped while queued ends its
execution within seconds, whatever it was doing, with no help from the re-check timer; no
execution of an ended job is left parked; jobs started straight on Step Functions run in the
order their executions started."""

from __future__ import annotations

import json
import os
import time
import uuid

import pytest

from chalicelib import aws
from chalicelib.providers.local import LocalProvider
from chalicelib.repositories import jobs as job_repo
from chalicelib.services import jobs as job_service
from chalicelib.settings import get_settings
from imgfactory.local import dispatch
from tests.functional.helpers import config, start, wait_status, wait_until


@pytest.fixture
def slow_provider(monkeypatch):
    original = LocalProvider.generate

    def slow(self, request):  # type: ignore[no-untyped-def]
        time.sleep(0.2)
        return original(self, request)

    monkeypatch.setattr(LocalProvider, "generate", slow)


def running_executions_of(job_ids: list[str]) -> list[str]:
    arns = [job_repo.get_job(job_id).execution_arn for job_id in job_ids]
    return [arn for arn in arns if aws.execution_status(arn) == "RUNNING"]


def where_parked(arns: list[str]) -> list[str]:
    """Each execution's last state entered and last event, for a failure message."""
    found = []
    for arn in arns:
        events = aws.sfn().get_execution_history(executionArn=arn)["events"][::-1]
        entered = next((e for e in events if e["type"].endswith("StateEntered")), {})
        state = entered.get("stateEnteredEventDetails", {}).get("name")
        found.append(f"{arn.rsplit(':', 1)[-1]} in {state}, last event {events[0]['type']}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(3))
def test_jobs_stopped_while_queued_end_their_executions_within_seconds(
    workspace, no_recheck, slow_provider, round_
):
    running = start(workspace, generations=30, parameters={"max_concurrency": 1})  # 6 s or more
    queued = [start(workspace, generations=1) for _ in range(8)]
    wait_status(running.job_id, "running")
    time.sleep(3)
    for job in queued:
        assert job_service.request_stop(workspace, job.job_id).status == "cancelled"

    ids = [job.job_id for job in queued]
    try:
        wait_until(lambda: not running_executions_of(ids), timeout=20)
    except AssertionError:
        raise AssertionError(
            f"parked after their job ended: {where_parked(running_executions_of(ids))}"
        ) from None
    wait_status(running.job_id, "completed", timeout=90)


def test_a_job_woken_and_stopped_at_once_still_ends(workspace, no_recheck, slow_provider):
    """The head is woken by the release of the job before it and cancelled while its next
    AcquireSlot round is on its way: the cancel must reach that round, not the one before."""
    first = start(workspace, generations=2, parameters={"max_concurrency": 1})
    head = start(workspace, generations=1)
    behind = start(workspace, generations=1)
    wait_status(first.job_id, "running")
    wait_until(lambda: "position" in job_repo.get_job(behind.job_id).step)
    original = dispatch.HANDLERS["acquire_slot"]

    def late(event, context):  # type: ignore[no-untyped-def]
        if event["job_id"] == head.job_id:
            time.sleep(1)  # the woken round is slow to arrive: the cancel lands meanwhile
        return original(event, context)

    dispatch.HANDLERS["acquire_slot"] = late
    try:
        job_service.request_stop(workspace, first.job_id)  # its release wakes the head
        wait_status(first.job_id, "cancelled")
        job_service.request_stop(workspace, head.job_id)
        wait_until(lambda: not running_executions_of([head.job_id]), timeout=20)
    finally:
        dispatch.HANDLERS["acquire_slot"] = original
    wait_status(behind.job_id, "completed", timeout=30)


def test_direct_starts_queue_in_the_order_their_executions_started(stack, monkeypatch):
    workspace = f"ws-{uuid.uuid4().hex[:10]}"
    names = [f"cli-{uuid.uuid4().hex[:8]}" for _ in range(4)]
    original = dispatch.HANDLERS["register_job"]

    def first_registers_last(event, context):  # type: ignore[no-untyped-def]
        if event.get("execution_name") == names[0]:
            time.sleep(1.5)  # its execution started first, but RegisterJob runs last
        return original(event, context)

    monkeypatch.setitem(dispatch.HANDLERS, "register_job", first_registers_last)
    for name in names:
        aws.sfn().start_execution(
            stateMachineArn=get_settings().job_state_machine_arn,
            name=name,
            input=json.dumps({"config": config(1), "workspace": workspace}),
        )
        time.sleep(0.05)
    jobs = [wait_status(name, "completed", timeout=60) for name in names]
    assert [job.job_id for job in sorted(jobs, key=lambda job: job.started_at)] == names


def test_an_execution_started_with_no_name_becomes_a_job_that_completes(stack):
    """As the AWS CLI does without --name (the command `imgfactory dev` prints)."""
    arn = aws.sfn().start_execution(
        stateMachineArn=get_settings().job_state_machine_arn,
        input=json.dumps({"config": config(2, label="No name given")}),
    )["executionArn"]
    name = aws.sfn().describe_execution(executionArn=arn)["name"]
    assert name != "None"
    job = wait_status(name, "completed", timeout=60)
    assert job.label == "No name given"
    wait_until(lambda: aws.execution_status(arn) == "SUCCEEDED")

    # The watcher survived: a second unnamed start, stopped from outside, is cleaned up too.
    second = aws.sfn().start_execution(
        stateMachineArn=get_settings().job_state_machine_arn,
        input=json.dumps({"config": config(1)}),
    )["executionArn"]
    second_name = aws.sfn().describe_execution(executionArn=second)["name"]
    assert second_name != name
    wait_until(lambda: job_repo.find_job(second_name) is not None)
    aws.sfn().stop_execution(executionArn=second)
    assert wait_status(second_name, "cancelled", "completed").status in ("cancelled", "completed")
    assert stack._watcher.is_alive()


LEAK_ROUNDS = int(os.environ.get("IMGF_LEAK_ROUNDS", "3"))  # bench 10 runs the 20


@pytest.mark.slow
def test_after_many_stopped_queues_no_execution_is_left_running_and_the_stack_idles(
    workspace, no_recheck, slow_provider
):
    ended: list[str] = []
    for _ in range(LEAK_ROUNDS):
        running = start(workspace, generations=30, parameters={"max_concurrency": 1})  # 6 s or more
        queued = [start(workspace, generations=1) for _ in range(8)]
        wait_status(running.job_id, "running")
        time.sleep(3)
        for job in queued:
            job_service.request_stop(workspace, job.job_id)
        wait_status(running.job_id, "completed", timeout=90)
        ended += [running.job_id, *(job.job_id for job in queued)]
    wait_until(lambda: not running_executions_of(ended), timeout=20)

    time.sleep(2)
    wall, cpu = time.perf_counter(), time.process_time()
    time.sleep(5)
    share = (time.process_time() - cpu) / (time.perf_counter() - wall)
    assert share <= 0.10, f"the idle stack used {share:.0%} of a core"
