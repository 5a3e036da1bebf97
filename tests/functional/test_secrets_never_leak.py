"""Provider keys live only in Secrets Manager: after a job that used every keyed service, no
DynamoDB item, S3 object, log line or API response contains a key."""

from __future__ import annotations

import json

import pytest

from chalicelib import aws, secrets
from chalicelib.models import ALL_MODELS
from chalicelib.settings import get_settings
from tests.fakes.fixtures import (  # noqa: F401 - fixtures
    fake_openai_fixture,
    fake_piapi_fixture,
    fake_removebg_fixture,
    fake_runware_fixture,
)
from tests.fakes.servers import API_KEY
from tests.functional.helpers import new_user, wait_status
from tests.functional.test_http_api import act_as, api, call  # noqa: F401 - the api fixture
from tests.functional.test_provider_failures import PROMPT_REPLY, QC_PASS, providers  # noqa: F401


@pytest.fixture
def user(stack):
    return new_user()


@pytest.fixture
def workspace(user):
    """The test's workspace (where `providers` stores the keys) is the new user's."""
    return user.sub


@pytest.fixture
def as_workspace(user, workspace, monkeypatch):
    """HTTP calls act as a new user, in its own workspace (so its keys never touch other tests)."""
    act_as(monkeypatch, user)
    yield workspace
    secrets.store_api_keys(workspace, {name: None for name in secrets.KEY_NAMES})


def test_no_key_appears_in_items_objects_logs_or_responses(api, as_workspace, providers):  # noqa: F811
    providers["openai"].reply(
        PROMPT_REPLY,
        QC_PASS,
        '{"new_title": "A Title", "new_description": "A description.", "uploadTags": "a, b"}',
    )
    config = {
        "provider": "runware",
        "generations": 1,
        "keywords": ["red fox"],
        "processing": {"remove_bg": True, "convert": True, "convert_format": "jpg"},
        "ai": {"quality_check": True, "metadata": True},
        "debug": True,
    }
    responses = []
    started = call(api, "POST", "/api/jobs", json={"config": config})
    assert started.status_code == 202, started.text
    responses.append(started.text)
    job_id = started.json()["job"]["id"]
    wait_status(job_id, "completed", timeout=60)
    for path in (
        f"/api/jobs/{job_id}",
        f"/api/jobs/{job_id}/logs?level=debug",
        f"/api/images?job_id={job_id}",
        "/api/jobs",
        "/api/settings",
    ):
        response = call(api, "GET", path)
        assert response.status_code == 200, (path, response.text)
        responses.append(response.text)
    masked = json.loads(responses[-1])["settings"]["api_keys"]
    assert set(masked.values()) == {"••••-key"}  # the settings show keys masked
    assert len(providers["runware"].api_requests) >= 1 and len(providers["remove_bg"].api_requests) >= 1

    found = []
    for name, model in ALL_MODELS.items():
        for item in model.scan():
            if API_KEY in json.dumps(item.serialize(), default=str):
                found.append(f"DynamoDB {name}: {item}")
    bucket = get_settings().bucket
    for page in aws.s3().get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            if API_KEY.encode() in aws.get_object(obj["Key"]):
                found.append(f"S3 {obj['Key']}")
    found += [f"response {i}" for i, text in enumerate(responses) if API_KEY in text]
    assert not found, found
