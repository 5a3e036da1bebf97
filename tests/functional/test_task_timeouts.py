"""A Lambda task whose invocation never comes back must not hold its job, and the workspace's
slot, forever: the state machine times the call out (States.Timeout) and makes it again."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from chalicelib import aws, engine
from chalicelib.repositories import jobs as job_repo
from imgfactory.local import dispatch
from tests.functional.helpers import images_of, start, wait_status, wait_until


@pytest.fixture
def short_task_timeout(monkeypatch):
    """Jobs registered now give their short tasks 8 s (the deployed default is 90 s)."""
    settings = dataclasses.replace(engine.get_settings(), task_timeout_s=8)
    monkeypatch.setattr(engine, "get_settings", lambda: settings)


def hang_first_call(monkeypatch, function: str, workspace: str) -> tuple[list[str], threading.Event]:
    """The first call of `function` for a job of `workspace` never answers (until released)."""
    real = dispatch.HANDLERS[function]
    hung: list[str] = []
    release = threading.Event()

    def hanging_once(event, context):
        job = job_repo.find_job(event.get("job_id", ""))
        if job is not None and job.workspace == workspace and not hung:
            hung.append(job.job_id)
            release.wait(60)  # a lost invocation: Step Functions hears nothing back
        return real(event, context)

    monkeypatch.setitem(dispatch.HANDLERS, function, hanging_once)
    return hung, release


def history(job_id: str) -> list[dict]:
    arn = job_repo.get_job(job_id).execution_arn
    return aws.sfn().get_execution_history(executionArn=arn, maxResults=1000)["events"]


def succeeded_history(job_id: str) -> list[dict]:
    """The execution's events once it has succeeded (it ends just after the job's last write)."""
    try:
        return wait_until(lambda: (seen := history(job_id))[-1]["type"] == "ExecutionSucceeded" and seen)
    except AssertionError:
        last = [(e["id"], e["type"], e.get("previousEventId")) for e in history(job_id)[-10:]]
        raise AssertionError(f"the execution has not succeeded: its last events are {last}") from None


def timeouts_by_state(events: list[dict]) -> dict[str, int]:
    """How many times each top-level task state timed out (a busy machine may slow others)."""
    state, counted = "", {}
    for event in events:
        if event["type"] == "TaskStateEntered":
            state = event["stateEnteredEventDetails"]["name"]
        elif event["type"] == "TaskTimedOut":
            assert event["taskTimedOutEventDetails"]["error"] == "States.Timeout"
            counted[state] = counted.get(state, 0) + 1
    return counted


@pytest.mark.parametrize(("function", "state"), [("next_step", "NextStep"), ("finish_job", "FinishJob")])
def test_a_task_that_never_answers_is_timed_out_and_made_again(
    workspace, short_task_timeout, monkeypatch, function, state
):
    hung, release = hang_first_call(monkeypatch, function, workspace)
    try:
        job = start(workspace, generations=2)
        done = wait_status(job.job_id, "completed", timeout=45)
    finally:
        release.set()
    assert hung == [job.job_id]
    assert int(done.images_ok) == 2 and len(images_of(job.job_id)) == 2  # nothing made twice
    # The job's status is written by FinishJob itself: the execution ends just after.
    events = succeeded_history(job.job_id)
    assert timeouts_by_state(events).get(state) == 1  # the lost call, and only it

    after = start(workspace, generations=1)  # the slot was released: the next job runs
    wait_status(after.job_id, "completed", timeout=30)
