"""What outside clients send that no form would: cursors of another listing, bodies too deep or
too large, methods no route takes. Each is an answer in the API's error shape, never a 500."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from tests.functional.helpers import config, wait_status
from tests.functional.test_http_api import api, call, executions_count  # noqa: F401 - the api fixture


def envelope(response: requests.Response) -> dict:
    """The `error` object of an error answer, checked to be the API's one shape."""
    assert response.headers["Content-Type"].startswith("application/json"), response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]) <= {"code", "message", "field"}, body
    return body["error"]


@pytest.fixture(scope="module")
def three_jobs(api):  # noqa: F811
    ids = [
        call(api, "POST", "/api/jobs", json={"config": config(1, label=f"edge {n}")}).json()["job"]["id"]
        for n in range(3)
    ]
    for job_id in ids:
        wait_status(job_id, "completed", timeout=180)  # three jobs in one queue, on a busy machine
    return ids


def next_cursor(api, path: str, **params: object) -> str:  # noqa: F811
    page = call(api, "GET", path, params={"limit": 1, **params})
    assert page.status_code == 200, page.text
    cursor = page.json()["next_cursor"]
    assert cursor
    return cursor


def refused_cursor(api, path: str, **params: object) -> dict:  # noqa: F811
    response = call(api, "GET", path, params=params)
    assert response.status_code == 400, response.text
    error = envelope(response)
    assert error["field"] == "cursor"
    return error


def test_a_cursor_continues_only_the_listing_that_issued_it(api, three_jobs):  # noqa: F811
    by_name = next_cursor(api, "/api/jobs", sort="name")
    refused_cursor(api, "/api/jobs", cursor=by_name)
    refused_cursor(api, "/api/jobs", cursor=by_name, sort="oldest")
    assert call(api, "GET", "/api/jobs", params={"sort": "name", "cursor": by_name}).status_code == 200

    newest = next_cursor(api, "/api/jobs")
    refused_cursor(api, "/api/jobs", cursor=newest, status="completed")
    refused_cursor(api, "/api/jobs", cursor=newest, q="edge")
    refused_cursor(api, "/api/jobs", cursor=newest, **{"from": "2020-01-01"})
    refused_cursor(api, "/api/images", cursor=newest)
    later = call(api, "GET", "/api/jobs", params={"limit": 1, "cursor": newest})
    assert later.status_code == 200 and len(later.json()["items"]) == 1

    completed = next_cursor(api, "/api/jobs", status="completed")
    refused_cursor(api, "/api/jobs", cursor=completed)
    refused_cursor(api, "/api/jobs", cursor=completed, status="failed")

    images = next_cursor(api, "/api/images")
    refused_cursor(api, "/api/jobs", cursor=images)
    refused_cursor(api, "/api/images", cursor=images, sort="name")
    refused_cursor(api, "/api/images", cursor=images, job_id=three_jobs[0])
    assert call(api, "GET", "/api/images", params={"limit": 1, "cursor": images}).status_code == 200


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize("path", ["/api/jobs", "/api/images"])
@pytest.mark.parametrize(
    "cursor",
    [
        "eyJhIjoxfQ",  # {"a": 1}
        _b64({"job_id": {"S": "x"}, "workspace": {"S": "y"}, "created_at": {"S": "z"}}),  # old shape
        _b64({"k": {"job_id": {"S": "x"}}, "s": "0" * 24}),
        _b64({"k": [], "s": "x"}),
        _b64([1, 2]),
        "%%%",
        "A" * 5000,
    ],
)
def test_a_cursor_this_api_never_issued_is_a_400(api, path, cursor):  # noqa: F811
    refused_cursor(api, path, cursor=cursor)


def test_a_cursor_with_our_digest_but_a_forged_key_is_a_400(api, three_jobs):  # noqa: F811
    issued = next_cursor(api, "/api/jobs")
    decoded = json.loads(base64.urlsafe_b64decode(issued + "=" * (-len(issued) % 4)))
    for forged in (
        {**decoded["k"], "workspace": {"S": "someone-else"}},
        {**decoded["k"], "created_at": {"N": "1"}},
        {**decoded["k"], "created_at": {"BOOL": True}},
        {**decoded["k"], "extra": {"S": "x"}},
        {name: value for name, value in decoded["k"].items() if name != "job_id"},
    ):
        refused_cursor(api, "/api/jobs", cursor=_b64({"k": forged, "s": decoded["s"]}))


@pytest.mark.parametrize(
    "method,path",
    [
        ("POST", "/api/jobs"),
        ("PUT", "/api/settings"),
        ("POST", "/api/templates"),
        ("POST", "/api/images/export"),
    ],
)
def test_a_body_nested_too_deep_is_a_400_naming_the_body(api, method, path):  # noqa: F811
    before = executions_count()
    deep_array = ("[" * 100_000 + "]" * 100_000).encode()
    deep_object = ('{"config": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}").encode()
    for body in (deep_array, ('{"config": ' + "[" * 50_000 + "]" * 50_000 + "}").encode(), deep_object):
        response = call(
            api,
            method,
            path,
            data=body,
            headers={"Authorization": f"Bearer {_token()}", "Content-Type": "application/json"},
        )
        assert response.status_code == 400, response.text[:300]
        assert envelope(response)["field"] == "body"
    assert executions_count() == before


def _token() -> str:
    from tests.functional.test_http_api import TOKEN

    return str(TOKEN)


def test_a_body_too_large_is_a_413_in_our_shape(api):  # noqa: F811
    big = json.dumps({"config": {"keywords": ["x" * 1000] * 6000}}).encode()
    response = call(
        api,
        "POST",
        "/api/jobs",
        data=big,
        headers={"Authorization": f"Bearer {_token()}", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert envelope(response)["code"] == "payload_too_large"


def test_an_empty_keyword_list_is_a_400_naming_keywords(api):  # noqa: F811
    before = executions_count()
    response = call(api, "POST", "/api/jobs", json={"config": {**config(1), "keywords": []}})
    assert response.status_code == 400, response.text
    assert envelope(response)["field"] == "keywords"
    assert executions_count() == before


def test_a_method_a_route_lacks_is_a_405_with_allow_in_our_shape(api):  # noqa: F811
    response = call(api, "DELETE", "/api/health")
    assert response.status_code == 405
    assert envelope(response)["code"] == "method_not_allowed"
    assert response.headers["Allow"] == "GET"

    jobs = call(api, "PATCH", "/api/jobs")
    assert jobs.status_code == 405
    assert set(jobs.headers["Allow"].split(", ")) == {"GET", "POST"}


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "BREW"])
def test_options_trace_and_unknown_methods_are_a_405_with_allow(api, method):  # noqa: F811
    response = call(api, method, "/api/jobs")
    assert response.status_code == 405, response.text
    assert envelope(response)["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST"}
    console = requests.request(method, f"{api}/", timeout=10)
    assert console.status_code == 405
    assert console.headers["Allow"] == "GET, HEAD"
    missing = call(api, method, "/api/nothing-here")
    assert missing.status_code == 404
    assert envelope(missing)["code"] == "not_found"


def test_a_content_type_a_route_does_not_take_is_a_415_in_our_shape(api):  # noqa: F811
    response = call(
        api,
        "POST",
        "/api/jobs",
        data=b"generations=1",
        headers={"Authorization": f"Bearer {_token()}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert envelope(response)["code"] == "unsupported_media_type"


def test_an_unknown_route_is_a_404_in_our_shape(api):  # noqa: F811
    for method in ("GET", "POST", "DELETE"):
        response = call(api, method, "/api/nothing-here")
        assert response.status_code == 404
        assert envelope(response)["code"] == "not_found"


def test_a_malformed_request_is_answered_in_our_shape(api):  # noqa: F811
    import socket
    from urllib.parse import urlparse

    address = urlparse(api)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nX-Long: " + b"x" * 70_000 + b"\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.decode().partition("\r\n\r\n")
    assert head.split()[1] == "431"
    assert json.loads(body)["error"]["code"]


def test_the_lambda_answers_framework_errors_in_our_shape_too():
    """What API Gateway passes to the Lambda on AWS: Chalice's own 405 and 415 come back in the
    API's error shape from the app itself, not only from the local server."""
    from chalice.test import Client

    import app as application

    with Client(application.app) as client:
        not_allowed = client.http.request("DELETE", "/api/health")
        assert not_allowed.status_code == 405
        assert json.loads(not_allowed.body)["error"]["code"] == "method_not_allowed"
        assert not_allowed.headers["Allow"] == "GET"
        media = client.http.post("/api/health", headers={"Content-Type": "text/plain"}, body=b"x")
        assert media.status_code in (405, 415)
        assert set(json.loads(media.body)) == {"error"}
