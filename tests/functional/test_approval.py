"""The approval step (SPEC §2 `approval`, §3, seed 004): a job waits as `waiting_for_approval`
after generation and QC, before post-processing, metadata and export, holding its slot, until it
is approved (it goes on), rejected (it fails with the reason) or stopped."""

from __future__ import annotations

import pytest

from chalicelib import aws
from chalicelib.repositories import jobs as job_repo
from chalicelib.services import jobs as job_service
from chalicelib.settings import get_settings
from chalicelib.views import job_detail
from tests.functional.helpers import config, images_of, slot_owner, start, wait_status, wait_until
from tests.functional.test_http_api import api, call  # noqa: F401 - the api fixture

PROCESSED = {"convert": True, "convert_format": "jpg"}


def processed_objects(job_id: str) -> list[str]:
    listed = aws.s3().list_objects_v2(Bucket=get_settings().bucket, Prefix=f"jobs/{job_id}/processed/")
    return [item["Key"] for item in listed.get("Contents", [])]


def waiting_job(workspace: str, generations: int = 4):
    job = start(
        workspace,
        generations=generations,
        approval=True,
        processing=PROCESSED,
        ai={"quality_check": True, "metadata": True},
    )
    return wait_status(job.job_id, "waiting_for_approval")


def test_the_plan_puts_approval_after_generation_and_qc_and_before_processing(workspace):
    job = waiting_job(workspace)
    phases = [phase["name"] for phase in job.plan]
    assert phases == ["prompts", "generate", "quality_check", "approval", "process", "metadata", "finalize"]
    assert sum(phase["weight"] for phase in job.plan) == 100
    job_service.force_stop(workspace, job.job_id)


def test_a_waiting_job_holds_its_slot_and_goes_on_once_approved(workspace):
    job = waiting_job(workspace)
    assert len(images_of(job.job_id)) == 4  # generated and checked ...
    assert processed_objects(job.job_id) == []  # ... but not processed
    assert slot_owner(workspace) == job.job_id
    assert job.step == "Waiting for approval"
    states = {phase["name"]: phase["state"] for phase in job_detail(job, None)["phases"]}
    assert (states["quality_check"], states["approval"], states["process"]) == ("done", "waiting", "pending")
    follower = start(workspace, generations=1)
    assert job_repo.get_job(follower.job_id).status == "queued"

    assert job_service.approve_job(workspace, job.job_id).status == "running"

    done = wait_status(job.job_id, "completed")
    assert len(processed_objects(job.job_id)) == 4
    assert all(image.title for image in images_of(job.job_id))  # metadata ran after approval
    assert int(done.images_ok) == 4
    wait_status(follower.job_id, "completed")


def test_approve_over_http_and_the_log_tells_the_story(api):  # noqa: F811
    body = {"config": config(1, approval=True, processing=PROCESSED)}
    job_id = call(api, "POST", "/api/jobs", json=body).json()["job"]["id"]
    wait_status(job_id, "waiting_for_approval")
    listed = call(api, "GET", "/api/jobs?status=waiting_for_approval").json()["items"]
    assert job_id in [item["id"] for item in listed]

    approved = call(api, "POST", f"/api/jobs/{job_id}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["job"]["status"] == "running"
    wait_status(job_id, "completed")
    lines = [line["message"] for line in call(api, "GET", f"/api/jobs/{job_id}/logs").json()["lines"]]
    assert any(line.startswith("Waiting for approval: 1 of 1 image(s)") for line in lines)
    assert "Approved: going on" in lines


def test_a_rejected_job_fails_with_the_reason_frees_the_slot_and_resumes_to_the_same_step(workspace):
    job = waiting_job(workspace, generations=2)
    follower = start(workspace, generations=1)
    job_service.reject_job(workspace, job.job_id, {"reason": "off-brand colours"})

    failed = wait_status(job.job_id, "failed")
    assert failed.error == "Rejected at the approval step: off-brand colours"
    assert len(images_of(job.job_id)) == 2 and processed_objects(job.job_id) == []
    wait_status(follower.job_id, "completed")  # the slot was released

    job_service.resume_job(workspace, job.job_id)
    again = wait_status(job.job_id, "waiting_for_approval")
    assert again.error is None
    assert len(images_of(job.job_id)) == 2  # nothing generated twice
    job_service.approve_job(workspace, job.job_id)
    wait_status(job.job_id, "completed")
    assert len(processed_objects(job.job_id)) == 2


def test_stop_while_waiting_cancels_the_job_and_frees_the_slot(workspace):
    job = waiting_job(workspace, generations=1)
    job_service.request_stop(workspace, job.job_id)
    wait_status(job.job_id, "cancelled")
    wait_until(lambda: slot_owner(workspace) is None, timeout=10)  # released just after the status
    assert processed_objects(job.job_id) == []


def test_approve_of_a_finished_job_of_ones_own_is_a_409(api):  # noqa: F811
    response = call(api, "POST", "/api/jobs", json={"config": config(1)})
    job_id = response.json()["job"]["id"]
    wait_status(job_id, "completed")
    for action in ("approve", "reject"):
        refused = call(api, "POST", f"/api/jobs/{job_id}/{action}")
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "conflict"
        assert "not waiting for approval" in refused.json()["error"]["message"]


@pytest.mark.parametrize(
    "body,field",
    [({"reason": 5}, "reason"), ({"reason": "x" * 501}, "reason"), ({"why": "no"}, "why")],
)
def test_reject_refuses_a_bad_body_naming_the_field(api, body, field):  # noqa: F811
    response = call(api, "POST", "/api/jobs", json={"config": config(1)})
    job_id = response.json()["job"]["id"]
    refused = call(api, "POST", f"/api/jobs/{job_id}/reject", json=body)
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == field
