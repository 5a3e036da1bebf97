"""A burst of clients at once while a job runs: every connection is accepted and answered."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
import requests

from tests.functional.helpers import config, wait_status
from tests.functional.test_http_api import TOKEN, api  # noqa: F401 - the api fixture

BURST = 400


@pytest.mark.slow
def test_a_burst_of_400_concurrent_requests_while_a_job_runs_loses_no_connection(api):  # noqa: F811
    headers = {"Authorization": f"Bearer {TOKEN}"}
    running = requests.post(
        f"{api}/api/jobs", json={"config": config(40, label="busy")}, headers=headers, timeout=30
    ).json()["job"]
    wait_status(running["id"], "running")
    requests_to_send = []
    for n in range(BURST):
        kind = n % 5
        if kind == 0:
            requests_to_send.append(("GET", "/api/jobs", None))
        elif kind == 1:
            requests_to_send.append(("GET", f"/api/jobs/{running['id']}", None))
        elif kind == 2:
            requests_to_send.append(("GET", "/api/images?limit=5", None))
        elif kind == 3:
            requests_to_send.append(("POST", "/api/plans/validate", {"phases": ["prompts", "generate"]}))
        else:  # a job start the API refuses: the whole POST path, nothing left running
            requests_to_send.append(("POST", "/api/jobs", {"config": {"generations": 0}}))
    barrier = threading.Barrier(BURST)
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    lock = threading.Lock()

    def send(method: str, path: str, body: object) -> None:
        barrier.wait()
        try:  # a fresh connection each: the burst is of connections, not of requests on a few
            response = requests.request(method, f"{api}{path}", json=body, headers=headers, timeout=300)
            with lock:
                statuses[response.status_code] += 1
        except requests.RequestException as err:
            with lock:
                errors.append(f"{method} {path}: {type(err).__name__}: {err}")

    threads = [threading.Thread(target=send, args=request) for request in requests_to_send]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [], f"{len(errors)} of {BURST} failed, first: {errors[0]}"
    assert statuses == {200: BURST * 3 // 5 + BURST // 5, 400: BURST // 5}, statuses
    assert wait_status(running["id"], "completed", timeout=300).images_ok == 40
