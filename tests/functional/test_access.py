"""Who may call what: every route but the public ones needs the token, and nobody sees another
workspace's jobs or images (they are "not found", not "forbidden"). Routes are discovered from
the app, so a new route is covered the day it is added."""

from __future__ import annotations

import pytest
import requests

import app as application
from chalicelib.services import jobs as job_service
from tests.functional.helpers import config, images_of, new_user, wait_status
from tests.functional.test_http_api import act_as, api, call  # noqa: F401 - the api fixture

PUBLIC = {"/api/health", "/api/openapi.json", "/api/auth/refresh"}
ROUTES = sorted(
    (method, path)
    for path, methods in application.app.routes.items()
    for method in methods
    if path not in PUBLIC
)


def _fill(path: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"no test id for a parameter of {path}: add it to this test"
    return path


@pytest.mark.parametrize("method,path", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_every_route_but_the_public_ones_needs_the_token(api, method, path):  # noqa: F811
    placeholders = ("job_id", "image_id", "export_id", "deletion_id", "template_id")
    url = f"{api}{_fill(path, dict.fromkeys(placeholders, 'x'))}"
    assert requests.request(method, url, timeout=10).status_code == 401
    wrong = requests.request(method, url, headers={"Authorization": "Bearer forged"}, timeout=10)
    assert wrong.status_code == 401


NOT_FOUND_FOR_OTHERS_IDS = {
    "/api/images",
    "/api/images/retry",
    "/api/images/bulk/delete",
    "/api/images/export",
    "/api/jobs/bulk/rerun",
    "/api/jobs/bulk/export",
}


@pytest.fixture(scope="module")
def other_workspace_export(other_workspace_job):
    from chalicelib import exports

    return exports.export_job("someone-else", other_workspace_job[0]).export_id


@pytest.fixture(scope="module")
def other_workspace_deletion(stack):
    """A finished deletion of another workspace (of nothing that matters here)."""
    import uuid

    from chalicelib.models import DeletionModel
    from chalicelib.repositories.jobs import utcnow

    record = DeletionModel(
        uuid.uuid4().hex, workspace="someone-else", kind="images", status="done", ids=[], created_at=utcnow()
    )
    record.save()
    return record.deletion_id


@pytest.fixture(scope="module")
def other_workspace_template(stack):
    """A saved job-builder template of another workspace."""
    from chalicelib.services import templates

    saved = templates.save_template("someone-else", {"name": "theirs", "phases": ["prompts", "generate"]})
    return saved["id"]


@pytest.fixture(scope="module")
def other_workspace_job(stack):
    """A finished job, with an image, in a workspace that is not the caller's."""
    job = job_service.start_job("someone-else", {"config": config(1)})
    wait_status(job.job_id, "completed")
    return job.job_id, images_of(job.job_id)[0].image_id


@pytest.mark.parametrize("method,path", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_nobody_reaches_another_workspaces_jobs_or_images(
    api,  # noqa: F811
    other_workspace_job,
    other_workspace_export,
    other_workspace_deletion,
    other_workspace_template,
    monkeypatch,
    method,
    path,
):
    job_id, image_id = other_workspace_job
    act_as(monkeypatch, new_user("caller"))
    takes_ids = path in NOT_FOUND_FOR_OTHERS_IDS or path == "/api/jobs/bulk/delete"
    body = {"ids": [image_id if "/images" in path else job_id]} if takes_ids else None
    params = {"job_id": job_id} if path == "/api/images" else None
    ids = {"job_id": job_id, "image_id": image_id, "export_id": other_workspace_export}
    filled = _fill(
        path, {**ids, "deletion_id": other_workspace_deletion, "template_id": other_workspace_template}
    )
    response = call(api, method, filled, json=body, params=params)
    if "{" in path or path in NOT_FOUND_FOR_OTHERS_IDS:
        assert response.status_code == 404, response.text
    elif path == "/api/jobs/bulk/delete":
        assert response.json()["refused"][0]["error"]["code"] == "not_found"
    elif method == "GET":
        assert job_id not in response.text and image_id not in response.text
    assert job_service.job_repo.find_job(job_id) is not None  # nothing was deleted
