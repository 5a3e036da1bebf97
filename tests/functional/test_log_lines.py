"""Standard log lines are for people; the technical detail of a failure is in Debug lines only."""

from __future__ import annotations

import dataclasses
import re

import pytest

from chalicelib import secrets
from chalicelib.models import LogLineModel
from chalicelib.providers import factory
from chalicelib.services import jobs as job_service
from chalicelib.settings import get_settings
from tests.fakes.fixtures import fake_runware_fixture  # noqa: F401 - fixture
from tests.fakes.servers import API_KEY
from tests.functional.helpers import images_of, wait_status

#: What must never reach a Standard line: exception names and text, URLs, hosts, raw statuses.
TECHNICAL = re.compile(
    r"Error\b|Exception|Traceback|HTTPS?ConnectionPool|Max retries|https?://|127\.0\.0\.1|host=|HTTP \d{3}:"
)
QUIET = {"quality_check": False, "metadata": False}


@pytest.fixture
def unreachable(workspace, monkeypatch, fake_runware):
    """Keys stored; remove.bg at an address where nothing listens, Runware at its fake."""
    secrets.store_api_keys(workspace, {"remove_bg": API_KEY, "runware": API_KEY})
    urls = {"remove_bg": "http://127.0.0.1:9", "runware": fake_runware.base_url}
    patched = dataclasses.replace(get_settings(), provider_urls=urls, provider_timeout_s=2)
    monkeypatch.setattr(factory, "get_settings", lambda: patched)
    return fake_runware


def lines(job_id: str, level: str) -> list[str]:
    return [line.message for line in LogLineModel.query(job_id) if line.level == level]


@pytest.mark.parametrize("mode", ["mark_failed", "approve"])
def test_an_unreachable_service_reads_as_a_sentence_and_the_detail_is_debug_only(
    workspace, unreachable, mode
):
    processing = {"remove_bg": True, "remove_bg_failure_mode": mode}
    job = job_service.start_job(
        workspace, {"config": {"generations": 1, "ai": QUIET, "processing": processing, "debug": True}}
    )
    wait_status(job.job_id, "completed")
    standard = lines(job.job_id, "standard")
    assert [m for m in standard if TECHNICAL.search(m)] == []
    about = [m for m in standard if m.startswith("Image 1.1: background removal failed")]
    assert about and "remove.bg could not be reached" in about[0], standard
    debug = lines(job.job_id, "debug")
    assert any("ConnectionPool" in m and "127.0.0.1" in m for m in debug), debug
    if mode == "mark_failed":
        (image,) = images_of(job.job_id)
        assert "127.0.0.1" in image.failure["message"]  # the record keeps the technical account


def test_a_provider_server_error_reads_as_a_sentence(workspace, unreachable):
    unreachable.script(["500"])
    config = {
        "provider": "runware",
        "generations": 1,
        "keywords": ["red fox"],
        "parameters": {"retry_attempts": 1, "max_concurrency": 1},
        "ai": QUIET,
        "debug": True,
    }
    job = job_service.start_job(workspace, {"config": config})
    wait_status(job.job_id, "failed")
    standard = lines(job.job_id, "standard")
    assert [m for m in standard if TECHNICAL.search(m)] == []
    assert "Generation 1 of 1 failed: Runware had a problem on its side; try again later" in standard
    assert any("HTTP 500" in m for m in lines(job.job_id, "debug"))
