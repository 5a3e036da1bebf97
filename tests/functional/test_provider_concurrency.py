"""A job keeps its provider as busy as `max_concurrency` allows, and never busier: the Runware fake
counts the requests it is serving at once, from outside the product."""

from __future__ import annotations

import dataclasses

import pytest

from chalicelib import secrets
from chalicelib.providers import factory
from chalicelib.services import jobs as job_service
from chalicelib.settings import get_settings
from tests.fakes.fixtures import fake_runware_fixture  # noqa: F401 - fixture
from tests.fakes.servers import API_KEY
from tests.functional.helpers import images_of, wait_status

LATENCY_S = 0.5


@pytest.fixture
def runware(workspace, monkeypatch, fake_runware):
    """The workspace's Runware key in Secrets Manager, Runware pointed at the fake, which takes
    LATENCY_S per request."""
    secrets.store_api_keys(workspace, {"runware": API_KEY})
    urls = {**get_settings().provider_urls, "runware": fake_runware.base_url}
    patched = dataclasses.replace(get_settings(), provider_urls=urls)
    monkeypatch.setattr(factory, "get_settings", lambda: patched)
    fake_runware.latency_s = LATENCY_S
    return fake_runware


@pytest.mark.slow
@pytest.mark.parametrize("concurrency", [1, 4])
def test_requests_in_flight_reach_max_concurrency_and_never_exceed_it(workspace, runware, concurrency):
    generations = 4 * concurrency
    config = {
        "provider": "runware",
        "generations": generations,
        "keywords": ["red fox"],
        "parameters": {"max_concurrency": concurrency, "retry_backoff_ms": 0},
        "ai": {"quality_check": False, "metadata": False},
    }
    job = job_service.start_job(workspace, {"config": config})
    wait_status(job.job_id, "completed", timeout=120)
    assert len(runware.api_requests) == generations
    assert runware.max_in_flight == concurrency
    assert [image.status for image in images_of(job.job_id)] == ["approved"] * generations
