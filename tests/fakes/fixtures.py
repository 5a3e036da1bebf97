"""Pytest fixtures for the fake servers: a fresh server per test, stopped afterwards.

The functions have a ``_fixture`` suffix and the fixtures their API's name, so a test module can
import them without its test arguments shadowing the import. A fixture fails its test if the
fake itself crashed, so a bug in a fake never passes for a provider failure.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.servers import FakeOpenAI, FakePiapi, FakeRemoveBg, FakeRunware


@pytest.fixture(name="fake_runware")
def fake_runware_fixture() -> Iterator[FakeRunware]:
    server = FakeRunware().start()
    yield server
    server.stop()
    assert not server.crashes, f"the fake server raised: {server.crashes}"


@pytest.fixture(name="fake_openai")
def fake_openai_fixture() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()
    assert not server.crashes, f"the fake server raised: {server.crashes}"


@pytest.fixture(name="fake_piapi")
def fake_piapi_fixture() -> Iterator[FakePiapi]:
    server = FakePiapi().start()
    yield server
    server.stop()
    assert not server.crashes, f"the fake server raised: {server.crashes}"


@pytest.fixture(name="fake_removebg")
def fake_removebg_fixture() -> Iterator[FakeRemoveBg]:
    server = FakeRemoveBg().start()
    yield server
    server.stop()
    assert not server.crashes, f"the fake server raised: {server.crashes}"
