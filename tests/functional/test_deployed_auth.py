"""The app itself: every private route is behind the Cognito authorizer, and a private view refuses
a request that arrives with no verified identity (Chalice's own local gateway, with no
Authorization header, lets one through); public routes answer anyone."""

from __future__ import annotations

import pytest
from chalice import CognitoUserPoolAuthorizer
from chalice.test import Client

import app as application
from chalicelib.api.common import PUBLIC_PATHS


def test_every_private_route_has_the_cognito_authorizer_and_no_public_one_has():
    for path, methods in application.app.routes.items():
        for method, entry in methods.items():
            if path in PUBLIC_PATHS:
                assert entry.authorizer is None, f"{method} {path}"
            else:
                assert isinstance(entry.authorizer, CognitoUserPoolAuthorizer), f"{method} {path}"


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_without_a_verified_identity_private_routes_refuse_and_public_ones_answer(stack):
    with Client(application.app, stage_name="local") as client:
        refused = client.http.get("/api/jobs")
        assert refused.status_code == 401
        assert refused.json_body["error"]["code"] == "unauthorized"
        assert client.http.post("/api/jobs", body=b"{}").status_code == 401
        assert client.http.get("/api/health").status_code == 200
