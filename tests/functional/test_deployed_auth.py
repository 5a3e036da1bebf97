"""Deployed (not the local stack), a private route refuses a request that no authorizer verified,
even one the local server would let through; public routes still answer."""

from __future__ import annotations

import dataclasses

from chalicelib.api import common
from chalicelib.settings import get_settings
from tests.functional.test_http_api import api, call  # noqa: F401 - the api fixture


def test_without_a_verified_identity_private_routes_refuse_and_public_ones_answer(api, monkeypatch):  # noqa: F811
    deployed = dataclasses.replace(get_settings(), local=False)
    monkeypatch.setattr(common, "get_settings", lambda: deployed)
    refused = call(api, "GET", "/api/jobs")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"
    assert call(api, "POST", "/api/jobs", json={"config": {}}).status_code == 401
    assert call(api, "GET", "/api/health").status_code == 200
