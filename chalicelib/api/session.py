"""POST /api/auth/refresh: a new ID token from the refresh token of a signed-in user.

Public (the caller's ID token may have expired); Cognito checks the refresh token. The console
uses it to stay signed in past the ID token's hour.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.common import json_body, route
from chalicelib.errors import UnauthorizedError, ValidationError

bp = Blueprint(__name__)


@route(bp, "/api/auth/refresh", methods=["POST"])
def refresh() -> dict[str, Any]:
    from chalicelib import aws
    from chalicelib.settings import get_settings

    body = json_body(bp.current_request)
    refresh_token = body.get("refresh_token")
    if not isinstance(refresh_token, str) or not refresh_token.strip():
        raise ValidationError("is required: the refresh token of a signed-in user", field="refresh_token")
    unknown = sorted(set(body) - {"refresh_token"})
    if unknown:
        raise ValidationError("is not a field of this request", field=unknown[0])
    refreshed = aws.refresh_id_token(get_settings().user_pool_client_id, refresh_token.strip())
    if refreshed is None:
        raise UnauthorizedError("the refresh token is not valid any more: sign in again")
    token, expires_in = refreshed
    return {"token": token, "expires_in": expires_in}
