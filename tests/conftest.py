"""Shared fixtures. Functional tests run against one local stack per test process: an embedded
moto server executing the real state machines, with Lambda tasks dispatched in-process."""

from __future__ import annotations

import os
import uuid

import pytest

_started_stacks: list = []  # the session's stack once a test has started it

# The longest file (the 20-round queue race, about 6 minutes) runs first: under `--dist loadfile`
# a long file that starts last keeps one worker busy alone while the other has nothing left.
LONGEST_FIRST = ("tests/functional/test_queue_control.py",)


def pytest_collection_modifyitems(config, items):
    rank = {path: n for n, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


@pytest.fixture(scope="session")
def stack():
    from imgfactory.local.stack import LocalStack

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    # Small batches so a few images already span several batches and waves.
    local = LocalStack(stage=f"test-{worker}", slot_recheck_s=2, images_per_batch=2).start()
    _started_stacks.append(local)
    yield local
    _started_stacks.remove(local)
    local.stop()


@pytest.fixture(scope="session")
def running(stack):
    """The session's stack served as `imgfactory dev` serves it: API, console and WebSocket, with
    a local user token. (One stack per test process: a second one would rebind the settings.)"""
    from imgfactory.devserver import serve_stack

    served = serve_stack(stack)
    yield served
    served.stop()


@pytest.fixture(scope="module", autouse=True)
def idle_stack_after_module():
    """Each test file leaves the shared stack idle: whatever job it left active is force-stopped
    and its execution waited out, so one file's unfinished jobs never slow down or block the
    files after it. (Tests that care about leaks assert them inside the test.)"""
    yield
    if _started_stacks:
        from tests.functional.cleanup import stop_everything_active

        stop_everything_active()


@pytest.fixture
def workspace(stack) -> str:
    """A fresh workspace per test: its own semaphore and queue, its own jobs."""
    return f"ws-{uuid.uuid4().hex[:10]}"
