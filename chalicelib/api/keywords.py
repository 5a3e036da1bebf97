"""POST /api/keywords/preview: a keywords file's first rows and columns, or its error and line."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.common import json_body, route

bp = Blueprint(__name__)


@route(bp, "/api/keywords/preview", methods=["POST"])
def preview_keywords() -> dict[str, Any]:
    from chalicelib.services import keywords as keywords_service

    return {"preview": keywords_service.preview_keywords_file(json_body(bp.current_request))}
