"""Request helpers shared by the route blueprints."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import Request

from chalicelib.errors import ValidationError
from chalicelib.settings import get_settings


def workspace_of(request: Request) -> str:
    """The caller's workspace: the Cognito subject when deployed, the local user offline."""
    claims = ((request.context or {}).get("authorizer") or {}).get("claims") or {}
    return claims.get("sub") or get_settings().default_workspace


def json_body(request: Request) -> dict[str, Any]:
    raw = request.raw_body
    if not raw:
        return {}
    import json

    try:
        body = json.loads(raw)
    except ValueError as err:
        raise ValidationError(f"the request body is not valid JSON: {err}", field="body") from err
    if not isinstance(body, dict):
        raise ValidationError("the request body must be a JSON object", field="body")
    return body


def query(request: Request) -> dict[str, str]:
    return dict(request.query_params or {})


def int_param(params: dict[str, str], name: str, minimum: int, maximum: int) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)  # type: ignore[arg-type]
    except ValueError as err:
        raise ValidationError(f"must be an integer from {minimum} to {maximum}", field=name) from err
    if not minimum <= value <= maximum:
        raise ValidationError(f"must be an integer from {minimum} to {maximum}", field=name)
    return value


def new_blueprint(name: str) -> Blueprint:
    return Blueprint(name)
