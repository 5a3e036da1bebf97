"""The approval inbox (issue #13): waiting jobs with their QC results and images, single images
rejected before post-processing (failed, not processed, retryable), and an approval timeout whose
default action Step Functions applies through the real ASL (TimeoutSecondsPath + Catch)."""

from __future__ import annotations

from chalicelib.models import JobModel, LogLineModel
from chalicelib.repositories import images as image_repo
from chalicelib.services import images as image_service
from chalicelib.services import jobs as job_service
from tests.functional.helpers import config, images_of, start, wait_status, wait_until
from tests.functional.test_approval import PROCESSED, processed_objects
from tests.functional.test_http_api import api, call  # noqa: F401 - the api fixture

FULL = {"approval": True, "processing": PROCESSED, "ai": {"quality_check": True, "metadata": True}}


def _inbox_entry(api_client, job_id):  # noqa: F811
    items = call(api_client, "GET", "/api/approvals?limit=50").json()["items"]
    return next((item for item in items if item["job"]["id"] == job_id), None)


def test_reject_two_images_then_approve_the_rest_goes_on(api):  # noqa: F811
    job_id = call(api, "POST", "/api/jobs", json={"config": config(4, **FULL)}).json()["job"]["id"]
    wait_status(job_id, "waiting_for_approval")
    entry = _inbox_entry(api, job_id)
    assert entry is not None and len(entry["images"]) == 4
    assert all(image["thumbnail_url"] for image in entry["images"])
    assert entry["qc"]["quality_check"] is True
    assert entry["qc"]["approved"] + entry["qc"]["qc_failed"] == 4
    assert call(api, "GET", "/api/approvals/count").json()["count"] >= 1

    chosen = [image["id"] for image in entry["images"] if image["status"] == "approved"][:2]
    assert len(chosen) == 2, "the offline QC approved fewer than two images"
    answer = call(api, "POST", f"/api/jobs/{job_id}/approval/reject-images", json={"image_ids": chosen})
    assert answer.status_code == 200, answer.text
    assert answer.json()["rejected"] == chosen
    assert answer.json()["job"]["status"] == "waiting_for_approval"  # the decision is still to make
    again = call(api, "POST", f"/api/jobs/{job_id}/approval/reject-images", json={"image_ids": chosen[:1]})
    assert again.json()["refused"] == [{"id": chosen[0], "reason": "already qc_failed"}]
    states = {image["id"]: image["qc_state"] for image in _inbox_entry(api, job_id)["images"]}
    assert [states[i] for i in chosen] == ["rejected", "rejected"]

    assert call(api, "POST", f"/api/jobs/{job_id}/approve").status_code == 200
    done = wait_status(job_id, "completed")
    assert int(done.images_failed) == 2
    by_id = {image.image_id: image for image in images_of(job_id)}
    processed = processed_objects(job_id)
    for image_id in chosen:
        image = by_id[image_id]
        assert image.status == "qc_failed"
        assert image.failure == {
            "stage": "approval",
            "category": "Rejected at approval",
            "message": "rejected at approval",
        }
        assert not image.title  # no metadata
        assert not any(image_id in key for key in processed)  # not post-processed
    rest = [i for i in by_id.values() if i.image_id not in chosen and i.status == "approved"]
    assert rest and all(any(i.image_id in key for key in processed) for i in rest)
    assert all(i.title for i in rest)
    assert _inbox_entry(api, job_id) is None

    # Failed Images Review can retry them like any failed image.
    failed = image_repo.list_images(done.workspace, image_repo.ImageQuery(job_id=job_id, status="qc_failed"))
    assert set(chosen) <= {image.image_id for image in failed.items}
    retry = image_service.retry_images(done.workspace, {"ids": chosen, "mode": "original"})
    wait_status(retry.job_id, "completed", "failed")


def test_reject_images_needs_a_waiting_job_and_a_list_of_ids(api):  # noqa: F811
    job_id = call(api, "POST", "/api/jobs", json={"config": config(1)}).json()["job"]["id"]
    wait_status(job_id, "completed")
    refused = call(api, "POST", f"/api/jobs/{job_id}/approval/reject-images", json={"image_ids": ["x"]})
    assert refused.status_code == 409
    for body, field in (({}, "image_ids"), ({"image_ids": []}, "image_ids"), ({"ids": ["a"]}, "ids")):
        bad = call(api, "POST", f"/api/jobs/{job_id}/approval/reject-images", json=body)
        assert bad.status_code == 400 and bad.json()["error"]["field"] == field


def test_the_timeout_settings_are_validated(api):  # noqa: F811
    cases = [
        ({"approval_timeout_h": 2}, "approval_timeout_h"),  # no approval step
        ({"approval": True, "approval_timeout_h": 0}, "approval_timeout_h"),
        (
            {"approval": True, "approval_timeout_h": 1, "approval_timeout_action": "skip"},
            "approval_timeout_action",
        ),
    ]
    for extra, field in cases:
        answer = call(api, "POST", "/api/jobs", json={"config": config(1, **extra)})
        assert answer.status_code == 400, extra
        assert answer.json()["error"]["field"] == field


def _log(job_id: str) -> list[str]:
    return [line.message for line in LogLineModel.query(job_id)]


def test_an_approval_timeout_approves_by_default(workspace):
    job = start(workspace, generations=2, approval_timeout_h=0.001, approval_timeout_action="approve", **FULL)
    waiting = wait_status(job.job_id, "waiting_for_approval")
    assert waiting.approval_deadline is not None
    done = wait_status(job.job_id, "completed", timeout=60)  # 3.6 s, then the rest of the plan
    assert len(processed_objects(job.job_id)) == int(done.images_ok) > 0
    assert "Approval timed out after 0.001 h: approved by default" in _log(job.job_id)


def test_an_approval_timeout_rejects_by_default(workspace):
    job = start(workspace, generations=2, approval_timeout_h=0.001, **FULL)  # the default action
    wait_status(job.job_id, "waiting_for_approval")
    failed = wait_status(job.job_id, "failed", timeout=60)
    assert failed.error == "Approval timed out after 0.001 h: rejected by default"
    assert processed_objects(job.job_id) == []
    follower = start(workspace, generations=1)
    wait_status(follower.job_id, "completed")  # the slot was released


def test_a_decision_before_the_timeout_wins(workspace):
    job = start(workspace, generations=1, approval_timeout_h=0.001, **FULL)
    wait_status(job.job_id, "waiting_for_approval")
    job_service.approve_job(workspace, job.job_id)
    wait_status(job.job_id, "completed", timeout=60)
    wait_until(lambda: JobModel.get(job.job_id).status == "completed")
    assert not any("timed out" in line for line in _log(job.job_id))
