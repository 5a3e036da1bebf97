"""Routes under /api/images: a job's images, retry, approve, delete (SPEC §6)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.api.common import json_body, query, route, workspace_of
from chalicelib.errors import ValidationError
from chalicelib.models import ImageModel
from chalicelib.repositories import jobs as job_repo
from chalicelib.repositories.pages import decode_cursor, encode_cursor, parse_limit
from chalicelib.services import images as image_service
from chalicelib.views import image_view, job_summary

bp = Blueprint(__name__)
STATUSES = {"approved", "qc_failed", "processing", "retry_pending", "retry_failed"}


@route(bp, "/api/images", methods=["GET"])
def list_images() -> dict[str, Any]:
    request = bp.current_request
    params = query(request)
    job_id = params.get("job_id")
    if not job_id:
        raise ValidationError("is required (listing images across jobs is not available yet)", field="job_id")
    job = job_repo.get_job(job_id, workspace_of(request))
    status = params.get("status") or None
    if status is not None and status not in STATUSES:
        raise ValidationError(f"must be one of {', '.join(sorted(STATUSES))}", field="status")
    result = ImageModel.by_job.query(
        job.job_id,
        filter_condition=(ImageModel.status == status) if status else None,
        limit=parse_limit(params.get("limit"), default=50, maximum=200),
        last_evaluated_key=decode_cursor(params.get("cursor")),
    )
    items = [image_view(image) for image in result]
    return {"items": items, "next_cursor": encode_cursor(result.last_evaluated_key)}


@route(bp, "/api/images/retry", methods=["POST"])
def retry_images() -> Response:
    request = bp.current_request
    job = image_service.retry_images(workspace_of(request), json_body(request))
    return Response({"job": job_summary(job)}, status_code=202)


@route(bp, "/api/images/{image_id}/approve", methods=["POST"])
def approve_image(image_id: str) -> dict[str, Any]:
    image = image_service.approve_image(workspace_of(bp.current_request), image_id)
    return {"image": image_view(image)}


@route(bp, "/api/images/bulk/delete", methods=["POST"])
def delete_images() -> dict[str, Any]:
    request = bp.current_request
    return {"deleted": image_service.delete_images(workspace_of(request), json_body(request))}
