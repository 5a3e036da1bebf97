"""Real provider clients inside the real state machine, against local fakes of their APIs:
each failure mode ends in the image status the product specifies."""

from __future__ import annotations

import dataclasses

import pytest

from chalicelib import secrets
from chalicelib.providers import factory
from chalicelib.services import jobs as job_service
from chalicelib.settings import get_settings
from tests.fakes.fixtures import (  # noqa: F401 - fixtures
    fake_openai_fixture,
    fake_piapi_fixture,
    fake_removebg_fixture,
    fake_runware_fixture,
)
from tests.fakes.servers import API_KEY
from tests.functional.helpers import images_of, wait_status

CLIENT_TIMEOUT_S = 1


@pytest.fixture
def providers(workspace, monkeypatch, fake_runware, fake_openai, fake_piapi, fake_removebg):
    """The workspace's keys in Secrets Manager, and every provider pointed at its fake."""
    secrets.store_api_keys(workspace, {name: API_KEY for name in secrets.KEY_NAMES})
    urls = {
        "runware": fake_runware.base_url,
        "openai": fake_openai.base_url,
        "piapi": fake_piapi.base_url,
        "remove_bg": fake_removebg.base_url,
    }
    patched = dataclasses.replace(get_settings(), provider_urls=urls, provider_timeout_s=CLIENT_TIMEOUT_S)
    monkeypatch.setattr(factory, "get_settings", lambda: patched)
    for fake in (fake_runware, fake_openai, fake_piapi, fake_removebg):
        fake.slow_s = CLIENT_TIMEOUT_S + 1
    return {"runware": fake_runware, "openai": fake_openai, "piapi": fake_piapi, "remove_bg": fake_removebg}


def runware_job(workspace, generations=1, **extra):
    config = {
        "provider": "runware",
        "generations": generations,
        "keywords": ["red fox"],
        "parameters": {"retry_attempts": 3, "retry_backoff_ms": 0, "max_concurrency": 1},
        "ai": {"quality_check": False, "metadata": False},
        **extra,
    }
    return job_service.start_job(workspace, {"config": config})


def statuses(job_id):
    return [(image.status, (image.failure or {}).get("stage")) for image in images_of(job_id)]


def test_runware_429_then_success_gives_an_approved_image(workspace, providers):
    providers["runware"].script(["429", "ok"])
    job = runware_job(workspace)
    wait_status(job.job_id, "completed")
    assert statuses(job.job_id) == [("approved", None)]
    assert len(providers["runware"].api_requests) == 2


def test_runware_500_until_attempts_run_out_fails_that_generation_only(workspace, providers):
    providers["runware"].script(["500", "500", "500", "ok"])
    job = runware_job(workspace, generations=2)
    done = wait_status(job.job_id, "completed")
    assert statuses(job.job_id) == [("qc_failed", "generation"), ("approved", None)]
    failed = images_of(job.job_id)[0]
    assert "500" in failed.failure["message"] and failed.failure["category"] == "Generation failed"
    assert (int(done.images_ok), int(done.images_failed)) == (1, 1)


def test_runware_400_is_not_retried_and_a_job_with_no_image_fails(workspace, providers):
    providers["runware"].script(["400"])
    job = runware_job(workspace)
    done = wait_status(job.job_id, "failed")
    assert statuses(job.job_id) == [("qc_failed", "generation")]
    assert len(providers["runware"].api_requests) == 1
    assert done.error == "No image was produced"


def test_runware_timeout_fails_the_image_with_a_timeout(workspace, providers):
    providers["runware"].script(["timeout"])
    job = runware_job(workspace, parameters={"retry_attempts": 1, "max_concurrency": 1})
    wait_status(job.job_id, "failed")
    (image,) = images_of(job.job_id)
    assert image.status == "qc_failed"
    assert "no response within" in image.failure["message"]


def test_runware_malformed_reply_fails_the_image(workspace, providers):
    providers["runware"].script(["malformed"])
    job = runware_job(workspace, parameters={"retry_attempts": 1, "max_concurrency": 1})
    wait_status(job.job_id, "failed")
    assert statuses(job.job_id) == [("qc_failed", "generation")]


def test_runware_short_reply_is_topped_up(workspace, providers):
    providers["runware"].script(["short", "ok"])
    job = runware_job(workspace, variations=3)
    wait_status(job.job_id, "completed")
    assert [s for s, _ in statuses(job.job_id)] == ["approved"] * 3
    assert len(providers["runware"].api_requests) == 2


def test_runware_one_lost_download_fails_that_image_and_keeps_the_others(workspace, providers):
    providers["runware"].script_downloads(["ok", "404"])
    job = runware_job(workspace, variations=2)
    done = wait_status(job.job_id, "completed")
    kept, lost = images_of(job.job_id)
    assert kept.status == "approved" and kept.original_key
    assert lost.status == "qc_failed" and lost.failure["stage"] == "generation"
    assert lost.failure["message"].startswith("download failed:")
    assert (int(done.images_ok), int(done.images_failed)) == (1, 1)


PROMPT_REPLY = '```json\n{"prompt": "A red fox in morning mist --ar 16:9"}\n```'
QC_PASS = '{"passed": true, "reason": "clean, no text or logos"}'
METADATA_REPLY = (
    '{"new_title": "Red Fox Standing in Soft Morning Mist in a Quiet Forest", '
    '"new_description": "A red fox stands alert in soft morning mist.", '
    '"uploadTags": "fox, red fox, wildlife, mist, forest"}'
)


def test_openai_writes_the_prompt_checks_quality_and_writes_metadata(workspace, providers):
    providers["openai"].reply(PROMPT_REPLY, QC_PASS, METADATA_REPLY)
    job = job_service.start_job(workspace, {"config": {"generations": 1, "keywords": ["red fox"]}})
    wait_status(job.job_id, "completed")
    (image,) = images_of(job.job_id)
    assert image.prompt == "A red fox in morning mist"  # fences and Midjourney flags removed
    assert (image.status, image.qc_reason) == ("approved", "clean, no text or logos")
    assert image.title == "Red Fox Standing in Soft Morning Mist in a Quiet Forest"
    assert image.tags == ["fox", "red fox", "wildlife", "mist", "forest"]
    assert len(providers["openai"].chat_requests) == 3


def test_openai_quality_check_rejection_keeps_the_model_reason(workspace, providers):
    providers["openai"].reply(
        PROMPT_REPLY, '{"passed": false, "reason": "visible watermark"}', METADATA_REPLY
    )
    job = job_service.start_job(workspace, {"config": {"generations": 1, "keywords": ["red fox"]}})
    wait_status(job.job_id, "completed")
    (image,) = images_of(job.job_id)
    assert image.status == "qc_failed"
    assert image.failure["message"] == "visible watermark" and image.failure["category"] == "QC Failed"


def test_openai_malformed_metadata_reply_marks_the_image_metadata_failed(workspace, providers):
    providers["openai"].reply(PROMPT_REPLY, QC_PASS)
    providers["openai"].script(["ok", "ok", "malformed"])
    job = job_service.start_job(
        workspace,
        {"config": {"generations": 1, "keywords": ["red fox"], "parameters": {"retry_attempts": 1}}},
    )
    wait_status(job.job_id, "completed")
    (image,) = images_of(job.job_id)
    assert image.status == "qc_failed"
    assert image.failure["stage"] == "metadata" and image.failure["category"] == "Metadata failed"


@pytest.mark.parametrize(
    "mode,status,stage",
    [("mark_failed", "qc_failed", "remove_bg"), ("approve", "approved", None)],
)
def test_a_remove_bg_failure_follows_the_failure_mode(workspace, providers, mode, status, stage):
    providers["remove_bg"].script(["402"])
    processing = {"remove_bg": True, "remove_bg_failure_mode": mode}
    quiet = {"quality_check": False, "metadata": False}
    job = job_service.start_job(
        workspace, {"config": {"generations": 1, "ai": quiet, "processing": processing}}
    )
    wait_status(job.job_id, "completed")
    (image,) = images_of(job.job_id)
    assert image.status == status
    assert (image.failure or {}).get("stage") == stage
    if stage:
        assert image.failure["category"] == "Background removal failed"


def test_midjourney_polls_through_wait_states_until_the_task_completes(workspace, providers):
    providers["piapi"].script_polls(["pending", "processing", "completed"])
    job = job_service.start_job(
        workspace,
        {
            "config": {
                "provider": "midjourney",
                "generations": 1,
                "variations": 2,
                "keywords": ["red fox"],
                "parameters": {"polling_interval_s": 1},
                "ai": {"quality_check": False, "metadata": False},
            }
        },
    )
    wait_status(job.job_id, "completed", timeout=30)
    assert [s for s, _ in statuses(job.job_id)] == ["approved", "approved"]
    assert len(providers["piapi"].poll_requests) == 3


def test_midjourney_failed_task_fails_its_images(workspace, providers):
    providers["piapi"].script_polls(["failed"])
    job = job_service.start_job(
        workspace,
        {
            "config": {
                "provider": "midjourney",
                "generations": 1,
                "parameters": {"polling_interval_s": 1},
                "ai": {"quality_check": False, "metadata": False},
            }
        },
    )
    wait_status(job.job_id, "failed", timeout=30)
    assert statuses(job.job_id) == [("qc_failed", "generation")]


def test_a_provider_without_its_key_is_refused_at_start(workspace):
    with pytest.raises(Exception) as caught:
        job = runware_job(workspace)
        wait_status(job.job_id, "failed")
        raise AssertionError(job_service.job_repo.get_job(job.job_id).error)
    assert "runware" in str(caught.value)
