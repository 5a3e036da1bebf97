"""Routes under /api/images. For now: a job's images in generation order."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.common import query, route, workspace_of
from chalicelib.errors import ValidationError
from chalicelib.models import ImageModel
from chalicelib.repositories import jobs as job_repo
from chalicelib.repositories.pages import decode_cursor, encode_cursor, parse_limit
from chalicelib.views import image_view

bp = Blueprint(__name__)


@route(bp, "/api/images", methods=["GET"])
def list_images() -> dict[str, Any]:
    request = bp.current_request
    params = query(request)
    job_id = params.get("job_id")
    if not job_id:
        raise ValidationError("is required (listing images across jobs is not available yet)", field="job_id")
    job = job_repo.get_job(job_id, workspace_of(request))
    status = params.get("status") or None
    result = ImageModel.by_job.query(
        job.job_id,
        filter_condition=(ImageModel.status == status) if status else None,
        limit=parse_limit(params.get("limit"), default=50, maximum=200),
        last_evaluated_key=decode_cursor(params.get("cursor")),
    )
    items = [image_view(image) for image in result]
    return {"items": items, "next_cursor": encode_cursor(result.last_evaluated_key)}
