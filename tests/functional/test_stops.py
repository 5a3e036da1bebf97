"""Stops as a user sees them (issue 9, items 1 and 2): a graceful stop starts no image after it is
asked for, a force stop writes nothing after the API answers, and a stop from outside Image
Factory (the AWS CLI or console) cancels the job like any other stop."""

from __future__ import annotations

import threading
import time

import pytest

from chalicelib import aws
from chalicelib.models import LogLineModel
from chalicelib.providers.local import LocalProvider
from chalicelib.repositories import jobs as job_repo
from chalicelib.services import jobs as job_service
from imgfactory.local import dispatch
from tests.functional.helpers import images_of, slot_owner, start, stored_originals, wait_status, wait_until


class GatedProvider:
    """The local provider, except that generations from `hold_from` on (0-based) wait at a gate:
    the test knows exactly which generation is in flight when it stops the job."""

    def __init__(self, hold_from: int) -> None:
        self.hold_from = hold_from
        self.gate = threading.Event()
        self.started = 0
        self.finished = 0
        self._lock = threading.Lock()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> GatedProvider:
        original = LocalProvider.generate
        gated = self

        def generate(provider, request):  # type: ignore[no-untyped-def]
            with gated._lock:
                index = gated.started
                gated.started += 1
            if index >= gated.hold_from:
                assert gated.gate.wait(30), "the test never opened the gate"
            try:
                return original(provider, request)
            finally:
                with gated._lock:
                    gated.finished += 1

        monkeypatch.setattr(LocalProvider, "generate", generate)
        return self


@pytest.fixture(autouse=True)
def batches_of_ten(monkeypatch):
    """Batches of ten generations, so the stops below land in the middle of a batch."""
    import dataclasses

    from chalicelib import engine

    settings = dataclasses.replace(engine.get_settings(), images_per_batch=10)
    monkeypatch.setattr(engine, "get_settings", lambda: settings)


@pytest.fixture
def batches_running(monkeypatch):
    """How many RunBatch tasks are running now (a stopped execution's task runs on: Step Functions
    does not interrupt a Lambda)."""
    state = {"running": 0}
    lock = threading.Lock()
    original = dispatch.HANDLERS["run_batch"]

    def counted(event, context):  # type: ignore[no-untyped-def]
        with lock:
            state["running"] += 1
        try:
            return original(event, context)
        finally:
            with lock:
                state["running"] -= 1

    monkeypatch.setitem(dispatch.HANDLERS, "run_batch", counted)
    return state


def log_lines(job_id: str) -> list[str]:
    return [line.message for line in LogLineModel.query(job_id, consistent_read=True)]


def test_graceful_stop_after_three_images_keeps_exactly_those_and_the_one_in_flight(workspace, monkeypatch):
    provider = GatedProvider(hold_from=3).install(monkeypatch)
    job = start(workspace, generations=20, parameters={"max_concurrency": 1})
    wait_until(lambda: len(images_of(job.job_id)) == 3 and provider.started == 4, timeout=90)
    job_service.request_stop(workspace, job.job_id)  # generation 4 is rendering: in flight
    provider.gate.set()

    stopped = wait_status(job.job_id, "cancelled")
    assert provider.started == 4, "a generation was started after the stop was asked for"
    assert len(images_of(job.job_id)) == 4
    assert len(stored_originals(job.job_id)) == 4
    assert stopped.error is None
    lines = log_lines(job.job_id)
    asked = lines.index("Stop requested: finishing the current image")
    assert [m for m in lines[asked:] if m.startswith("Generated")] == [
        "Generated 1 image(s) for generation 4 of 20"
    ]
    # The line that ends the log follows the final status by a write (the status is set first,
    # so the one writer that ends the job is the one that says so).
    wait_until(lambda: log_lines(job.job_id)[-1] == "Job cancelled")
    wait_until(lambda: slot_owner(workspace) is None)


def test_graceful_stop_with_concurrent_batches_finishes_only_the_images_in_flight(workspace, monkeypatch):
    provider = GatedProvider(hold_from=4).install(monkeypatch)
    job = start(workspace, generations=40, parameters={"max_concurrency": 3})
    wait_until(
        lambda: provider.started - provider.finished == 3 and len(images_of(job.job_id)) == 4, timeout=90
    )
    in_flight = provider.started - provider.finished
    made = len(images_of(job.job_id))
    job_service.request_stop(workspace, job.job_id)
    provider.gate.set()

    wait_status(job.job_id, "cancelled")
    assert provider.started == made + in_flight
    assert len(images_of(job.job_id)) == made + in_flight


def test_force_stop_writes_nothing_for_the_job_after_the_api_answers(workspace, monkeypatch, batches_running):
    provider = GatedProvider(hold_from=3).install(monkeypatch)
    job = start(workspace, generations=20, parameters={"max_concurrency": 1})
    wait_until(lambda: len(images_of(job.job_id)) == 3 and provider.started == 4, timeout=90)

    answered = job_service.force_stop(workspace, job.job_id)
    assert answered.status == "cancelled"
    images, objects, lines = images_of(job.job_id), stored_originals(job.job_id), log_lines(job.job_id)
    counters = (int(answered.images_ok), int(answered.phase_units_done))
    provider.gate.set()  # the generation in flight comes back after the answer

    wait_until(lambda: provider.finished == 4)
    wait_until(lambda: batches_running["running"] == 0)
    wait_until(lambda: aws.execution_status(answered.execution_arn) == "ABORTED")
    time.sleep(0.5)  # the cleanup machine's release, which writes nothing the user sees
    after = job_repo.get_job(job.job_id)
    assert [i.image_id for i in images_of(job.job_id)] == [i.image_id for i in images]
    assert stored_originals(job.job_id) == objects
    assert log_lines(job.job_id) == lines
    assert (int(after.images_ok), int(after.phase_units_done)) == counters
    assert after.status == "cancelled"
    assert provider.started == 4


def test_a_stop_from_outside_cancels_the_job_stops_its_batch_and_aborts_the_execution(
    workspace, monkeypatch, batches_running
):
    provider = GatedProvider(hold_from=3).install(monkeypatch)
    running = start(workspace, generations=10, parameters={"max_concurrency": 1})
    queued = start(workspace, generations=1)
    wait_until(lambda: len(images_of(running.job_id)) == 3 and provider.started == 4, timeout=90)

    # As an operator would from the AWS console or CLI: nothing is set on our side.
    arn = job_repo.get_job(running.job_id).execution_arn
    aws.sfn().stop_execution(executionArn=arn)
    ended = wait_status(running.job_id, "cancelled")
    assert "stopped outside Image Factory" in ended.step
    assert ended.error is None
    provider.gate.set()

    wait_status(queued.job_id, "completed")  # the slot was freed
    wait_until(lambda: batches_running["running"] == 0)
    assert aws.execution_status(arn) == "ABORTED"
    assert len(images_of(running.job_id)) <= 4, "the batch went on after the stop"
    assert provider.started == 5  # the 4th (in flight when stopped) and the queued job's one
    assert log_lines(running.job_id)[-1] == "Job cancelled: stopped outside Image Factory"
