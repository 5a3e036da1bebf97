"""Job builder routes (seed 002): saved and predefined plans, and plan validation."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.api.common import json_body, route, workspace_of

bp = Blueprint(__name__)


@route(bp, "/api/templates", methods=["GET"])
def list_templates() -> dict[str, Any]:
    from chalicelib.services import templates as template_service

    return {"items": template_service.list_templates(workspace_of(bp.current_request))}


@route(bp, "/api/templates", methods=["POST"])
def create_template() -> Response:
    from chalicelib.services import templates as template_service

    request = bp.current_request
    template = template_service.save_template(workspace_of(request), json_body(request))
    return Response({"template": template}, status_code=201)


@route(bp, "/api/templates/{template_id}", methods=["PUT"])
def update_template(template_id: str) -> dict[str, Any]:
    from chalicelib.services import templates as template_service

    request = bp.current_request
    return {
        "template": template_service.update_template(workspace_of(request), template_id, json_body(request))
    }


@route(bp, "/api/templates/{template_id}", methods=["DELETE"])
def delete_template(template_id: str) -> Response:
    from chalicelib.services import templates as template_service

    template_service.delete_template(workspace_of(bp.current_request), template_id)
    return Response("", status_code=204)


@route(bp, "/api/plans/validate", methods=["POST"])
def validate_plan() -> dict[str, Any]:
    from chalicelib.services import templates as template_service

    return template_service.check_plan(json_body(bp.current_request)).to_dict()


@route(bp, "/api/phases", methods=["GET"])
def list_phases() -> dict[str, Any]:
    from chalicelib.openapi import spec_schema
    from chalicelib.phase_catalog import catalog
    from chalicelib.phases import available_phases

    return {"items": catalog(available_phases(), spec_schema)}
