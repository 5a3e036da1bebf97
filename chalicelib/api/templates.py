"""Job builder routes (seed 002): saved and predefined plans, and plan validation."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.api.common import json_body, route, workspace_of
from chalicelib.services import templates as template_service

bp = Blueprint(__name__)


@route(bp, "/api/templates", methods=["GET"])
def list_templates() -> dict[str, Any]:
    return {"items": template_service.list_templates(workspace_of(bp.current_request))}


@route(bp, "/api/templates", methods=["POST"])
def create_template() -> Response:
    request = bp.current_request
    template = template_service.save_template(workspace_of(request), json_body(request))
    return Response({"template": template}, status_code=201)


@route(bp, "/api/plans/validate", methods=["POST"])
def validate_plan() -> dict[str, Any]:
    return template_service.check_plan(json_body(bp.current_request)).to_dict()
