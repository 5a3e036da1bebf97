"""The queue under a storm (issue 9, item 6): 50 jobs posted at once from 50 threads run one at
a time, in the order they were accepted, all to completion, with no connection refused, again
and again on one stack (a lost wake-up shows as a job stuck `queued` with the slot free)."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from chalicelib.models import JobModel
from chalicelib.repositories import jobs as job_repo
from imgfactory.local import dispatch
from tests.functional.helpers import config, new_user, wait_status

JOBS = 50
# 20 in a row is what the issue asks for (`IMGF_STORM_RUNS=20`); `make test` runs one.
RUNS = int(os.environ.get("IMGF_STORM_RUNS", "1"))
ALL_DONE_WITHIN_S = 240  # for the 50 jobs together: a stuck queue fails the run, never hangs CI


@pytest.fixture(scope="module")
def api(stack):
    from imgfactory.local.server import LocalApiServer

    server = LocalApiServer(port=0).start()
    yield server.url
    server.stop()


@pytest.fixture
def acquire_calls(monkeypatch):
    """AcquireSlot invocations per job: what a stuck job's failure message reports."""
    calls: Counter[str] = Counter()
    original = dispatch.HANDLERS["acquire_slot"]

    def counted(event, context):  # type: ignore[no-untyped-def]
        calls[event.get("job_id", "?")] += 1
        return original(event, context)

    monkeypatch.setitem(dispatch.HANDLERS, "acquire_slot", counted)
    return calls


def running_jobs(workspace: str) -> list[str]:
    return [job.job_id for job in JobModel.by_status.query(f"{workspace}#running")]


@pytest.mark.slow
@pytest.mark.parametrize("run", range(RUNS))
def test_fifty_jobs_posted_at_once_run_one_at_a_time_in_order_to_completion(
    api, acquire_calls, no_recheck, run
):
    user = new_user("storm")
    headers = {"Authorization": f"Bearer {user.id_token}"}
    body = {"config": config(1)}
    barrier = threading.Barrier(JOBS)

    def post(index: int) -> str:
        barrier.wait()
        response = requests.post(
            f"{api}/api/jobs", json={**body, "label": f"storm {index}"}, headers=headers, timeout=300
        )
        assert response.status_code in (201, 202), response.text
        return response.json()["job"]["id"]

    most_running, sampling = 0, threading.Event()

    def sample() -> None:
        nonlocal most_running
        while not sampling.is_set():
            most_running = max(most_running, len(running_jobs(user.sub)))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with ThreadPoolExecutor(JOBS) as pool:
        ids = list(pool.map(post, range(JOBS)))  # a reset connection raises here
    deadline = time.monotonic() + ALL_DONE_WITHIN_S
    try:
        for job_id in ids:
            try:
                wait_status(job_id, "completed", timeout=max(1.0, deadline - time.monotonic()))
            except AssertionError as err:
                raise AssertionError(
                    f"{err}; AcquireSlot ran {acquire_calls[job_id]} time(s) for it"
                ) from None
    finally:
        sampling.set()
        sampler.join()

    jobs = [job_repo.get_job(job_id) for job_id in ids]
    assert most_running <= 1
    accepted = sorted(jobs, key=lambda job: int(job.ticket))
    started = sorted(jobs, key=lambda job: job.started_at)
    assert [j.job_id for j in started] == [j.job_id for j in accepted]
    for earlier, later in zip(started, started[1:], strict=False):
        assert later.started_at >= earlier.finished_at, "two jobs of one workspace ran at once"
