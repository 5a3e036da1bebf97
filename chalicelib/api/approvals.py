"""Routes of the approval inbox: the waiting jobs with their images, the badge count, and the
rejection of single images before the job is approved."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.common import json_body, query, route, workspace_of

bp = Blueprint(__name__)


@route(bp, "/api/approvals", methods=["GET"])
def list_approvals() -> dict[str, Any]:
    from chalicelib.repositories.pages import parse_limit
    from chalicelib.services import approvals

    request = bp.current_request
    params = query(request)
    items, cursor = approvals.inbox(
        workspace_of(request), parse_limit(params.get("limit"), default=10, maximum=50), params.get("cursor")
    )
    return {"items": items, "next_cursor": cursor}


@route(bp, "/api/approvals/count", methods=["GET"])
def approvals_count() -> dict[str, Any]:
    from chalicelib.services import approvals

    return {"count": approvals.inbox_count(workspace_of(bp.current_request))}


@route(bp, "/api/jobs/{job_id}/approval/reject-images", methods=["POST"])
def reject_images(job_id: str) -> dict[str, Any]:
    from chalicelib.services import approvals
    from chalicelib.views import job_summary

    request = bp.current_request
    answer = approvals.reject_images(workspace_of(request), job_id, json_body(request))
    return {**answer, "job": job_summary(answer["job"])}
