"""Routes under /api/images: the gallery and a job's images, retry, approve, delete (SPEC §6)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.api.common import json_body, query, route, workspace_of

bp = Blueprint(__name__)


@route(bp, "/api/images", methods=["GET"])
def list_images() -> dict[str, Any]:
    """The gallery (a whole workspace) or one job's images; `counts` per status for the same filters
    but the status, on a list's first page only (later pages carry `null`): one read of the
    counters without text or dates (see `image_repo.count_images` for those)."""
    from chalicelib.repositories import images as image_repo
    from chalicelib.selection import image_query
    from chalicelib.views import image_view

    request = bp.current_request
    workspace = workspace_of(request)
    page = image_repo.list_images(workspace, image_query(workspace, query(request)))
    return {
        "items": [image_view(image) for image in page.items],
        "counts": page.counts,
        "counts_exact": page.counts_exact,
        "next_cursor": page.next_cursor,
    }


@route(bp, "/api/images/retry", methods=["POST"])
def retry_images() -> Response:
    from chalicelib.services import images as image_service
    from chalicelib.views import job_summary

    request = bp.current_request
    job = image_service.retry_images(workspace_of(request), json_body(request))
    return Response({"job": job_summary(job)}, status_code=202)


@route(bp, "/api/images/{image_id}/approve", methods=["POST"])
def approve_image(image_id: str) -> dict[str, Any]:
    from chalicelib.services import images as image_service
    from chalicelib.views import image_view

    image = image_service.approve_image(workspace_of(bp.current_request), image_id)
    return {"image": image_view(image)}


@route(bp, "/api/images/{image_id}", methods=["GET"])
def get_image(image_id: str) -> dict[str, Any]:
    """One image with `applied`: the settings actually applied to it (a custom retry's, or its
    job's snapshot), for the image modal's Processing tab."""
    from chalicelib.services import images as image_service
    from chalicelib.views import image_view

    image, applied = image_service.image_detail(workspace_of(bp.current_request), image_id)
    return {"image": image_view(image), "applied": applied}


@route(bp, "/api/images/bulk/preview", methods=["POST"])
def preview_images() -> dict[str, Any]:
    """A dry run of a bulk delete or export by `filter`: how many images it would cover."""
    from chalicelib.services import images as image_service

    request = bp.current_request
    return image_service.preview_images(workspace_of(request), json_body(request))


@route(bp, "/api/images/bulk/delete", methods=["POST"])
def delete_images() -> Response:
    """202: the images (`ids`, or every image matching `filter`), their objects, search postings
    and counts are deleted in the background; follow `deletion` at /api/deletions/{id}."""
    from chalicelib.deletions import deletion_view
    from chalicelib.services import images as image_service

    request = bp.current_request
    deletion = image_service.delete_images(workspace_of(request), json_body(request))
    return Response({"deletion": deletion_view(deletion)}, status_code=202)
