"""Scheduled jobs (SPEC §3, §6 `scheduled_at`): a job waits as `scheduled` behind a one-time
EventBridge Scheduler schedule, joins its workspace's FIFO queue when the time comes, and can be
cancelled before then. Locally the stack's watcher fires the schedule, as the scheduler does on AWS."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import aws
from chalicelib.repositories import jobs as job_repo
from chalicelib.services import jobs as job_service
from chalicelib.settings import get_settings
from tests.functional.helpers import config, wait_status, wait_until
from tests.functional.test_http_api import api, call  # noqa: F401 - the api fixture


def in_seconds(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def schedule_of(job_id: str) -> dict | None:
    try:
        return aws.client("scheduler").get_schedule(GroupName=get_settings().schedule_group, Name=job_id)
    except aws.client("scheduler").exceptions.ResourceNotFoundException:
        return None


def executions_of(job_id: str) -> list[dict]:
    listed = aws.sfn().list_executions(stateMachineArn=get_settings().job_state_machine_arn)["executions"]
    return [e for e in listed if e["name"].startswith(job_id)]


def test_a_scheduled_job_waits_for_its_time_then_runs(workspace):
    at = in_seconds(3)
    job = job_service.start_job(workspace, {"config": config(2), "scheduled_at": at})
    assert job.status == "scheduled"
    assert job.step.startswith("Scheduled for ")
    schedule = schedule_of(job.job_id)
    assert schedule is not None
    assert schedule["ScheduleExpression"] == f"at({datetime.fromisoformat(at):%Y-%m-%dT%H:%M:%S})"
    assert schedule["ActionAfterCompletion"] == "DELETE"
    assert json.loads(schedule["Target"]["Input"]) == {"job_id": job.job_id}
    assert executions_of(job.job_id) == []

    # A job started now takes the slot first; the scheduled one queues only when its time comes.
    now_job = job_service.start_job(workspace, {"config": config(1)})
    assert job_repo.get_job(job.job_id).status == "scheduled"

    done = wait_status(job.job_id, "completed", timeout=30)
    assert done.started_at >= datetime.fromisoformat(at).replace(microsecond=0)
    assert job_repo.get_job(now_job.job_id).started_at < done.started_at
    assert schedule_of(job.job_id) is None  # it deleted itself after firing
    assert len(executions_of(job.job_id)) == 1


def test_cancelling_a_scheduled_job_drops_its_schedule_and_it_never_runs(api):  # noqa: F811
    body = {"config": config(1), "scheduled_at": in_seconds(2)}
    started = call(api, "POST", "/api/jobs", json=body)
    assert started.status_code == 202, started.text
    job = started.json()["job"]
    assert job["status"] == "scheduled" and job["scheduled_at"] is not None
    listed = call(api, "GET", "/api/jobs?status=scheduled").json()["items"]
    assert job["id"] in [item["id"] for item in listed]

    cancelled = call(api, "POST", f"/api/jobs/{job['id']}/stop")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["job"]["status"] == "cancelled"
    assert schedule_of(job["id"]) is None
    due = datetime.fromisoformat(body["scheduled_at"])
    wait_until(lambda: datetime.now(UTC) > due + timedelta(seconds=1))
    assert job_repo.get_job(job["id"]).status == "cancelled"
    assert executions_of(job["id"]) == []


def test_a_schedule_delivered_twice_starts_one_execution(workspace):
    job = job_service.start_job(workspace, {"config": config(1), "scheduled_at": in_seconds(600)})
    aws.delete_schedule(job.job_id)  # deliver it by hand, twice, as an at-least-once scheduler may
    job_service.start_scheduled_job({"job_id": job.job_id})
    job_service.start_scheduled_job({"job_id": job.job_id})
    wait_status(job.job_id, "completed")
    assert len(executions_of(job.job_id)) == 1


def test_a_force_stopped_scheduled_job_is_cancelled_at_once(workspace):
    job = job_service.start_job(workspace, {"config": config(1), "scheduled_at": in_seconds(600)})
    assert job_service.force_stop(workspace, job.job_id).status == "cancelled"
    assert schedule_of(job.job_id) is None
    job_service.start_scheduled_job({"job_id": job.job_id})  # a late delivery changes nothing
    assert job_repo.get_job(job.job_id).status == "cancelled"
    assert executions_of(job.job_id) == []


@pytest.mark.parametrize(
    "value,reason",
    [
        ("2020-01-01T00:00:00Z", "must be in the future"),
        ("2099-01-01T00:00:00Z", "must be within a year from now"),
        ("2030-01-01T09:00:00", "needs a time zone offset"),
        ("next tuesday", "must be an ISO 8601 date and time"),
        (1767254400, "must be an ISO 8601 date and time"),
    ],
)
def test_a_bad_scheduled_at_is_refused_naming_the_field(api, value, reason):  # noqa: F811
    before = call(api, "GET", "/api/jobs?limit=100").json()["items"]
    response = call(api, "POST", "/api/jobs", json={"config": config(1), "scheduled_at": value})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "scheduled_at" and error["message"].startswith(reason)
    assert call(api, "GET", "/api/jobs?limit=100").json()["items"] == before  # nothing started
