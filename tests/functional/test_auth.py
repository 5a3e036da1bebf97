"""Only an unexpired ID token of this stack's pool and app client opens the API and the WebSocket,
and a user sees only its own workspace (SPEC §6: Cognito; the local stack verifies as deployed)."""

from __future__ import annotations

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from chalicelib import aws
from chalicelib.settings import get_settings
from tests.functional.helpers import config, new_user, session_user, wait_status
from tests.functional.test_http_api import act_as, api, call  # noqa: F401 - the api fixture


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def signed_by_the_pool(claims: dict) -> str:
    """A token signed with the key moto signs every pool's tokens with (its JWKS's only key)."""
    key = jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json"))
    return jwt.encode(claims, key.key, algorithm="RS256", headers={"kid": "dummy"})


def forged() -> str:
    """The session user's claims, signed by a key that is not the pool's (same key id)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims_of(session_user().id_token), key, algorithm="RS256", headers={"kid": "dummy"})


def tampered() -> str:
    """A real token whose payload names another subject: the signature no longer matches."""
    header, _, signature = session_user().id_token.split(".")
    payload = {**claims_of(session_user().id_token), "sub": "someone-else"}
    body = jwt.utils.base64url_encode(json.dumps(payload).encode()).decode()
    return f"{header}.{body}.{signature}"


def expired() -> str:
    now = int(time.time())
    return signed_by_the_pool({**claims_of(session_user().id_token), "iat": now - 7200, "exp": now - 3600})


def of_another_pool() -> str:
    """An ID token moto issued, signed with the same key, for another pool and client."""
    cognito = aws.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName=f"elsewhere-{time.time_ns()}")["UserPool"]["Id"]
    return _sign_in(pool, _new_client(pool))


def of_another_client() -> str:
    """An ID token of this pool, issued to another app client of it."""
    pool = get_settings().user_pool_id
    return _sign_in(pool, _new_client(pool))


def access_token() -> str:
    """The pool's access token of a user: valid, but not the ID token the API asks for."""
    settings = get_settings()
    return _sign_in(settings.user_pool_id, settings.user_pool_client_id, "AccessToken")


def _new_client(pool: str) -> str:
    return aws.client("cognito-idp").create_user_pool_client(
        UserPoolId=pool,
        ClientName=f"other-{time.time_ns()}",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]


def _sign_in(pool: str, client: str, which: str = "IdToken") -> str:
    """A new user of `pool` signed in through `client`: its ID (or access) token."""
    cognito, username, password = aws.client("cognito-idp"), f"u{time.time_ns()}", "Correct-horse-1!"
    cognito.admin_create_user(UserPoolId=pool, Username=username, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username=username, Password=password, Permanent=True)
    return cognito.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )["AuthenticationResult"][which]


BAD_TOKENS = {
    "forged signature": forged,
    "tampered payload": tampered,
    "expired": expired,
    "another pool": of_another_pool,
    "another app client": of_another_client,
    "an access token": access_token,
    "not a JWT": lambda: "not-a-token",
}


def test_the_pool_key_signs_a_token_the_api_accepts(api):  # noqa: F811
    """The bad tokens below differ from a good one only in what their name says."""
    token = signed_by_the_pool(claims_of(session_user().id_token))
    assert call(api, "GET", "/api/jobs", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize("make", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_bad_token_is_refused_with_401(api, make):  # noqa: F811
    response = call(api, "GET", "/api/jobs", headers={"Authorization": f"Bearer {make()}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_request_without_the_header_is_refused_with_401(api):  # noqa: F811
    response = call(api, "GET", "/api/jobs", headers={})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("make", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_websocket_with_a_bad_token_is_refused_with_401(running, make):
    with pytest.raises(InvalidStatus) as refused:
        with connect(f"{running.websocket.url}/?token={make()}") as ws:
            ws.recv(timeout=5)
    assert refused.value.response.status_code == 401


def test_a_websocket_without_a_token_is_refused_with_401(running):
    with pytest.raises(InvalidStatus) as refused:
        with connect(running.websocket.url) as ws:
            ws.recv(timeout=5)
    assert refused.value.response.status_code == 401


def test_a_websocket_with_a_users_token_is_that_users(running):
    user = new_user()
    with connect(f"{running.websocket.url}/?token={user.id_token}") as ws:
        ws.send(json.dumps({"action": "subscribe", "job_id": "*"}))
        assert json.loads(ws.recv(timeout=5)) == {"type": "subscribed", "job_id": "*"}


def test_two_users_never_see_each_others_jobs(api, running, monkeypatch):  # noqa: F811
    owner, stranger = new_user("owner"), new_user("stranger")
    act_as(monkeypatch, owner)
    job = call(api, "POST", "/api/jobs", json={"config": config(1)}).json()["job"]
    assert wait_status(job["id"], "completed").workspace == owner.sub
    assert call(api, "GET", f"/api/jobs/{job['id']}").status_code == 200

    act_as(monkeypatch, stranger)
    assert call(api, "GET", f"/api/jobs/{job['id']}").status_code == 404
    assert call(api, "GET", f"/api/jobs/{job['id']}/logs").status_code == 404
    assert call(api, "DELETE", f"/api/jobs/{job['id']}").status_code == 404
    assert job["id"] not in call(api, "GET", "/api/jobs").text
    with connect(f"{running.websocket.url}/?token={stranger.id_token}") as ws:
        ws.send(json.dumps({"action": "subscribe", "job_id": job["id"]}))
        assert json.loads(ws.recv(timeout=5))["error"]["code"] == "not_found"


def test_a_refresh_token_buys_a_new_id_token_that_the_api_accepts(api):  # noqa: F811
    user = new_user()
    response = call(api, "POST", "/api/auth/refresh", headers={}, json={"refresh_token": user.refresh_token})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["expires_in"] > 0 and claims_of(body["token"])["sub"] == user.sub
    jobs = call(api, "GET", "/api/jobs", headers={"Authorization": f"Bearer {body['token']}"})
    assert jobs.status_code == 200


@pytest.mark.parametrize(
    "body,status",
    [({"refresh_token": "not-one-of-ours"}, 401), ({}, 400), ({"refresh_token": 7}, 400)],
    ids=["unknown", "missing", "not a string"],
)
def test_a_bad_refresh_request_gets_no_token(api, body, status):  # noqa: F811
    response = call(api, "POST", "/api/auth/refresh", headers={}, json=body)
    assert response.status_code == status
    assert "token" not in response.json()


def test_the_cli_client_gets_a_new_id_token_when_its_hour_is_up(api):  # noqa: F811
    from imgfactory.client import ApiClient, ApiError

    user = new_user()
    stale = expired()
    with pytest.raises(ApiError) as refused:
        ApiClient(api, stale).get("/api/jobs")  # no refresh token: the 401 stands
    assert refused.value.status == 401

    client = ApiClient(api, stale, refresh_token=user.refresh_token)
    assert client.get("/api/jobs")["items"] == []
    renewed = client.session.headers["Authorization"].removeprefix("Bearer ")
    assert claims_of(renewed)["sub"] == user.sub
