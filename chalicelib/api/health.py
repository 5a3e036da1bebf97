"""GET /api/health: no auth; tells a client where the WebSocket and (locally) AWS are."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.common import route
from chalicelib.settings import get_settings, websocket_url

bp = Blueprint(__name__)


@route(bp, "/api/health", methods=["GET"])
def health() -> dict[str, Any]:
    settings = get_settings()
    try:
        ws_url = websocket_url(settings)
    except Exception:  # noqa: BLE001 - health answers even when the parameter store does not
        ws_url = None
    body: dict[str, Any] = {"status": "ok", "websocket_url": ws_url}
    if settings.local:
        body["aws_endpoint"] = settings.aws_endpoint
        body["job_state_machine_arn"] = settings.job_state_machine_arn
    return body
