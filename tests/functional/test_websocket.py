"""Live updates over a real WebSocket client: log, progress, status and image messages."""

from __future__ import annotations

import json
import time

import pytest
import requests
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.functional.helpers import wait_status


def receive_until(ws, predicate, timeout=30.0):
    """Collect messages until one matches `predicate`; returns them all."""
    messages, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        messages.append(message)
        if predicate(message):
            return messages
    raise AssertionError(f"no matching message in {timeout}s; got {messages[-5:]}")


def start_job(running, generations=4):
    response = requests.post(
        f"{running.api.url}/api/jobs",
        json={"config": {"generations": generations, "ai": {"quality_check": False, "metadata": False}}},
        headers={"Authorization": f"Bearer {running.token}"},
        timeout=10,
    )
    assert response.status_code == 202
    return response.json()["job"]


def test_health_names_the_websocket_url(running):
    health = requests.get(f"{running.api.url}/api/health", timeout=5).json()
    assert health["websocket_url"] == running.websocket.url


def test_a_subscriber_receives_log_progress_status_and_image_messages_of_a_running_job(running):
    with connect(f"{running.websocket.url}/?token={running.token}") as ws:
        ws.send(json.dumps({"action": "subscribe", "job_id": "*"}))
        assert json.loads(ws.recv(timeout=5)) == {"type": "subscribed", "job_id": "*"}
        job = start_job(running)
        messages = receive_until(ws, lambda m: m["type"] == "status" and m["status"] == "completed")
    mine = [m for m in messages if m["job_id"] == job["id"]]
    kinds = {m["type"] for m in mine}
    assert {"log", "progress", "status", "image"} <= kinds
    statuses = [m["status"] for m in mine if m["type"] == "status"]
    assert statuses == ["running", "completed"]
    # Batches running side by side publish their own lines, so live lines can interleave; each
    # carries its sequence number, and together they are the stored log without a gap.
    seqs = sorted(m["seq"] for m in mine if m["type"] == "log")
    stored = requests.get(
        f"{running.api.url}/api/jobs/{job['id']}/logs",
        headers={"Authorization": f"Bearer {running.token}"},
        timeout=5,
    ).json()["lines"]
    # (the last line, "Job completed", may follow the status message the client stopped at)
    assert seqs == [line["seq"] for line in stored][: len(seqs)]
    # Like log lines, progress from batches running side by side may interleave: each value is
    # the job's progress at that write, and a client shows the highest it has seen.
    progress = [m["progress"] for m in mine if m["type"] == "progress"]
    assert len(set(progress)) >= 3 and 0 < max(progress) < 100
    images = [m["image"] for m in mine if m["type"] == "image"]
    assert len(images) == 4 and all(i["job_id"] == job["id"] for i in images)


def test_a_job_subscription_gets_only_that_job(running):
    with connect(f"{running.websocket.url}/?token={running.token}") as ws:
        other = start_job(running, generations=1)
        job = start_job(running, generations=2)
        ws.send(json.dumps({"action": "subscribe", "job_id": job["id"]}))
        messages = receive_until(ws, lambda m: m.get("type") == "status" and m.get("status") == "completed")
        wait_status(other["id"], "completed")
    assert {m["job_id"] for m in messages} == {job["id"]}


def test_a_connection_without_the_token_is_refused(running):
    with pytest.raises(InvalidStatus):
        with connect(f"{running.websocket.url}/?token=wrong") as ws:
            ws.recv(timeout=5)


def test_subscribing_to_an_unknown_job_is_an_error_message(running):
    with connect(f"{running.websocket.url}/?token={running.token}") as ws:
        ws.send(json.dumps({"action": "subscribe", "job_id": "nope"}))
        reply = json.loads(ws.recv(timeout=5))
        assert reply["type"] == "error" and reply["error"]["code"] == "not_found"
        ws.send("not json")
        assert json.loads(ws.recv(timeout=5))["error"]["field"] == "body"


def test_a_closed_connection_is_dropped(running):
    from chalicelib.models import ConnectionModel

    with connect(f"{running.websocket.url}/?token={running.token}") as ws:
        ws.send(json.dumps({"action": "subscribe", "job_id": "*"}))
        ws.recv(timeout=5)
        before = ConnectionModel.count()
    deadline = time.monotonic() + 5
    while ConnectionModel.count() >= before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ConnectionModel.count() == before - 1
