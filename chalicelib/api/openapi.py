"""GET /api/openapi.json: the OpenAPI 3 description of this API (no auth), built from the app."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.common import route

bp = Blueprint(__name__)


@route(bp, "/api/openapi.json", methods=["GET"])
def openapi_document() -> dict[str, Any]:
    from chalicelib.openapi import build_document

    return build_document(bp.current_app)
