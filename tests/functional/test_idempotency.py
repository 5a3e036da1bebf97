"""A repeated POST /api/jobs with the same Idempotency-Key starts one job."""

from __future__ import annotations

import uuid

from tests.functional.helpers import config, wait_status
from tests.functional.test_http_api import TOKEN, api, call  # noqa: F401 - the api fixture


def _post(api, key, body):  # noqa: F811
    headers = {"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": key}
    return call(api, "POST", "/api/jobs", json=body, headers=headers)


def test_the_same_key_twice_starts_one_job(api):  # noqa: F811
    key, body = uuid.uuid4().hex, {"config": config(1, label="Once")}
    first, second = _post(api, key, body), _post(api, key, body)
    assert first.status_code == second.status_code == 202
    assert first.json()["job"]["id"] == second.json()["job"]["id"]
    wait_status(first.json()["job"]["id"], "completed")
    listed = call(api, "GET", "/api/jobs", params={"q": "Once", "limit": 100}).json()["items"]
    assert [job["id"] for job in listed if job["label"] == "Once"].count(first.json()["job"]["id"]) == 1
    assert len([job for job in listed if job["label"] == "Once"]) == 1


def test_a_new_key_starts_a_new_job(api):  # noqa: F811
    body = {"config": config(1)}
    one, two = _post(api, uuid.uuid4().hex, body), _post(api, uuid.uuid4().hex, body)
    assert one.json()["job"]["id"] != two.json()["job"]["id"]


def test_the_same_key_with_another_body_is_refused(api):  # noqa: F811
    key = uuid.uuid4().hex
    assert _post(api, key, {"config": config(1)}).status_code == 202
    again = _post(api, key, {"config": config(2)})
    assert again.status_code == 400
    assert again.json()["error"]["field"] == "Idempotency-Key"


def test_a_refused_request_is_not_remembered(api):  # noqa: F811
    key = uuid.uuid4().hex
    assert _post(api, key, {"config": {"generations": 0}}).status_code == 400
    assert _post(api, key, {"config": config(1)}).status_code == 202
