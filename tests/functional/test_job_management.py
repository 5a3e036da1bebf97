"""Editing, deleting and bulk operations on jobs, over HTTP."""

from __future__ import annotations

from chalicelib import aws
from chalicelib.models import ConfigModel
from chalicelib.repositories import jobs as job_repo
from chalicelib.settings import get_settings
from tests.functional.helpers import config, images_of, wait_status, wait_until
from tests.functional.test_http_api import api, call  # noqa: F401 - the api fixture


def _start(api, generations=1, **extra):  # noqa: F811
    return call(api, "POST", "/api/jobs", json={"config": config(generations, **extra)}).json()["job"]


def test_patch_renames_and_edits_the_current_settings_but_never_the_snapshot(api):  # noqa: F811
    job = _start(api, label="Before")
    wait_status(job["id"], "completed")
    response = call(
        api, "PATCH", f"/api/jobs/{job['id']}", json={"label": "After", "config": {"generations": 3}}
    )
    assert response.status_code == 200 and response.json()["job"]["label"] == "After"
    detail = call(api, "GET", f"/api/jobs/{job['id']}").json()["job"]
    assert detail["config"]["generations"] == 3
    assert detail["snapshot"]["generations"] == 1
    rerun = call(api, "POST", f"/api/jobs/{job['id']}/rerun").json()["job"]
    assert rerun["images_planned"] == 3  # reruns use the edited settings


def test_patch_refuses_bad_settings_naming_the_field(api):  # noqa: F811
    job = _start(api)
    wait_status(job["id"], "completed")
    before = ConfigModel.get(job_repo.get_job(job["id"]).config_id).config
    for body, field in [
        ({"config": {"generations": 0}}, "generations"),
        ({"config": {"parameters": {"max_concurrency": 99}}}, "parameters.max_concurrency"),
        ({"label": ""}, "label"),
        ({"status": "completed"}, "status"),
        ({}, "body"),
    ]:
        response = call(api, "PATCH", f"/api/jobs/{job['id']}", json=body)
        assert response.status_code == 400, body
        assert response.json()["error"]["field"] == field
    assert ConfigModel.get(job_repo.get_job(job["id"]).config_id).config == before


def test_delete_removes_the_job_its_images_and_its_objects(api):  # noqa: F811
    job = _start(api, generations=2)
    wait_status(job["id"], "completed")
    response = call(api, "DELETE", f"/api/jobs/{job['id']}")
    assert response.status_code == 202
    deletion = response.json()["deletion"]
    assert call(api, "GET", f"/api/jobs/{job['id']}").status_code == 404  # gone at once
    done = wait_until(lambda: _finished(api, deletion["id"]))
    assert (done["status"], done["done"], done["images_deleted"]) == ("done", 1, 2)
    assert images_of(job["id"]) == []
    listed = aws.s3().list_objects_v2(Bucket=get_settings().bucket, Prefix=f"jobs/{job['id']}/")
    assert listed.get("KeyCount", 0) == 0


def _finished(api, deletion_id):  # noqa: F811
    deletion = call(api, "GET", f"/api/deletions/{deletion_id}").json()["deletion"]
    return deletion if deletion["status"] != "running" else None


def test_a_running_job_cannot_be_deleted(api, monkeypatch):  # noqa: F811
    import time

    from chalicelib.providers.local import LocalProvider

    original = LocalProvider.generate
    monkeypatch.setattr(LocalProvider, "generate", lambda self, r: (time.sleep(0.2), original(self, r))[1])
    job = _start(api, generations=10, parameters={"max_concurrency": 1})
    wait_status(job["id"], "running")
    response = call(api, "DELETE", f"/api/jobs/{job['id']}")
    assert response.status_code == 409
    call(api, "POST", f"/api/jobs/{job['id']}/force-stop")


def test_bulk_rerun_queues_the_jobs_in_the_order_given(api):  # noqa: F811
    first, second = _start(api, label="First"), _start(api, label="Second")
    wait_status(second["id"], "completed")
    response = call(api, "POST", "/api/jobs/bulk/rerun", json={"ids": [second["id"], first["id"]]})
    assert response.status_code == 202
    reruns = response.json()["jobs"]
    assert [r["label"].split(" (Rerun")[0] for r in reruns] == ["Second", "First"]
    done = [wait_status(r["id"], "completed") for r in reruns]
    assert done[0].finished_at <= done[1].started_at


def test_bulk_delete_reports_what_it_could_not_delete(api):  # noqa: F811
    job = _start(api)
    wait_status(job["id"], "completed")
    response = call(api, "POST", "/api/jobs/bulk/delete", json={"ids": [job["id"], "nope"]})
    assert response.status_code == 202
    body = response.json()
    assert body["deleted"] == [job["id"]] and body["deletion"]["ids"] == [job["id"]]
    assert body["refused"][0]["id"] == "nope" and body["refused"][0]["error"]["code"] == "not_found"
    assert wait_until(lambda: _finished(api, body["deletion"]["id"]))["status"] == "done"
    assert call(api, "POST", "/api/jobs/bulk/delete", json={"ids": []}).status_code == 400
