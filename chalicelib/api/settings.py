"""Routes under /api/settings: the default configuration for new jobs and write-only API keys."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.common import json_body, route, workspace_of

bp = Blueprint(__name__)


@route(bp, "/api/settings", methods=["GET"])
def get_settings() -> dict[str, Any]:
    from chalicelib.services import settings as settings_service

    return {"settings": settings_service.workspace_settings(workspace_of(bp.current_request))}


@route(bp, "/api/settings", methods=["PUT"])
def put_settings() -> dict[str, Any]:
    from chalicelib.services import settings as settings_service

    request = bp.current_request
    return {"settings": settings_service.update_settings(workspace_of(request), json_body(request))}
