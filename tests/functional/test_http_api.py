"""The HTTP API as a client sees it, through the local server (SPEC §6 shapes)."""

from __future__ import annotations

import pytest
import requests

from chalicelib import aws
from chalicelib.settings import get_settings
from imgfactory.local.users import SignedInUser
from tests.functional.helpers import config, session_user, wait_status


class BearerToken:
    """The ID token `call` sends: the session user's (`helpers.session_user`), or that of the user
    a test acts as (`act_as`). Read when formatted, since the stack's pool exists only once the
    session has started; use it as `f"Bearer {TOKEN}"` or `str(TOKEN)`."""

    user: SignedInUser | None = None

    def __str__(self) -> str:
        return (self.user or session_user()).id_token

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)


TOKEN = BearerToken()


def act_as(monkeypatch: pytest.MonkeyPatch, user: SignedInUser) -> SignedInUser:
    """For the rest of the test, `TOKEN` (and so `call`) is `user`'s token."""
    monkeypatch.setattr(TOKEN, "user", user)
    return user


@pytest.fixture(scope="module")
def api(stack):
    from imgfactory.local.server import LocalApiServer

    server = LocalApiServer(port=0).start()
    yield server.url
    server.stop()


def call(api, method, path, **kwargs):
    headers = kwargs.pop("headers", {"Authorization": f"Bearer {TOKEN}"})
    return requests.request(method, f"{api}{path}", headers=headers, timeout=30, **kwargs)


def executions_count() -> int:
    arn = get_settings().job_state_machine_arn
    return len(aws.sfn().list_executions(stateMachineArn=arn)["executions"])


def test_health_needs_no_token_and_names_the_local_endpoints(api):
    body = requests.get(f"{api}/api/health", timeout=10).json()
    assert body["status"] == "ok"
    assert "websocket_url" in body
    assert body["aws_endpoint"].startswith("http://127.0.0.1:")
    assert body["job_state_machine_arn"].endswith("-job")


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/api/jobs"),
        ("POST", "/api/jobs"),
        ("GET", "/api/jobs/x"),
        ("POST", "/api/jobs/x/stop"),
        ("POST", "/api/jobs/x/force-stop"),
        ("POST", "/api/jobs/x/resume"),
        ("POST", "/api/jobs/x/rerun"),
        ("GET", "/api/jobs/x/logs"),
        ("GET", "/api/images?job_id=x"),
    ],
)
def test_every_route_but_health_refuses_a_request_without_the_token(api, method, path):
    response = call(api, method, path, headers={})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    wrong = call(api, method, path, headers={"Authorization": "Bearer not-it"})
    assert wrong.status_code == 401


@pytest.mark.parametrize(
    "body,field",
    [
        ({"config": {"generations": 2, "colour": "red"}}, "colour"),
        ({"config": {"generations": 0}}, "generations"),
        ({"config": {"parameters": {"max_concurrency": 17}}}, "parameters.max_concurrency"),
        ({"config": {"processing": {"jpg_quality": 101}}}, "processing.jpg_quality"),
        ({"config": {"generations": 2500, "variations": 5}}, "variations"),
        ({"config": {}, "priority": 1}, "priority"),
        ({}, "config"),
    ],
)
def test_a_bad_config_is_refused_with_400_naming_the_field_and_starts_nothing(api, body, field):
    before = executions_count()
    response = call(api, "POST", "/api/jobs", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message"]
    assert executions_count() == before


def test_a_body_that_is_not_json_is_a_400(api):
    response = call(api, "POST", "/api/jobs", data=b"{nope")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "body"


def test_start_read_log_and_images_of_a_job(api):
    response = call(api, "POST", "/api/jobs", json={"config": config(3, label="Via HTTP")})
    assert response.status_code == 202
    job = response.json()["job"]
    assert job["label"] == "Via HTTP" and job["images_planned"] == 3
    wait_status(job["id"], "completed")

    detail = call(api, "GET", f"/api/jobs/{job['id']}").json()["job"]
    assert detail["status"] == "completed" and detail["progress"] == 100
    assert [p["name"] for p in detail["phases"]] == ["prompts", "generate", "finalize"]
    assert sum(p["weight"] for p in detail["phases"]) == 100
    assert detail["snapshot"]["generations"] == 3
    assert "api_keys" not in detail["snapshot"]
    assert detail["statistics"]["successful"] == 3

    logs = call(api, "GET", f"/api/jobs/{job['id']}/logs").json()
    seqs = [line["seq"] for line in logs["lines"]]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
    assert logs["next"] == seqs[-1]
    assert any("completed" in line["message"] for line in logs["lines"])
    newer = call(api, "GET", f"/api/jobs/{job['id']}/logs", params={"since": seqs[-2]}).json()
    assert [line["seq"] for line in newer["lines"]] == [seqs[-1]]
    tail = call(api, "GET", f"/api/jobs/{job['id']}/logs", params={"tail": 2}).json()
    assert [line["seq"] for line in tail["lines"]] == seqs[-2:]

    images = call(api, "GET", "/api/images", params={"job_id": job["id"]}).json()
    assert len(images["items"]) == 3
    first = images["items"][0]
    assert {"id", "job_id", "status", "keyword", "prompt", "url", "thumbnail_url", "failure"} <= set(first)
    png = requests.get(first["url"], timeout=10)
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"


def test_jobs_list_is_paginated_with_an_opaque_cursor(api):
    ids = []
    for n in range(3):
        job = call(api, "POST", "/api/jobs", json={"config": config(1, label=f"page {n}")}).json()["job"]
        ids.append(job["id"])
    for job_id in ids:
        wait_status(job_id, "completed")
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = call(api, "GET", "/api/jobs", params=params).json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen))
    newest_first = [i for i in seen if i in ids]
    assert newest_first == list(reversed(ids))
    oldest = call(api, "GET", "/api/jobs", params={"sort": "oldest", "limit": 100}).json()["items"]
    assert [i["id"] for i in oldest if i["id"] in ids] == ids


def test_list_filters_and_paging_reject_bad_values(api):
    assert call(api, "GET", "/api/jobs", params={"limit": 0}).json()["error"]["field"] == "limit"
    assert call(api, "GET", "/api/jobs", params={"cursor": "@@"}).json()["error"]["field"] == "cursor"
    assert call(api, "GET", "/api/jobs", params={"sort": "size"}).json()["error"]["field"] == "sort"
    assert call(api, "GET", "/api/jobs", params={"status": "odd"}).json()["error"]["field"] == "status"


def test_actions_on_an_unknown_job_are_404(api):
    for method, path in [
        ("GET", "/api/jobs/nope"),
        ("POST", "/api/jobs/nope/stop"),
        ("POST", "/api/jobs/nope/force-stop"),
        ("POST", "/api/jobs/nope/rerun"),
        ("GET", "/api/jobs/nope/logs"),
    ]:
        response = call(api, method, path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"


def test_stopping_a_finished_job_is_a_400(api):
    job = call(api, "POST", "/api/jobs", json={"config": config(1)}).json()["job"]
    wait_status(job["id"], "completed")
    for action in ("stop", "cancel", "force-stop"):
        response = call(api, "POST", f"/api/jobs/{job['id']}/{action}")
        assert response.status_code == 400, action
        assert response.json()["error"]["field"] == "job_id"


def test_rerun_and_resume_answer_202_with_the_job(api):
    job = call(api, "POST", "/api/jobs", json={"config": config(1, label="Base")}).json()["job"]
    wait_status(job["id"], "completed")
    rerun = call(api, "POST", f"/api/jobs/{job['id']}/rerun")
    assert rerun.status_code == 202
    assert rerun.json()["job"]["label"].startswith("Base (Rerun ")
    wait_status(rerun.json()["job"]["id"], "completed")
    resume = call(api, "POST", f"/api/jobs/{job['id']}/resume")
    assert resume.status_code == 400  # a completed job has nothing to resume


def test_an_unknown_api_route_is_a_404(api):
    assert call(api, "GET", "/api/nothing-here").status_code == 404


def test_the_console_is_served_at_the_root(api):
    response = requests.get(f"{api}/", timeout=10)
    assert response.status_code == 200
    assert "text/html" in response.headers["Content-Type"]
