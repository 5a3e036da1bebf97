"""Routes under /api/images: the gallery and a job's images, retry, approve, delete (SPEC §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.api.common import date_param, json_body, query, route, workspace_of
from chalicelib.errors import ValidationError

if TYPE_CHECKING:
    from chalicelib.repositories import images as image_repo

bp = Blueprint(__name__)


@route(bp, "/api/images", methods=["GET"])
def list_images() -> dict[str, Any]:
    """The gallery (a whole workspace) or one job's images; `counts` per status for the same filters
    but the status, on a list's first page only (later pages carry `null`): one read of the
    counters without text or dates (see `image_repo.count_images` for those)."""
    from chalicelib.repositories import images as image_repo
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


def image_query(workspace: str, params: dict[str, str]) -> image_repo.ImageQuery:
    """Validated list parameters; dates are days (or times) in the user's zone `tz`, → UTC."""
    from chalicelib import search
    from chalicelib.repositories import images as image_repo
    from chalicelib.repositories import jobs as job_repo
    from chalicelib.repositories.pages import parse_limit

    status = params.get("status") or None
    if status is not None and status not in image_repo.STATUSES:
        raise ValidationError(f"must be one of {', '.join(sorted(image_repo.STATUSES))}", field="status")
    sort = params.get("sort") or None
    if sort is not None and sort not in image_repo.SORTS:
        raise ValidationError(f"must be one of {', '.join(image_repo.SORTS)}", field="sort")
    limit = parse_limit(params.get("limit"), default=50, maximum=200)
    created_from = _date(params, "from", end_of_day=False)
    created_to = _date(params, "to", end_of_day=True)
    if created_from and created_to and created_from > created_to:
        raise ValidationError("must not be before from", field="to")
    text = (params.get("q") or "").strip() or None
    if text is not None:
        search.query_terms(text)  # a 400 naming `q` before any read
    cursor = params.get("cursor") or None
    job_id = params.get("job_id") or None
    if job_id is not None:
        job_id = job_repo.get_job(job_id, workspace).job_id  # another workspace's job is a 404
    return image_repo.ImageQuery(
        status=status,
        job_id=job_id,
        text=text,
        created_from=created_from,
        created_to=created_to,
        sort=sort,
        limit=limit,
        cursor=cursor,
        with_counts=cursor is None,
    )


def _date(params: dict[str, str], name: str, *, end_of_day: bool) -> Any:
    try:
        return date_param(params, name, end_of_day=end_of_day)
    except OverflowError as err:  # year 1 or 9999 shifted out of range by the time zone
        raise ValidationError("is out of range", field=name) from err


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


@route(bp, "/api/images/bulk/delete", methods=["POST"])
def delete_images() -> Response:
    """202: the images, their objects, search postings and counts are deleted in the background;
    follow `deletion` at /api/deletions/{id}."""
    from chalicelib.deletions import deletion_view
    from chalicelib.services import images as image_service

    request = bp.current_request
    deletion = image_service.delete_images(workspace_of(request), json_body(request))
    return Response({"deletion": deletion_view(deletion)}, status_code=202)
