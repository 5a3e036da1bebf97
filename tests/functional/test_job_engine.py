"""The job engine through the real state machine on moto (SPEC §3, issue 2's must-shows)."""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest

from chalicelib import aws
from chalicelib.providers.local import LocalProvider
from chalicelib.repositories import jobs as job_repo
from chalicelib.services import jobs as job_service
from chalicelib.settings import get_settings
from chalicelib.views import job_summary
from tests.functional.helpers import (
    config,
    images_of,
    slot_owner,
    start,
    stored_originals,
    wait_status,
    wait_until,
)


@pytest.fixture
def generated(monkeypatch):
    """Records every generation the provider actually renders (prompt, seed)."""
    calls: list[tuple[str, int]] = []
    lock = threading.Lock()
    original = LocalProvider.generate

    def recording(self, request):
        with lock:
            calls.append((request.prompt, request.seed))
        return original(self, request)

    monkeypatch.setattr(LocalProvider, "generate", recording)
    return calls


@pytest.fixture
def slow_provider(monkeypatch):
    """Each generation takes a while, so tests can act while a job runs."""
    original = LocalProvider.generate

    def slow(self, request):
        time.sleep(0.15)
        return original(self, request)

    monkeypatch.setattr(LocalProvider, "generate", slow)


def test_six_image_job_completes_with_progress_100_and_six_images_in_s3(workspace):
    job = start(workspace, generations=6)
    done = wait_status(job.job_id, "completed")
    assert job_summary(done)["progress"] == 100
    assert len(stored_originals(job.job_id)) == 6
    images = images_of(job.job_id)
    assert [i.status for i in images] == ["approved"] * 6
    assert {(i.width, i.height) for i in images} == {(1024, 1024)}
    wait_until(lambda: slot_owner(workspace) is None)


def test_variations_multiply_the_images_of_a_generation(workspace):
    job = start(workspace, generations=2, variations=3)
    wait_status(job.job_id, "completed")
    assert sorted((i.generation, i.variation) for i in images_of(job.job_id)) == [
        (g, v) for g in range(2) for v in range(3)
    ]


def test_five_jobs_started_at_once_run_one_at_a_time_in_start_order(workspace):
    jobs = [start(workspace, generations=2) for _ in range(5)]
    finished = [wait_status(job.job_id, "completed", timeout=60) for job in jobs]
    for earlier, later in zip(finished, finished[1:], strict=False):
        assert earlier.started_at < later.started_at
        assert earlier.finished_at <= later.started_at, "two jobs held the slot at once"


def test_a_queued_job_shows_its_position(workspace, slow_provider):
    first = start(workspace, generations=8)
    second = start(workspace, generations=1)
    third = start(workspace, generations=1)
    wait_status(first.job_id, "running")
    assert job_summary(job_repo.get_job(second.job_id))["queue_position"] == 1
    assert job_summary(job_repo.get_job(third.job_id))["queue_position"] == 2
    job_service.force_stop(workspace, first.job_id)
    wait_status(third.job_id, "completed")


def test_failure_mid_batch_then_resume_yields_exactly_the_planned_images(workspace, monkeypatch, generated):
    original = LocalProvider.generate
    calls = {"n": 0}

    def crash_on_fourth(self, request):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("provider process crashed")
        return original(self, request)

    monkeypatch.setattr(LocalProvider, "generate", crash_on_fourth)
    job = start(workspace, generations=6, parameters={"max_concurrency": 1})
    failed = wait_status(job.job_id, "failed")
    assert "provider process crashed" in failed.error
    assert len(images_of(job.job_id)) == 3
    wait_until(lambda: slot_owner(workspace) is None)

    monkeypatch.setattr(LocalProvider, "generate", original)  # the recording provider
    job_service.resume_job(workspace, job.job_id)
    done = wait_status(job.job_id, "completed")
    images = images_of(job.job_id)
    assert sorted(i.generation for i in images) == [0, 1, 2, 3, 4, 5]
    assert len(stored_originals(job.job_id)) == 6
    assert int(done.images_ok) == 6 and int(done.images_failed) == 0
    rendered = [seed for _, seed in generated]
    assert sorted(rendered) == sorted(i.seed for i in images), "an image was rendered twice or lost"


def test_resume_generates_no_image_twice(workspace, monkeypatch, generated):
    recording = LocalProvider.generate
    state = {"n": 0}

    def crash_once(self, request):
        state["n"] += 1
        if state["n"] == 5:
            raise RuntimeError("worker lost")
        return recording(self, request)

    monkeypatch.setattr(LocalProvider, "generate", crash_once)
    job = start(workspace, generations=7, parameters={"max_concurrency": 2})
    wait_status(job.job_id, "failed")
    job_service.resume_job(workspace, job.job_id)
    wait_status(job.job_id, "completed")
    seeds = [seed for _, seed in generated]
    assert len(seeds) == 7 and len(set(seeds)) == 7, "a generation was rendered twice or lost"


def test_graceful_stop_finishes_the_current_image_and_ends_cancelled(workspace, slow_provider):
    job = start(workspace, generations=12, parameters={"max_concurrency": 1})
    wait_until(lambda: len(images_of(job.job_id)) >= 2)
    job_service.request_stop(workspace, job.job_id)
    stopped = wait_status(job.job_id, "cancelled")
    made = len(images_of(job.job_id))
    assert 2 <= made < 12
    assert len(stored_originals(job.job_id)) == made, "an image was left half-written"
    assert stopped.error is None
    wait_until(lambda: slot_owner(workspace) is None)


def test_stopping_a_finished_job_is_refused(workspace):
    from chalicelib.errors import InvalidStateError

    job = start(workspace, generations=1)
    wait_status(job.job_id, "completed")
    with pytest.raises(InvalidStateError):
        job_service.request_stop(workspace, job.job_id)


def test_force_stop_frees_the_slot_for_the_next_queued_job_at_once(workspace, slow_provider):
    running = start(workspace, generations=20, parameters={"max_concurrency": 1})
    queued = start(workspace, generations=2)
    wait_status(running.job_id, "running")
    assert job_repo.get_job(queued.job_id).status == "queued"

    job_service.force_stop(workspace, running.job_id)
    assert job_repo.get_job(running.job_id).status == "cancelled"
    assert slot_owner(workspace) != running.job_id
    wait_status(queued.job_id, "completed")
    wait_until(lambda: aws.execution_status(job_repo.get_job(running.job_id).execution_arn) != "RUNNING")


def test_stop_of_a_queued_job_cancels_it_without_running_it(workspace, slow_provider):
    running = start(workspace, generations=6, parameters={"max_concurrency": 1})
    queued = start(workspace, generations=2)
    wait_status(running.job_id, "running")
    job_service.request_stop(workspace, queued.job_id)
    assert job_repo.get_job(queued.job_id).status == "cancelled"
    wait_until(lambda: aws.execution_status(job_repo.get_job(queued.job_id).execution_arn) == "SUCCEEDED")
    wait_status(running.job_id, "completed")
    assert images_of(queued.job_id) == []


def test_an_execution_aborted_from_outside_ends_the_job_and_frees_the_slot(workspace, slow_provider):
    running = start(workspace, generations=20, parameters={"max_concurrency": 1})
    queued = start(workspace, generations=1)
    wait_status(running.job_id, "running")
    # As an operator would from the AWS console or CLI: no flag is set on our side.
    aws.sfn().stop_execution(executionArn=job_repo.get_job(running.job_id).execution_arn)
    ended = wait_status(running.job_id, "cancelled", timeout=30)
    assert ended.step == "Cancelled (stopped outside Image Factory)"
    wait_status(queued.job_id, "completed", timeout=30)


def test_cleanup_of_an_earlier_attempt_leaves_a_resumed_job_alone(workspace):
    from chalicelib import engine

    job = start(workspace, generations=1)
    wait_status(job.job_id, "completed")
    first_attempt = job_repo.get_job(job.job_id)
    first_attempt.update(actions=[first_attempt.__class__.attempt.set(2)])  # as a resume leaves it
    event = {"detail": {"name": job.job_id, "status": "FAILED", "executionArn": first_attempt.execution_arn}}
    first_attempt.update(actions=[first_attempt.__class__.status.set("queued")])
    engine.cleanup_execution(event)
    assert job_repo.get_job(job.job_id).status == "queued"


def test_the_late_end_of_an_execution_leaves_the_resume_that_overtook_it_alone(workspace, monkeypatch):
    """EventBridge's "execution failed" read the job just before a resume: ending it then must
    not fail the resumed attempt (it did: the resumed job failed with "Execution failed")."""
    from chalicelib import engine
    from chalicelib.providers.local import LocalProvider
    from chalicelib.services import jobs as job_service

    original = LocalProvider.generate
    monkeypatch.setattr(
        LocalProvider, "generate", lambda self, request: (_ for _ in ()).throw(RuntimeError("down"))
    )
    job = start(workspace, generations=1)
    wait_status(job.job_id, "failed")
    stale = job_repo.get_job(job.job_id)  # as the cleanup read it
    monkeypatch.setattr(LocalProvider, "generate", original)
    job_service.resume_job(workspace, job.job_id)
    engine.mark_ended(stale, "Execution failed")
    resumed = wait_status(job.job_id, "completed")
    assert int(resumed.attempt) == 2 and not resumed.error


def test_an_execution_started_directly_with_a_raw_config_registers_and_completes(stack):
    name = f"cli-{uuid.uuid4().hex[:8]}"
    aws.sfn().start_execution(
        stateMachineArn=get_settings().job_state_machine_arn,
        name=name,
        input=json.dumps({"config": config(3, label="From the AWS CLI")}),
    )
    job = wait_status(name, "completed")
    assert job.label == "From the AWS CLI"
    assert job.workspace == get_settings().default_workspace
    assert len(stored_originals(name)) == 3


def test_a_direct_start_with_a_bad_config_shows_a_failed_job_naming_the_field(stack):
    name = f"cli-{uuid.uuid4().hex[:8]}"
    arn = aws.sfn().start_execution(
        stateMachineArn=get_settings().job_state_machine_arn,
        name=name,
        input=json.dumps({"config": {"generations": 0}}),
    )["executionArn"]
    job = wait_status(name, "failed")
    assert "generations" in job.error
    wait_until(lambda: aws.execution_status(arn) == "FAILED")


def test_rerun_is_a_new_job_labelled_after_its_parent(workspace):
    parent = start(workspace, generations=1, label="Spring set")
    wait_status(parent.job_id, "completed")
    rerun = job_service.rerun_job(workspace, parent.job_id)
    assert rerun.job_id != parent.job_id
    assert rerun.label == f"Spring set (Rerun {rerun.job_id[:6]})"
    assert rerun.parent_id == parent.job_id
    wait_status(rerun.job_id, "completed")
    again = job_service.rerun_job(workspace, rerun.job_id)
    assert again.label == f"Spring set (Rerun {again.job_id[:6]})"
    wait_status(again.job_id, "completed")


def test_a_rerun_while_a_job_runs_is_queued_not_refused(workspace, slow_provider):
    parent = start(workspace, generations=1)
    wait_status(parent.job_id, "completed")
    busy = start(workspace, generations=6, parameters={"max_concurrency": 1})
    wait_status(busy.job_id, "running")
    rerun = job_service.rerun_job(workspace, parent.job_id)
    assert job_repo.get_job(rerun.job_id).status == "queued"
    wait_status(rerun.job_id, "completed")


def test_pause_holds_at_a_checkpoint_and_resume_carries_on(workspace, slow_provider):
    job = start(workspace, generations=10, parameters={"max_concurrency": 1})
    wait_until(lambda: len(images_of(job.job_id)) >= 1)
    job_service.pause_job(workspace, job.job_id)
    wait_status(job.job_id, "paused")
    held = len(images_of(job.job_id))
    time.sleep(0.5)
    assert len(images_of(job.job_id)) == held
    assert slot_owner(workspace) == job.job_id
    job_service.resume_job(workspace, job.job_id)
    wait_status(job.job_id, "completed")
    assert len(images_of(job.job_id)) == 10


def test_progress_advances_per_image_and_single_image_shows_zero_until_done(workspace, slow_provider):
    job = start(workspace, generations=8, parameters={"max_concurrency": 1})
    seen: set[int] = set()

    def sample() -> bool:
        current = job_repo.get_job(job.job_id)
        seen.add(job_summary(current)["progress"])
        return current.status == "completed"

    wait_until(sample, timeout=30, interval=0.02)
    middle = sorted(p for p in seen if 0 < p < 100)
    assert len(middle) >= 4, f"progress moved in too few steps: {sorted(seen)}"
    assert max(middle) < 100

    single = start(workspace, generations=1)
    values: set[int] = set()

    def sample_single() -> bool:
        current = job_repo.get_job(single.job_id)
        values.add(job_summary(current)["progress"])
        return current.status == "completed"

    wait_until(sample_single, timeout=30, interval=0.02)
    assert values <= {0, 100}


def test_offline_prompts_are_written_without_a_map_of_tasks_and_show_on_the_timeline(workspace):
    """No OpenAI key: NextStep fills the prompts itself (microseconds each) instead of a Map."""
    from chalicelib.views import job_detail

    job = wait_status(start(workspace, generations=5).job_id, "completed")
    events = aws.sfn().get_execution_history(executionArn=job.execution_arn, maxResults=1000)["events"]
    entered = [
        (e.get("stateEnteredEventDetails") or {}).get("name")
        for e in events
        if e["type"].endswith("StateEntered")
    ]
    runs = entered.count("RunBatch")
    assert runs == job.plan[1]["batches"]  # the generation batches only
    assert all(image.prompt for image in images_of(job.job_id))
    timeline = {p["name"]: p for p in job_detail(job_repo.get_job(job.job_id), None)["phases"]}
    assert timeline["prompts"]["status"] == "succeeded" and timeline["prompts"]["started_at"]
