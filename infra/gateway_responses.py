"""What API Gateway answers by itself, in the API's one error shape.

Before a request reaches the Lambda, API Gateway may answer it alone: no route or no such method
on a route (`MISSING_AUTHENTICATION_TOKEN`, which it sends as a 403), a bad or missing token, a
body over its 10 MB limit, throttling, a timeout. Its default bodies are `{"message": …}`;
these gateway responses make each `{"error": {"code", "message"}}`, as the app's own errors
are (chalicelib/api/common.py), and a missing route or method a 404.

API Gateway cannot tell a missing method from a missing route (there is no `Allow` to send),
so a method a route lacks, OPTIONS and TRACE included, is a 404 `not_found` when deployed; the
local server answers those 405 with `Allow`.
"""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import CfnResource

#: response type → (status, code, message). None keeps the status API Gateway chose.
RESPONSES: dict[str, tuple[str | None, str, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": ("404", "not_found", "no route for this method and path"),
    "RESOURCE_NOT_FOUND": ("404", "not_found", "no route for this method and path"),
    "UNAUTHORIZED": ("401", "unauthorized", "send Authorization: Bearer <ID token of a user of this stack>"),
    "ACCESS_DENIED": ("403", "forbidden", "this token may not call this route"),
    "REQUEST_TOO_LARGE": ("413", "payload_too_large", "the request body is too large"),
    "UNSUPPORTED_MEDIA_TYPE": ("415", "unsupported_media_type", "send the body as application/json"),
    "THROTTLED": ("429", "too_many_requests", "too many requests; try again shortly"),
    "QUOTA_EXCEEDED": ("429", "too_many_requests", "the request quota is used up; try again later"),
    "INTEGRATION_TIMEOUT": ("504", "timeout", "the request took too long; try again"),
    "DEFAULT_4XX": (None, "bad_request", "the request was refused"),
    "DEFAULT_5XX": (None, "internal_error", "something went wrong on our side"),
}


def body(code: str, message: str) -> str:
    return json.dumps({"error": {"code": code, "message": message}})


def gateway_responses() -> dict[str, dict[str, Any]]:
    """The REST API definition's `x-amazon-apigateway-gateway-responses`. Kept in the definition
    body rather than as separate resources, so that a change redeploys the stage with it."""
    responses: dict[str, dict[str, Any]] = {}
    for response_type, (status, code, message) in RESPONSES.items():
        response: dict[str, Any] = {
            "responseParameters": {"gatewayresponse.header.Content-Type": "'application/json'"},
            "responseTemplates": {"application/json": body(code, message)},
        }
        if status is not None:
            response["statusCode"] = status
        responses[response_type] = response
    return responses


def add_error_responses(rest_api: CfnResource) -> None:
    """Chalice's REST API (an `AWS::Serverless::Api` with a definition body) answers in our shape."""
    path = "DefinitionBody.x-amazon-apigateway-gateway-responses"
    rest_api.add_property_override(path, gateway_responses())
