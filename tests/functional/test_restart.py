"""`imgfactory dev` stopped and started again, as a user does: everything is where it was.

Each stack here is its own `imgfactory dev` process in a fresh folder (its data in
`.imgfactory/state` there), stopped with Ctrl-C (SIGINT) or killed outright.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from imgfactory.local.persistence import SNAPSHOT
from tests.functional.helpers import QUIET

INTERRUPTED = "interrupted by a restart of the local stack"


def _free_block() -> int:
    """A port P with P, P+1 and P+2 free (the API, the local AWS and the WebSocket), below the
    kernel's ephemeral range (32768 and up): a restart binds them again, and a port in that range
    can meanwhile become the local end of any outgoing connection on the machine."""
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(20000, 32000)
        try:
            for offset in (0, 1, 2):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port + offset))
            return port
        except OSError:
            continue
    raise AssertionError("no three free ports in a row")


class DevStack:
    """One `imgfactory dev` process run from `folder`."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.process: subprocess.Popen[str] | None = None
        self.output = ""

    def start(self, *extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IMGF_") and k != "MOTO_PORT"}
        dev_file = self.folder / ".imgfactory" / "dev.json"
        dev_file.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "imgfactory", "dev", "--port", str(self.port), *extra],
            cwd=self.folder,
            env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"imgfactory dev exited: {self.process.stdout.read()}")  # type: ignore[union-attr]
            if dev_file.is_file():
                try:
                    state = json.loads(dev_file.read_text())
                    requests.get(f"{state['api']}/api/health", timeout=5).raise_for_status()
                    return state
                except (ValueError, requests.RequestException):
                    pass
            time.sleep(0.2)
        self.kill()
        raise AssertionError(f"imgfactory dev did not come up within 180 s: {self.output}")

    def stop(self, sig: int = signal.SIGINT) -> str:
        assert self.process is not None
        self.process.send_signal(sig)
        out, _ = self.process.communicate(timeout=120)
        self.output = out
        return out

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            out, _ = self.process.communicate(timeout=30)
            self.output += out or ""


@pytest.fixture
def dev(tmp_path):
    stack = DevStack(tmp_path, _free_block())
    yield stack
    stack.kill()


def _call(state: dict[str, str], method: str, path: str, token: str | None = None, **kwargs):
    headers = {"Authorization": f"Bearer {token or state['token']}"}
    return requests.request(method, f"{state['api']}{path}", headers=headers, timeout=60, **kwargs)


def _wait(state, job_id, *statuses, token=None, timeout=180):
    deadline = time.monotonic() + timeout
    job: dict = {}
    while time.monotonic() < deadline:
        job = _call(state, "GET", f"/api/jobs/{job_id}", token).json()["job"]
        if job["status"] in statuses:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} is {job.get('status')} ({job.get('step')}), not {statuses}")


def _images(state, job_id, token=None):
    return _call(state, "GET", "/api/images", token, params={"job_id": job_id, "limit": 200}).json()["items"]


def _config(generations: int, label: str) -> dict:
    return {"generations": generations, "keywords": ["red fox", "blue lake"], "ai": QUIET, "label": label}


@pytest.mark.slow
def test_a_restart_keeps_jobs_images_settings_and_token_and_fails_a_running_job_resumably(dev):
    first = dev.start()
    token = first["token"]
    done = _call(first, "POST", "/api/jobs", json={"config": _config(3, "kept")}).json()["job"]
    _wait(first, done["id"], "completed")
    kept_images = sorted(image["id"] for image in _images(first, done["id"]))
    assert len(kept_images) == 3
    settings = {
        "default_config": {"generations": 2, "label": "my default"},
        "api_keys": {"piapi": "pk-abcd1234"},
    }
    assert _call(first, "PUT", "/api/settings", json=settings).status_code == 200
    before_settings = _call(first, "GET", "/api/settings").json()
    busy = _call(
        first,
        "POST",
        "/api/jobs",
        json={"config": {**_config(24, "busy"), "parameters": {"max_concurrency": 1}}},
    ).json()["job"]
    deadline = time.monotonic() + 120
    while len(_images(first, busy["id"])) < 2:  # stored (approved only at the pipeline's end)
        assert time.monotonic() < deadline, "the busy job made no images"
        time.sleep(0.2)
    dev.stop(signal.SIGINT)

    second = dev.start()
    assert second["api"] == first["api"], "the API moved to another port"
    assert f"aws endpoint: http://127.0.0.1:{dev.port + 1}" in _printed(dev)
    health = requests.get(f"{second['api']}/api/health", timeout=10).json()
    assert health["aws_endpoint"] == f"http://127.0.0.1:{dev.port + 1}"
    assert health["websocket_url"] == f"ws://127.0.0.1:{dev.port + 2}"

    # The token issued before the restart still signs in: same user, same workspace.
    job = _call(second, "GET", f"/api/jobs/{done['id']}", token).json()["job"]
    assert job["status"] == "completed" and job["label"] == "kept"
    images = _images(second, done["id"], token)
    assert sorted(image["id"] for image in images) == kept_images
    for image in images:
        png = requests.get(image["url"], timeout=10)
        assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    assert _call(second, "GET", "/api/settings", token).json() == before_settings

    interrupted = _call(second, "GET", f"/api/jobs/{busy['id']}", token).json()["job"]
    assert interrupted["status"] == "failed"
    assert INTERRUPTED in interrupted["error"]
    assert _call(second, "POST", f"/api/jobs/{busy['id']}/resume", token).status_code == 202
    finished = _wait(second, busy["id"], "completed", token=token)
    assert finished["images_ok"] == 24
    generations = [(i["generation"], i["variation"]) for i in _images(second, busy["id"], token)]
    assert sorted(generations) == [(g, 0) for g in range(24)]  # none lost, none twice

    # The queue works after the restart: a new job runs to the end.
    fresh = _call(second, "POST", "/api/jobs", json={"config": _config(1, "after")}).json()["job"]
    _wait(second, fresh["id"], "completed")
    dev.stop(signal.SIGINT)


#: Longer than the stack waits between looks for changes (ten times its last save, so a busy
#: machine saving in 2 s looks every 20 s) plus one save.
QUIET_S = 30


def _printed(dev: DevStack) -> str:
    """What the running `imgfactory dev` has printed so far (its banner)."""
    assert dev.process is not None and dev.process.stdout is not None
    os.set_blocking(dev.process.stdout.fileno(), False)
    text = dev.process.stdout.read() or ""
    dev.output += text
    return dev.output


def _wait_for_a_snapshot_taken_after(folder: Path, moment: float, timeout: float = 120) -> None:
    """The stack snapshots its state a few seconds after it changes (later on a busy machine):
    wait until a snapshot holds everything done before `moment`. Either a second write after
    `moment` (the second began once the first was done, so after `moment`), or a snapshot and
    then no write for QUIET_S from `moment` on: the stack looks for changes every couple of
    seconds and saves when it finds one, so a quiet stretch means nothing was left unsaved (the
    last snapshot may well have been written before `moment`)."""
    snapshot = folder / ".imgfactory" / "state" / SNAPSHOT
    last, quiet_since, writes_after = 0.0, time.monotonic(), 0
    deadline = quiet_since + timeout
    while time.monotonic() < deadline:
        written = snapshot.stat().st_mtime if snapshot.is_file() else 0.0
        if written != last:
            last, quiet_since = written, time.monotonic()
            writes_after += written > moment
            if writes_after >= 2:
                return
        elif last and time.monotonic() - quiet_since >= QUIET_S:
            return
        time.sleep(0.2)
    raise AssertionError(f"the local state was not saved and then left alone within {timeout}s")


@pytest.mark.slow
def test_a_killed_stack_keeps_what_was_saved_and_reset_starts_afresh(dev):
    first = dev.start()
    job = _call(first, "POST", "/api/jobs", json={"config": _config(2, "before the kill")}).json()["job"]
    _wait(first, job["id"], "completed")
    _wait_for_a_snapshot_taken_after(dev.folder, time.time())
    dev.stop(signal.SIGKILL)

    second = dev.start()
    assert _call(second, "GET", f"/api/jobs/{job['id']}").json()["job"]["status"] == "completed"
    assert len(_images(second, job["id"])) == 2
    dev.stop(signal.SIGTERM)

    third = dev.start("--reset")
    assert _call(third, "GET", f"/api/jobs/{job['id']}").status_code == 404
    assert _call(third, "GET", "/api/jobs").json()["items"] == []
    dev.stop(signal.SIGINT)
