"""The image routes over HTTP: listing a job's images, retry, approve, delete, and their errors."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.functional.helpers import wait_status, wait_until
from tests.functional.test_http_api import api, call  # noqa: F401 - the api fixture


@pytest.fixture
def failed_job(api, monkeypatch):  # noqa: F811
    """A finished job whose first image failed the offline quality check (it came out blank)."""
    from chalicelib.providers.base import GeneratedImage
    from chalicelib.providers.local import LocalProvider

    original = LocalProvider.generate
    calls = {"n": 0}

    def first_blank(self, request):
        calls["n"] += 1
        if calls["n"] > 1:
            return original(self, request)
        buffer = io.BytesIO()
        Image.new("RGB", (request.width, request.height), "black").save(buffer, "PNG")
        return [GeneratedImage(buffer.getvalue(), "image/png", "png", request.seed)]

    monkeypatch.setattr(LocalProvider, "generate", first_blank)
    # One generation at a time, so the first provider call is generation 1's (with more, the two
    # generations are batches that run side by side).
    config = {"generations": 2, "ai": {"metadata": False}, "parameters": {"max_concurrency": 1}}
    job = call(api, "POST", "/api/jobs", json={"config": config}).json()["job"]
    wait_status(job["id"], "completed")
    return job


def test_images_of_a_job_filter_by_status_and_carry_thumbnails(api, failed_job):  # noqa: F811
    body = call(api, "GET", "/api/images", params={"job_id": failed_job["id"]}).json()
    assert [i["status"] for i in body["items"]] == ["qc_failed", "approved"]
    failed, approved = body["items"]
    assert failed["failure"]["category"] == "QC Failed" and "blank" in failed["failure"]["message"]
    assert approved["thumbnail_url"] and approved["qc_reason"]
    only_failed = call(api, "GET", "/api/images", params={"job_id": failed_job["id"], "status": "qc_failed"})
    assert [i["id"] for i in only_failed.json()["items"]] == [failed["id"]]
    assert (
        call(api, "GET", "/api/images", params={"job_id": failed_job["id"], "status": "odd"}).status_code
        == 400
    )


def test_retry_over_http_is_a_queued_job_that_approves_the_image(api, failed_job, monkeypatch):  # noqa: F811
    failed = call(
        api, "GET", "/api/images", params={"job_id": failed_job["id"], "status": "qc_failed"}
    ).json()
    image_id = failed["items"][0]["id"]
    response = call(api, "POST", "/api/images/retry", json={"ids": [image_id], "mode": "original"})
    assert response.status_code == 202
    retry = response.json()["job"]
    assert retry["kind"] == "retry" and retry["images_planned"] == 1
    wait_status(retry["id"], "completed")
    after = call(api, "GET", "/api/images", params={"job_id": failed_job["id"]}).json()["items"]
    assert {i["id"]: i["status"] for i in after}[image_id] == "approved"


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "ids"),
        ({"ids": []}, "ids"),
        ({"ids": "x"}, "ids"),
        ({"ids": ["x"], "mode": "later"}, "mode"),
        ({"ids": ["x"], "mode": "custom"}, "processing"),
        ({"ids": ["x"], "mode": "original", "processing": {}}, "processing"),
        ({"ids": ["x"], "mode": "custom", "processing": {"jpg_quality": 0}}, "processing.jpg_quality"),
        ({"ids": ["x"], "metadata": "yes"}, "metadata"),
        ({"ids": ["x"], "speed": 1}, "speed"),
    ],
)
def test_a_bad_retry_request_is_a_400_naming_the_field(api, body, field):  # noqa: F811
    response = call(api, "POST", "/api/images/retry", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["field"] == field


def test_retrying_an_approved_image_or_an_unknown_one_is_refused(api, failed_job):  # noqa: F811
    approved = call(
        api, "GET", "/api/images", params={"job_id": failed_job["id"], "status": "approved"}
    ).json()
    response = call(api, "POST", "/api/images/retry", json={"ids": [approved["items"][0]["id"]]})
    assert response.status_code == 400
    assert call(api, "POST", "/api/images/retry", json={"ids": ["nope"]}).status_code == 404


def test_approve_and_delete_over_http(api, failed_job):  # noqa: F811
    items = call(api, "GET", "/api/images", params={"job_id": failed_job["id"]}).json()["items"]
    failed, approved = items
    response = call(api, "POST", f"/api/images/{failed['id']}/approve")
    assert response.status_code == 200
    assert response.json()["image"]["status"] == "approved"
    assert call(api, "POST", f"/api/images/{failed['id']}/approve").status_code == 400
    assert call(api, "POST", "/api/images/nope/approve").status_code == 404
    deleted = call(api, "POST", "/api/images/bulk/delete", json={"ids": [approved["id"]]})
    assert deleted.status_code == 202
    deletion = deleted.json()["deletion"]
    assert (deletion["kind"], deletion["total"]) == ("images", 1)

    def finished():
        followed = call(api, "GET", f"/api/deletions/{deletion['id']}").json()["deletion"]
        return followed if followed["status"] != "running" else None

    assert wait_until(finished)["images_deleted"] == 1
    remaining = call(api, "GET", "/api/images", params={"job_id": failed_job["id"]}).json()["items"]
    assert [i["id"] for i in remaining] == [failed["id"]]


def test_svg_output_is_refused_until_a_vector_provider_exists(api):  # noqa: F811
    response = call(api, "POST", "/api/jobs", json={"config": {"parameters": {"format": "svg"}}})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "parameters.format"
