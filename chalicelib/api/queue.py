"""Routes of the workspace queue: run order with estimated starts, moves, cancels."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.common import json_body, query, route, workspace_of

bp = Blueprint(__name__)


@route(bp, "/api/queue", methods=["GET"])
def get_queue() -> dict[str, Any]:
    from chalicelib import job_queue
    from chalicelib.repositories.pages import parse_limit

    request = bp.current_request
    params = query(request)
    limit = parse_limit(params.get("limit"), default=100, maximum=100)
    return job_queue.queue_page(workspace_of(request), limit, params.get("cursor"))


@route(bp, "/api/queue/{job_id}/move", methods=["POST"])
def move_job(job_id: str) -> dict[str, Any]:
    from chalicelib import job_queue

    request = bp.current_request
    position = job_queue.move(workspace_of(request), job_id, json_body(request))
    return {"id": job_id, "position": position}


@route(bp, "/api/queue/cancel", methods=["POST"])
def cancel_queued() -> dict[str, Any]:
    from chalicelib import job_queue

    request = bp.current_request
    return job_queue.cancel_many(workspace_of(request), json_body(request))
